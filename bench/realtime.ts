/**
 * Realtime: one ticket event to N connected socket.io clients (websocket transport) in a separate server
 * process; per-client receive latency, where it goes, and the server's memory at N sockets.
 *
 * jiesu: bench/servers/realtime-server.ts — the real attachRealtime (bearer-token handshake against the
 * database, rooms from the actor, the postgres adapter). N users with their own API tokens, spread as the
 * product places them: 30 % centre staff (dispatchers, callback agents, supervisors → room 'staff'), 30 %
 * handlers of the district and 40 % of the street the ticket is assigned to (→ their unit rooms). Each round
 * the child records one real event on that ticket (inTransaction → record → publish after commit → emit to
 * staff, the ticket's units and its creator), so every client should receive it exactly once.
 * Baseline, same run: bench/servers/bare-io-server.ts — a bare socket.io server doing io.emit.
 *
 * The clients live in BENCH_RT_WORKERS (default 2, one per core) child processes (lib/realtime-clients.ts),
 * not in the bench process, so that reading N frames is not one serialized event loop; both servers are
 * measured the same way. Each process's clock (performance.timeOrigin + performance.now()) is mapped onto the
 * bench's by its offset over IPC (the reply with the shortest round trip of 20). Warm-up rounds first (not
 * counted), then `rounds` rounds, one at a time, 150 ms apart.
 *
 * Latency: from the moment the bench process sends the trigger (IPC) to the moment each client's handler
 * runs; for jiesu it includes the event's transaction. p50/p99 over clients × rounds. Its parts, per round,
 * from the servers' probe (servers/rt-probe.ts): IPC → trigger handled, trigger → publish (jiesu: the event's
 * transaction; bare: nothing), publish → first frame written (the room lookup and encoding; it used to hold
 * the postgres adapter's NOTIFY round trip, awaited before any local write), first → last frame written (the
 * fan-out), last frame → last client handler (the receiving side); the server's GC pauses and CPU time in the
 * round.
 */
import postgres from 'postgres';
import { hashToken, newToken } from '../src/domain/auth/tokens.ts';
import { freshSeededDb } from './lib/datasets.ts';
import { dbExists, type PgServer } from './lib/pg.ts';
import { startChild, type Child } from './lib/proc.ts';
import { stats, type Timing } from './lib/stats.ts';
import type { ServerRound } from './servers/rt-probe.ts';

type P = { p50: number; p99: number };
export type RealtimeSide = {
  /** trigger (IPC sent) → client handler */
  p50: number;
  p99: number;
  /** publish in the server (after commit, just before the emit) → client handler: the realtime layer alone */
  fromPublish: P;
  /** the first frame of the event written by the server → client handler: the fan-out and the reading */
  fromFirstWrite: P;
  max: number;
  /** the slowest client of each round, trigger → handler: p50 over rounds */
  lastClientP50: number;
  lastClientP99: number;
  /** per round, from the servers' probe (p50 / p99 over rounds, ms) */
  parts: {
    ipc: P;
    triggerToPublish: P;
    publishToFirstWrite: P;
    fanout: P;
    lastWriteToLastClient: P;
    serverGcMs: { rounds: number; max: number; kinds: string[] };
    clientGcMs: number;
  };
  /** the server's CPU time (user + system) per round: the event's whole cost to the server, whatever the load */
  serverCpuMs: P;
  rssMB: number;
  connectSeconds: number;
  workers: number;
  warmup: number;
  clockRttMs: number;
  received: number;
  expected: number;
  duplicates: number;
  wrong: number;
  timedOut: number;
};
export type RealtimeFigures = {
  clients: number;
  rounds: number;
  rooms: Record<string, number>;
  app: RealtimeSide;
  bare: RealtimeSide;
  check: { ok: boolean; detail: string };
};

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pp = (t: Timing): P => ({ p50: t.p50, p99: t.p99 });

