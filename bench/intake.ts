/**
 * Intake: tickets created per second through the whole API (bearer auth, zod validation, the
 * Idempotency-Key replay check, reference checks, street finding from coordinates, the ticket, contact,
 * event and SMS-receipt rows, auto-dispatch with its SLA deadlines and marks in a second transaction,
 * publish to realtime, the presenter) against a bare Koa route doing one ticket-shaped INSERT with
 * postgres.js — both servers in a child process on the same database, the load generator in this one.
 * The product runs twice, each time on a fresh seeded database: with callers' names and numbers encrypted
 * (SM4 + HMAC-SM3, blind indexes — its figure) and with the keyring's benchmark-only passthrough (BENCH_PII=off:
 * the same code writing plaintext), so the cost of encryption is one ratio measured in one run.
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
import { TEST_KEYS } from '../src/domain/privacy/keyring.ts';

/** CPU milliseconds per created ticket during the measured load: the server process, and (PostgreSQL) its database backends. */
export type CpuPerTicket = { serverMs: number; databaseMs: number | null };
type Measured = LoadResult & { rssMB: number; warmupOk: number; cpu: CpuPerTicket };

export type IntakeFigures = {
  connections: number;
  seconds: number;
  app: Measured;
  bare: Measured;
  ratio: number;
  /**
   * The same-work baseline: a bare route writing exactly the rows an auto-dispatched intake writes (one statement,
   * one transaction: bench/servers/same-work.ts), on a fresh seeded database of its own — the physical limit of that
   * work on this machine. Product ÷ same-work is the honest ratio; the one-INSERT route stays as a second reference.
   */
  sameWork: Measured & { rows: number; check: boolean };
  sameWorkRatio: number;
  /** The same product with callers' data passed through unencrypted (BENCH_PII=off): encrypted ÷ plain tickets/s */
  encryption: { plain: Measured; ratio: number; p99Ratio: number; rounds: { on: number; off: number }[] };
  check: { ticketsCreated: number; expected: number; autoDispatched: number; sealed: number; ok: boolean };
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

type Target = { driver: 'postgres'; server: PgServer } | { driver: 'pglite' };
type Prepared = {
  env: Record<string, string>;
  query: <T>(text: string) => Promise<T[]>;
  close: () => Promise<void>;
  backends: () => Promise<number[]>;
};

/** A freshly migrated and seeded database of its own (each server under test starts from the same state). */
async function prepare(target: Target, name: string): Promise<Prepared> {
  if (target.driver === 'postgres') {
    const url = await freshSeededDb(target.server, name);
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    return {
      env: { DATABASE_URL: url },
      query: async <T>(text: string) => (await sql.unsafe(text)) as unknown as T[],
      close: () => sql.end(),
      // The server children's connections (not this one's), when the database server runs on this machine.
      backends: async () =>
        (await sql`select pid from pg_stat_activity where datname = ${name} and pid <> pg_backend_pid()`)
          .map((r) => Number(r.pid))
          .filter((pid) => fs.existsSync(`/proc/${pid}`)),
    };
  }
  // PGlite: one process per data folder, so the folder is prepared here, closed, then opened by each child in turn.
  const dataDir = path.join(DATA_DIR, `pglite-${name}`);
  fs.rmSync(dataDir, { recursive: true, force: true });
  const database = await connect({ dataDir });
  await migrate(database);
  await seedDemo(database.db);
  await database.close();
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: '' },
    query: async <T>(text: string) => {
      const d = await connect({ dataDir });
      try {
        return await d.query<T>(text);
      } finally {
        await d.close();
      }
    },
    close: async () => {},
    backends: async () => [],
  };
}

/** Rounds as one: tickets/s over all their measured seconds, latencies and memory their medians, counts summed. */
function pooled(ms: Measured[]): Measured {
  const sum = (f: (m: Measured) => number) => ms.reduce((a, m) => a + f(m), 0);
  const median = (f: (m: Measured) => number) => {
    const v = ms.map(f).sort((a, b) => a - b);
    return v[Math.floor((v.length - 1) / 2)]!;
  };
  const ok = sum((m) => m.ok);
  return {
    rps: round(ok / sum((m) => m.seconds), 1),
    p50: median((m) => m.p50),
    p99: median((m) => m.p99),
    max: Math.max(...ms.map((m) => m.max)),
    requests: sum((m) => m.requests),
    ok,
    non2xx: sum((m) => m.non2xx),
    errors: sum((m) => m.errors),
    timeouts: sum((m) => m.timeouts),
    seconds: round(
      sum((m) => m.seconds),
      2,
    ),
    warmupOk: sum((m) => m.warmupOk),
    rssMB: median((m) => m.rssMB),
    cpu: { serverMs: median((m) => m.cpu.serverMs), databaseMs: ms[0]!.cpu.databaseMs === null ? null : median((m) => m.cpu.databaseMs ?? 0) },
  };
}

