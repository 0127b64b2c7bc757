/**
 * Realtime: one ticket event to N connected socket.io clients (websocket transport) in a separate server
 * process; per-client receive latency and the server's memory at N sockets.
 *
 * jiesu: bench/servers/realtime-server.ts — the real attachRealtime (bearer-token handshake against the
 * database, rooms from the actor, the postgres adapter). N users with their own API tokens, spread as the
 * product places them: 30 % centre staff (dispatchers, callback agents, supervisors → room 'staff'), 30 %
 * handlers of the district and 40 % of the street the ticket is assigned to (→ their unit rooms). Each round
 * the child records one real event on that ticket (inTransaction → record → publish after commit → emit to
 * staff, the ticket's units and its creator), so every client should receive it exactly once.
 * Baseline, same run: bench/servers/bare-io-server.ts — a bare socket.io server doing io.emit.
 *
 * Latency: from the moment the bench process sends the trigger (IPC) to the moment each client's handler
 * runs, both on the bench process's clock; for jiesu it includes the event's transaction. p50/p99 over
 * clients × rounds. The N clients share one Node process, so the figure also includes the client side
 * parsing N frames one after another (the same for the baseline).
 */
import { io as connectClient, type Socket } from 'socket.io-client';
import postgres from 'postgres';
import { hashToken, newToken } from '../src/domain/auth/tokens.ts';
import { freshSeededDb } from './lib/datasets.ts';
import { dbExists, type PgServer } from './lib/pg.ts';
import { startChild, type Child } from './lib/proc.ts';
import { stats } from './lib/stats.ts';

export type RealtimeSide = {
  /** trigger (IPC sent) → client handler */
  p50: number;
  p99: number;
  /** publish in the server (after commit, just before the emit) → client handler: the realtime layer alone */
  fromPublish: { p50: number; p99: number };
  max: number; lastClientP50: number; rssMB: number; connectSeconds: number; received: number; expected: number; duplicates: number; wrong: number };
export type RealtimeFigures = { clients: number; rounds: number; rooms: Record<string, number>; app: RealtimeSide; bare: RealtimeSide; check: { ok: boolean; detail: string } };

const now = () => performance.timeOrigin + performance.now();

async function measure(child: Child, auths: Record<string, unknown>[], rounds: number, ticketId: number): Promise<RealtimeSide> {
  const base = `http://127.0.0.1:${child.port}`;
  const sockets: Socket[] = [];
  let round = -1;
  let t0 = 0;
  const got: number[][] = Array.from({ length: rounds }, () => []);
  const counts = auths.map(() => new Array<number>(rounds).fill(0));
  let wrong = 0;
  let waiter: (() => void) | null = null;
  const c0 = performance.now();
  try {
    for (let i = 0; i < auths.length; i += 50) {
      await Promise.all(
        auths.slice(i, i + 50).map(
          (auth, j) =>
            new Promise<void>((resolve, reject) => {
              const s = connectClient(base, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
              sockets.push(s);
              const k = i + j;
              s.on('ticket:event', (e: { ticketId: number }) => {
                const at = now();
                if (round < 0 || e.ticketId !== ticketId) return void wrong++;
                counts[k]![round]!++;
                got[round]!.push(at);
                if (got[round]!.length === auths.length) waiter?.();
              });
              s.once('connect', () => resolve());
              s.once('connect_error', reject);
            }),
        ),
      );
    }
    const connectSeconds = Math.round((performance.now() - c0) / 100) / 10;
    await new Promise((r) => setTimeout(r, 1000));
    const rss = await child.rss();
    const lastClient: number[] = [];
    const fromTrigger: number[] = [];
    const fromPublish: number[] = [];
    for (let r = 0; r < rounds; r++) {
      round = r;
      const all = new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 15_000);
        waiter = () => (clearTimeout(t), resolve());
      });
      t0 = now();
      const { publishedAt } = await child.request<{ publishedAt: number }>({ type: 'trigger', ticketId, version: r + 1 }, 'triggered');
      await all;
      for (const at of got[r]!) (fromTrigger.push(at - t0), fromPublish.push(at - publishedAt));
      lastClient.push(Math.max(...got[r]!.map((at) => at - t0), 0));
      await new Promise((res) => setTimeout(res, 300)); // late duplicates would land here
    }
    const lat = fromTrigger;
    const s = stats(lat);
    const p = stats(fromPublish);
    return {
      p50: s.p50,
      p99: s.p99,
      fromPublish: { p50: p.p50, p99: p.p99 },
      max: Math.round(Math.max(...lat, 0) * 10) / 10,
      lastClientP50: stats(lastClient).p50,
      rssMB: Math.round(rss / 2 ** 20),
      connectSeconds,
      received: lat.length,
      expected: auths.length * rounds,
      duplicates: counts.flat().filter((n) => n > 1).length,
      wrong,
    };
  } finally {
    for (const s of sockets) s.disconnect();
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
        i < rooms.staff! ? [staffRoles[i % 3]!, centre!.id] : i < rooms.staff! + rooms.district! ? ['unit_handler', street!.parent_id] : [i % 10 ? 'unit_handler' : 'unit_leader', street!.id];
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
    appSide = await measure(app, tokens.map((token) => ({ token })), opts.rounds, ticketId);
  } finally {
    await app.stop();
  }
  const bare = await startChild('bare-io-server.ts', {});
  let bareSide: RealtimeSide;
  try {
    bareSide = await measure(bare, tokens.map(() => ({})), opts.rounds, ticketId);
  } finally {
    await bare.stop();
  }
  const ok = appSide.received === appSide.expected && appSide.duplicates === 0 && appSide.wrong === 0 && bareSide.received === bareSide.expected;
  return {
    clients: n,
    rounds: opts.rounds,
    rooms,
    app: appSide,
    bare: bareSide,
    check: { ok, detail: `jiesu: ${appSide.received}/${appSide.expected} deliveries, ${appSide.duplicates} duplicated, ${appSide.wrong} unexpected; bare: ${bareSide.received}/${bareSide.expected}` },
  };
}
