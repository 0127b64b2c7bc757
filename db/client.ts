import fs from 'node:fs';
import path from 'node:path';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema/index.ts';
import { ROOT } from '../src/runtime.ts';
import { withNamedStatements } from './pglite-named.ts';

export type Schema = typeof schema;
/** A database handle or a transaction: query functions take this first. */
export type Db = PgDatabase<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export const MIGRATIONS_FOLDER = path.join(ROOT, 'db', 'migrations');

export type Database = {
  db: Db;
  driver: 'pglite' | 'postgres';
  /** Run raw SQL and get rows back, whichever driver. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
  /** PGlite only: a dump of the data folder (tests start from a migrated dump; backups). */
  dump?: () => Promise<Blob>;
};

export type ConnectOptions = {
  /** postgres:// URL; unset → embedded PGlite */
  url?: string;
  /** PGlite data folder; 'memory://' for an in-memory database */
  dataDir?: string;
  /** A PGlite data dump to start from (tests) */
  loadDataDir?: Blob;
  /** postgres.js pool size */
  max?: number;
  /** postgres.js: application_name the server shows in pg_stat_activity (tells the read pool from the primary's) */
  applicationName?: string;
  /**
   * Named prepared statements (default true). postgres.js: false behind pgbouncer's transaction mode before 1.21.
   * PGlite: statements with parameters parsed and planned once (db/pglite-named.ts); false runs each unnamed.
   */
  prepare?: boolean;
};

export class DataDirLockedError extends Error {
  constructor(
    public dir: string,
    public pid: number,
  ) {
    super(
      `The data folder ${dir} is in use by another jiesu process (pid ${pid}). ` +
        `Stop that process, or set DATA_DIR to another folder. PGlite cannot share a data folder between processes.`,
    );
  }
}

/** One process per PGlite data folder: a lock file holding our pid, taken over only when its owner is gone. */
function lockDataDir(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const lockFile = path.join(dir, '.jiesu.lock');
  for (let tries = 0; tries < 2; tries++) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return () => {
        try {
          if (fs.readFileSync(lockFile, 'utf8') === String(process.pid)) fs.unlinkSync(lockFile);
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(fs.readFileSync(lockFile, 'utf8'));
      if (pid && isAlive(pid)) throw new DataDirLockedError(dir, pid); // our own pid too: a second instance in this process
      fs.unlinkSync(lockFile); // stale: its process has exited
    }
  }
  throw new Error(`Could not lock ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

type PgClient = import('postgres').Sql;

/**
 * drizzle-orm sends its queries unnamed (`prepare: false`), and postgres.js must then have the server describe
 * each parameterised statement before it can send the values: two round trips per query, and nothing
 * pipelined behind it (postgres.js waits for the description). Named prepared statements are described once
 * per connection; after that each query is one message batch, and the queries a command sends together
 * travel together. postgres.js drops a connection's statements when it recycles the connection
 * (`max_lifetime`, 30–60 min), which bounds how many accumulate. Off with `prepare: false` (pgbouncer in
 * transaction mode before 1.21). Measured in docs/benchmarks.md (intake).
 */
function preparing(sql: PgClient): PgClient {
  return new Proxy(sql, {
    get(target, prop, receiver) {
      if (prop === 'unsafe') {
        return (text: string, args?: unknown[], options?: Record<string, unknown>) =>
          Array.isArray(args) && args.length
            ? target.unsafe(text, args as never[], { ...options, prepare: true })
            : target.unsafe(text, args as never[], options);
      }
      if (prop === 'begin' || prop === 'savepoint') {
        return (...a: unknown[]) => {
          const fn = a.pop() as (c: PgClient) => unknown;
          return (Reflect.get(target, prop, receiver) as (...x: unknown[]) => unknown)(...a, (c: PgClient) => fn(preparing(c)));
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}

export async function connect(opts: ConnectOptions = {}): Promise<Database> {
  if (opts.url) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const sql = postgres(opts.url, {
      max: opts.max ?? 10,
      onnotice: () => {},
      // After the server dies, queries waiting for a connection are tried one per reconnect attempt, and the
      // default back-off (shared by the pool) grows to 20 s: requests would hang far past the outage. Retry
      // within a second instead, so each waiting query soon gets ECONNREFUSED (→ 503) or a fresh connection.
      backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
      connect_timeout: 5,
      ...(opts.applicationName ? { connection: { application_name: opts.applicationName } } : {}),
      ...(opts.prepare === false ? { prepare: false } : {}),
    });
    const db = drizzle(opts.prepare === false ? sql : preparing(sql), { schema, casing: 'snake_case' }) as unknown as Db;
    return {
      db,
      driver: 'postgres',
      query: async <T>(text: string, params: unknown[] = []) => (await sql.unsafe(text, params as never[])) as unknown as T[],
      close: () => sql.end({ timeout: 5 }),
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const dataDir = opts.dataDir ?? 'memory://';
  const unlock = dataDir.startsWith('memory://') ? () => {} : lockDataDir(path.resolve(dataDir));
  let client: InstanceType<typeof PGlite>;
  try {
    client = await PGlite.create({ dataDir, loadDataDir: opts.loadDataDir });
  } catch (e) {
    unlock();
    throw e;
  }
  const named = opts.prepare === false ? client : withNamedStatements(client);
  const db = drizzle(named, { schema, casing: 'snake_case' }) as unknown as Db;
  return {
    db,
    driver: 'pglite',
    query: async <T>(text: string, params: unknown[] = []) => (await client.query<T>(text, params)).rows,
    dump: async () => (await client.dumpDataDir('gzip')) as Blob,
    close: async () => {
      await client.close();
      unlock();
    },
  };
}

/** Apply the committed migrations; with several instances on one server, an advisory lock lets one at a time. */
export async function migrate(database: Database, url?: string): Promise<void> {
  if (database.driver === 'pglite') {
    const { migrate: run } = await import('drizzle-orm/pglite/migrator');
    await run(database.db as never, { migrationsFolder: MIGRATIONS_FOLDER });
    return;
  }
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate: run } = await import('drizzle-orm/postgres-js/migrator');
  const sql = postgres(url!, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(7212345)`;
    await run(drizzle(sql, { casing: 'snake_case' }), { migrationsFolder: MIGRATIONS_FOLDER });
    await sql`select pg_advisory_unlock(7212345)`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
