/**
 * The password and session policy through the API, on both drivers: length and character classes from the
 * configuration, no reuse of the last PASSWORD_HISTORY, expiry after PASSWORD_MAX_AGE_DAYS, a forced change after
 * an administrator creates the account or resets its password and for a demo account outside demo mode (the
 * session restricted to /api/auth and /api/account until then); failed attempts seen by the owner and by the
 * security administrator; the idle timeout ending the session and its sockets. Fixed clock throughout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, passwordHistory, sessions, users } from '../../db/schema/index.ts';
import type { Database } from '../../db/client.ts';
import { resetPassword } from '../../src/domain/auth/password-policy.ts';
import { freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { startApi, type Api } from '../setup/server.ts';
import { makeUser, makeWorld, TEST_PASSWORD, type World } from '../setup/world.ts';
import { expectProblem } from '../setup/ticket-flow.ts';
import { cutWithin, socketPool, staysConnected } from '../realtime/session-sockets.ts';

let database: Database & { url?: string };
let deps: TestDeps;
let api: Api;
/** The same database as a demo instance (SEED_DEMO) would run it. */
let demoApi: Api;
let w: World;
const pool = socketPool();
const POLICY = { PASSWORD_MIN_LENGTH: 12, PASSWORD_MIN_CLASSES: 4, PASSWORD_HISTORY: 3, PASSWORD_MAX_AGE_DAYS: 90, SESSION_IDLE_MINUTES: 30 };

beforeAll(async () => {
  database = await freshDatabase();
  deps = makeDeps(database, { ...POLICY, TRUST_PROXY: true, SOCKET_RECHECK_MS: 300_000, ...(database.url ? { DATABASE_URL: database.url } : {}) });
  api = await startApi(deps, { realtime: true });
  const demoDeps = makeDeps(database, { ...POLICY, SEED_DEMO: true });
  demoDeps.clock = deps.clock;
  demoApi = await startApi(demoDeps);
  w = await makeWorld(deps.db);
});
afterAll(async () => {
  pool.closeAll();
  await api?.close();
  await demoApi?.close();
  await database?.close();
});

type Cookie = { cookie: string; csrf: string };
const login = (username: string, password: string, from = '198.51.100.1', via = api) =>
  via.call('POST', '/api/auth/login', { body: { username, password }, headers: { 'x-forwarded-for': from } });
async function session(username: string, password: string, via = api): Promise<Cookie> {
  const r = await login(username, password, '198.51.100.1', via);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  const cookie = r.headers
    .getSetCookie()
    .find((c) => c.startsWith('jiesu_session='))!
    .split(';')[0]!;
  return { cookie, csrf: r.body.csrfToken };
}
const as = (s: Cookie, method: string, path: string, body?: unknown, via = api) =>
  via.call(method, path, { headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, body: body ?? (method === 'GET' ? undefined : {}) });
const change = (s: Cookie, current: string, next: string) => as(s, 'POST', '/api/account/password', { current, next });

