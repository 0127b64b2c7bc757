/**
 * Sign-in and sessions: failed-login throttling per account-and-address and per address (growing back-off,
 * shared by instances through the database, audited, the same answer for unknown accounts, no lock-out from
 * elsewhere), session expiry.
 * Already proven elsewhere, not repeated here: CSRF on cookie writes, logout and logout-everywhere
 * (test/http/endpoints.test.ts "cookie sessions"), the password policy (test/http/access.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq } from 'drizzle-orm';
import { auditLog, loginFailures } from '../../db/schema/index.ts';
import type { Database } from '../../db/client.ts';
import { freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { startApi, type Api } from '../setup/server.ts';
import { makeWorld, TEST_PASSWORD, type World } from '../setup/world.ts';
import { expectProblem } from '../setup/ticket-flow.ts';

let database: Database;
let deps: TestDeps;
let api: Api;
/** A second app instance on the same database, that does not trust X-Forwarded-For. */
let deps2: TestDeps;
let api2: Api;
let w: World;
let addr = 0;
/** The per-address allowance for this file (the default is 20; fewer keeps the file quick). */
const ADDRESS_FREE = 8;
/** A fresh client address per call unless one is given: keeps the per-address count out of account tests. */
const nextAddr = () => `10.0.${Math.floor(++addr / 250)}.${(addr % 250) + 1}`;

beforeAll(async () => {
  database = await freshDatabase();
  // Idle timeout longer than the lifetime: the expiry test below is about the lifetime (idle: session-policy.test.ts).
  deps = makeDeps(database, { TRUST_PROXY: true, SESSION_TTL_HOURS: 2, SESSION_IDLE_MINUTES: 180, LOGIN_FREE_FAILURES_ADDRESS: ADDRESS_FREE });
  api = await startApi(deps);
  deps2 = makeDeps(database, { TRUST_PROXY: false, LOGIN_FREE_FAILURES_ADDRESS: ADDRESS_FREE });
  deps2.clock = deps.clock; // one shared time, as instances on one server have
  api2 = await startApi(deps2);
  w = await makeWorld(deps.db);
});
afterAll(async () => {
  await api?.close();
  await api2?.close();
  await database?.close();
});

function login(username: string, password: string, from: string = nextAddr(), via: Api = api) {
  return via.call('POST', '/api/auth/login', { body: { username, password }, headers: { 'x-forwarded-for': from } });
}
const WRONG = 'Wrong@Passw0rd';

async function failuresOf(kind: string, key: string) {
  const [row] = await deps.db
    .select()
    .from(loginFailures)
    .where(and(eq(loginFailures.kind, kind), eq(loginFailures.key, key)));
  return row;
}

