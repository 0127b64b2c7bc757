import { z } from 'zod';
import { and, asc, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import { apiTokens, auditLog, categories, units, users } from '../../../db/schema/index.ts';
import { createUser, issueToken, revokeToken, setUserActive } from '../../domain/auth/commands.ts';
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
    handler: async ({ deps }) => ({
      body: {
        items: await deps.db
          .select({ id: units.id, code: units.code, name: units.name, kind: units.kind, parentId: units.parentId, path: units.path, active: units.active })
          .from(units)
          .orderBy(asc(units.path)),
      },
    }),
  }),
  route({
    method: 'get',
    path: '/api/categories',
    summary: 'The category tree (flat, three levels; tickets take a leaf)',
    tag: 'catalogue',
    access: 'authenticated',
    handler: async ({ deps }) => ({
      body: {
        items: await deps.db
          .select({
            id: categories.id,
            code: categories.code,
            name: categories.name,
            parentId: categories.parentId,
            level: categories.level,
            public: categories.public,
          })
          .from(categories)
          .where(eq(categories.active, true))
          .orderBy(asc(categories.code)),
      },
    }),
  }),
  route({
    method: 'get',
    path: '/api/admin/users',
    summary: 'List user accounts',
    tag: 'admin',
    access: ['admin'],
    handler: async ({ deps }) => ({
      body: {
        items: await deps.db
          .select({ id: users.id, username: users.username, displayName: users.displayName, role: users.role, unitId: users.unitId, active: users.active })
          .from(users)
          .orderBy(asc(users.id)),
      },
    }),
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
    handler: async ({ deps }) => ({
      body: {
        items: await deps.db
          .select({
            id: apiTokens.id,
            name: apiTokens.name,
            prefix: apiTokens.prefix,
            userId: apiTokens.userId,
            createdAt: apiTokens.createdAt,
            lastUsedAt: apiTokens.lastUsedAt,
            revokedAt: apiTokens.revokedAt,
          })
          .from(apiTokens)
          .orderBy(asc(apiTokens.id)),
      },
    }),
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
    handler: async ({ deps, query }) => {
      const where: SQL[] = [];
      if (query.action) where.push(eq(auditLog.action, query.action));
      if (query.userId) where.push(eq(auditLog.userId, query.userId));
      if (query.targetType) where.push(eq(auditLog.targetType, query.targetType));
      if (query.targetId) where.push(eq(auditLog.targetId, query.targetId));
      if (query.ip) where.push(eq(auditLog.ip, query.ip));
      if (query.from) where.push(gte(auditLog.at, new Date(query.from)));
      if (query.to) where.push(lt(auditLog.at, new Date(query.to)));
      if (query.before) where.push(lt(auditLog.id, query.before));
      const items = await deps.db
        .select()
        .from(auditLog)
        .where(where.length ? and(...where) : undefined)
        .orderBy(desc(auditLog.id))
        .limit(query.limit);
      return { body: { items } };
    },
  }),
];
