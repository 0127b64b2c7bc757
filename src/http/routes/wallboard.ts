import { z } from 'zod';
import { overdueBoard } from '../../domain/sla/overdue-board.ts';
import { route, type AnyRoute } from '../route.ts';

/** What the supervisors' wallboard (督办大屏) reads besides the ticket list and the metrics. */
export const wallboardRoutes: AnyRoute[] = [
  route({
    method: 'get',
    path: '/api/sla/overdue',
    summary:
      'Open overdue tickets, worst first (supervision level, then the longest overrun): each with the unit whose clock ran out, which clock, since when and by how many minutes',
    tag: 'sla',
    access: ['supervisor', 'dispatcher', 'admin'],
    query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(100) }),
    handler: async ({ deps, actor, query }) => ({ body: await overdueBoard(deps.db, actor, deps.clock.now(), query.limit) }),
  }),
];
