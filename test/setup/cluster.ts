/**
 * A scale-out deployment on one machine, for the cluster test and for trying it by hand: a PostgreSQL
 * primary with a streaming replica, app instances (`src/main.ts` child processes) and Debian's nginx in
 * front, all from temporary folders on 127.0.0.1 — no root-owned paths, nothing left behind.
 *
 * Missing PostgreSQL server binaries or nginx are an error, never a skip: the test must fail loudly.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { renderNginxSite } from '../../src/ops/nginx/render.ts';
import { giveToPostgres, runPg, serverDir, startPgServer, type PgServer } from './postgres.ts';

const root = path.resolve(import.meta.dirname, '../..');
const isRoot = process.getuid?.() === 0;

/** Children die with the test process, even when it ends without its afterAll (a timeout, a crash): a leftover
 * instance would otherwise reconnect to the next run's servers on reused ports and sweep or answer there. */
const children = new Set<import('node:child_process').ChildProcess>();
process.once('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});
function reap<T extends import('node:child_process').ChildProcess>(child: T): T {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export function nginxBin(): string {
  for (const p of ['/usr/sbin/nginx', '/usr/bin/nginx']) if (fs.existsSync(p)) return p;
  throw new Error('nginx not found (apt-get install nginx)');
}

/** The first port of `candidates` nobody listens on. */
export async function freePort(candidates: number[]): Promise<number> {
  for (const port of candidates) {
    const free = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port among ${candidates.join(', ')}`);
}
export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const IN_USE = /Address already in use|EADDRINUSE|could not create any TCP\/IP sockets/;

/**
 * Starts a server on one of `candidates`, in random order, moving on when the port turns out to be taken
 * between the check and the bind (another run of this test on the same machine).
 */
export async function onFreePort<T>(candidates: number[], start: (port: number) => T | Promise<T>): Promise<T> {
  const order = [...candidates].sort(() => Math.random() - 0.5);
  let last: unknown = null;
  for (const port of order) {
    if ((await freePort([port]).catch(() => null)) === null) continue;
    try {
      return await start(port);
    } catch (e) {
      if (!IN_USE.test(String(e))) throw e;
      last = e;
    }
  }
  throw new Error(`no free port among ${candidates.join(', ')}: ${last}`);
}

export type { PgServer };

const serverSettings = { max_connections: 200, synchronous_commit: 'off', full_page_writes: 'off' };

/** A primary that streaming replicas can follow: wal_level=replica, WAL senders, trusted replication from 127.0.0.1. */
export function startPrimary(port: number): PgServer {
  return startPgServer({
    port,
    prefix: 'jiesu-primary-',
    tools: ['pg_basebackup'],
    settings: { ...serverSettings, wal_level: 'replica', max_wal_senders: 5, wal_keep_size: '256MB', hot_standby: 'on' },
    hba: ['host replication all 127.0.0.1/32 trust'],
  });
}

/** A hot standby of `primary`: pg_basebackup -R (standby.signal + primary_conninfo), WAL streamed. */
export function startReplica(primary: PgServer, port: number): PgServer {
  return startPgServer({
    port,
    prefix: 'jiesu-replica-',
    tools: ['pg_basebackup'],
    settings: { ...serverSettings, hot_standby: 'on', hot_standby_feedback: 'on' },
    init: (install, data) =>
      runPg(install, 'pg_basebackup', ['-D', data, '-R', '-X', 'stream', '-c', 'fast', '-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres']),
  });
}

export function pgbouncerBin(): string {
  for (const p of ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer']) if (fs.existsSync(p)) return p;
  throw new Error('pgbouncer not found (apt-get install pgbouncer)');
}

export type Pgbouncer = { port: number; url: string; adminUrl: string; dir: string; stop(): Promise<void> };

/**
 * Debian's pgbouncer in transaction mode in front of `primary` (trust auth, 127.0.0.1), in the foreground as a
 * child process (as root it switches to the postgres user: pgbouncer refuses to run as root).
 */
export async function startPgbouncer(primary: PgServer, port: number): Promise<Pgbouncer> {
  const bin = pgbouncerBin();
  const dir = serverDir('jiesu-pgbouncer-');
  const ini = path.join(dir, 'pgbouncer.ini');
  fs.writeFileSync(path.join(dir, 'userlist.txt'), '"postgres" ""\n');
  fs.writeFileSync(
    ini,
    [
      '[databases]',
      `postgres = host=127.0.0.1 port=${primary.port} dbname=postgres`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      `unix_socket_dir = ${dir}`,
      'auth_type = trust',
      `auth_file = ${dir}/userlist.txt`,
      'pool_mode = transaction',
      'max_client_conn = 500',
      'default_pool_size = 20',
      'admin_users = postgres',
      'ignore_startup_parameters = extra_float_digits,options',
      `logfile = ${dir}/pgbouncer.log`,
      `pidfile = ${dir}/pgbouncer.pid`,
      '',
    ].join('\n'),
  );
  giveToPostgres(dir);
  // -u: pgbouncer drops root itself, so signals reach it directly (no runuser in between).
  const child = reap(spawn(bin, isRoot ? ['-u', 'postgres', ini] : [ini], { stdio: ['ignore', 'pipe', 'pipe'] }));
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`pgbouncer exited (${child.exitCode}):\n${out}`);
    const up = await new Promise<boolean>((resolve) => {
      const sock = net.connect(port, '127.0.0.1', () => (sock.end(), resolve(true)));
      sock.once('error', () => resolve(false));
    });
    if (up) break;
    if (i > 100) throw new Error(`pgbouncer did not listen:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    dir,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    adminUrl: `postgres://postgres@127.0.0.1:${port}/pgbouncer`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => (clearTimeout(t), resolve()));
        child.kill('SIGINT'); // pgbouncer: SIGINT = safe shutdown
      }),
  };
}

