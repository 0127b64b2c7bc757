import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { role } from './enums.ts';

/**
 * Who did or read what, from where. Append-only: no route updates or deletes it, and a trigger
 * (migration 0001) refuses UPDATE and DELETE at the database level.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    userId: integer(),
    role: role(),
    ip: text(),
    requestId: text(),
    action: text().notNull(),
    targetType: text(),
    targetId: text(),
    details: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    /**
     * The tamper-evident chain (src/domain/audit-chain.ts), filled in by the sealer shortly after the row commits
     * (the only UPDATE the trigger allows: null → value, once): its place in the chain, the previous row's HMAC and
     * its own HMAC-SM3 over both and the row's content.
     */
    seq: bigint({ mode: 'number' }),
    prevMac: text(),
    mac: text(),
  },
  (t) => [
    uniqueIndex('audit_log_seq_uq').on(t.seq),
    index('audit_log_unsealed_idx').on(t.id).where(sql`${t.seq} is null`),
    index('audit_log_at_idx').on(t.at),
    index('audit_log_target_idx').on(t.targetType, t.targetId),
    index('audit_log_user_idx').on(t.userId, t.at),
  ],
);
