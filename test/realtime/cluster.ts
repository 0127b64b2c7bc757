/**
 * App instances in this process (Koa + Socket.IO, each with its own pool, event bus and @socket.io/postgres-adapter)
 * on one PostgreSQL database, for the tests across instances. The adapter needs LISTEN/NOTIFY, so PostgreSQL: with
 * DATABASE_URL a clone of the run's template; without it (the PGlite pass) a throw-away server of its own
 * (test/setup/postgres.ts) — without the server binaries it fails loudly, never skips.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import type { Socket } from 'socket.io-client';
import { connect, migrate, type Database } from '../../db/client.ts';
import { startPgServer } from '../setup/postgres.ts';
import { driver, freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { startApi, type Api } from '../setup/server.ts';
import { makeWorld, type World } from '../setup/world.ts';

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

/**
 * Two instances, A and B, and the test world (on A's database), started before the file's tests; the sockets the
 * tests push and the cluster closed after them. Read the fields inside tests (beforeAll fills them in).
 */
export function useTwoInstances(): { a: Api; b: Api; w: World; sockets: Socket[]; instances: Instance[] } {
  const f = { sockets: [] as Socket[], instances: [] as Instance[] } as {
    a: Api;
    b: Api;
    w: World;
    sockets: Socket[];
    instances: Instance[];
    cluster: Cluster;
  };
  beforeAll(async () => {
    f.cluster = await startCluster();
    const first = await f.cluster.start('a');
    const second = await f.cluster.start('b');
    f.instances.push(first, second);
    f.a = first.api;
    f.b = second.api;
    f.w = await makeWorld(first.deps.db);
  }, 120_000);
  afterAll(async () => {
    for (const s of f.sockets) s.disconnect();
    await f.cluster?.close();
  }, 60_000);
  return f;
}