describe('failed-login throttling per account and address', () => {
  it('after 5 failures from one address the account waits there 1 s, then 2 s, 4 s … (even with the right password), capped at 15 min', async () => {
    const user = w.supervisor.username;
    const from = nextAddr();
    for (let i = 0; i < 5; i++) expectProblem(await login(user, WRONG, from), 401, 'invalid_credentials');

    // Blocked now from that address, whatever the password: 429 with Retry-After and a stable code.
    const blocked = await login(user, TEST_PASSWORD, from);
    expectProblem(blocked, 429, 'login_throttled');
    expect(blocked.headers.get('retry-after')).toBe('1');
    expect(blocked.headers.get('set-cookie')).toBeNull();

    const waits: number[] = [1];
    for (let i = 0; i < 12; i++) {
      deps.clock.advance(waits.at(-1)! * 1000);
      expectProblem(await login(user, WRONG, from), 401, 'invalid_credentials');
      const r = await login(user, TEST_PASSWORD, from);
      expectProblem(r, 429, 'login_throttled');
      waits.push(Number(r.headers.get('retry-after')));
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]);
    expect(blocked.body.detail).toContain('1');

    // Once the wait is over, the right password signs in and the pair's count starts over.
    deps.clock.advance(900_000);
    const ok = await login(user, TEST_PASSWORD, from);
    expect(ok.status).toBe(200);
    expect(await failuresOf('account_address', `${user.toLowerCase()}|${from}`)).toBeUndefined();
    expectProblem(await login(user, WRONG, from), 401, 'invalid_credentials');
    expect((await failuresOf('account_address', `${user.toLowerCase()}|${from}`))!.failures).toBe(1);
  });

  it('failures from address X never hold the same account back at address Y (no lock-out by a stranger)', async () => {
    const user = w.operator.username;
    const attacker = nextAddr();
    for (let i = 0; i < 12; i++) await login(user, WRONG, attacker);
    expectProblem(await login(user, TEST_PASSWORD, attacker), 429, 'login_throttled');
    // The operator at their own desk signs in at once, with no wait.
    const desk = nextAddr();
    const r = await login(user, TEST_PASSWORD, desk);
    expect(r.status).toBe(200);
    expect(r.body.user.username).toBe(user);
    // No key for the account alone exists.
    expect(await failuresOf('account', user.toLowerCase())).toBeUndefined();
    deps.clock.advance(1000);
  });

  it('counts the username case-insensitively', async () => {
    const user = w.callbackAgent.username;
    const from = nextAddr();
    for (let i = 0; i < 5; i++) await login(i % 2 ? user.toUpperCase() : user, WRONG, from);
    expectProblem(await login(user, TEST_PASSWORD, from), 429, 'login_throttled');
    deps.clock.advance(1000);
  });

  it('an unknown username is throttled exactly like a real one (the answer does not tell)', async () => {
    const real = w.clerk.username;
    const ghost = `nobody-${real}`;
    const from = { [real]: nextAddr(), [ghost]: nextAddr() };
    for (const u of [real, ghost]) for (let i = 0; i < 5; i++) expectProblem(await login(u, WRONG, from[u]), 401, 'invalid_credentials');
    const [a, b] = [await login(real, WRONG, from[real]), await login(ghost, WRONG, from[ghost])];
    for (const r of [a, b]) {
      expectProblem(r, 429, 'login_throttled');
      expect(r.headers.get('retry-after')).toBe('1');
    }
    const strip = (x: Record<string, unknown>) => ({ ...x, requestId: undefined });
    expect(strip(a.body)).toEqual(strip(b.body));
    deps.clock.advance(1000);
  });

  it('concurrent failures all count (one atomic upsert each), and instances share the count', async () => {
    const user = w.leaderA.username;
    const from = nextAddr();
    const results = await Promise.all(Array.from({ length: 4 }, () => login(user, WRONG, from)));
    expect(results.map((r) => r.status)).toEqual([401, 401, 401, 401]);
    expect((await failuresOf('account_address', `${user.toLowerCase()}|${from}`))!.failures).toBe(4);
    // Five failures through the other instance (which counts its socket address, 127.0.0.1) block that pair for both instances.
    for (let i = 0; i < 5; i++) await login(user, WRONG, undefined, api2);
    expectProblem(await login(user, TEST_PASSWORD, undefined, api2), 429, 'login_throttled');
    expectProblem(await login(user, WRONG, from), 401, 'invalid_credentials');
    expectProblem(await login(user, TEST_PASSWORD, from), 429, 'login_throttled');
    expectProblem(await login(user, TEST_PASSWORD, '127.0.0.1'), 429, 'login_throttled');
    deps.clock.advance(1000);
    await deps.db.delete(loginFailures).where(eq(loginFailures.kind, 'address'));
  });
});