export async function benchIntake(target: Target, o: { connections: number; seconds: number; rounds?: number }): Promise<IntakeFigures> {
  const run = String(Date.now());
  // The product with callers' data encrypted (its figure), and the same product with the cryptography passed
  // through (BENCH_PII=off, the baseline of the encryption ratio), each on a fresh database of its own.
  const db = await prepare(target, 'bench_intake');
  const plainDb = await prepare(target, 'bench_intake_plain');
  const [cat] = await db.query<{ ids: number[] }>(`select array_agg(id order by id) as ids from categories where auto_dispatch`);
  const ids = cat!.ids;
  const body = requestBody(ids, run);

  // The one-INSERT reference, on a database of its own (same seed, same ids): its rows hold numbers in plain text,
  // which the product would take for rows from before encryption — and deleting them afterwards took minutes
  // (every deleted ticket checks the tickets that could reference it: merged_into_ticket_id has no index).
  const bareDb = await prepare(target, 'bench_intake_bare');
  const bare = await startChild(target.driver === 'postgres' ? 'bare-server.ts' : 'bare-pglite-server.ts', { ...bareDb.env, BARE_CATEGORY_ID: String(ids[0]) });
  const bareLoad = await measure(bare, '/tickets', body, undefined, o, bareDb.backends);
  const bareRss = await bare.rss();
  await bare.stop();
  await bareDb.close();

  // The same work done bare: every row an auto-dispatched intake writes, on a database of its own.
  const sameDb = await prepare(target, 'bench_intake_same');
  const same = await startChild(target.driver === 'postgres' ? 'bare-same-server.ts' : 'bare-same-pglite-server.ts', sameDb.env);
  const sameLoad = await measure(same, '/tickets', body, (i) => ({ 'idempotency-key': `same-${run}-${i}` }), o, sameDb.backends);
  const sameRss = await same.rss();
  await same.stop();
  const [sc] = await sameDb.query<{ n: string; a: string; e: string; u: string; m: string }>(
    `select (select count(*) from tickets where number like 'S%') as n, (select count(*) from assignments) as a,
       (select count(*) from ticket_events) as e, (select count(*) from user_notifications) as u, (select count(*) from metrics_queue) as m`,
  );
  await sameDb.close();
  const sameRows = Number(sc!.n);
  const sameExpected = sameLoad.ok + sameLoad.warmupOk;

  const product = async (on: Prepared, pii: 'on' | 'off', k: number): Promise<Measured> => {
    const app = await startChild('app-server.ts', { ...on.env, JIESU_KEYS: JSON.stringify(TEST_KEYS), BENCH_PII: pii }, 120_000);
    const load = await measure(
      app,
      '/api/tickets',
      body,
      (i) => ({ authorization: `Bearer ${DEMO_API_TOKEN}`, 'idempotency-key': `bench-${run}-${pii}-${k}-${i}` }),
      o,
      on.backends,
    );
    const rss = await app.rss();
    await app.stop();
    return { ...load, rssMB: round(rss / 2 ** 20, 0) };
  };
  // Encrypted and plain in turn, round after round, so a drift of the machine's load falls on both alike.
  const rounds: { on: Measured; off: Measured }[] = [];
  for (let k = 0; k < (o.rounds ?? 1); k++) rounds.push({ on: await product(db, 'on', k), off: await product(plainDb, 'off', k) });
  const appLoad = pooled(rounds.map((r) => r.on));
  const plainLoad = pooled(rounds.map((r) => r.off));

  // Every 201 is one ticket; none lost, none doubled (warm-up included); and none with a caller in plain text.
  const [c] = await db.query<{ n: string; d: string; sealed: string }>(
    `select count(*) as n, count(*) filter (where dispatched_at is not null) as d, count(*) filter (where caller_phone like 'sm4:%' and caller_phone_index is not null) as sealed
     from tickets where created_by = (select id from users where username = 'portal')`,
  );
  const [p] = await plainDb.query<{ sealed: string }>(`select count(*) filter (where caller_phone like 'sm4:%') as sealed from tickets`);
  await db.close();
  await plainDb.close();
  const appTotal = Number(c!.n);
  const expected = appLoad.ok + appLoad.warmupOk;
  const slack = 2 * o.connections * rounds.length;
  return {
    connections: o.connections,
    seconds: o.seconds,
    app: appLoad,
    bare: { ...bareLoad, rssMB: round(bareRss / 2 ** 20, 0) },
    ratio: round(appLoad.rps / bareLoad.rps),
    sameWork: {
      ...sameLoad,
      rssMB: round(sameRss / 2 ** 20, 0),
      rows: sameRows,
      // one ticket per 201 (in-flight ones at the stop aside), each with its assignment and two events
      check:
        sameRows >= sameExpected &&
        sameRows <= sameExpected + 2 * o.connections &&
        Number(sc!.a) === sameRows &&
        Number(sc!.e) === 2 * sameRows &&
        sameLoad.non2xx === 0,
    },
    sameWorkRatio: round(appLoad.rps / sameLoad.rps),
    encryption: {
      plain: plainLoad,
      ratio: round(appLoad.rps / plainLoad.rps, 3),
      p99Ratio: round(appLoad.p99 / Math.max(plainLoad.p99, 0.1), 2),
      rounds: rounds.map((r) => ({ on: r.on.rps, off: r.off.rps })),
    },
    // Requests still in flight when the load stops complete on the server after autocannon stopped counting:
    // at most one per connection per phase (warm-up and measured run).
    check: {
      ticketsCreated: appTotal,
      expected,
      autoDispatched: Number(c!.d),
      sealed: Number(c!.sealed),
      ok:
        appTotal >= expected &&
        appTotal <= expected + slack &&
        Number(c!.d) >= expected &&
        Number(c!.sealed) === appTotal &&
        Number(p!.sealed) === 0 &&
        appLoad.non2xx === 0 &&
        sameRows >= sameExpected &&
        sameLoad.non2xx === 0 &&
        appLoad.errors === 0 &&
        plainLoad.non2xx === 0,
    },
  };
}
