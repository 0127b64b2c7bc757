/**
 * The three separated administrators (三权分立), on both drivers: the system administrator runs the hotline but
 * cannot change roles, reset passwords, issue tokens or read the audit log; the security administrator changes
 * roles, resets passwords, ends sessions (their sockets too) and sees key status, but reads no ticket, figure or
 * audit row; the audit administrator reads the audit log and nothing else. Each administrator's action is in the
 * audit log with the acting role.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { users } from '../../db/schema/index.ts';
import { apiRoutes } from '../../src/http/routes/index.ts';
import { hashToken } from '../../src/domain/auth/tokens.ts';
import { TEST_KEYS } from '../../src/domain/privacy/keyring.ts';
import type { Role } from '../../src/domain/vocab.ts';
import { freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { startApi, type Api } from '../setup/server.ts';
import { callBody, makeUser, makeWorld, TEST_PASSWORD, type TestUser, type World } from '../setup/world.ts';
import { cutWithin, signIn, socketPool, staysConnected } from '../realtime/session-sockets.ts';
import { fillPath } from './fixtures.ts';

let database: Database & { url?: string };
let deps: TestDeps;
let api: Api;
let w: World;
const pool = socketPool();

beforeAll(async () => {
  database = await freshDatabase();
  deps = makeDeps(database, { SOCKET_RECHECK_MS: 300_000, ...(database.url ? { DATABASE_URL: database.url } : {}) });
  api = await startApi(deps, { realtime: true });
  w = await makeWorld(deps.db);
});
afterAll(async () => {
  pool.closeAll();
  await api?.close();
  await database?.close();
});

const as = (u: TestUser, method: string, path: string, body?: unknown) =>
  api.call(method, path, { token: u.token, body: body ?? (method === 'GET' || method === 'DELETE' ? undefined : {}) });

async function expectRefused(u: TestUser, method: string, path: string, status: number, code: string | RegExp, body?: unknown) {
  const r = await as(u, method, path, body);
  expect(r.status, `${u.role} ${method} ${path} → ${JSON.stringify(r.body)}`).toBe(status);
  expect(r.body.code).toMatch(code);
}

/** The newest audit row of an action on a target, as the audit administrator reads it. */
async function audited(action: string, targetId: number | string) {
  const r = await as(w.auditAdmin, 'GET', `/api/audit?action=${action}&targetId=${targetId}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(r.body.items.length, `${action} on ${targetId} audited`).toBeGreaterThan(0);
  return r.body.items[0] as { role: Role; userId: number; action: string; details: Record<string, unknown> };
}

const login = (username: string, password: string) =>
  fetch(`${api.base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });

describe('the system administrator', () => {
  it('cannot change roles, reset passwords, issue tokens or read the audit log', async () => {
    const u = await makeUser(deps.db, 'operator', w.units.centre);
    await expectRefused(w.admin, 'POST', `/api/security/users/${u.id}/role`, 403, /^forbidden$/, { role: 'dispatcher' });
    await expectRefused(w.admin, 'POST', `/api/security/users/${u.id}/password-reset`, 403, /^forbidden$/);
    await expectRefused(w.admin, 'POST', '/api/security/tokens', 403, /^forbidden$/, { userId: w.portal.id, name: '系统管理员的令牌' });
    await expectRefused(w.admin, 'GET', '/api/security/sessions', 403, /^forbidden$/);
    await expectRefused(w.admin, 'GET', '/api/audit', 403, /^forbidden$/);
    const [row] = await deps.db.select({ role: users.role }).from(users).where(eq(users.id, u.id));
    expect(row!.role).toBe('operator');
  });

  it('manages ordinary accounts, never one of the three administrators’', async () => {
    const body = (role: Role) => ({ username: `sys-${role}-${Date.now()}`, displayName: '新账号', password: TEST_PASSWORD, role, unitId: w.units.centre.id });
    const created = await as(w.admin, 'POST', '/api/admin/users', body('operator'));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await audited('user_created', created.body.id)).role).toBe('admin');
    expect((await as(w.admin, 'POST', `/api/admin/users/${created.body.id}/deactivate`)).status).toBe(200);
    expect((await audited('user_deactivated', created.body.id)).role).toBe('admin');
    for (const role of ['admin', 'security_admin', 'audit_admin'] as Role[]) {
      await expectRefused(w.admin, 'POST', '/api/admin/users', 403, /^administrator_account_forbidden$/, body(role));
    }
    for (const target of [w.securityAdmin, w.auditAdmin]) {
      await expectRefused(w.admin, 'POST', `/api/admin/users/${target.id}/deactivate`, 403, /^administrator_account_forbidden$/);
    }
    // still runs the hotline: its settings and its figures
    expect((await as(w.admin, 'GET', '/api/routing/rules')).status).toBe(200);
    expect((await as(w.admin, 'GET', '/api/admin/users')).status).toBe(200);
  });
});