export type AppInstance = { id: string; port: number; base: string; child: ChildProcess; output(): string; stop(): Promise<void> };

/**
 * `src/main.ts` as a child process; resolves once it listens (rejects with its output if it exits first).
 * `quiet`: logging at warn (no line per request under load, which would cost CPU and memory here), ready when
 * /healthz answers.
 */
export function startInstance(
  id: string,
  port: number,
  env: Record<string, string>,
  timeoutMs = 120_000,
  opts: { quiet?: boolean } = {},
): Promise<AppInstance> {
  const child = reap(
    spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: opts.quiet ? 'warn' : 'info', HOST: '127.0.0.1', PORT: String(port), INSTANCE_ID: id, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const instance: AppInstance = {
    id,
    port,
    base: `http://127.0.0.1:${port}`,
    child,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => (clearTimeout(t), resolve()));
        child.kill('SIGTERM');
      }),
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${id} did not start in time:\n${out}`)), timeoutMs);
    const onData = () => {
      if (/jiesu listening/.test(out)) {
        clearTimeout(timer);
        resolve(instance);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    if (opts.quiet)
      void (async () => {
        while (child.exitCode === null && child.signalCode === null) {
          if (
            await fetch(`${instance.base}/healthz`).then(
              (r) => r.ok,
              () => false,
            )
          ) {
            clearTimeout(timer);
            return resolve(instance);
          }
          await new Promise((r) => setTimeout(r, 200));
        }
      })();
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${id} exited (${code}) before listening:\n${out}`));
    });
  });
}

export type Nginx = { port: number; base: string; dir: string; conf: string; stop(): Promise<void> };

/**
 * Debian's nginx with src/ops/nginx/jiesu.conf in front of `upstreams`, as a foreground child process with
 * every path under a temporary prefix (pid, logs, temp files), so it needs no root-owned folders.
 */
export async function startNginx(port: number, upstreams: string[], attachmentMaxBytes: number): Promise<Nginx> {
  const bin = nginxBin();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jiesu-nginx-'));
  const site = path.join(dir, 'jiesu.conf');
  fs.writeFileSync(site, renderNginxSite({ listen: `127.0.0.1:${port}`, upstreams, attachmentMaxBytes }));
  const conf = path.join(dir, 'nginx.conf');
  fs.writeFileSync(
    conf,
    [
      // As root, the workers would switch to nobody and could not write the temp folders below.
      isRoot ? 'user root;' : '',
      'worker_processes 2;',
      'events { worker_connections 1024; }',
      'http {',
      `  access_log ${dir}/access.log;`,
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/${t}_temp;`),
      `  include ${site};`,
      '}',
      '',
    ].join('\n'),
  );
  const args = ['-p', dir, '-e', 'stderr', '-c', conf, '-g', `daemon off; pid ${dir}/nginx.pid; error_log stderr warn;`];
  const test = spawnSync(bin, ['-t', ...args], { encoding: 'utf8' });
  if (test.status !== 0) throw new Error(`nginx -t failed:\n${test.stderr}`);
  const child = reap(spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}):\n${out}`);
    const up = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (i > 100) throw new Error(`nginx did not answer:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    base,
    dir,
    conf: site,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => (clearTimeout(t), resolve()));
        child.kill('SIGQUIT'); // graceful: finish the requests in flight
      }),
  };
}

/** Removes a temporary folder of this module (after its server stopped). */
export function removeDir(dir: string | undefined) {
  if (dir?.startsWith(os.tmpdir())) fs.rmSync(dir, { recursive: true, force: true });
}
