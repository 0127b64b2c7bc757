import { z } from 'zod';
import { queryAudit } from '../../domain/audit.ts';
import { createUser, issueToken, revokeToken, setUserActive } from '../../domain/auth/commands.ts';
import { listCategories, listTokens, listUnits, listUsers } from '../../domain/org/queries.ts';
import { ROLES } from '../../domain/vocab.ts';
import { route, type AnyRoute } from '../route.ts';

const intId = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1);

export const adminRoutes: AnyRoute[] = [
  route({
    method: 'get',
    path: '/api/units',
    summary: 'The unit tree (flat, with parent ids and paths)',
    tag: 'catalogue',
    access: 'authenticated',
    handler: async ({ deps }) => ({ body: { items: await listUnits(deps) } }),
  }),
  route({
    method: 'get',
    path: '/api/categories',
    summary: 'The category tree (flat, three levels; tickets take a leaf)',
    tag: 'catalogue',
    access: 'authenticated',
    handler: async ({ deps }) => ({ body: { items: await listCategories(deps) } }),
  }),
  route({
    method: 'get',
    path: '/api/admin/users',
    summary: 'List user accounts',
    tag: 'admin',
    access: ['admin'],
    handler: async ({ deps }) => ({ body: { items: await listUsers(deps) } }),
  }),
  route({
    method: 'post',
    path: '/api/admin/users',
    summary: 'Create a user account (password policy applies)',
    tag: 'admin',
    access: ['admin'],
    status: 201,
    body: z
      .object({
        username: z
          .string()
          .trim()
          .regex(/^[A-Za-z0-9._-]{3,64}$/),
        displayName: z.string().trim().min(1).max(50),
        password: z.string().min(1).max(200),
        role: z.enum(ROLES),
        unitId: intId,
      })
      .strict(),
    handler: async ({ deps, actor, body }) => {
      const u = await createUser(deps, actor, body);
      return { status: 201, body: { id: u.id, username: u.username, role: u.role, unitId: u.unitId } };
    },
  }),
  route({
    method: 'post',
    path: '/api/admin/users/:id/deactivate',
    summary: 'Deactivate an account and end its sessions',
    tag: 'admin',
    access: ['admin'],
    params: z.object({ id: intId }),
    handler: async ({ deps, actor, params }) => {
      const u = await setUserActive(deps, actor, params.id, false);
      return { body: { id: u.id, active: u.active } };
    },
  }),
  route({
    method: 'post',
    path: '/api/admin/users/:id/activate',
    summary: 'Reactivate an account',
    tag: 'admin',
    access: ['admin'],
    params: z.object({ id: intId }),
    handler: async ({ deps, actor, params }) => {
      const u = await setUserActive(deps, actor, params.id, true);
      return { body: { id: u.id, active: u.active } };
    },
  }),
  route({
    method: 'get',
    path: '/api/admin/tokens',
    summary: 'List API tokens (never the token itself)',
    tag: 'admin',
    access: ['admin'],
    handler: async ({ deps }) => ({ body: { items: await listTokens(deps) } }),
  }),
  route({
    method: 'post',
    path: '/api/admin/tokens',
    summary: 'Issue a bearer token for an API client; the token is shown once',
    tag: 'admin',
    access: ['admin'],
    status: 201,
    body: z.object({ userId: intId, name: z.string().trim().min(2).max(100), expiresAt: z.iso.datetime({ offset: true }).optional() }).strict(),
    handler: async ({ deps, actor, body }) => ({ status: 201, body: await issueToken(deps, actor, body) }),
  }),
  route({
    method: 'delete',
    path: '/api/admin/tokens/:id',
    summary: 'Revoke an API token',
    tag: 'admin',
    access: ['admin'],
    params: z.object({ id: intId }),
    handler: async ({ deps, actor, params }) => {
      await revokeToken(deps, actor, params.id);
    },
  }),
  route({
    method: 'get',
    path: '/api/admin/audit',
    summary: 'Query the audit log (append-only), newest first',
    tag: 'admin',
    access: ['admin'],
    query: z.object({
      action: z.string().max(64).optional(),
      userId: intId.optional(),
      targetType: z.string().max(64).optional(),
      targetId: z.string().max(64).optional(),
      /** client address, exact */
      ip: z.string().max(64).optional(),
      /** time range [from, to) */
      from: z.iso.datetime({ offset: true }).optional(),
      to: z.iso.datetime({ offset: true }).optional(),
      before: z.coerce.number().int().positive().optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    handler: async ({ deps, query }) => ({ body: { items: await queryAudit(deps.db, query) } }),
  }),
];
