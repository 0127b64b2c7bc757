/**
 * Intake: tickets created per second through the whole API (bearer auth, zod validation, the
 * Idempotency-Key replay check, reference checks, street finding from coordinates, the ticket, contact,
 * event and SMS-receipt rows, auto-dispatch with its SLA deadlines and marks in a second transaction,
 * publish to realtime, the presenter) against a bare Koa route doing one ticket-shaped INSERT with
 * postgres.js — both servers in a child process on the same database, the load generator in this one.
 * With `driver: 'pglite'` the same comparison runs on embedded PGlite (the "embedded" benchmark).
 */
import fs from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { DEMO_API_TOKEN } from '../src/seed/city.ts';
import { connect, migrate } from '../db/client.ts';
import { seedDemo } from '../src/seed/city.ts';
import { freshSeededDb } from './lib/datasets.ts';
import { postLoad, type LoadResult } from './lib/load.ts';
import { startChild, type Child } from './lib/proc.ts';
import { DATA_DIR, type PgServer } from './lib/pg.ts';

/** CPU milliseconds per created ticket during the measured load: the server process, and (PostgreSQL) its database backends. */
export type CpuPerTicket = { serverMs: number; databaseMs: number | null };
type Measured = LoadResult & { rssMB: number; warmupOk: number; cpu: CpuPerTicket };

export type IntakeFigures = {
  connections: number;
  seconds: number;
  app: Measured;
  bare: Measured;
  ratio: number;
  check: { ticketsCreated: number; expected: number; autoDispatched: number; ok: boolean };
};

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

function requestBody(categoryIds: number[], run: string) {
  return (i: number) => ({
    type: 'complaint',
    categoryId: categoryIds[i % categoryIds.length],
    content: `压测诉求 ${run}-${i}：小区门口路灯不亮已经三天，夜间出行不便，请尽快处理。`,
    // Inside the demo city's streets (lat 30.16–30.26, lng 120.10–120.20): routing finds the street.
    lat: 30.16 + ((i * 7919) % 1000) / 10000,
    lng: 120.1 + ((i * 104729) % 1000) / 10000,
    caller: { name: '压测', phone: `139${String((i * 7 + Number(run.slice(-4))) % 100_000_000).padStart(8, '0')}` },
  });
}

/** CPU seconds (user + system) of processes, from /proc (Linux): the database backends a server holds open. */
function procCpuMs(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]); // utime, stime (fields 14, 15)
    } catch {
      // gone: its time is lost to the figure (backends stay open for the whole load)
    }
  }
  return (ticks * 1000) / 100; // USER_HZ
}

async function measure(
  child: Child,
  pathName: string,
  body: (i: number) => unknown,
  headers: ((i: number) => Record<string, string>) | undefined,
  o: { connections: number; seconds: number },
  backends: () => Promise<number[]>,
) {
  const url = `http://127.0.0.1:${child.port}${pathName}`;
  const warm = await postLoad({
    url,
    connections: o.connections,
    seconds: 1,
    body: (i) => body(1_000_000 + i),
    headers: headers && ((i) => headers(1_000_000 + i)),
  });
  const pids = await backends();
  const cpu = async () => (await child.request<{ cpu: NodeJS.CpuUsage }>({ type: 'cpu' }, 'cpu')).cpu;
  const [c0, d0] = [await cpu(), procCpuMs(pids)];
  const load = await postLoad({ url, connections: o.connections, seconds: o.seconds, body, headers });
  const [c1, d1] = [await cpu(), procCpuMs(pids)];
  const per = (ms: number) => round(ms / Math.max(1, load.ok), 2);
  const serverMs = (c1.user - c0.user + c1.system - c0.system) / 1000;
  return { ...load, warmupOk: warm.ok, cpu: { serverMs: per(serverMs), databaseMs: pids.length ? per(d1 - d0) : null } };
}

export async function benchIntake(
  target: { driver: 'postgres'; server: PgServer } | { driver: 'pglite' },
  o: { connections: number; seconds: number },
): Promise<IntakeFigures> {
  const run = String(Date.now());
  let env: Record<string, string>;
  let query: <T>(text: string) => Promise<T[]>;
  let close: () => Promise<void>;
  let backends: () => Promise<number[]> = async () => [];
  let dataDir = '';
  if (target.driver === 'postgres') {
    const url = await freshSeededDb(target.server, 'bench_intake');
    env = { DATABASE_URL: url };
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    query = async <T>(text: string) => (await sql.unsafe(text)) as unknown as T[];
    close = () => sql.end();
    // The server children's connections (not this one's), when the database server runs on this machine.
    backends = async () =>
      (await sql`select pid from pg_stat_activity where datname = 'bench_intake' and pid <> pg_backend_pid()`)
        .map((r) => Number(r.pid))
        .filter((pid) => fs.existsSync(`/proc/${pid}`));
  } else {
    // PGlite: one process per data folder, so the folder is prepared here, closed, then opened by each child in turn.
    dataDir = path.join(DATA_DIR, 'pglite-intake');
    fs.rmSync(dataDir, { recursive: true, force: true });
    const database = await connect({ dataDir });
    await migrate(database);
    await seedDemo(database.db);
    await database.close();
    env = { DATA_DIR: dataDir, DATABASE_URL: '' };
    query = async <T>(text: string) => {
      const d = await connect({ dataDir });
      try {
        return await d.query<T>(text);
      } finally {
        await d.close();
      }
    };
    close = async () => {};
  }
  const [cat] = await query<{ ids: number[] }>(`select array_agg(id order by id) as ids from categories where auto_dispatch`);
  const ids = cat!.ids;
  const body = requestBody(ids, run);

  const bare = await startChild(target.driver === 'postgres' ? 'bare-server.ts' : 'bare-pglite-server.ts', { ...env, BARE_CATEGORY_ID: String(ids[0]) });
  const bareLoad = await measure(bare, '/tickets', body, undefined, o, backends);
  const bareRss = await bare.rss();
  await bare.stop();

  const app = await startChild('app-server.ts', env, 120_000);
  const appLoad = await measure(
    app,
    '/api/tickets',
    body,
    (i) => ({ authorization: `Bearer ${DEMO_API_TOKEN}`, 'idempotency-key': `bench-${run}-${i}` }),
    o,
    backends,
  );
  const appRss = await app.rss();
  await app.stop();

  // Every 201 is one ticket; none lost, none doubled (warm-up included).
  const [c] = await query<{ n: string; d: string }>(
    `select count(*) as n, count(*) filter (where dispatched_at is not null) as d from tickets where created_by = (select id from users where username = 'portal')`,
  );
  await close();
  const appTotal = Number(c!.n);
  const expected = appLoad.ok + appLoad.warmupOk;
  return {
    connections: o.connections,
    seconds: o.seconds,
    app: { ...appLoad, rssMB: round(appRss / 2 ** 20, 0) },
    bare: { ...bareLoad, rssMB: round(bareRss / 2 ** 20, 0) },
    ratio: round(appLoad.rps / bareLoad.rps),
    // Requests still in flight when the load stops complete on the server after autocannon stopped counting:
    // at most one per connection per phase (warm-up and measured run).
    check: {
      ticketsCreated: appTotal,
      expected,
      autoDispatched: Number(c!.d),
      ok: appTotal >= expected && appTotal <= expected + 2 * o.connections && Number(c!.d) >= expected && appLoad.non2xx === 0 && appLoad.errors === 0,
    },
  };
}
