import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { RatingLevel, RatingSource, VerificationStatus } from '../../src/contract/vocab.ts';
import { units, users } from './org.ts';
import { tickets } from './tickets.ts';

const ts = () => timestamp({ withTimezone: true });

/**
 * A one-time rating link (评价链接) sent with the reply notice: a random 256-bit token, of which only the SHA-256
 * is kept (as for sessions). It rates the round it was sent for, once, until it expires.
 */
export const ratingInvitations = pgTable(
  'rating_invitations',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ticketId: bigint({ mode: 'number' })
      .notNull()
      .references(() => tickets.id),
    round: integer().notNull(),
    tokenHash: text().notNull(),
    createdAt: ts().notNull().defaultNow(),
    expiresAt: ts().notNull(),
    usedAt: ts(),
  },
  (t) => [uniqueIndex('rating_invitations_hash_uq').on(t.tokenHash), index('rating_invitations_ticket_idx').on(t.ticketId)],
);

/** The caller's rating of one handling round (好差评): one per ticket and round. */
export const citizenRatings = pgTable(
  'citizen_ratings',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ticketId: bigint({ mode: 'number' })
      .notNull()
      .references(() => tickets.id),
    round: integer().notNull(),
    level: text().$type<RatingLevel>().notNull(),
    comment: text(),
    source: text().$type<RatingSource>().notNull(),
    /** The unit rated: the lead unit of the centre's dispatch in that round (null: none, e.g. answered at intake) */
    unitId: integer().references(() => units.id),
    createdAt: ts().notNull().defaultNow(),
  },
  (t) => [uniqueIndex('citizen_ratings_round_uq').on(t.ticketId, t.round), index('citizen_ratings_created_idx').on(t.createdAt)],
);

/**
 * 差评核实: every bad rating is verified by the centre (its own clock); the unit may appeal with evidence; the
 * centre confirms or dismisses; a confirmed one is rectified and answered to the caller within the limit.
 */
export const ratingVerifications = pgTable(
  'rating_verifications',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ratingId: bigint({ mode: 'number' })
      .notNull()
      .references(() => citizenRatings.id),
    ticketId: bigint({ mode: 'number' })
      .notNull()
      .references(() => tickets.id),
    unitId: integer()
      .notNull()
      .references(() => units.id),
    status: text().$type<VerificationStatus>().notNull().default('verifying'),
    /** The centre's verification deadline; null while it awaits the calendar (the sweep places it once covered) */
    verifyDueAt: ts(),
    /** The rectification deadline, set on confirmation (null: awaiting the calendar, or not confirmed) */
    rectifyDueAt: ts(),
    /** 'none' | 'warning' | 'overdue' of the clock now running (verify, then rectify) */
    warningLevel: text().$type<'none' | 'warning' | 'overdue'>().notNull().default('none'),
    appealReason: text(),
    appealAttachmentIds: jsonb().$type<number[]>(),
    appealedBy: integer().references(() => users.id),
    appealedAt: ts(),
    decisionNote: text(),
    decidedBy: integer().references(() => users.id),
    decidedAt: ts(),
    rectification: text(),
    answer: text(),
    rectifiedBy: integer().references(() => users.id),
    rectifiedAt: ts(),
    createdAt: ts().notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('rating_verifications_rating_uq').on(t.ratingId),
    index('rating_verifications_unit_idx').on(t.unitId, t.id),
    // The sweep's work list: verifications whose clock still runs.
    index('rating_verifications_open_idx').on(t.status).where(sql`${t.status} in ('verifying', 'appealed', 'confirmed')`),
  ],
);
