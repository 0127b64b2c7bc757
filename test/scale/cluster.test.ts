/**
 * Scale-out, end to end: a PostgreSQL primary partitioned by `npm run db:partition`, a
 * streaming replica, two app instances (`src/main.ts`) reading dashboards from the replica — the second one
 * through pgbouncer in transaction mode — and Debian's nginx in front. It starts its own servers whatever DATABASE_URL says, so it runs in both CI passes; without
 * PostgreSQL's server binaries or nginx it fails (never skips).
 */
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { io as connectClient, type Socket } from 'socket.io-client';
import { connect, migrate, type Database } from '../../db/client.ts';
import { assignments, units } from '../../db/schema/index.ts';
import { inArray, eq } from 'drizzle-orm';
import type { TicketEventMessage } from '../../src/realtime/types.ts';
import {
  onFreePort,
  range,
  removeDir,
  startInstance,
  startNginx,
  startPgbouncer,
  startPrimary,
  startReplica,
  type AppInstance,
  type Nginx,
  type PgServer,
  type Pgbouncer,
} from '../setup/cluster.ts';
import { callBody, makeWorld, type World } from '../setup/world.ts';

const root = path.resolve(import.meta.dirname, '../..');
const ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024;

let primary: PgServer;
let replica: PgServer;
let db: Database;
let apps: AppInstance[] = [];
let nginx: Nginx;
let bouncer: Pgbouncer;
let w: World;
let attachmentsDir: string;
let partitionOutput = '';
const sockets: Socket[] = [];
const pollers: Poller[] = [];

type Res = { status: number; body: any; servedBy: string | null };
async function call(method: string, p: string, token: string, body?: unknown): Promise<Res> {
  const res = await fetch(nginx.base + p, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed, servedBy: res.headers.get('x-served-by') };
}

/**
 * A bare Engine.IO v4 long-polling client (fetch only): every poll is its own HTTP request through nginx, so
 * it works only if nginx keeps the session on one instance; each answer says which instance it was.
 */
class Poller {
  sid = '';
  servedBy = new Set<string>();
  events: TicketEventMessage[] = [];
  /** why the poll loop stopped, if it did */
  error: unknown = null;
  private stopped = false;
  private abort = new AbortController();
  private loop: Promise<void> = Promise.resolve();
  constructor(private base: string) {}
  private url() {
    return `${this.base}/socket.io/?EIO=4&transport=polling${this.sid ? `&sid=${this.sid}` : ''}`;
  }
  private async get(): Promise<string[]> {
    const r = await fetch(this.url(), { signal: this.abort.signal });
    const served = r.headers.get('x-served-by');
    if (served) this.servedBy.add(served);
    const text = await r.text();
    if (!r.ok) throw new Error(`poll ${r.status}: ${text}`);
    return text.split('\x1e');
  }
  private async post(packet: string) {
    const r = await fetch(this.url(), { method: 'POST', body: packet, headers: { 'content-type': 'text/plain;charset=UTF-8' }, signal: this.abort.signal });
    const served = r.headers.get('x-served-by');
    if (served) this.servedBy.add(served);
    if (!r.ok) throw new Error(`post ${r.status}: ${await r.text()}`);
  }
  async connect(token: string) {
    const [open] = await this.get();
    if (!open?.startsWith('0')) throw new Error(`no Engine.IO open packet: ${open}`);
    this.sid = JSON.parse(open.slice(1)).sid;
    await this.post(`40${JSON.stringify({ token })}`);
    const packets = await this.get();
    if (!packets.some((p) => p.startsWith('40{'))) throw new Error(`Socket.IO connect refused: ${packets.join(' | ')}`);
    this.loop = this.run();
  }
  private async run() {
    while (!this.stopped) {
      let packets: string[];
      try {
        packets = await this.get();
      } catch (e) {
        if (!this.stopped) this.error = e;
        return;
      }
      for (const p of packets) {
        if (p === '2')
          await this.post('3').catch((e) => (this.error = e)); // ping → pong
        else if (p.startsWith('42')) {
          const [name, payload] = JSON.parse(p.slice(2));
          if (name === 'ticket:event') this.events.push(payload);
        }
      }
    }
  }
  async close() {
    this.stopped = true;
    await this.post('1').catch(() => {});
    this.abort.abort();
    await this.loop.catch(() => {});
  }
}

