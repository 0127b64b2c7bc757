/**
 * The benchmarks' own PostgreSQL server (test/setup/postgres.ts: Debian's binaries when installed, else the
 * ones npm installed — Debian's first, so datasets generated with them stay usable) on 127.0.0.1 (port BENCH_PG_PORT, default 54346) with its data folder under
 * bench/.data/pg<major>, kept between runs so generated datasets are reused. Settings: the throw-away servers'
 * (fsync=off, max_connections=300) plus memory sized for a 2-core, multi-GB machine. If the port already
 * answers, that server is used as it is.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { findPostgres, startPgServer } from '../../test/setup/postgres.ts';
import { ROOT } from '../../src/runtime.ts';

/** From the project folder, not this file's URL: bench children run bundled (./proc.ts), where that URL is the bundle's. */
export const BENCH_DIR = path.join(ROOT, 'bench');
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

export type PgServer = { port: number; url: (db?: string) => string; started: boolean; version: string };

let started: ReturnType<typeof startPgServer> | null = null;

export async function ensurePostgres(port = Number(process.env.BENCH_PG_PORT ?? 54346)): Promise<PgServer> {
  const url = (db = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${db}`;
  if (!(await portOpen(port))) {
    fs.mkdirSync(DATA_DIR, { recursive: true });
    started = startPgServer({ port, dir: path.join(DATA_DIR, `pg${findPostgres([], 'debian').version}`), settings: PG_SETTINGS, prefer: 'debian' });
  }
  const { default: postgres } = await import('postgres');
  const sql = postgres(url(), { max: 1, onnotice: () => {} });
  const [v] = await sql`show server_version`;
  await sql.end();
  return { port, url, started: !!started, version: String(v!.server_version) };
}

/** Stops a server this process started (the data folder stays for the next run). */
export function stopPostgres() {
  started?.stop();
  started = null;
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
