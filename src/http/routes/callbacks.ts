import { z } from 'zod';
import { callbackQueue, decodeCursor, disputedQueue } from '../../domain/callbacks/queries.ts';
import { ValidationError } from '../../domain/errors.ts';
import { route, type AnyRoute } from '../route.ts';

export const callbackRoutes: AnyRoute[] = [
  route({
    method: 'get',
    path: '/api/callbacks/queue',
    summary:
      'Tickets awaiting callback (回访), soonest due first: due at the start of the Asia/Shanghai day CALLBACK_DUE_DAYS after the reply was approved; the callback round (a reopen starts a new one) with its attempts so far and left. Keyset pagination with ?after=<nextCursor>',
    tag: 'callbacks',
    access: ['callback_agent', 'supervisor'],
    query: z
      .object({
        limit: z.coerce.number().int().min(1).max(500).default(100),
        after: z.string().max(80).optional(),
        /** only those already due */
        overdue: z.enum(['true', 'false']).optional(),
      })
      .strict(),
    handler: async ({ deps, actor, query }) => {
      const after = query.after === undefined ? undefined : decodeCursor(query.after);
      if (after === null) throw new ValidationError([{ path: 'query.after', code: 'invalid_format', message: 'use the nextCursor of the previous page' }]);
      return {
        body: await callbackQueue(deps.db, actor, {
          now: deps.clock.now(),
          dueDays: deps.config.CALLBACK_DUE_DAYS,
          maxAttempts: deps.config.CALLBACK_MAX_ATTEMPTS,
          limit: query.limit,
          after,
          overdue: query.overdue === 'true',
        }),
      };
    },
  }),
  route({
    method: 'get',
    path: '/api/callbacks/disputed',
    summary:
      'Disputed callbacks (dissatisfied or unsolved) awaiting a supervisor: reopen (重办) or close with an explanation; with the last callback’s round, attempt and answers',
    tag: 'callbacks',
    access: ['supervisor'],
    query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }).strict(),
    handler: async ({ deps, actor, query }) => ({ body: await disputedQueue(deps.db, actor, { limit: query.limit }) }),
  }),
];