describe('the security administrator', () => {
  it('reads no ticket, no unit figures and no audit row', async () => {
    const t = await as(w.operator, 'POST', '/api/tickets', callBody(w.category.id));
    expect(t.status).toBe(201);
    for (const path of [
      '/api/tickets?limit=10',
      `/api/tickets/${t.body.id}`,
      `/api/metrics?unitId=${w.units.streetA.id}&period=month`,
      '/api/audit',
      '/api/sla/overdue',
    ]) {
      await expectRefused(w.securityAdmin, 'GET', path, 403, /^forbidden$/);
    }
  });

  it('changes a role (granting an administrator role too), never its own, never the last of an administrator role', async () => {
    const u = await makeUser(deps.db, 'operator', w.units.centre);
    const r = await as(w.securityAdmin, 'POST', `/api/security/users/${u.id}/role`, { role: 'dispatcher' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.role).toBe('dispatcher');
    const row = await audited('user_role_changed', u.id);
    expect(row).toMatchObject({ role: 'security_admin', userId: w.securityAdmin.id, details: { from: 'operator', to: 'dispatcher' } });
    // to a handling unit's role: with a unit of that kind
    await expectRefused(w.securityAdmin, 'POST', `/api/security/users/${u.id}/role`, 422, /^role_unit_mismatch$/, { role: 'unit_handler' });
    const moved = await as(w.securityAdmin, 'POST', `/api/security/users/${u.id}/role`, { role: 'unit_handler', unitId: w.units.streetA.id });
    expect(moved.body).toMatchObject({ role: 'unit_handler', unitId: w.units.streetA.id });

    await expectRefused(w.securityAdmin, 'POST', `/api/security/users/${w.securityAdmin.id}/role`, 403, /^own_account_forbidden$/, { role: 'operator' });
    // the world's only audit administrator stays one
    await expectRefused(w.securityAdmin, 'POST', `/api/security/users/${w.auditAdmin.id}/role`, 409, /^last_administrator$/, { role: 'operator' });
    // a second one (an administrator's account: the security administrator creates it), then the first may go
    const second = await as(w.securityAdmin, 'POST', '/api/security/users', {
      username: `auditor-${Date.now()}`,
      displayName: '第二审计管理员',
      password: TEST_PASSWORD,
      role: 'audit_admin',
      unitId: w.units.centre.id,
    });
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    expect((await audited('user_created', second.body.id)).role).toBe('security_admin');
    const granted = await as(w.securityAdmin, 'POST', `/api/security/users/${second.body.id}/role`, { role: 'security_admin' });
    expect(granted.status, JSON.stringify(granted.body)).toBe(200);
    // granted the security administrator's role, it is no longer an auditor: one role an account
    await expectRefused(w.securityAdmin, 'POST', `/api/security/users/${w.auditAdmin.id}/role`, 409, /^last_administrator$/, { role: 'operator' });
    await expectRefused(w.securityAdmin, 'POST', '/api/security/users', 400, /^validation_failed$/, {
      username: `clerk-${Date.now()}`,
      displayName: '窗口',
      password: TEST_PASSWORD,
      role: 'window_clerk',
      unitId: w.units.centre.id,
    });
  });

  it('resets a password: the temporary one signs in, the old one no longer does; its own is refused', async () => {
    const u = await makeUser(deps.db, 'dispatcher', w.units.centre);
    const r = await as(w.securityAdmin, 'POST', `/api/security/users/${u.id}/password-reset`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.temporaryPassword).toEqual(expect.any(String));
    expect((await login(u.username, TEST_PASSWORD)).status).toBe(401);
    expect((await login(u.username, r.body.temporaryPassword)).status).toBe(200);
    expect((await audited('password_reset', u.id)).role).toBe('security_admin');
    await expectRefused(w.securityAdmin, 'POST', `/api/security/users/${w.securityAdmin.id}/password-reset`, 403, /^own_account_forbidden$/);
  });

  it('sees live sessions and revokes one: its socket is cut at once, the user’s other session stays', async () => {
    const u = await makeUser(deps.db, 'unit_handler', w.units.streetA);
    const [one, two] = [await signIn(api.base, u.username), await signIn(api.base, u.username)];
    const [s1, s2] = await Promise.all([pool.connect(api.base, one), pool.connect(api.base, two)]);
    const list = await as(w.securityAdmin, 'GET', '/api/security/sessions');
    expect(list.status).toBe(200);
    const mine = list.body.items.filter((s: { userId: number }) => s.userId === u.id);
    expect(mine).toHaveLength(2);
    expect(mine[0]).toMatchObject({ username: u.username, role: 'unit_handler', ip: expect.any(String), userAgent: expect.any(String) });
    const cookie = decodeURIComponent(one.cookie.split('=')[1]!);
    expect(JSON.stringify(list.body)).not.toContain(cookie);
    const id = hashToken(cookie);
    expect(mine.map((s: { id: string }) => s.id)).toContain(id);

    const revoked = await as(w.securityAdmin, 'POST', `/api/security/sessions/${id}/revoke`);
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    expect(await cutWithin(s1, 2000)).toBe('io server disconnect');
    await staysConnected(s2);
    await expect(pool.connect(api.base, one)).rejects.toThrow(/unauthenticated/);
    const after = await as(w.securityAdmin, 'GET', '/api/security/sessions');
    expect(after.body.items.map((s: { id: string }) => s.id)).not.toContain(id);
    await expectRefused(w.securityAdmin, 'POST', `/api/security/sessions/${id}/revoke`, 404, /^session_not_found$/);
    const row = await audited('session_revoked', u.id);
    expect(row).toMatchObject({ role: 'security_admin', details: { session: id.slice(0, 12) } });
  });

  it('issues and revokes API tokens', async () => {
    const issued = await as(w.securityAdmin, 'POST', '/api/security/tokens', { userId: w.portal.id, name: '网上诉求平台（新）' });
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    expect((await audited('token_issued', issued.body.id)).role).toBe('security_admin');
    expect((await as(w.securityAdmin, 'DELETE', `/api/security/tokens/${issued.body.id}`)).status).toBe(204);
    expect((await audited('token_revoked', issued.body.id)).role).toBe('security_admin');
  });

  it('sees key status — the active key, the ids held, values under each id and legacy plaintext — never key material', async () => {
    await as(w.operator, 'POST', '/api/tickets', callBody(w.category.id, { caller: { name: '密钥测试', phone: '13900001111' } }));
    const r = await as(w.securityAdmin, 'GET', '/api/security/keys');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.activeKeyId).toBe(TEST_KEYS.active);
    expect(r.body.keyIds.sort()).toEqual(Object.keys(TEST_KEYS.data).sort());
    const phones = r.body.columns.find((c: { column: string }) => c.column === 'tickets.caller_phone');
    expect(phones.byKey[TEST_KEYS.active]).toBeGreaterThan(0);
    expect(phones.legacy).toBe(0);
    expect(r.body.missingKeyIds).toEqual([]);
    const text = JSON.stringify(r.body);
    for (const secret of [...Object.values(TEST_KEYS.data), TEST_KEYS.index, TEST_KEYS.audit]) expect(text).not.toContain(secret);
  });
});

