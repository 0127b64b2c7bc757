/**
 * PostgreSQL killed (-9) under load and restarted, while the app keeps running.
 *
 * Its own throw-away server (it kills it), so this runs in both CI passes and needs the PostgreSQL server
 * binaries: without them it fails loudly. Eight workers create tickets through the API for ~10 s; after ~2.5 s
 * the postmaster and all its backends get SIGKILL, ~2 s later the server is started again (crash recovery).
 * Proven: every ticket answered 201 exists afterwards with its creation event and contact; no ticket anywhere
 * is half-written; every failed request was a clean 503 problem+json with Retry-After (no 500, no hang);
 * /readyz said 503 during the outage and 200 after; the same app process serves intakes again by itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { connect } from '../../db/client.ts';
import { DEMO_PASSWORD } from '../../src/seed/city.ts';
import { loadConfig } from '../../src/config.ts';
import { start } from '../../src/main.ts';
import { startPgServer, type PgServer } from '../setup/postgres.ts';

const WORKERS = 8;
const RUN_MS = 10_000;
const CRASH_AT_MS = 2_500;
const DOWN_MS = 2_000;
const HANG_MS = 10_000;
/** Keep the load going this long after the server is back (a slow restart must not end the run first). */
const AFTER_MS = 3_000;

type Outcome = {
  status: number | 'timeout' | 'network';
  ms: number;
  code?: string;
  type?: string;
  retryAfter?: string | null;
  id?: number;
  number?: string;
  at: number;
};

let pg: PgServer;
let app: Awaited<ReturnType<typeof start>>;
let base: string;

beforeAll(async () => {
  pg = startPgServer({ port: process.env.FAULT_PG_PORT_CRASH ? Number(process.env.FAULT_PG_PORT_CRASH) : undefined });
  app = await start(
    loadConfig({
      DATABASE_URL: pg.url,
      PORT: '0',
      HOST: '127.0.0.1',
      SEED_DEMO: 'true',
      DEMO_HISTORY_DAYS: '0',
      JOBS: 'true',
      LOG_LEVEL: process.env.FAULT_LOG_LEVEL ?? 'silent',
      DATA_DIR: '/nonexistent',
    }),
  );
  base = `http://127.0.0.1:${app.port}`;
}, 90_000);

afterAll(async () => {
  try {
    // Graceful stop after the outage must finish promptly too (it would hang on a lost pool client).
    const stopped = await Promise.race([app?.stop().then(() => 'stopped'), sleep(15_000).then(() => 'hung')]);
    expect(stopped, 'the app stops after the outage').toBe('stopped');
  } finally {
    pg?.stop();
  }
}, 30_000);

async function json(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(base + path, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(HANG_MS),
  });
  const text = await res.text();
  return { res, body: text ? JSON.parse(text) : null };
}

