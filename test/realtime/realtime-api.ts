/**
 * The fixture the realtime tests share: a fresh database, the API with realtime attached (the postgres adapter on
 * PostgreSQL), the test world, and the client sockets to close afterwards — set up before the file's tests and
 * torn down after them. Read its fields inside tests (they are filled in by beforeAll).
 */
import { afterAll, beforeAll } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { Database } from '../../db/client.ts';
import { freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { startApi, type Api } from '../setup/server.ts';
import { makeWorld, type World } from '../setup/world.ts';

export type RealtimeApi = { database: Database & { url?: string }; deps: TestDeps; api: Api; w: World; sockets: Socket[] };

export function useRealtimeApi(): RealtimeApi {
  const f = { sockets: [] as Socket[] } as RealtimeApi;
  beforeAll(async () => {
    f.database = await freshDatabase();
    f.deps = makeDeps(f.database, f.database.url ? { DATABASE_URL: f.database.url } : {});
    f.api = await startApi(f.deps, { realtime: true });
    f.w = await makeWorld(f.deps.db);
  });
  afterAll(async () => {
    for (const s of f.sockets) s.disconnect();
    await f.api?.close();
    await f.database?.close();
  });
  return f;
}
