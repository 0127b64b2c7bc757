/**
 * The benchmarks' own PostgreSQL server: started from Debian's binaries on 127.0.0.1 (port BENCH_PG_PORT,
 * default 54346) with its data folder under bench/.data/pg, kept between runs so generated datasets are
 * reused. Settings: those of .ci/start-postgres.sh (fsync=off, max_connections=300) plus memory sized for a
 * 2-core, multi-GB machine. If the port already answers, that server is used as it is.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DATA_DIR = process.env.BENCH_DATA_DIR ?? path.join(BENCH_DIR, '.data');

export const PG_SETTINGS = {
  fsync: 'off',
  max_connections: '300',
  shared_buffers: '1GB',
  work_mem: '32MB',
  maintenance_work_mem: '512MB',
  max_wal_size: '8GB',
  checkpoint_timeout: '30min',
};

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.end(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

function pgBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(a) - Number(b)) : [];
  const bin = versions.length ? path.join(root, versions.at(-1)!, 'bin') : '';
  if (!bin || !fs.existsSync(path.join(bin, 'initdb'))) throw new Error('PostgreSQL server binaries not found (apt-get install postgresql)');
  return bin;
}

/** Runs a server binary as the postgres user when we are root (PostgreSQL refuses to run as root). */
function run(bin: string, args: string[]) {
  const root = process.getuid?.() === 0;
  execFileSync(root ? 'runuser' : bin, root ? ['-u', 'postgres', '--', bin, ...args] : args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

export type PgServer = { port: number; url: (db?: string) => string; started: boolean; version: string };

export async function ensurePostgres(port = Number(process.env.BENCH_PG_PORT ?? 54346)): Promise<PgServer> {
  const url = (db = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${db}`;
  let started = false;
  if (!(await portOpen(port))) {
    const bin = pgBin();
    const dir = path.join(DATA_DIR, 'pg');
    fs.mkdirSync(DATA_DIR, { recursive: true });
    const root = process.getuid?.() === 0;
    if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) {
      fs.mkdirSync(dir, { recursive: true });
      if (root) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
      run(path.join(bin, 'initdb'), ['-D', dir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8']);
    }
    if (root) execFileSync('chown', ['postgres:postgres', DATA_DIR]);
    const opts = [`-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir}`, ...Object.entries(PG_SETTINGS).map(([k, v]) => `-c ${k}=${v}`)].join(' ');
    run(path.join(bin, 'pg_ctl'), ['-D', dir, '-l', path.join(dir, 'server.log'), '-w', '-t', '120', '-o', opts, 'start']);
    started = true;
  }
  const { default: postgres } = await import('postgres');
  const sql = postgres(url(), { max: 1, onnotice: () => {} });
  const [v] = await sql`show server_version`;
  await sql.end();
  return { port, url, started, version: String(v!.server_version) };
}

/** Stops a server this process started (the data folder stays for the next run). */
export function stopPostgres() {
  const dir = path.join(DATA_DIR, 'pg');
  if (fs.existsSync(path.join(dir, 'postmaster.pid'))) run(path.join(pgBin(), 'pg_ctl'), ['-D', dir, '-m', 'fast', '-w', 'stop']);
}

export async function dbExists(server: PgServer, name: string): Promise<boolean> {
  const { default: postgres } = await import('postgres');
  const sql = postgres(server.url(), { max: 1, onnotice: () => {} });
  const r = await sql`select 1 from pg_database where datname = ${name}`;
  await sql.end();
  return r.length > 0;
}

export async function adminQuery(server: PgServer, text: string) {
  const { default: postgres } = await import('postgres');
  const sql = postgres(server.url(), { max: 1, onnotice: () => {} });
  try {
    return await sql.unsafe(text);
  } finally {
    await sql.end();
  }
}
