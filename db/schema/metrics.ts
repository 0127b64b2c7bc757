import { bigint, boolean, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { COUNTERS, type Counter } from '../../src/domain/metrics/counters.ts';
import { channel } from './enums.ts';
import { users } from './org.ts';

const ts = () => timestamp({ withTimezone: true });
const counter = () => integer().notNull().default(0);
/** One integer column per counter (src/domain/metrics/counters.ts); fresh builders for each table. */
const counters = () => Object.fromEntries(COUNTERS.map((c) => [c, counter()])) as { [K in Counter]: ReturnType<typeof counter> };

/**
 * The metric rollups: the same counters at five grains, all maintained by the rollup job from the same
 * deltas in the same transaction, so they always agree. A query reads the smallest grain that can answer
 * it (src/domain/metrics/grains.ts). Days are Asia/Shanghai dates; a month is stored as its first day.
 * `appealed`: the counts of tickets an approved appeal (免考) took out of that unit's score. Unit 0 is the
 * centre's intake. One wide row per key rather than a row per metric: far fewer rows to sum.
 */
export const metricsDaily = pgTable(
  'metrics_daily',
  {
    day: date().notNull(),
    unitId: integer().notNull(),
    categoryId: integer().notNull(),
    channel: channel().notNull(),
    appealed: boolean().notNull(),
    ...counters(),
  },
  (t) => [primaryKey({ columns: [t.day, t.unitId, t.categoryId, t.channel, t.appealed] }), index('metrics_daily_unit_day_idx').on(t.unitId, t.day)],
);

/** Per day and unit, all categories together: day and week figures without a category filter. */
export const metricsUnitDaily = pgTable(
  'metrics_unit_daily',
  {
    day: date().notNull(),
    unitId: integer().notNull(),
    channel: channel().notNull(),
    appealed: boolean().notNull(),
    ...counters(),
  },
  (t) => [primaryKey({ columns: [t.day, t.unitId, t.channel, t.appealed] }), index('metrics_unit_daily_unit_day_idx').on(t.unitId, t.day)],
);

/** Per month and unit: the monthly assessment, rankings and unit dashboards. */
export const metricsUnitMonthly = pgTable(
  'metrics_unit_monthly',
  {
    month: date().notNull(),
    unitId: integer().notNull(),
    channel: channel().notNull(),
    appealed: boolean().notNull(),
    ...counters(),
  },
  (t) => [primaryKey({ columns: [t.month, t.unitId, t.channel, t.appealed] })],
);

/**
 * Per month and unit with everything below it (a district: itself, its streets and their communities), all
 * channels together: every delta is also counted for each ancestor on the unit's path, so the unit
 * dashboards read one row per unit and month instead of expanding every unit's path. Derived from units: a
 * change of a unit's path rebuilds the rows of its old and new ancestors in the same transaction (trigger
 * units_metrics_subtree, migration metrics_subtree_monthly).
 */
export const metricsSubtreeMonthly = pgTable(
  'metrics_subtree_monthly',
  {
    month: date().notNull(),
    unitId: integer().notNull(),
    appealed: boolean().notNull(),
    ...counters(),
  },
  (t) => [primaryKey({ columns: [t.month, t.unitId, t.appealed] })],
);

/** Per month and category, all units together: the centre's monthly figures by category. */
export const metricsCategoryMonthly = pgTable(
  'metrics_category_monthly',
  {
    month: date().notNull(),
    categoryId: integer().notNull(),
    channel: channel().notNull(),
    appealed: boolean().notNull(),
    ...counters(),
  },
  (t) => [primaryKey({ columns: [t.month, t.categoryId, t.channel, t.appealed] })],
);

/**
 * Events not yet counted. A trigger on ticket_events (migration metrics_queue_trigger) adds every new
 * event; the rollup deletes what it counts in the same transaction as the counts. A row becomes visible
 * when its event commits, so events committed out of id order are still counted exactly once.
 */
export const metricsQueue = pgTable('metrics_queue', {
  eventId: bigint({ mode: 'number' }).primaryKey(),
});

/**
 * The drill-down ledger: what each ticket has added to each counter, per (Asia/Shanghai) day, unit and appeal
 * side — the rollup's deltas before they are summed, netted per key (a moved deadline leaves 0 on the old day).
 * "The tickets behind a figure" are the tickets with a positive value on the numerator's or denominator's
 * counters in the period and scope (src/domain/metrics/drill.ts). Written by the rollup in the same transaction
 * as the grains, so a figure and its tickets always agree.
 */
export const metricsTicketLedger = pgTable(
  'metrics_ticket_ledger',
  {
    counter: text().notNull(),
    day: date().notNull(),
    unitId: integer().notNull(),
    appealed: boolean().notNull(),
    ticketId: bigint({ mode: 'number' }).notNull(),
    value: integer().notNull(),
  },
  (t) => [
    // Each counter's day in ticket order: the drill-down walks the newest tickets of each day (drill.ts).
    primaryKey({ columns: [t.counter, t.day, t.ticketId, t.unitId, t.appealed] }),
    index('metrics_ticket_ledger_unit_idx').on(t.counter, t.unitId, t.day),
    index('metrics_ticket_ledger_ticket_idx').on(t.ticketId),
  ],
);

/** One row: when the rollup last ran and how much it has counted (dashboards show their freshness). */
export const metricsRollupState = pgTable('metrics_rollup_state', {
  id: integer().primaryKey(),
  lastRunAt: ts(),
  eventsProcessed: bigint({ mode: 'number' }).notNull().default(0),
  /**
   * The drill-down ledger holds every counted event's contribution: false on a database that counted events before
   * the ledger existed, until the rollup job has rebuilt it ticket by ticket (from `ledgerCursor`, a ticket id)
   */
  ledgerBuilt: boolean().notNull().default(true),
  ledgerCursor: bigint({ mode: 'number' }).notNull().default(0),
});

/** Metric definition choices (which answers count as satisfied, solved…), edited by admins. */
export const metricSettings = pgTable('metric_settings', {
  key: text().primaryKey(),
  value: jsonb().$type<Record<string, unknown>>().notNull(),
  updatedBy: integer().references(() => users.id),
  updatedAt: ts().notNull().defaultNow(),
});
