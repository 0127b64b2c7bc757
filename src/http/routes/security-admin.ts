import { z } from 'zod';
import { issueToken, revokeToken } from '../../domain/auth/commands.ts';
import { listAccounts, listTokens } from '../../domain/org/queries.ts';
import { changeRole, createAdministrator, listLiveSessions, resetUserPassword, revokeSession } from '../../domain/security/admin.ts';
import { keyStatus } from '../../domain/security/keys.ts';
import { ADMIN_ROLES, ROLES, type Role } from '../../domain/vocab.ts';
import { route, type AnyRoute } from '../route.ts';
import { accountBody } from './admin.ts';

/** The security administrator (安全管理员): roles, passwords, administrator accounts, sessions, API tokens, keys. */
const SECURITY: Role[] = ['security_admin'];

const intId = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1);
const userParams = z.object({ id: intId });

export const securityAdminRoutes: AnyRoute[] = [
  route({
    method: 'get',
    path: '/api/security/users',
    summary: 'Every account with its role, status, second factor and last sign-in',
    tag: 'security',
    access: SECURITY,
    handler: async ({ deps }) => ({ body: { items: await listAccounts(deps) } }),
  }),
  route({
    method: 'post',
    path: '/api/security/users',
    summary: 'Create an account of one of the three administrator roles (password policy applies)',
    tag: 'security',
    access: SECURITY,
    status: 201,
    body: accountBody(ADMIN_ROLES as [Role, ...Role[]]),
    handler: async ({ deps, actor, body }) => {
      const u = await createAdministrator(deps, actor, body);
      return { status: 201, body: { id: u.id, username: u.username, role: u.role, unitId: u.unitId } };
    },
  }),
  route({
    method: 'post',
    path: '/api/security/users/:id/role',
    summary: 'Change an account’s role (one role an account: nobody holds two administrator roles); its sessions end',
    tag: 'security',
    access: SECURITY,
    params: userParams,
    body: z.object({ role: z.enum(ROLES), unitId: intId.optional() }).strict(),
    handler: async ({ deps, actor, params, body }) => {
      const u = await changeRole(deps, actor, params.id, body);
      return { body: { id: u.id, username: u.username, role: u.role, unitId: u.unitId } };
    },
  }),
  route({
    method: 'post',
    path: '/api/security/users/:id/password-reset',
    summary: 'Reset an account’s password to a temporary one, shown once; a change is forced at the next sign-in',
    tag: 'security',
    access: SECURITY,
    params: userParams,
    handler: async ({ deps, actor, params }) => ({ body: await resetUserPassword(deps, actor, params.id) }),
  }),
  route({
    method: 'get',
    path: '/api/security/sessions',
    summary: 'Live sessions: user, role, address, browser, created, last seen (ids are the cookies’ SHA-256)',
    tag: 'security',
    access: SECURITY,
    handler: async ({ deps, actor }) => ({ body: { items: await listLiveSessions(deps, actor) } }),
  }),
  route({
    method: 'post',
    path: '/api/security/sessions/:id/revoke',
    summary: 'End a session and disconnect its sockets',
    tag: 'security',
    access: SECURITY,
    params: z.object({ id: z.string().regex(/^[0-9a-f]{64}$/) }),
    handler: async ({ deps, actor, params }) => ({ body: await revokeSession(deps, actor, params.id) }),
  }),
  route({
    method: 'get',
    path: '/api/security/tokens',
    summary: 'List API tokens (never the token itself)',
    tag: 'security',
    access: SECURITY,
    handler: async ({ deps }) => ({ body: { items: await listTokens(deps) } }),
  }),
  route({
    method: 'post',
    path: '/api/security/tokens',
    summary: 'Issue a bearer token for an API client; the token is shown once',
    tag: 'security',
    access: SECURITY,
    status: 201,
    body: z.object({ userId: intId, name: z.string().trim().min(2).max(100), expiresAt: z.iso.datetime({ offset: true }).optional() }).strict(),
    handler: async ({ deps, actor, body }) => ({ status: 201, body: await issueToken(deps, actor, body) }),
  }),
  route({
    method: 'delete',
    path: '/api/security/tokens/:id',
    summary: 'Revoke an API token and disconnect its sockets',
    tag: 'security',
    access: SECURITY,
    params: z.object({ id: intId }),
    handler: async ({ deps, actor, params }) => {
      await revokeToken(deps, actor, params.id);
    },
  }),
  route({
    method: 'get',
    path: '/api/security/keys',
    summary: 'Data keys: the active key id, the ids held, stored values under each id and legacy plaintext (never key material)',
    tag: 'security',
    access: SECURITY,
    handler: async ({ deps }) => ({ body: await keyStatus(deps) }),
  }),
];