describe('password policy', () => {
  it('an account an administrator created must change its password first; the new one meets the configured policy', async () => {
    const created = await api.call('POST', '/api/admin/users', {
      token: w.admin.token,
      body: { username: `new-${Date.now()}`, displayName: '新同事', password: 'Initial#Pass12', role: 'operator', unitId: w.units.centre.id },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const s = await session(created.body.username, 'Initial#Pass12');
    expect((await as(s, 'GET', '/api/auth/session')).body.restrictions).toEqual(['password_change_required']);
    expectProblem(await as(s, 'GET', '/api/tickets?limit=1'), 403, 'password_change_required');
    // … and its socket may not follow a ticket (it is in its own rooms alone: test/unit/rooms.test.ts)
    const sock = await pool.connect(api.base, s);
    expect(await sock.timeout(2000).emitWithAck('ticket:subscribe', 1)).toEqual({ ok: false, code: 'password_change_required' });
    sock.disconnect();
    expect((await as(s, 'GET', '/api/account')).body.password).toMatchObject({ mustChange: 'reset', policy: { minLength: 12, minClasses: 4, history: 3 } });

    const short = await change(s, 'Initial#Pass12', 'Sh0rt#pw');
    expectProblem(short, 400, 'password_policy');
    expect(short.body.issues[0]).toMatchObject({ path: 'body.next', code: 'too_short' });
    const simple = await change(s, 'Initial#Pass12', 'NoSymbolsHere123');
    expect(simple.body.issues[0]).toMatchObject({ code: 'too_simple' });
    expect((await change(s, 'Initial#Pass12', 'Initial#Pass12')).body.issues[0]).toMatchObject({ code: 'reused' });
    expectProblem(await change(s, 'Wrong#Current12', 'Brand#New#Pass1'), 422, 'current_password_incorrect');
    expect((await change(s, 'Initial#Pass12', 'Brand#New#Pass1')).status).toBe(204);
    expect((await as(s, 'GET', '/api/tickets?limit=1')).status).toBe(200);
    expect((await as(s, 'GET', '/api/auth/session')).body.restrictions).toEqual([]);
    expect(await deps.db.select().from(passwordHistory).where(eq(passwordHistory.userId, created.body.id))).toHaveLength(1);
  });

  it('refuses the last PASSWORD_HISTORY passwords (the current one included), allows an older one', async () => {
    const u = await makeUser(deps.db, 'dispatcher', w.units.centre);
    const s = await session(u.username, TEST_PASSWORD);
    const pw = ['First#Password1', 'Second#Password2', 'Third#Password3'];
    let current = TEST_PASSWORD;
    for (const next of pw) {
      expect((await change(s, current, next)).status).toBe(204);
      current = next;
    }
    // The last three: Third (current), Second, First.
    for (const old of pw) expect((await change(s, current, old)).body.issues?.[0]?.code).toBe('reused');
    // The one before them is old enough.
    expect((await change(s, current, TEST_PASSWORD)).status).toBe(204);
  });

  it('a password expires after PASSWORD_MAX_AGE_DAYS: the session is restricted until it changes', async () => {
    const u = await makeUser(deps.db, 'callback_agent', w.units.centre);
    await deps.db.update(users).set({ passwordChangedAt: deps.clock.now() }).where(eq(users.id, u.id));
    const s = await session(u.username, TEST_PASSWORD);
    expect((await as(s, 'GET', '/api/account')).body.password.expiresAt).toBe(new Date(deps.clock.now().getTime() + 90 * 86_400_000).toISOString());
    expect((await as(s, 'GET', '/api/tickets?limit=1')).status).toBe(200);
    await deps.db
      .update(users)
      .set({ passwordChangedAt: new Date(deps.clock.now().getTime() - 91 * 86_400_000) })
      .where(eq(users.id, u.id));
    expectProblem(await as(s, 'GET', '/api/tickets?limit=1'), 403, 'password_change_required');
    expect((await as(s, 'GET', '/api/account')).body.password.mustChange).toBe('expired');
    expect((await change(s, TEST_PASSWORD, 'Renewed#Pass123')).status).toBe(204);
    expect((await as(s, 'GET', '/api/tickets?limit=1')).status).toBe(200);
  });

  it("an administrator's reset: a one-time temporary password, every session ended, a change forced", async () => {
    const u = await makeUser(deps.db, 'operator', w.units.centre);
    const before = await session(u.username, TEST_PASSWORD);
    const { temporaryPassword } = await resetPassword(deps, w.securityAdmin.actor, u.id);
    expect(temporaryPassword).toHaveLength(16);
    expectProblem(await as(before, 'GET', '/api/auth/session'), 401, 'session_expired');
    expect((await login(u.username, TEST_PASSWORD)).status).toBe(401);
    const s = await session(u.username, temporaryPassword);
    expectProblem(await as(s, 'GET', '/api/tickets?limit=1'), 403, 'password_change_required');
    expect((await change(s, temporaryPassword, 'Chosen#ByMe123')).status).toBe(204);
    expect((await as(s, 'GET', '/api/tickets?limit=1')).status).toBe(200);
    const [row] = await deps.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'password_reset'), eq(auditLog.targetId, String(u.id))));
    expect(row).toMatchObject({ userId: w.securityAdmin.id });
    expect(JSON.stringify(row)).not.toContain(temporaryPassword);
  });

  it('a demo account (known password) must change it outside demo mode, not in demo mode', async () => {
    const u = await makeUser(deps.db, 'operator', w.units.centre);
    await deps.db.update(users).set({ isDemo: true }).where(eq(users.id, u.id));
    const demo = await session(u.username, TEST_PASSWORD, demoApi);
    expect((await as(demo, 'GET', '/api/tickets?limit=1', undefined, demoApi)).status).toBe(200);
    expect((await demoApi.call('GET', '/api/auth/demo')).body.accounts).toContainEqual(expect.objectContaining({ username: u.username, secondFactor: false }));
    expect((await api.call('GET', '/api/auth/demo')).body).toEqual({ demo: false });
    const s = await session(u.username, TEST_PASSWORD);
    expectProblem(await as(s, 'GET', '/api/tickets?limit=1'), 403, 'password_change_required');
    expect((await as(s, 'GET', '/api/account')).body.password.mustChange).toBe('demo');
    expect((await change(s, TEST_PASSWORD, 'Not#TheDemo123')).status).toBe(204);
    expect((await as(s, 'GET', '/api/tickets?limit=1')).status).toBe(200);
    // No longer a demo account: the sign-in page no longer offers it.
    expect((await demoApi.call('GET', '/api/auth/demo')).body.accounts.map((a: { username: string }) => a.username)).not.toContain(u.username);
  });
});

