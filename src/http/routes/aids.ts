import { callerHistory, duplicateHints } from '../../domain/tickets/aids.ts';
import { callerHistoryQuery, hintsQuery } from '../../domain/tickets/inputs.ts';
import { route, type AnyRoute } from '../route.ts';

const INTAKE_DESK = ['operator', 'window_clerk', 'dispatcher', 'supervisor'] as const;
/** Intake aids: what the desk sees of a caller's past and of likely duplicates while a call is taken. */
export const aidRoutes: AnyRoute[] = [
  route({
    method: 'get',
    path: '/api/intake/caller-history',
    summary: "A caller's tickets by phone number, open ones first (audited)",
    tag: 'intake',
    access: [...INTAKE_DESK],
    query: callerHistoryQuery,
    handler: async ({ deps, actor, query }) => ({ body: { items: await callerHistory(deps.db, actor, query.phone, query.limit) } }),
  }),
  route({
    method: 'get',
    path: '/api/intake/duplicates',
    summary:
      'Duplicate hints: open or recent tickets with the same phone, the same category near the same address, or (given the demand text) the same matter from any caller',
    tag: 'intake',
    access: [...INTAKE_DESK],
    query: hintsQuery,
    handler: async ({ deps, actor, query }) => ({
      body: {
        windowDays: deps.config.DUPLICATE_WINDOW_DAYS,
        items: await duplicateHints(deps.db, actor, query, deps.clock.now(), deps.config.DUPLICATE_WINDOW_DAYS),
      },
    }),
  }),
];
