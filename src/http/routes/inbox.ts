import { z } from 'zod';
import { listInbox, markAllRead, markRead, unreadCount } from '../../domain/inbox/queries.ts';
import { idParam } from '../../domain/tickets/inputs.ts';
import type { Role } from '../../domain/vocab.ts';
import { route, type AnyRoute } from '../route.ts';

/** Every person's role: an intake client (a machine's API token) has no notification centre. */
const PEOPLE: Role[] = ['operator', 'window_clerk', 'dispatcher', 'callback_agent', 'supervisor', 'admin', 'unit_handler', 'unit_leader'];
const bigId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** The signed-in user's notification centre (消息中心); /api/admin/notifications is the SMS outbox, not this. */
export const inboxRoutes: AnyRoute[] = [
  route({
    method: 'get',
    path: '/api/inbox',
    summary:
      "The user's own notifications (new dispatch, reopened, review requested or decided, warning level, 督办), newest first, with the ticket's number and title; keyset-paged by ?before=id",
    tag: 'inbox',
    access: PEOPLE,
    query: z
      .object({
        unread: z.enum(['true', 'false']).default('false'),
        before: bigId.optional(),
        limit: z.coerce.number().int().min(1).max(100).default(30),
      })
      .strict(),
    handler: async ({ deps, actor, query }) => ({
      body: await listInbox(deps, actor, { unread: query.unread === 'true', before: query.before, limit: query.limit }),
    }),
  }),
  route({
    method: 'get',
    path: '/api/inbox/unread-count',
    summary: "How many of the user's notifications are unread (the bell's badge)",
    tag: 'inbox',
    access: PEOPLE,
    handler: async ({ deps, actor }) => ({ body: { unread: await unreadCount(deps, actor) } }),
  }),
  route({
    method: 'post',
    path: '/api/inbox/:id/read',
    summary: 'Mark one of the user’s notifications read (idempotent); another user’s is 404 inbox_item_not_found. Answers the unread count',
    tag: 'inbox',
    access: PEOPLE,
    params: idParam,
    handler: async ({ deps, actor, params }) => ({ body: await markRead(deps, actor, params.id) }),
  }),
  route({
    method: 'post',
    path: '/api/inbox/read-all',
    summary: "Mark every unread notification of the user's read; answers how many",
    tag: 'inbox',
    access: PEOPLE,
    handler: async ({ deps, actor }) => ({ body: await markAllRead(deps, actor) }),
  }),
];
