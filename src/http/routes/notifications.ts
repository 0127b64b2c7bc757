import { z } from 'zod';
import { AUDIENCES, NOTIFICATION_STATUSES, listNotifications } from '../../domain/notifications/queries.ts';
import { TEMPLATE_KEYS, listTemplates, updateTemplate } from '../../domain/notifications/templates.ts';
import { route, type AnyRoute } from '../route.ts';

const bigId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const notificationRoutes: AnyRoute[] = [
  route({
    method: 'get',
    path: '/api/admin/notifications',
    summary: 'The SMS outbox, newest first: what was (or, with the recording gateway, would have been) sent',
    tag: 'admin',
    access: ['admin'],
    query: z.object({
      status: z.enum(NOTIFICATION_STATUSES).optional(),
      audience: z.enum(AUDIENCES).optional(),
      ticketId: bigId.optional(),
      before: bigId.optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    handler: async ({ deps, query }) => {
      const items = await listNotifications(deps.db, query);
      return { body: { items, nextBefore: items.length === query.limit ? items.at(-1)!.id : null } };
    },
  }),
  route({
    method: 'get',
    path: '/api/admin/templates',
    summary: 'SMS templates: current body, default body and the placeholders each may use',
    tag: 'admin',
    access: ['admin'],
    handler: async ({ deps }) => ({ body: { items: await listTemplates(deps.db) } }),
  }),
  route({
    method: 'put',
    path: '/api/admin/templates/:key',
    summary: 'Edit an SMS template (placeholders must be known for it; audited); later messages use it',
    tag: 'admin',
    access: ['admin'],
    params: z.object({ key: z.string().regex(/^[a-z_]{1,64}$/) }),
    body: z.object({ body: z.string().trim().min(1).max(500) }).strict(),
    responseDescription: `The template as now in force. Keys: ${TEMPLATE_KEYS.join(', ')}`,
    handler: async ({ deps, actor, params, body }) => ({ body: await updateTemplate(deps, actor, params.key, body.body) }),
  }),
];
