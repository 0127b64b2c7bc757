/**
 * The scale-out picture the cluster test (./cluster.test.ts) runs against, started before its tests and torn
 * down after them: a PostgreSQL primary partitioned by `npm run db:partition`, a streaming replica, pgbouncer in
 * transaction mode, two app instances (`src/main.ts`) and Debian's nginx in front; and the clients the tests use
 * (HTTP through nginx, a bare Engine.IO long-polling client).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Socket } from 'socket.io-client';
import { connect, migrate, type Database } from '../../db/client.ts';
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
import { makeWorld, type World } from '../setup/world.ts';

const root = path.resolve(import.meta.dirname, '../..');
export const ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024;

export let primary: PgServer;
export let replica: PgServer;
export let db: Database;
export let apps: AppInstance[] = [];
export let nginx: Nginx;
export let bouncer: Pgbouncer;
export let w: World;
let attachmentsDir: string;
export let partitionOutput = '';
export const sockets: Socket[] = [];
export const pollers: Poller[] = [];

export type Res = { status: number; body: any; servedBy: string | null };
export async function call(method: string, p: string, token: string, body?: unknown): Promise<Res> {
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
export class Poller {
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

export function socketEvents(s: Socket): TicketEventMessage[] {
  const got: TicketEventMessage[] = [];
  s.on('ticket:event', (e: TicketEventMessage) => got.push(e));
  return got;
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts the whole picture before the file's tests and tears it down after them. */
export function useCluster() {
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
}
