import { index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Failed sign-ins counted per account (the lower-cased username, whether or not it exists) and per client
 * address, shared by every app instance: each failure is one atomic upsert, and past a free allowance the
 * key is blocked for a back-off that doubles up to a cap (src/domain/auth/throttle.ts).
 */
export const loginFailures = pgTable(
  'login_failures',
  {
    /** 'account' | 'address' */
    kind: text().notNull(),
    key: text().notNull(),
    failures: integer().notNull().default(0),
    lastFailedAt: timestamp({ withTimezone: true }).notNull(),
    /** No sign-in for this key before this instant (null: not blocked) */
    blockedUntil: timestamp({ withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.kind, t.key] }), index('login_failures_last_failed_idx').on(t.lastFailedAt)],
);
