import type { Logger } from 'pino';
import type { Database, Db } from '../db/client.ts';
import type { Config } from './config.ts';
import type { Clock } from './domain/clock.ts';
import type { EventBus } from './domain/events.ts';
import type { CalendarStore } from './domain/calendar/store.ts';

/** Everything commands and routes need, built once in main.ts (or a test). No DI container. */
export type Deps = {
  db: Db;
  /** Where dashboards and reports read (a streaming replica when DATABASE_READ_URL is set); use `readerOf(deps)`. */
  readDb?: Db;
  /** The replica's connection behind readDb (readiness pings it); unset without DATABASE_READ_URL. */
  readDatabase?: Database;
  database: Database;
  config: Config;
  logger: Logger;
  clock: Clock;
  bus: EventBus;
  calendar: CalendarStore;
};

/** The connection for heavy reads (metrics, reports): the replica when configured, else the primary. */
export function readerOf(deps: Pick<Deps, 'db' | 'readDb'>): Db {
  return deps.readDb ?? deps.db;
}
