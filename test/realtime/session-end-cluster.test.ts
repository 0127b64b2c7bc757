/**
 * Across instances: three app instances (Koa + Socket.IO, in this process, each with its own
 * connection pool, event bus and @socket.io/postgres-adapter) on one PostgreSQL database. A sign-out,
 * sign-out everywhere, deactivation or token revocation made through instance A cuts the sockets held by
 * instance B within seconds — B's own re-check is set to 5 minutes and B's bus never hears of the command, so
 * only the adapter's broadcast can do it. Instance C re-checks every 250 ms: it cuts an expired session by
 * itself, with nobody broadcasting anything.
 *
 * It needs PostgreSQL (PGlite has no LISTEN/NOTIFY between processes, so the adapter is PostgreSQL-only): with
 * DATABASE_URL (CI's PostgreSQL pass) it uses a clone of the run's template; without it (the PGlite pass) it
 * starts a throw-away PostgreSQL server of its own (test/setup/postgres.ts), so it runs in both passes and,
 * without the server binaries, fails loudly — it never skips.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { apiTokens, sessions } from '../../db/schema/index.ts';
import { hashToken } from '../../src/domain/auth/tokens.ts';
import { driver } from '../setup/db.ts';
import { makeUser, makeWorld, type World } from '../setup/world.ts';
import { cutWithin, signIn, signOut, socketPool, staysConnected, type SignIn } from './session-sockets.ts';
import { startCluster, type Cluster, type Instance } from './cluster.ts';

let cluster: Cluster;
let a: Instance, b: Instance, c: Instance;
let w: World;
const pool = socketPool();
/** "within seconds": generous for a loaded CI machine, far below B's 5-minute re-check. */
const CUT_MS = 5000;
const latencies: Record<string, number> = {};

beforeAll(async () => {
  cluster = await startCluster();
  const start = (name: string, recheckMs: number) => cluster.start(name, { SOCKET_RECHECK_MS: recheckMs });
  a = await start('a', 300_000);
  b = await start('b', 300_000);
  c = await start('c', 250);
  w = await makeWorld(a.deps.db);
}, 120_000);

afterAll(async () => {
  pool.closeAll();
  await cluster?.close();
  console.log(
    `[realtime] sessions end across instances (${driver === 'postgres' ? 'CI PostgreSQL' : 'own PostgreSQL server'}): ${Object.entries(latencies)
      .map(([k, ms]) => `${k} ${ms} ms`)
      .join(', ')}`,
  );
}, 60_000);

const newHandler = () => makeUser(a.deps.db, 'unit_handler', w.units.streetA);
const sessionId = (s: SignIn) => hashToken(decodeURIComponent(s.cookie.split('=')[1]!));

/** Runs `act` and waits until every socket is cut; records how long the last one took. */
async function timed(label: string, act: () => Promise<unknown>, ...cut: import('socket.io-client').Socket[]) {
  const t0 = Date.now();
  const done = Promise.all(cut.map((s) => cutWithin(s, CUT_MS)));
  await act();
  const reasons = await done;
  latencies[label] = Date.now() - t0;
  expect(reasons.every((r) => r === 'io server disconnect')).toBe(true);
}

describe('access ended on instance A cuts the sockets on instance B', () => {
  it('signing out: this session’s sockets on B end, the same user’s other session stays', async () => {
    const u = await newHandler();
    const one = await signIn(a.api.base, u.username);
    const two = await signIn(b.api.base, u.username);
    const [onB, onA, otherOnB] = await Promise.all([pool.connect(b.api.base, one), pool.connect(a.api.base, one), pool.connect(b.api.base, two)]);
    await timed('sign-out', () => signOut(a.api.base, one), onB, onA);
    await staysConnected(otherOnB);
  });

  it('signing out everywhere: every session’s sockets, on every instance', async () => {
    const u = await newHandler();
    const one = await signIn(a.api.base, u.username);
    const two = await signIn(b.api.base, u.username);
    const sockets = await Promise.all([pool.connect(b.api.base, one), pool.connect(b.api.base, two), pool.connect(c.api.base, two)]);
    const bystander = await pool.connect(b.api.base, { token: w.handlerA.token });
    await timed('sign-out everywhere', () => signOut(a.api.base, one, true), ...sockets);
    await staysConnected(bystander);
  });

  it('deactivation: the user’s session and API-token sockets on B end', async () => {
    const u = await newHandler();
    const one = await signIn(b.api.base, u.username);
    const sockets = await Promise.all([pool.connect(b.api.base, one), pool.connect(b.api.base, { token: u.token })]);
    await timed(
      'deactivation',
      async () => expect((await a.api.call('POST', `/api/admin/users/${u.id}/deactivate`, { token: w.admin.token, body: {} })).status).toBe(200),
      ...sockets,
    );
  });

  it('a revoked API token: its sockets on B end', async () => {
    const u = await newHandler();
    const tok = await pool.connect(b.api.base, { token: u.token });
    const [row] = await a.deps.db.select({ id: apiTokens.id }).from(apiTokens).where(eq(apiTokens.userId, u.id));
    await timed(
      'token revoked',
      async () => expect((await a.api.call('DELETE', `/api/security/tokens/${row!.id}`, { token: w.securityAdmin.token })).status).toBeLessThan(300),
      tok,
    );
  });
});

describe('expiry, which nobody broadcasts', () => {
  it('each instance cuts its own sockets whose session expired, at its next re-check', async () => {
    const u = await newHandler();
    const one = await signIn(a.api.base, u.username);
    const [onC, onB] = await Promise.all([pool.connect(c.api.base, one), pool.connect(b.api.base, one)]);
    await staysConnected(onC, 600); // C re-checked twice meanwhile: the session is live
    await timed(
      'expiry (re-check every 250 ms)',
      () =>
        a.deps.db
          .update(sessions)
          .set({ expiresAt: new Date(a.deps.clock.now().getTime() - 1) })
          .where(eq(sessions.id, sessionId(one))),
      onC,
    );
    // B re-checks only every 5 minutes: its socket goes at its own next re-check (run now), not through C.
    expect(onB.connected).toBe(true);
    expect(await b.api.recheckSockets()).toBeGreaterThanOrEqual(1);
    await cutWithin(onB, 1000);
  });
});
