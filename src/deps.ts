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

/*
 * What a command receives: only the parts of Deps it uses, so its signature says what it touches. Callers
 * (routes, jobs, the demo) pass their whole Deps; structural typing takes the part. Combine with `&`, e.g.
 * `CalendarTxDeps & WithConfig<'CALLBACK_MAX_ATTEMPTS'> & Pick<Deps, 'logger'>`.
 */
/** Reads and writes that need no time. */
export type DbDeps = Pick<Deps, 'db'>;
/** Writes stamped with the time (settings, rules, audit rows) that publish nothing. */
export type DbClockDeps = Pick<Deps, 'db' | 'clock'>;
/** A transaction that records events (inTransaction): the database, the time, and the bus it publishes on after commit. */
export type TxDeps = Pick<Deps, 'db' | 'clock' | 'bus'>;
/** TxDeps and the working-day calendar: commands that compute deadlines. */
export type CalendarTxDeps = TxDeps & Pick<Deps, 'calendar'>;
/** The named settings of the configuration, and no others. */
export type WithConfig<K extends keyof Config> = { config: Pick<Config, K> };

/** The connection for heavy reads (metrics, reports): the replica when configured, else the primary. */
export function readerOf(deps: Pick<Deps, 'db' | 'readDb'>): Db {
  return deps.readDb ?? deps.db;
}
