import { z } from 'zod';
import { openSystemAlerts, resolveSystemAlert } from '../../domain/alerts.ts';
import { route, type AnyRoute } from '../route.ts';

const intId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** System alerts: things supervisors must act on that belong to no single ticket (calendar coverage…). */
export const alertRoutes: AnyRoute[] = [
  route({
    method: 'get',
    path: '/api/alerts',
    summary: 'Open system alerts (calendar coverage ending, deadlines the calendar could not compute), newest first',
    tag: 'alerts',
    access: ['supervisor', 'admin', 'dispatcher'],
    query: z.object({ kind: z.string().max(64).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
    handler: async ({ deps, query }) => ({ body: { items: await openSystemAlerts(deps.db, query) } }),
  }),
  route({
    method: 'post',
    path: '/api/alerts/:id/resolve',
    summary: 'Mark a system alert dealt with (resolving again keeps the first resolution)',
    tag: 'alerts',
    access: ['supervisor', 'admin'],
    params: z.object({ id: intId }),
    handler: async ({ deps, actor, params }) => ({ body: await resolveSystemAlert(deps, actor, params.id) }),
  }),
];