describe('failed-login throttling per address', () => {
  it('catches one address spraying many accounts: past its allowance even a valid sign-in from it waits', async () => {
    const sprayer = '203.0.113.7';
    for (let i = 0; i < ADDRESS_FREE; i++) expectProblem(await login(`spray-${i}-${w.operator.username}`, WRONG, sprayer), 401, 'invalid_credentials');
    const r = await login(w.operator.username, TEST_PASSWORD, sprayer);
    expectProblem(r, 429, 'login_throttled');
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // The same user from another address is not affected.
    expect((await login(w.operator.username, TEST_PASSWORD)).status).toBe(200);
    // A success does not clear the address's count (one valid account must not launder a spray).
    deps.clock.advance(1000);
    expect((await login(w.operator.username, TEST_PASSWORD, sprayer)).status).toBe(200);
    expectProblem(await login(`spray-x-${w.operator.username}`, WRONG, sprayer), 401, 'invalid_credentials');
    const r2 = await login(w.operator.username, TEST_PASSWORD, sprayer);
    expectProblem(r2, 429, 'login_throttled');
    expect(r2.headers.get('retry-after')).toBe('2');
    deps.clock.advance(2000);
  });

  it('without TRUST_PROXY a forged X-Forwarded-For does not escape the address limit', async () => {
    // api2 does not trust the header: every attempt counts against the socket address 127.0.0.1.
    await deps.db.delete(loginFailures).where(eq(loginFailures.kind, 'address'));
    for (let i = 0; i < ADDRESS_FREE; i++) await login(`forged-${i}`, WRONG, `198.51.100.${i}`, api2);
    expect((await failuresOf('address', '127.0.0.1'))?.failures).toBe(ADDRESS_FREE);
    expectProblem(await login(w.dispatcher.username, TEST_PASSWORD, '198.51.100.99', api2), 429, 'login_throttled');
    await deps.db.delete(loginFailures).where(eq(loginFailures.kind, 'address'));
  });

  it('with TRUST_PROXY the client is the entry our proxy appended, not what the client wrote in front', async () => {
    for (let i = 0; i < ADDRESS_FREE; i++) await login(`hop-${i}`, WRONG, `6.6.6.${i}, 192.0.2.10`);
    expect((await failuresOf('address', '192.0.2.10'))?.failures).toBe(ADDRESS_FREE);
    expect(await failuresOf('address', '6.6.6.0')).toBeUndefined();
    deps.clock.advance(1000);
  });
});

describe('throttling is audited', () => {
  it('records failed and throttled sign-ins with the address, for known and unknown accounts', async () => {
    const user = w.handlerB.username;
    const from = '192.0.2.55';
    for (let i = 0; i < 5; i++) await login(user, WRONG, from);
    await login(user, TEST_PASSWORD, from);
    await login(`ghost-${user}`, WRONG, from);
    const rows = await deps.db.select().from(auditLog).where(eq(auditLog.ip, from)).orderBy(asc(auditLog.id));
    const failed = rows.filter((r) => r.action === 'login_failed');
    expect(failed).toHaveLength(6);
    expect(failed.filter((r) => r.userId === w.handlerB.id)).toHaveLength(5);
    expect(failed.at(-1)).toMatchObject({ userId: null, targetId: `ghost-${user}` });
    expect(failed[4]!.details).toMatchObject({ failures: { account_address: 5 }, blockedUntil: expect.any(String) });
    const throttled = rows.find((r) => r.action === 'login_throttled');
    expect(throttled).toMatchObject({ userId: null, targetId: user, details: { kinds: ['account_address'], retryAfterSeconds: 1 } });
    deps.clock.advance(1000);
  });
});

describe('sessions', () => {
  it('expire after SESSION_TTL_HOURS (401 session_expired), not before', async () => {
    const r = await login(w.dispatcher.username, TEST_PASSWORD);
    expect(r.status).toBe(200);
    const cookie = r.headers
      .getSetCookie()
      .find((c) => c.startsWith('jiesu_session='))!
      .split(';')[0]!;
    deps.clock.advance(2 * 3600_000 - 60_000);
    expect((await api.call('GET', '/api/auth/session', { headers: { cookie } })).status).toBe(200);
    deps.clock.advance(60_000);
    expectProblem(await api.call('GET', '/api/auth/session', { headers: { cookie } }), 401, 'session_expired');
    // …and an expired session cannot write either (401, not a CSRF 403 that would hint the session was live).
    expectProblem(await api.call('POST', '/api/auth/logout', { body: {}, headers: { cookie, 'x-csrf-token': r.body.csrfToken } }), 401, 'session_expired');
  });
});
