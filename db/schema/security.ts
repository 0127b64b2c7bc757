import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from './org.ts';

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

/** One-time recovery codes of a user's second factor (only a hash is kept); each works once. */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    userId: integer()
      .notNull()
      .references(() => users.id),
    codeHash: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    usedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('recovery_codes_user_idx').on(t.userId)],
);

/** A user's previous password hashes: a new password may not repeat the last PASSWORD_HISTORY of them. */
export const passwordHistory = pgTable(
  'password_history',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    userId: integer()
      .notNull()
      .references(() => users.id),
    passwordHash: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('password_history_user_idx').on(t.userId, t.createdAt)],
);

/**
 * A sign-in half done: the password was right and the second factor is still to come. Only the hash of the
 * challenge token is kept; it expires within minutes, allows a few tries and is used once.
 */
export const loginChallenges = pgTable(
  'login_challenges',
  {
    id: text().primaryKey(),
    userId: integer()
      .notNull()
      .references(() => users.id),
    ip: text(),
    userAgent: text(),
    attempts: integer().notNull().default(0),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('login_challenges_user_idx').on(t.userId)],
);

/** The security administrator's settings (e.g. which roles must use a second factor), by key. */
export const securitySettings = pgTable('security_settings', {
  key: text().primaryKey(),
  value: jsonb().$type<Record<string, unknown>>().notNull(),
  updatedBy: integer(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * The audit chain's seals: each time the sealer chains a batch of audit rows it records the last sequence number
 * and HMAC, so cutting rows off the end of the chain shows too (src/domain/audit-chain.ts).
 */
export const auditSeals = pgTable('audit_seals', {
  id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  lastSeq: bigint({ mode: 'number' }).notNull(),
  lastMac: text().notNull(),
  rows: integer().notNull(),
  sealedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
