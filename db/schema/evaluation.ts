import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { appealStatus, satisfaction, solvedResult } from './enums.ts';
import { assignments, tickets } from './tickets.ts';
import { units, users } from './org.ts';
import type { AppealReasonCode } from '../../src/contract/vocab.ts';

const ts = () => timestamp({ withTimezone: true });

/** One callback attempt (回访). */
export const callbacks = pgTable(
  'callbacks',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ticketId: bigint({ mode: 'number' })
      .notNull()
      .references(() => tickets.id),
    /** The ticket's callback round this attempt belongs to (a reopen starts a new one) */
    round: integer().notNull().default(1),
    /** The attempt's number within its round */
    attempt: integer().notNull(),
    reached: boolean().notNull(),
    solved: solvedResult(),
    satisfaction: satisfaction(),
    comment: text(),
    agentId: integer().references(() => users.id),
    createdAt: ts().notNull().defaultNow(),
  },
  (t) => [index('callbacks_ticket_idx').on(t.ticketId), index('callbacks_created_idx').on(t.createdAt)],
);

/** 申诉 / 免考: a unit asks to exclude a ticket from its score. */
export const appeals = pgTable(
  'appeals',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ticketId: bigint({ mode: 'number' })
      .notNull()
      .references(() => tickets.id),
    assignmentId: bigint({ mode: 'number' }).references(() => assignments.id),
    unitId: integer()
      .notNull()
      .references(() => units.id),
    reasonCode: text().$type<AppealReasonCode>().notNull(),
    reason: text().notNull(),
    status: appealStatus().notNull().default('pending'),
    requestedBy: integer().references(() => users.id),
    createdAt: ts().notNull().defaultNow(),
    decidedBy: integer().references(() => users.id),
    decidedAt: ts(),
    decisionNote: text(),
    /** Evidence: ids of the ticket's attachments */
    attachmentIds: jsonb().$type<number[]>().notNull().default([]),
  },
  (t) => [
    index('appeals_ticket_idx').on(t.ticketId),
    index('appeals_pending_idx').on(t.unitId).where(sql`${t.status} = 'pending'`),
    index('appeals_status_idx').on(t.status, t.id),
    // One pending appeal per assignment (the command checks first; this is the backstop under concurrency).
    uniqueIndex('appeals_one_pending_uq').on(t.assignmentId).where(sql`${t.status} = 'pending'`),
  ],
);
