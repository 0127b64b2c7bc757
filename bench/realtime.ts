/**
 * Realtime: one ticket event to N connected socket.io clients (websocket transport) from a server in a child
 * process; per-client receive latency, where it goes, and the server's memory at N sockets.
 *
 * jiesu: bench/servers/realtime-server.ts — the real attachRealtime (bearer-token handshake against the
 * database, rooms from the actor, the postgres adapter). N users with their own API tokens, spread as the
 * product places them: 30 % centre staff (dispatchers, callback agents, supervisors → room 'staff'), 30 %
 * handlers of the district and 40 % of the street the ticket is assigned to (→ their unit rooms). Each round
 * the child records one real event on that ticket (inTransaction → record → publish after commit → emit to
 * staff, the ticket's units and its creator), so every client should receive it exactly once.
 * Baseline, same run: bench/servers/bare-io-server.ts — a bare socket.io server doing io.emit to the same
 * number of clients.
 *
 * Both servers' clients are connected at once from the same BENCH_RT_WORKERS client processes, and the two
 * take turns round by round (ABBA): lib/rt-measure.ts, which also says what each part of the latency is.
 * Latency: from the moment the bench sends the trigger over IPC to the moment each client's handler runs; for
 * jiesu it includes the event's transaction.
 */
import os from 'node:os';
import postgres from 'postgres';
import { hashToken, newToken } from '../src/domain/auth/tokens.ts';
import { freshSeededDb } from './lib/datasets.ts';
import { dbExists, type PgServer } from './lib/pg.ts';
import { startChild, type Child } from './lib/proc.ts';
import { measureTargets, type Measured, type RealtimeSide } from './lib/rt-measure.ts';

export type { RealtimeSide } from './lib/rt-measure.ts';
export type RealtimeFigures = {
  clients: number;
  rounds: number;
  rooms: Record<string, number>;
  app: RealtimeSide;
  bare: RealtimeSide;
  /** app p99 / bare p99, same run, two decimals */
  ratio: number;
  run: Omit<Measured, 'sides'> & { cores: number };
  check: { ok: boolean; detail: string };
};

/** How N users are spread over the rooms of the bench ticket: 30 % staff, 30 % its district, 40 % its street. */
export function roomShares(n: number): Record<string, number> {
  const rooms: Record<string, number> = { staff: Math.round(n * 0.3), district: Math.round(n * 0.3) };
  rooms.street = n - rooms.staff! - rooms.district!;
  return rooms;
}

/** The users (with their tokens) and the ticket, in `bench_realtime_<n>` — kept between runs like the datasets. */
export async function ensureRealtimeDb(
  server: PgServer,
  n: number,
  rooms: Record<string, number>,
): Promise<{ url: string; tokens: string[]; ticketId: number }> {
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

/** Stops every child, whatever happens to the others. */
export async function stopAll(children: Child[]): Promise<void> {
  await Promise.all(children.map((c) => c.stop().catch(() => {})));
}

export async function benchRealtime(server: PgServer, opts: { clients: number; rounds: number }): Promise<RealtimeFigures> {
  const n = opts.clients;
  const rooms = roomShares(n);
  const { url, tokens, ticketId } = await ensureRealtimeDb(server, n, rooms);
  const children: Child[] = [];
  try {
    const app = await startChild('realtime-server.ts', { DATABASE_URL: url });
    children.push(app);
    const bare = await startChild('bare-io-server.ts', {});
    children.push(bare);
    const m = await measureTargets(
      [
        { name: 'jiesu', servers: [app], auths: [tokens.map((token) => ({ token }))], triggers: () => [0] },
        { name: 'bare', servers: [bare], auths: [tokens.map(() => ({}))], triggers: () => [0] },
      ],
      { rounds: opts.rounds, ticketId, trace: !!process.env.BENCH_RT_TRACE },
    );
    const { sides, ...run } = m;
    const a = sides.jiesu!;
    const b = sides.bare!;
    const ok = a.received === a.expected && a.duplicates === 0 && a.wrong === 0 && b.received === b.expected && b.duplicates === 0 && b.wrong === 0;
    return {
      clients: n,
      rounds: opts.rounds,
      rooms,
      app: a,
      bare: b,
      ratio: Math.round((a.p99 / Math.max(b.p99, 0.1)) * 100) / 100,
      run: { ...run, cores: os.cpus().length },
      check: {
        ok,
        detail: `jiesu: ${a.received}/${a.expected} deliveries, ${a.duplicates} duplicated, ${a.wrong} unexpected; bare: ${b.received}/${b.expected}, ${b.duplicates} duplicated, ${b.wrong} unexpected`,
      },
    };
  } finally {
    await stopAll(children);
  }
}
