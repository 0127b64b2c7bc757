import { z } from 'zod';
import { CENTRE_CLOCKS } from '../../domain/centre/clocks.ts';
import { centreWaiting } from '../../domain/centre/queries.ts';
import { DEFAULT_THRESHOLDS } from '../../domain/sla/clocks.ts';
import { route, type AnyRoute } from '../route.ts';

export const centreRoutes: AnyRoute[] = [
  route({
    method: 'get',
    path: '/api/centre/waiting',
    summary:
      "What waits for the centre now, per clock (dispatch, reply / return / extension / termination review, callback): how many items, how many at each warning level against the clock's limit (yellow at 75 %, red at 90 %, overdue past it), and the oldest items with when they started waiting and their warning instants",
    tag: 'centre',
    access: ['dispatcher', 'callback_agent', 'supervisor', 'admin'],
    query: z
      .object({
        /** only this clock */
        clock: z.enum(CENTRE_CLOCKS).optional(),
        /** oldest items listed per clock */
        limit: z.coerce.number().int().min(0).max(500).default(50),
      })
      .strict(),
    handler: async ({ deps, query }) => {
      const now = deps.clock.now();
      const clocks = await centreWaiting(deps.db, deps.config, now, { limit: query.limit, clocks: query.clock ? [query.clock] : undefined });
      return { body: { now: now.toISOString(), thresholds: DEFAULT_THRESHOLDS, clocks } };
    },
  }),
];