describe('failed sign-ins are seen', () => {
  it('by the owner (since the previous sign-in: count, last time, addresses) and by the security administrator (filters)', async () => {
    const u = await makeUser(deps.db, 'operator', w.units.centre);
    expect((await session(u.username, TEST_PASSWORD)).cookie).toBeTruthy();
    for (const from of ['203.0.113.5', '203.0.113.5', '203.0.113.6']) await login(u.username, 'Wrong#Password1', from);
    const s = await session(u.username, TEST_PASSWORD);
    const info = await as(s, 'GET', '/api/auth/session');
    expect(info.body.failedSignIns).toMatchObject({ count: 3, lastAt: expect.any(String) });
    expect([...info.body.failedSignIns.addresses].sort()).toEqual(['203.0.113.5', '203.0.113.6']);
    const activity = (await as(s, 'GET', '/api/account/sign-in-activity')).body.items as { action: string; ip: string }[];
    expect(activity.slice(0, 5).map((a) => a.action)).toEqual(['login', 'login_failed', 'login_failed', 'login_failed', 'login']);
    // A later sign-in starts the count over.
    const next = await session(u.username, TEST_PASSWORD);
    expect((await as(next, 'GET', '/api/auth/session')).body.failedSignIns.count).toBe(0);

    const all = await api.call('GET', `/api/security/login-failures?username=${u.username.toUpperCase()}`, { token: w.securityAdmin.token });
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(3);
    expect(all.body.items[0]).toMatchObject({ action: 'login_failed', username: u.username, userId: u.id, ip: '203.0.113.6' });
    const byIp = await api.call('GET', `/api/security/login-failures?username=${u.username}&ip=203.0.113.5`, { token: w.securityAdmin.token });
    expect(byIp.body.items).toHaveLength(2);
    const since = await api.call('GET', `/api/security/login-failures?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, {
      token: w.securityAdmin.token,
    });
    expect(since.body.items).toHaveLength(0);
    expectProblem(await api.call('GET', '/api/security/login-failures', { token: w.admin.token }), 403, 'forbidden');
  });
});

describe('idle timeout', () => {
  it('a session unused for SESSION_IDLE_MINUTES ends, with its sockets; a request keeps it alive', async () => {
    const u = await makeUser(deps.db, 'unit_handler', w.units.streetA);
    const s = await session(u.username, TEST_PASSWORD);
    const socket = await pool.connect(api.base, s);
    // The stamp is written after the answer (not awaited by the request): wait until it has landed, as the next
    // request, 20 minutes later in real use, would find it.
    const stamped = async () => {
      for (let t = 0; t < 100; t++) {
        const [row] = await deps.db.select({ at: sessions.lastSeenAt }).from(sessions).where(eq(sessions.userId, u.id));
        if (row?.at.getTime() === deps.clock.now().getTime()) return;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error('the session was not stamped with its last use');
    };
    // Used every 20 minutes for an hour: alive (each request stamps its last use).
    for (let i = 0; i < 3; i++) {
      deps.clock.advance(20 * 60_000);
      expect((await as(s, 'GET', '/api/auth/session')).status).toBe(200);
      await stamped();
    }
    expect(await api.recheckSockets()).toBe(0);
    await staysConnected(socket, 100);
    // Then 31 minutes without a request: the session has ended, and the re-check cuts its socket.
    deps.clock.advance(31 * 60_000);
    expect(await api.recheckSockets()).toBeGreaterThanOrEqual(1);
    await cutWithin(socket, 1000);
    expectProblem(await as(s, 'GET', '/api/auth/session'), 401, 'session_expired');
  });
});
