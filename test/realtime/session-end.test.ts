/**
 * On one instance (both drivers): a socket lives only as long as the credential it was opened with.
 * Signing out (this session or everywhere), deactivation and a revoked token cut the sockets at once (the
 * broadcast: the periodic re-check is set to 5 minutes here, so only the broadcast can do it in time); expiry
 * and a change nobody broadcast are caught by the re-check (called directly, and once through its timer).
 * Two instances on one PostgreSQL: session-end-cluster.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { apiTokens, sessions, users } from '../../db/schema/index.ts';
import { hashToken } from '../../src/domain/auth/tokens.ts';
import { freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { startApi, type Api } from '../setup/server.ts';
import { makeUser, makeWorld, type World } from '../setup/world.ts';
import { cutWithin, signIn, signOut, socketPool, staysConnected, type SignIn } from './session-sockets.ts';

let database: Database & { url?: string };
let deps: TestDeps;
let api: Api;
let w: World;
const pool = socketPool();
/** The broadcast must do it: far sooner than the re-check would. */
const BROADCAST_MS = 2000;

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

const sessionId = (s: SignIn) => hashToken(decodeURIComponent(s.cookie.split('=')[1]!));
const newHandler = () => makeUser(deps.db, 'unit_handler', w.units.streetA);
const call = (method: string, path: string, token: string) => api.call(method, path, { token, body: method === 'POST' ? {} : undefined });

describe('the broadcast: access ends → sockets cut at once', () => {
  it('signing out ends this session’s sockets only; the socket cannot come back', async () => {
    const u = await newHandler();
    const [one, two] = [await signIn(api.base, u.username), await signIn(api.base, u.username)];
    const [s1, s1b, s2, tok, other] = await Promise.all([
      pool.connect(api.base, one),
      pool.connect(api.base, one),
      pool.connect(api.base, two),
      pool.connect(api.base, { token: u.token }),
      pool.connect(api.base, { token: w.handlerA.token }),
    ]);
    await signOut(api.base, one);
    expect(await cutWithin(s1, BROADCAST_MS)).toBe('io server disconnect');
    expect(await cutWithin(s1b, BROADCAST_MS)).toBe('io server disconnect');
    await staysConnected(s2);
    expect(tok.connected && other.connected).toBe(true);
    await expect(pool.connect(api.base, one)).rejects.toThrow(/unauthenticated/);
  });

  it('signing out everywhere ends every session’s sockets; the user’s API token (not a session) keeps its socket', async () => {
    const u = await newHandler();
    const [one, two] = [await signIn(api.base, u.username), await signIn(api.base, u.username)];
    const [s1, s2, tok] = await Promise.all([pool.connect(api.base, one), pool.connect(api.base, two), pool.connect(api.base, { token: u.token })]);
    await signOut(api.base, two, true);
    await Promise.all([cutWithin(s1, BROADCAST_MS), cutWithin(s2, BROADCAST_MS)]);
    await staysConnected(tok);
    // Signed out everywhere with the token: the sessions end, the token's own socket stays (the token is still valid).
    const three = await signIn(api.base, u.username);
    const s3 = await pool.connect(api.base, three);
    expect((await api.call('POST', '/api/auth/logout', { token: u.token, body: { everywhere: true } })).status).toBe(204);
    await cutWithin(s3, BROADCAST_MS);
    await staysConnected(tok);
  });

  it('deactivation ends every socket of the user, its API token’s too; the user’s colleagues stay', async () => {
    const u = await newHandler();
    const one = await signIn(api.base, u.username);
    const [s1, tok, colleague] = await Promise.all([
      pool.connect(api.base, one),
      pool.connect(api.base, { token: u.token }),
      pool.connect(api.base, { token: w.handlerA.token }),
    ]);
    const r = await call('POST', `/api/admin/users/${u.id}/deactivate`, w.admin.token);
    expect(r.status).toBe(200);
    await Promise.all([cutWithin(s1, BROADCAST_MS), cutWithin(tok, BROADCAST_MS)]);
    await staysConnected(colleague);
    await expect(pool.connect(api.base, { token: u.token })).rejects.toThrow(/unauthenticated/);
  });

  it('revoking an API token ends its sockets; the user’s session stays', async () => {
    const u = await newHandler();
    const one = await signIn(api.base, u.username);
    const [s1, tok] = await Promise.all([pool.connect(api.base, one), pool.connect(api.base, { token: u.token })]);
    const [row] = await deps.db.select({ id: apiTokens.id }).from(apiTokens).where(eq(apiTokens.userId, u.id));
    expect((await api.call('DELETE', `/api/security/tokens/${row!.id}`, { token: w.securityAdmin.token })).status).toBeLessThan(300);
    expect(await cutWithin(tok, BROADCAST_MS)).toBe('io server disconnect');
    await staysConnected(s1);
  });
});