function socketEvents(s: Socket): TicketEventMessage[] {
  const got: TicketEventMessage[] = [];
  s.on('ticket:event', (e: TicketEventMessage) => got.push(e));
  return got;
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  const PG_PORTS = range(54351, 54355);
  primary = await onFreePort(PG_PORTS, startPrimary);
  db = await connect({ url: primary.url, max: 4 });
  await migrate(db, primary.url);
  // Partition the primary with the operational command, as an operator would (before the replica exists:
  // the replica then starts from the partitioned state and follows every change after it).
  const part = spawnSync(process.execPath, ['--import', 'tsx', 'src/ops/partition.ts'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: primary.url },
    encoding: 'utf8',
  });
  partitionOutput = part.stdout + part.stderr;
  if (part.status !== 0) throw new Error(`db:partition failed:\n${partitionOutput}`);
  replica = await onFreePort(PG_PORTS, (port) => startReplica(primary, port));
  w = await makeWorld(db.db);

  attachmentsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jiesu-cluster-files-'));
  const env = {
    DATABASE_URL: primary.url,
    DATABASE_READ_URL: replica.url,
    // Both seed the demo city at once: one does, the other finds it there (waiting for it: src/demo/seed.ts).
    // Without the history, which test/integration/demo-history.test.ts covers: it would only lengthen the start.
    SEED_DEMO: 'true',
    DEMO_HISTORY_DAYS: '0',
    JOBS: 'true',
    SLA_SWEEP_CRON: '* * * * * *', // every second: two sweepers racing for the same due marks,
    SLA_SWEEP_BATCH_SIZE: '2', // in small batches, so both take turns
    METRICS_ROLLUP_CRON: '* * * * * *',
    TRUST_PROXY: 'true',
    ATTACHMENT_MAX_BYTES: String(ATTACHMENT_MAX_BYTES),
    ATTACHMENTS_DIR: attachmentsDir,
    DATABASE_POOL_MAX: '5',
  };
  // app2 reaches the primary through pgbouncer in transaction mode; what needs a session (the Socket.IO
  // adapter's LISTEN, the migration lock) goes straight to the primary.
  bouncer = await onFreePort(PG_PORTS, (port) => startPgbouncer(primary, port));
  const app2 = { DATABASE_URL: bouncer.url, DATABASE_SESSION_URL: primary.url, DATABASE_PREPARE: 'false' };
  // Started together (both migrate and seed at once), each from its own port range.
  apps = await Promise.all([
    onFreePort(range(38100, 38139), (port) => startInstance('app1', port, env)),
    onFreePort(range(38140, 38179), (port) => startInstance('app2', port, { ...env, ...app2 })),
  ]);
  nginx = await onFreePort(range(38180, 38199), (port) =>
    startNginx(
      port,
      apps.map((a) => `127.0.0.1:${a.port}`),
      ATTACHMENT_MAX_BYTES,
    ),
  );
}, 180_000);

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  for (const p of pollers) await p.close();
  await nginx?.stop();
  await Promise.all(apps.map((a) => a.stop()));
  await bouncer?.stop();
  await db?.close();
  replica?.stop('immediate');
  primary?.stop('immediate');
  for (const d of [nginx?.dir, bouncer?.dir, replica?.dir, primary?.dir, attachmentsDir]) removeDir(d);
}, 60_000);

