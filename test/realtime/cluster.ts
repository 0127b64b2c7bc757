/**
 * App instances in this process (Koa + Socket.IO, each with its own pool, event bus and @socket.io/postgres-adapter)
 * on one PostgreSQL database, for the tests across instances. The adapter needs LISTEN/NOTIFY, so PostgreSQL: with
 * DATABASE_URL a clone of the run's template; without it (the PGlite pass) a throw-away server of its own
 * (test/setup/postgres.ts) — without the server binaries it fails loudly, never skips.
 */
import { expect } from 'vitest';
import { connect, migrate, type Database } from '../../db/client.ts';
import { startPgServer } from '../setup/postgres.ts';
import { driver, freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { startApi, type Api } from '../setup/server.ts';

export type Instance = { name: string; database: Database; deps: TestDeps; api: Api };

export async function startCluster() {
  let url: string;
  let primary: Database & { url?: string };
  const pgServer = driver === 'postgres' ? null : startPgServer();
  if (pgServer) {
    url = pgServer.url;
    primary = await connect({ url, max: 2 });
    await migrate(primary, url);
  } else {
    primary = await freshDatabase();
    url = primary.url!;
  }
  const instances: Instance[] = [];
  return {
    /** A new instance named `name` (INSTANCE_ID) with these configuration values besides the database's */
    async start(name: string, config: Record<string, string | number> = {}): Promise<Instance> {
      const database = await connect({ url, max: 4 });
      const deps = makeDeps(database, { DATABASE_URL: url, INSTANCE_ID: name, ...config });
      expect(deps.database.driver).toBe('postgres');
      const api = await startApi(deps, { realtime: true });
      const i = { name, database, deps, api };
      instances.push(i);
      return i;
    },
    async close() {
      for (const i of instances) {
        await i.api.close();
        await i.database.close();
      }
      await primary.close();
      pgServer?.stop();
    },
  };
}
export type Cluster = Awaited<ReturnType<typeof startCluster>>;
