import { z } from 'zod';
import { createOrdinaryUser, setOrdinaryUserActive } from '../../domain/org/accounts.ts';
import { listCategories, listUnits, listUsers } from '../../domain/org/queries.ts';
import { OPERATIONAL_ROLES } from '../../domain/org/roles.ts';
import { ROLES, type Role } from '../../domain/vocab.ts';
import { route, type AnyRoute } from '../route.ts';

const intId = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1);

/** A new account: the system administrator's (any role; the command refuses the administrators') and the security administrator's. */
export const accountBody = (roles: readonly [Role, ...Role[]]) =>
  z
    .object({
      username: z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9._-]{3,64}$/),
      displayName: z.string().trim().min(1).max(50),
      password: z.string().min(1).max(200),
      role: z.enum(roles),
      unitId: intId,
    })
    .strict();

export const adminRoutes: AnyRoute[] = [
  route({
    method: 'get',
    path: '/api/units',
    summary: 'The unit tree (flat, with parent ids and paths)',
    tag: 'catalogue',
    access: [...OPERATIONAL_ROLES, 'security_admin'],
    handler: async ({ deps }) => ({ body: { items: await listUnits(deps) } }),
  }),
  route({
    method: 'get',
    path: '/api/categories',
    summary: 'The category tree (flat, three levels; tickets take a leaf)',
    tag: 'catalogue',
    access: OPERATIONAL_ROLES,
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
    summary: 'Create an account of an ordinary role (password policy applies; the administrators’ accounts are the security administrator’s)',
    tag: 'admin',
    access: ['admin'],
    status: 201,
    body: accountBody(ROLES),
    handler: async ({ deps, actor, body }) => {
      const u = await createOrdinaryUser(deps, actor, body);
      return { status: 201, body: { id: u.id, username: u.username, role: u.role, unitId: u.unitId } };
    },
  }),
  route({
    method: 'post',
    path: '/api/admin/users/:id/deactivate',
    summary: 'Deactivate an ordinary account and end its sessions',
    tag: 'admin',
    access: ['admin'],
    params: z.object({ id: intId }),
    handler: async ({ deps, actor, params }) => {
      const u = await setOrdinaryUserActive(deps, actor, params.id, false);
      return { body: { id: u.id, active: u.active } };
    },
  }),
  route({
    method: 'post',
    path: '/api/admin/users/:id/activate',
    summary: 'Reactivate an ordinary account',
    tag: 'admin',
    access: ['admin'],
    params: z.object({ id: intId }),
    handler: async ({ deps, actor, params }) => {
      const u = await setOrdinaryUserActive(deps, actor, params.id, true);
      return { body: { id: u.id, active: u.active } };
    },
  }),
];