/** This process's clock minus the child's, from the IPC ping with the shortest round trip. */
async function clockOffset(child: Child): Promise<{ offset: number; rtt: number }> {
  let best = { offset: 0, rtt: Infinity };
  for (let i = 0; i < 20; i++) {
    const t0 = now();
    const { now: theirs } = await child.request<{ now: number }>({ type: 'clock' }, 'clock');
    const t1 = now();
    if (t1 - t0 < best.rtt) best = { offset: (t0 + t1) / 2 - theirs, rtt: t1 - t0 };
  }
  return best;
}

export async function measure(server: Child, auths: Record<string, unknown>[], rounds: number, ticketId: number): Promise<RealtimeSide> {
  const base = `http://127.0.0.1:${server.port}`;
  const nWorkers = Math.max(1, Math.min(auths.length, Number(process.env.BENCH_RT_WORKERS ?? 2)));
  const warmup = rounds >= 10 ? 5 : 1;
  const workers: Child[] = [];
  try {
    for (let w = 0; w < nWorkers; w++) workers.push(await startChild('../lib/realtime-clients.ts', {}));
    const share = workers.map((_, w) => auths.filter((_, i) => i % nWorkers === w));
    const c0 = performance.now();
    const connected = await Promise.all(
      workers.map((w, i) => w.request<{ seconds?: number; error?: string }>({ type: 'connect', base, auths: share[i], ticketId }, 'connected')),
    );
    for (const c of connected) if (c.error) throw new Error(`realtime clients: ${c.error}`);
    const connectSeconds = Math.round((performance.now() - c0) / 100) / 10;
    await sleep(1000);
    const rss = await server.rss();
    const serverClock = await clockOffset(server);
    const clocks = await Promise.all(workers.map(clockOffset));
    const clockRttMs = Math.round(Math.max(serverClock.rtt, ...clocks.map((c) => c.rtt)) * 100) / 100;

    // Each worker's 'done' for the current round: its receive times, mapped to this process's clock.
    let pending: { version: number; times: number[][]; left: number; resolve: () => void } | null = null;
    for (const [i, w] of workers.entries()) {
      w.proc.on('message', (m: { type: string; version?: number; times?: number[] }) => {
        if (m.type !== 'done' || !pending || m.version !== pending.version) return;
        pending.times.push(m.times!.map((t) => t + clocks[i]!.offset));
        if (--pending.left === 0) pending.resolve();
      });
    }

    const fromTrigger: number[] = [];
    const fromPublish: number[] = [];
    const fromFirstWrite: number[] = [];
    const lastClient: number[] = [];
    const part = {
      ipc: [] as number[],
      triggerToPublish: [] as number[],
      publishToFirstWrite: [] as number[],
      fanout: [] as number[],
      lastWriteToLastClient: [] as number[],
    };
    const gcRounds: number[] = [];
    const gcKinds = new Set<string>();
    const cpu: number[] = [];
    let timedOut = 0;
    for (let r = 0; r < warmup + rounds; r++) {
      const version = r + 1;
      await Promise.all(workers.map((w) => w.request({ type: 'round', version }, 'armed')));
      const times: number[][] = [];
      let timer: NodeJS.Timeout | undefined;
      const all = new Promise<boolean>((resolve) => {
        pending = { version, times, left: workers.length, resolve: () => resolve(true) };
        timer = setTimeout(() => resolve(false), 15_000);
      });
      const t0 = now();
      const triggered = server.request<{ publishedAt: number }>({ type: 'trigger', ticketId, version }, 'triggered');
      const complete = await all;
      clearTimeout(timer);
      pending = null;
      await triggered;
      await sleep(150); // late duplicates would land here, and the probe's GC entries
      const sr = (await server.request<{ round: ServerRound | null }>({ type: 'timeline' }, 'timeline')).round;
      if (r < warmup) continue;
      if (!complete) timedOut++;
      const s = sr && {
        ...sr,
        trigger: sr.trigger + serverClock.offset,
        publish: sr.publish + serverClock.offset,
        firstWrite: sr.firstWrite + serverClock.offset,
        lastWrite: sr.lastWrite + serverClock.offset,
      };
      const got = times.flat();
      for (const at of got) {
        fromTrigger.push(at - t0);
        if (s) fromPublish.push(at - s.publish), fromFirstWrite.push(at - s.firstWrite);
      }
      const last = Math.max(...got, t0);
      lastClient.push(last - t0);
      if (s && s.writes > 0) {
        part.ipc.push(s.trigger - t0);
        part.triggerToPublish.push(s.publish - s.trigger);
        part.publishToFirstWrite.push(s.firstWrite - s.publish);
        part.fanout.push(s.lastWrite - s.firstWrite);
        part.lastWriteToLastClient.push(last - s.lastWrite);
        gcRounds.push(s.gcMs);
        for (const k of s.gcKinds) gcKinds.add(k);
        cpu.push(s.cpuMs);
      }
      if (process.env.BENCH_RT_TRACE && s) {
        const f = (x: number) => x.toFixed(1);
        process.stderr.write(
          `round ${r - warmup}: ipc ${f(s.trigger - t0)} → publish ${f(s.publish - s.trigger)} → first write ${f(s.firstWrite - s.publish)} → last write ${f(s.lastWrite - s.firstWrite)} (${s.writes}) → last client ${f(last - s.lastWrite)}; server cpu ${s.cpuMs} ms, gc ${s.gcMs}/${s.gcMax} ms ${s.gcKinds.join(',')}\n`,
        );
      }
    }
    const counts = await Promise.all(workers.map((w) => w.request<{ duplicates: number; wrong: number; gcMs: number }>({ type: 'counts' }, 'counts')));
    const s = stats(fromTrigger);
    const lc = stats(lastClient);
    return {
      p50: s.p50,
      p99: s.p99,
      fromPublish: pp(stats(fromPublish)),
      fromFirstWrite: pp(stats(fromFirstWrite)),
      max: Math.round(Math.max(...fromTrigger, 0) * 10) / 10,
      lastClientP50: lc.p50,
      lastClientP99: lc.p99,
      parts: {
        ipc: pp(stats(part.ipc)),
        triggerToPublish: pp(stats(part.triggerToPublish)),
        publishToFirstWrite: pp(stats(part.publishToFirstWrite)),
        fanout: pp(stats(part.fanout)),
        lastWriteToLastClient: pp(stats(part.lastWriteToLastClient)),
        serverGcMs: { rounds: gcRounds.filter((g) => g > 0).length, max: Math.round(Math.max(0, ...gcRounds) * 10) / 10, kinds: [...gcKinds].sort() },
        clientGcMs: Math.round(counts.reduce((a, c) => a + c.gcMs, 0)),
      },
      serverCpuMs: pp(stats(cpu)),
      rssMB: Math.round(rss / 2 ** 20),
      connectSeconds,
      workers: nWorkers,
      warmup,
      clockRttMs,
      received: fromTrigger.length,
      expected: auths.length * rounds,
      duplicates: counts.reduce((a, c) => a + c.duplicates, 0),
      wrong: counts.reduce((a, c) => a + c.wrong, 0),
      timedOut,
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}

/** The users (with their tokens) and the ticket, in `bench_realtime_<n>` — kept between runs like the datasets. */
async function ensureRealtimeDb(server: PgServer, n: number, rooms: Record<string, number>): Promise<{ url: string; tokens: string[]; ticketId: number }> {
  const name = `bench_realtime_${n}`;
  const url = server.url(name);
  if (await dbExists(server, name)) {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql`select token from bench.tokens order by i`.catch(() => []);
      const [t] = await sql`select id from tickets where number = 'RT-1'`.catch(() => []);
      if (rows.length === n && t) return { url, tokens: rows.map((r) => String(r.token)), ticketId: Number(t.id) };
    } finally {
      await sql.end();
    }
  }
  await freshSeededDb(server, name);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const tokens: string[] = [];
  try {
    const [street] = await sql`select id, parent_id from units where code = 's-donghua'`;
    const [centre] = await sql`select id from units where kind = 'centre'`;
    const [op] = await sql`select id from users where username = 'operator1'`;
    const [cat] = await sql`select min(id) as id from categories c where not exists (select 1 from categories k where k.parent_id = c.id)`;
    const staffRoles = ['dispatcher', 'callback_agent', 'supervisor'];
    const users = Array.from({ length: n }, (_, i) => {
      const token = newToken('jst');
      tokens.push(token);
      const [role, unit] =
        i < rooms.staff!
          ? [staffRoles[i % 3]!, centre!.id]
          : i < rooms.staff! + rooms.district!
            ? ['unit_handler', street!.parent_id]
            : [i % 10 ? 'unit_handler' : 'unit_leader', street!.id];
      return { i, username: `rt-${i}`, role, unit: Number(unit), hash: hashToken(token), token };
    });
    await sql`
      with u as (
        insert into users (username, display_name, password_hash, role, unit_id)
        select x.username, x.username, '!', x.role::role, x.unit from jsonb_to_recordset(${sql.json(users as never)}) as x(username text, role text, unit int)
        returning id, username)
      insert into api_tokens (name, token_hash, prefix, user_id)
      select 'bench ' || x.username, x.hash, left(x.hash, 12), u.id from jsonb_to_recordset(${sql.json(users as never)}) as x(username text, hash text) join u using (username)`;
    const [t] = await sql`
      insert into tickets (number, status, channel, type, category_id, title, content, created_by, dispatched_at)
      values ('RT-1', 'awaiting_sign', 'phone', 'complaint', ${cat!.id}, '实时推送压测', '实时推送压测工单', ${op!.id}, now()) returning id`;
    await sql`insert into assignments (ticket_id, unit_id, role, status) values (${t!.id}, ${street!.id}, 'lead', 'awaiting_sign')`;
    // Plain tokens for the next run's clients (a bench database only).
    await sql.unsafe(`create schema if not exists bench; create table bench.tokens (i int primary key, token text not null)`);
    await sql`insert into bench.tokens (i, token) select x.i, x.token from jsonb_to_recordset(${sql.json(users as never)}) as x(i int, token text)`;
    return { url, tokens, ticketId: Number(t!.id) };
  } finally {
    await sql.end();
  }
}

export async function benchRealtime(server: PgServer, opts: { clients: number; rounds: number }): Promise<RealtimeFigures> {
  const n = opts.clients;
  const rooms: Record<string, number> = { staff: Math.round(n * 0.3), district: Math.round(n * 0.3) };
  rooms.street = n - rooms.staff! - rooms.district!;
  const { url, tokens, ticketId } = await ensureRealtimeDb(server, n, rooms);
  const app = await startChild('realtime-server.ts', { DATABASE_URL: url });
  let appSide: RealtimeSide;
  try {
    appSide = await measure(
      app,
      tokens.map((token) => ({ token })),
      opts.rounds,
      ticketId,
    );
  } finally {
    await app.stop();
  }
  const bare = await startChild('bare-io-server.ts', {});
  let bareSide: RealtimeSide;
  try {
    bareSide = await measure(
      bare,
      tokens.map(() => ({})),
      opts.rounds,
      ticketId,
    );
  } finally {
    await bare.stop();
  }
  const ok =
    appSide.received === appSide.expected &&
    appSide.duplicates === 0 &&
    appSide.wrong === 0 &&
    bareSide.received === bareSide.expected &&
    bareSide.duplicates === 0;
  return {
    clients: n,
    rounds: opts.rounds,
    rooms,
    app: appSide,
    bare: bareSide,
    check: {
      ok,
      detail: `jiesu: ${appSide.received}/${appSide.expected} deliveries, ${appSide.duplicates} duplicated, ${appSide.wrong} unexpected; bare: ${bareSide.received}/${bareSide.expected}`,
    },
  };
}
