import { bigint, integer, pgTable } from 'drizzle-orm/pg-core';

/**
 * One row: a counter that statement-level triggers (migration 0010) bump whenever reference data changes —
 * categories, units, street boundaries, dispatch rules, SLA policies. Each instance caches that data in
 * memory and reads this row (one tiny query) to know whether its copy is still current: a change committed
 * on any instance, or straight in SQL, is seen by the next request everywhere.
 */
export const referenceVersion = pgTable('reference_version', {
  id: integer().primaryKey().default(1),
  version: bigint({ mode: 'number' }).notNull().default(0),
});