describe('what the security and audit administrators reach', () => {
  it('the audit administrator reads the audit log and nothing else', async () => {
    expect((await as(w.auditAdmin, 'GET', '/api/audit')).status).toBe(200);
    // Every route is either the audit log's, the person's own sign-in and account, or closed to it.
    const own = /^\/api\/(audit|auth|account)(\/|$)/;
    const open = apiRoutes.filter((r) => r.access !== 'public' && !own.test(r.path) && (r.access === 'authenticated' || r.access.includes('audit_admin')));
    expect(open.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    // and answered so: a sample through HTTP
    for (const path of [
      '/api/tickets?limit=10',
      '/api/admin/users',
      '/api/units',
      '/api/security/users',
      `/api/metrics?unitId=${w.units.centre.id}&period=month`,
    ]) {
      await expectRefused(w.auditAdmin, 'GET', path, 403, /^forbidden$/);
    }
  });

  it('their sockets get no ticket event and may not follow a ticket', async () => {
    const [sec, aud, staff] = await Promise.all([
      pool.connect(api.base, { token: w.securityAdmin.token }),
      pool.connect(api.base, { token: w.auditAdmin.token }),
      pool.connect(api.base, { token: w.dispatcher.token }),
    ]);
    const got = new Map([sec, aud, staff].map((s) => [s, [] as string[]]));
    for (const [s, events] of got) s.on('ticket:event', (e: { type: string }) => events.push(e.type));
    const t = await as(w.operator, 'POST', '/api/tickets', callBody(w.category.id));
    for (const s of [sec, aud]) {
      const ack = await new Promise<{ ok: boolean; code?: string }>((r) => s.emit('ticket:subscribe', t.body.id, r));
      expect(ack).toEqual({ ok: false, code: 'ticket_not_found' });
    }
    await as(w.dispatcher, 'POST', `/api/tickets/${t.body.id}/dispatch`, { version: t.body.version, leadUnitId: w.units.streetA.id });
    await expect.poll(() => got.get(staff)!.length, { timeout: 3000 }).toBeGreaterThan(0);
    expect(got.get(sec)).toEqual([]);
    expect(got.get(aud)).toEqual([]);
  });

  it('the security administrator reaches only its own routes, callers’ data requests (PIPL), the unit tree and its own account', async () => {
    const own = /^\/api\/(security|privacy|auth|account)(\/|$)|^\/api\/units$/;
    const open = apiRoutes.filter((r) => r.access !== 'public' && !own.test(r.path) && (r.access === 'authenticated' || r.access.includes('security_admin')));
    expect(open.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    // and no one else reaches the security administrator's routes
    for (const r of apiRoutes.filter((x) => x.path.startsWith('/api/security/'))) {
      expect(r.access, `${r.method} ${r.path}`).toEqual(['security_admin']);
      const path = fillPath(r.path, { id: 1 });
      await expectRefused(w.admin, r.method.toUpperCase(), path, 403, /^forbidden$/);
    }
  });
});