// Generous per-test limits: on a loaded two-core machine six servers share the CPU with the test itself.
describe('primary + replica + pgbouncer + two instances behind nginx', { timeout: 90_000 }, () => {
  it('started from one partitioned primary; the demo city was seeded once although both instances seeded at once', async () => {
    expect(partitionOutput).toMatch(/ticket_events: converted/);
    expect(partitionOutput).toMatch(/audit_log: converted/);
    const [kinds] = await db.query<{ e: string; a: string }>(
      `select (select relkind::text from pg_class where relname = 'ticket_events') e, (select relkind::text from pg_class where relname = 'audit_log') a`,
    );
    expect(kinds).toEqual({ e: 'p', a: 'p' });
    const centres = await db.db.select().from(units).where(eq(units.code, 'centre'));
    expect(centres).toHaveLength(1);
    expect(apps.filter((a) => a.output().includes('demo city seeded'))).toHaveLength(1);
  });

  it('readiness reports the replica; nginx passes the client address and the instance name', async () => {
    for (const a of apps) {
      const r = await fetch(`${a.base}/readyz`).then((x) => x.json());
      expect(r).toMatchObject({ status: 'ready', database: 'ok', replica: 'ok', replicaInRecovery: true });
    }
    const served = new Set<string>();
    for (let i = 0; i < 6; i++) served.add((await call('GET', '/readyz', w.operator.token)).servedBy!);
    expect([...served].sort()).toEqual(['app1', 'app2']);
    // From 127.0.0.7 with a forged X-Forwarded-For: the app (TRUST_PROXY) records the address nginx saw.
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        `${nginx.base}/api/auth/login`,
        { method: 'POST', localAddress: '127.0.0.7', headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' } },
        (res) => (res.resume(), res.on('end', () => resolve(res.statusCode!))),
      );
      req.on('error', reject);
      req.end(JSON.stringify({ username: 'xff-probe', password: 'wrong-password-1' }));
    });
    expect(status).toBe(401);
    const audited = await db.query<{ ip: string; p: string }>(
      `select ip, tableoid::regclass::text as p from audit_log where action = 'login_failed' and target_id = 'xff-probe'`,
    );
    expect(audited).toEqual([{ ip: '127.0.0.7', p: expect.stringMatching(/^audit_log_/) }]);
  });

  it('intake through nginx lands on both instances, round-robin', async () => {
    const served: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await call(
        'POST',
        '/api/tickets',
        w.operator.token,
        callBody(w.category.id, { caller: { name: '钱先生', phone: `1390000${String(1000 + i)}` } }),
      );
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      served.push(r.servedBy!);
    }
    expect(served.filter((s) => s === 'app1').length).toBeGreaterThanOrEqual(2);
    expect(served.filter((s) => s === 'app2').length).toBeGreaterThanOrEqual(2);
  });

  it('an attachment over ATTACHMENT_MAX_BYTES reaches the app through nginx and gets its 413 problem', async () => {
    const t = await call('POST', '/api/tickets', w.operator.token, callBody(w.category.id));
    const res = await fetch(`${nginx.base}/api/tickets/${t.body.id}/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${w.operator.token}`, 'content-type': 'application/octet-stream', 'x-file-name': 'big.pdf' },
      body: new Uint8Array(ATTACHMENT_MAX_BYTES + 64 * 1024),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect(((await res.json()) as { code: string }).code).toBe('payload_too_large');
  });

  it('live events cross instances: a socket on one instance hears a ticket created on the other', async () => {
    // Long-polling through nginx: sticky, so every poll reaches the instance holding the session.
    const poller = new Poller(nginx.base);
    pollers.push(poller);
    await poller.connect(w.supervisor.token);
    // And a WebSocket through nginx (Upgrade headers passed on).
    const ws = connectClient(nginx.base, { auth: { token: w.dispatcher.token }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(ws);
    const wsGot = socketEvents(ws);
    await new Promise<void>((resolve, reject) => (ws.once('connect', () => resolve()), ws.once('connect_error', reject)));

    const [home] = [...poller.servedBy];
    expect(poller.servedBy.size).toBe(1); // every poll on one instance
    // Create tickets until one is served by the other instance.
    let other: Res | undefined;
    for (let i = 0; i < 6 && !other; i++) {
      const r = await call(
        'POST',
        '/api/tickets',
        w.operator.token,
        callBody(w.category.id, { caller: { name: '孙女士', phone: `1370000${String(2000 + i)}` } }),
      );
      expect(r.status).toBe(201);
      if (r.servedBy !== home) other = r;
    }
    expect(other, 'a request served by the other instance').toBeTruthy();
    const ticketId = other!.body.id as number;
    await waitFor('the polling socket to hear the other instance', () => poller.events.some((e) => e.ticketId === ticketId && e.type === 'ticket_created'));
    await waitFor('the WebSocket to hear it', () => wsGot.some((e) => e.ticketId === ticketId && e.type === 'ticket_created'));
    expect(poller.servedBy).toEqual(new Set([home]));
  });

  it('two instances sweeping every second fire each SLA warning exactly once; a socket hears none twice', async () => {
    const poller = pollers[0]!;
    const ticketIds: number[] = [];
    for (let i = 0; i < 12; i++) {
      const t = await call(
        'POST',
        '/api/tickets',
        w.operator.token,
        callBody(w.category.id, { caller: { name: '周先生', phone: `1360000${String(3000 + i)}` } }),
      );
      expect(t.status).toBe(201);
      const d = await call('POST', `/api/tickets/${t.body.id}/dispatch`, w.dispatcher.token, { version: t.body.version, leadUnitId: w.units.streetA.id });
      expect(d.status, JSON.stringify(d.body)).toBe(200);
      ticketIds.push(t.body.id);
    }
    const rows = await db.db.select({ id: assignments.id }).from(assignments).where(inArray(assignments.ticketId, ticketIds));
    const ids = rows.map((r) => r.id);
    expect(ids).toHaveLength(12);
    // Every level of the sign clock falls due now, for all twelve at once.
    const at = new Date(Date.now() - 1000).toISOString();
    const marks = (['yellow', 'red', 'overdue'] as const).map((level) => ({ clock: 'sign' as const, level, at }));
    await db.db
      .update(assignments)
      .set({ slaMarks: marks, nextCheckAt: new Date(at) })
      .where(inArray(assignments.id, ids));

    await waitFor('both sweepers to finish', async () => {
      const [r] = await db.query<{ n: number }>(`select count(*)::int as n from assignments where id = any($1) and next_check_at is not null`, [ids]);
      return r!.n === 0;
    });
    const perLevel = await db.query<{ assignment_id: number; level: string; n: number }>(
      `select assignment_id::int, payload->>'level' as level, count(*)::int as n from ticket_events
        where type = 'sla_warning' and assignment_id = any($1) group by 1, 2`,
      [ids],
    );
    expect(perLevel).toHaveLength(36);
    expect(perLevel.every((r) => r.n === 1)).toBe(true);
    const [alerts] = await db.query<{ n: number }>(`select count(*)::int as n from sla_alerts where assignment_id = any($1)`, [ids]);
    expect(alerts!.n).toBe(36);
    const [items] = await db.query<{ n: number }>(`select count(*)::int as n from supervision_items where assignment_id = any($1)`, [ids]);
    expect(items!.n).toBe(24); // one reminder and one supervision per overdue assignment
    // Published once, by whichever instance fired it: the socket hears every warning, and none twice.
    const warnings = () => poller.events.filter((e) => e.type === 'sla_warning' && ids.includes(e.assignmentId!));
    await waitFor('every warning on the socket', () => warnings().length >= 36);
    await new Promise((r) => setTimeout(r, 1000));
    const heard = warnings();
    expect(heard).toHaveLength(36);
    expect(new Set(heard.map((e) => e.id)).size).toBe(heard.length);
    const fired = new Set(
      (await db.query<{ id: number }>(`select id::int from ticket_events where type = 'sla_warning' and assignment_id = any($1)`, [ids])).map((r) => r.id),
    );
    expect(heard.every((e) => fired.has(e.id))).toBe(true);
    // The events landed in this month's partition.
    const parts = await db.query<{ p: string }>(`select distinct tableoid::regclass::text as p from ticket_events where assignment_id = any($1)`, [ids]);
    expect(parts.map((p) => p.p)).toEqual([expect.stringMatching(/^ticket_events_(legacy|p\d{6})$/)]);
  });

  it('dashboards read the replica: its figures follow the primary, its connections are the read pools, and without it intake goes on', async () => {
    // The rollup (every second) counts on the primary; the replica streams it; /api/metrics reads it there.
    // The twelve assignments dispatched to street A above are today's denominator of 回复率（按派单） (the dispatch-day basis; 回复率 counts by the deadline's day).
    const metrics = await waitFor('metrics with today’s dispatches, read from the replica', async () => {
      const r = await call('GET', `/api/metrics?period=day&unitId=${w.units.streetA.id}`, w.supervisor.token);
      return r.status === 200 && r.body.freshness.pendingEvents === 0 && r.body.rows[0]?.metrics.reply_rate_dispatched.denominator === 12 ? r : undefined;
    });
    expect(metrics.body.rows[0].metrics.reply_rate_dispatched).toMatchObject({ numerator: 0, denominator: 12 });
    const ranking = await call('GET', '/api/metrics/rankings?level=street', w.supervisor.token);
    expect(ranking.status, JSON.stringify(ranking.body)).toBe(200);

    const onReplica = await (async () => {
      const r = await connect({ url: replica.url, max: 1 });
      try {
        return (
          await r.query<{ app: string }>(`select distinct application_name as app from pg_stat_activity where application_name like 'jiesu%' order by 1`)
        ).map((x) => x.app);
      } finally {
        await r.close();
      }
    })();
    expect(onReplica).toEqual(expect.arrayContaining(['jiesu-read:app1', 'jiesu-read:app2']));
    expect(onReplica.filter((a) => !a.startsWith('jiesu-read:'))).toEqual([]);
    const onPrimary = (
      await db.query<{ app: string }>(`select distinct application_name as app from pg_stat_activity where application_name like 'jiesu%'`)
    ).map((x) => x.app);
    expect(onPrimary.some((a) => a.startsWith('jiesu-read'))).toBe(false);
    // Both adapters LISTEN on the primary directly, app2's too (DATABASE_SESSION_URL bypasses pgbouncer).
    expect(onPrimary).toEqual(expect.arrayContaining(['jiesu:app1', 'jiesu-realtime:app1', 'jiesu-realtime:app2']));
    // app2's pool is pgbouncer's client (its admin console speaks the simple protocol only: node-postgres).
    const admin = new pg.Client({ connectionString: bouncer.adminUrl });
    await admin.connect();
    try {
      const clients = (await admin.query<{ database: string; application_name?: string }>('SHOW CLIENTS')).rows;
      expect(clients.filter((c) => c.database === 'postgres').map((c) => c.application_name)).toContain('jiesu:app2');
    } finally {
      await admin.end();
    }

    // The replica goes away: dashboards answer 503, readiness says degraded, intake and the lifecycle go on.
    replica.stop('immediate');
    const down = await call('GET', '/api/metrics?period=day', w.supervisor.token);
    expect(down.status).toBe(503);
    expect(down.body.code).toBe('database_unavailable');
    for (const a of apps) {
      const r = await fetch(`${a.base}/readyz`);
      expect(r.status).toBe(200);
      expect(await r.json()).toMatchObject({ status: 'degraded', database: 'ok', replica: 'unreachable' });
    }
    const served = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const r = await call(
        'POST',
        '/api/tickets',
        w.operator.token,
        callBody(w.category.id, { caller: { name: '吴女士', phone: `1350000${String(4000 + i)}` } }),
      );
      expect(r.status).toBe(201);
      served.add(r.servedBy!);
    }
    expect(served.size).toBe(2);
  });
});
