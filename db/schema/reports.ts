import { customType, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { users } from './org.ts';

const ts = () => timestamp({ withTimezone: true });

/** Raw bytes (PGlite gives a Uint8Array, postgres.js a Buffer: both are read as a Buffer). */
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

/**
 * 每月热线分析报告: one row per month. Regenerating replaces the figures and both files and bumps
 * `version`; the row is also the claim that keeps two instances from generating the same month at once
 * (src/domain/reports/commands.ts): `status = generating` with a fresh `claimed_at` belongs to whoever
 * holds `claim_token`. The files of the last good version stay downloadable while a new one is made.
 */
export const monthlyReports = pgTable(
  'monthly_reports',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    /** YYYY-MM, Asia/Shanghai calendar month */
    month: text().notNull(),
    /** generating | ready | failed — of the latest attempt */
    status: text().notNull(),
    /** Completed generations so far (0 until the first one is ready) */
    version: integer().notNull().default(0),
    /** cron | manual — of the latest attempt */
    trigger: text().notNull(),
    claimToken: text(),
    claimedAt: ts(),
    /** Who asked for the latest attempt (null: the scheduled job) */
    requestedBy: integer().references(() => users.id),
    generatedAt: ts(),
    /** Who asked for the version stored (null: the scheduled job) */
    generatedBy: integer().references(() => users.id),
    /** The computed figures (src/domain/reports/figures.ts, MonthlyFigures) */
    data: jsonb().$type<Record<string, unknown>>(),
    pdf: bytea(),
    xlsx: bytea(),
    pdfSize: integer(),
    xlsxSize: integer(),
    pdfSha256: text(),
    xlsxSha256: text(),
    /** Why the latest attempt failed */
    error: text(),
    createdAt: ts().notNull().defaultNow(),
    updatedAt: ts().notNull().defaultNow(),
  },
  (t) => [uniqueIndex('monthly_reports_month_uq').on(t.month)],
);