describe('PostgreSQL killed -9 and restarted under load', () => {
  it('loses no acknowledged ticket, half-writes none, fails cleanly with 503 and recovers by itself', async () => {
    const login = await json('POST', '/api/auth/login', { username: 'operator1', password: DEMO_PASSWORD });
    expect(login.res.status).toBe(200);
    const cookie = login.res.headers
      .getSetCookie()
      .find((c) => c.startsWith('jiesu_session='))!
      .split(';')[0]!;
    const auth = { cookie, 'x-csrf-token': login.body.csrfToken as string };
    const cats = await json('GET', '/api/categories', undefined, auth);
    const leaf = (cats.body.items as { id: number; level: number }[]).find((c) => c.level === 3)?.id;
    expect(leaf, 'a leaf category in the demo catalogue').toBeDefined();

    const t0 = Date.now();
    const outcomes: Outcome[] = [];
    const readyz: { at: number; status: number }[] = [];
    let seq = 0;
    let restartedAt: number | null = null;
    const running = () => {
      const t = Date.now() - t0;
      return t < 30_000 && (t < RUN_MS || restartedAt === null || t < restartedAt + AFTER_MS);
    };

    const worker = async (n: number) => {
      while (running()) {
        const i = ++seq;
        const started = Date.now();
        const o: Outcome = { status: 'network', ms: 0, at: started - t0 };
        try {
          const r = await json(
            'POST',
            '/api/tickets',
            {
              type: 'complaint',
              categoryId: leaf,
              content: `压力测试工单 ${n}-${i}：小区门口夜间施工噪音扰民，请尽快处理`,
              address: '东城区东华街道幸福里3号',
              caller: { name: '测试', phone: `1380000${String(i).padStart(4, '0')}` },
            },
            auth,
          );
          o.status = r.res.status;
          o.type = r.res.headers.get('content-type') ?? undefined;
          o.retryAfter = r.res.headers.get('retry-after');
          o.code = r.body?.code;
          if (r.res.status === 201) Object.assign(o, { id: r.body.id, number: r.body.number });
        } catch (err) {
          o.status = (err as Error).name === 'TimeoutError' ? 'timeout' : 'network';
        }
        o.ms = Date.now() - started;
        outcomes.push(o);
        // A failing request answers at once; pace the retries a little, as a real client would.
        if (o.status !== 201) await sleep(50);
      }
    };
    const prober = async () => {
      while (running()) {
        const r = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(HANG_MS) }).catch(() => null);
        readyz.push({ at: Date.now() - t0, status: r?.status ?? 0 });
        await sleep(200);
      }
    };
    const chaos = async () => {
      await sleep(CRASH_AT_MS);
      const killed = pg.crash();
      expect(killed.length).toBeGreaterThan(1); // the postmaster and its backends
      await sleep(DOWN_MS);
      await pg.restart();
      restartedAt = Date.now() - t0;
    };
    await Promise.all([chaos(), prober(), ...Array.from({ length: WORKERS }, (_, n) => worker(n))]);

    // Recovery without touching the app: ready again, and an intake goes through.
    let ready = 0;
    for (let i = 0; i < 50 && ready !== 200; i++) {
      ready = (await fetch(`${base}/readyz`)).status;
      if (ready !== 200) await sleep(200);
    }
    const after = await json(
      'POST',
      '/api/tickets',
      {
        type: 'complaint',
        categoryId: leaf,
        content: '重启后的工单：路灯不亮已经一周，请尽快维修',
        address: '东城区东华街道幸福里3号',
        caller: { phone: '13800009999' },
      },
      auth,
    );

    // ---- what the clients saw, and what the database holds
    const created = outcomes.filter((o) => o.status === 201);
    const failed = outcomes.filter((o) => o.status !== 201);
    const s503 = failed.filter((o) => o.status === 503);
    const db: Database = await connect({ url: pg.url, max: 1 });
    let found: { id: number; number: string; created: number; contacts: number }[];
    let halfWritten: number;
    let inDatabase: number;
    try {
      found = await db.query(
        `select t.id::int as id, t.number,
                (select count(*)::int from ticket_events e where e.ticket_id = t.id and e.type = 'ticket_created') as created,
                (select count(*)::int from contacts c where c.ticket_id = t.id) as contacts
           from tickets t where t.id = any($1::bigint[])`,
        [created.map((o) => o.id!)],
      );
      // Half-written: a ticket without its creation event or contact, or past dispatch without an assignment.
      [{ n: halfWritten }] = (await db.query<{ n: number }>(
        `select count(*)::int as n from tickets t
          where not exists (select 1 from ticket_events e where e.ticket_id = t.id and e.type = 'ticket_created')
             or not exists (select 1 from contacts c where c.ticket_id = t.id)
             or (t.status not in ('awaiting_dispatch', 'closed') and not exists (select 1 from assignments a where a.ticket_id = t.id))`,
      )) as [{ n: number }];
      [{ n: inDatabase }] = (await db.query<{ n: number }>(`select count(*)::int as n from tickets where content like '压力测试工单%'`)) as [{ n: number }];
    } finally {
      await db.close();
    }
    const figures = {
      sent: outcomes.length,
      answered201: created.length,
      answered503: s503.length,
      otherFailures: failed.length - s503.length,
      found201Afterwards: found.length,
      ticketsInDatabase: inDatabase,
      committedWithout201: inDatabase - found.length,
      slowestMs: Math.max(...outcomes.map((o) => o.ms)),
      crashAtMs: CRASH_AT_MS,
      restartedAtMs: restartedAt,
      readyz503: readyz.filter((r) => r.status === 503).length,
    };
    console.log(`[crash test] ${JSON.stringify(figures)}`);

    expect(ready, '/readyz is 200 again after the restart').toBe(200);
    expect(after.res.status, 'the same app process takes intakes again').toBe(201);
    expect(created.length, 'tickets were created before and after the outage').toBeGreaterThan(WORKERS);
    expect(
      created.some((o) => o.at > restartedAt!),
      'intakes succeeded after the restart, during the load',
    ).toBe(true);
    expect(s503.length, 'some requests met the outage').toBeGreaterThan(0);
    const unclean = failed.filter(
      (o) => !(o.status === 503 && o.code === 'database_unavailable' && o.retryAfter && o.type?.startsWith('application/problem+json')),
    );
    expect(unclean, 'every failure is a 503 problem+json with Retry-After (no 500s, no hangs)').toEqual([]);
    expect(figures.slowestMs).toBeLessThan(HANG_MS);
    expect(
      readyz.some((r) => r.status === 503 && r.at > CRASH_AT_MS && r.at < restartedAt!),
      '/readyz reports the outage',
    ).toBe(true);
    expect(
      readyz.some((r) => r.at < CRASH_AT_MS && r.status === 200),
      '/readyz was 200 before the crash',
    ).toBe(true);
    const byId = new Map(found.map((f) => [f.id, f]));
    expect(
      created.filter((o) => byId.get(o.id!)?.number !== o.number),
      'every 201 ticket exists with its number',
    ).toEqual([]);
    expect(
      found.filter((f) => f.created !== 1 || f.contacts < 1),
      'each with one creation event and its contact',
    ).toEqual([]);
    expect(halfWritten, 'no half-written ticket').toBe(0);
  }, 120_000);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