describe('the re-check: what nobody broadcasts', () => {
  it('an expired session or token is cut at the next re-check, a live one is not', async () => {
    const u = await newHandler();
    const [one, two] = [await signIn(api.base, u.username), await signIn(api.base, u.username)];
    const v = await newHandler();
    const [s1, s2, tok, live] = await Promise.all([
      pool.connect(api.base, one),
      pool.connect(api.base, two),
      pool.connect(api.base, { token: v.token }),
      pool.connect(api.base, { token: w.handlerA.token }),
    ]);
    const past = new Date(deps.clock.now().getTime() - 1000);
    await deps.db
      .update(sessions)
      .set({ expiresAt: past })
      .where(eq(sessions.id, sessionId(one)));
    await deps.db.update(apiTokens).set({ expiresAt: past }).where(eq(apiTokens.userId, v.id));
    await staysConnected(s1, 200); // nothing is broadcast on expiry
    expect(await api.recheckSockets()).toBeGreaterThanOrEqual(2);
    await Promise.all([cutWithin(s1, 1000), cutWithin(tok, 1000)]);
    expect(s2.connected && live.connected).toBe(true);
    // Time passing does it too: past SESSION_TTL_HOURS the other session has expired as well.
    const now = deps.clock.now();
    deps.clock.advance(deps.config.SESSION_TTL_HOURS * 3600_000 + 1000);
    try {
      await api.recheckSockets();
      await cutWithin(s2, 1000);
      expect(live.connected).toBe(true);
    } finally {
      deps.clock.set(now);
    }
  });

  it('a revocation or deactivation written without a broadcast is caught all the same', async () => {
    const u = await newHandler();
    const v = await newHandler();
    const one = await signIn(api.base, u.username);
    const [s1, tok] = await Promise.all([pool.connect(api.base, one), pool.connect(api.base, { token: v.token })]);
    await deps.db
      .update(sessions)
      .set({ revokedAt: deps.clock.now() })
      .where(eq(sessions.id, sessionId(one)));
    await deps.db.update(users).set({ active: false }).where(eq(users.id, v.id));
    await staysConnected(s1, 200);
    expect(await api.recheckSockets()).toBeGreaterThanOrEqual(2);
    await Promise.all([cutWithin(s1, 1000), cutWithin(tok, 1000)]);
  });

  it('runs by itself every SOCKET_RECHECK_MS', async () => {
    // A second server on the same database with a short interval (the first one's is 5 minutes).
    const quick = await startApi({ ...deps, config: { ...deps.config, SOCKET_RECHECK_MS: 200 } }, { realtime: true });
    try {
      // It keeps running through ticks with no socket at all, and ticks where every socket is live.
      await new Promise((r) => setTimeout(r, 500));
      const u = await newHandler();
      const one = await signIn(quick.base, u.username);
      const s1 = await pool.connect(quick.base, one);
      await staysConnected(s1, 500);
      await deps.db
        .update(sessions)
        .set({ expiresAt: new Date(deps.clock.now().getTime() - 1) })
        .where(eq(sessions.id, sessionId(one)));
      await cutWithin(s1, 3000);
    } finally {
      await quick.close();
    }
  });
});
