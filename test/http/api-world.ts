/**
 * The world an HTTP test file works in: a fresh database of its own, the real app on a real port, a small city
 * (test/setup/world.ts) and the ticket-flow driver — made once before the file's tests, closed after them.
 *
 * A test file calls useApiWorld() once at its top level and imports the bindings below, which are set by the time
 * its tests run (module exports are live bindings). Each test file has its own module instance, so its own world.
 */
import { afterAll, beforeAll } from 'vitest';
import type { Database } from '../../db/client.ts';
import type { Config } from '../../src/config.ts';
import { freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { startApi, type Api } from '../setup/server.ts';
import { ticketFlow } from '../setup/ticket-flow.ts';
import { makeWorld, type World } from '../setup/world.ts';

export let database: Database;
export let deps: TestDeps;
export let api: Api;
export let w: World;
export let flow: ReturnType<typeof ticketFlow>;

export type ApiWorldOptions = {
  /** configuration over the test defaults */
  config?: Partial<Config>;
  /** what the fixed clock reads at the start (makeDeps' default when not given) */
  now?: string;
  /** runs on the new database before the app starts (e.g. seeding the calendar) */
  prepare?: (deps: TestDeps) => Promise<unknown>;
  /** the database pool's size on PostgreSQL (freshDatabase's default when not given) */
  max?: number;
};

export function useApiWorld(opts: ApiWorldOptions = {}) {
  beforeAll(async () => {
    database = await freshDatabase({ max: opts.max });
    deps = makeDeps(database, opts.config ?? {}, opts.now);
    await opts.prepare?.(deps);
    api = await startApi(deps);
    w = await makeWorld(deps.db);
    flow = ticketFlow(api, w);
  });
  afterAll(async () => {
    await api?.close();
    await database?.close();
  });
}
