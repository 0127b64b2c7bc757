import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { encryptedText } from './encrypted.ts';
import { role, unitKind } from './enums.ts';

/** The unit tree: centre → district → departments and streets → communities. */
export const units = pgTable(
  'units',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    code: text().notNull(),
    name: text().notNull(),
    kind: unitKind().notNull(),
    parentId: integer().references((): AnyPgColumn => units.id),
    /** Materialised path of ids, "/1/4/17/": a subtree is a prefix match. */
    path: text().notNull(),
    /** Other names the unit goes by in addresses (e.g. 东华 for 东华街道) */
    aliases: jsonb().$type<string[]>().notNull().default([]),
    /** Mobile number for SMS to the unit (new dispatch, warnings) */
    notifyPhone: text(),
    active: boolean().notNull().default(true),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('units_code_uq').on(t.code), index('units_path_idx').on(t.path), index('units_parent_idx').on(t.parentId)],
);

export const users = pgTable(
  'users',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    username: text().notNull(),
    displayName: text().notNull(),
    passwordHash: text().notNull(),
    role: role().notNull(),
    unitId: integer()
      .notNull()
      .references(() => units.id),
    active: boolean().notNull().default(true),
    failedLogins: integer().notNull().default(0),
    lockedUntil: timestamp({ withTimezone: true }),
    passwordChangedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** Set when an administrator creates the account or resets its password: the next sign-in must change it */
    mustChangePassword: boolean().notNull().default(false),
    /** A demo city account (known password): marked on the sign-in page; outside demo mode it must change its password */
    isDemo: boolean().notNull().default(false),
    /** The TOTP secret (RFC 6238, base32), encrypted; set at enrolment, confirmed by totpEnabledAt */
    totpSecret: encryptedText(),
    totpEnabledAt: timestamp({ withTimezone: true }),
    /** The last 30-second step whose code signed this user in: a code is accepted once, never an older one (replay) */
    totpLastStep: bigint({ mode: 'number' }),
    /** Failed attempts since the last successful sign-in, and when the last one was (shown to the owner) */
    lastLoginAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('users_username_uq').on(sql`lower(${t.username})`), index('users_unit_idx').on(t.unitId)],
);

/** Cookie sessions; only the SHA-256 of the token is stored. */
export const sessions = pgTable(
  'sessions',
  {
    id: text().primaryKey(),
    userId: integer()
      .notNull()
      .references(() => users.id),
    csrfToken: text().notNull(),
    ip: text(),
    userAgent: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** Bearer tokens for API clients (online portal, integrations, Open311 keys); only the hash is stored. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    name: text().notNull(),
    tokenHash: text().notNull(),
    /** The first characters of the token, so an admin can tell tokens apart. */
    prefix: text().notNull(),
    userId: integer()
      .notNull()
      .references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp({ withTimezone: true }),
    expiresAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex('api_tokens_hash_uq').on(t.tokenHash)],
);
