import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  date,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { categories, kbArticles } from './catalog.ts';
import {
  assignmentRole,
  assignmentStatus,
  channel,
  closeReason,
  requestKind,
  requestStatus,
  role,
  ticketStatus,
  ticketType,
  urgency,
  warningLevel,
  windowReason,
} from './enums.ts';
import { encryptedText } from './encrypted.ts';
import { units, users } from './org.ts';
import type { TicketEventType } from '../../src/contract/events.ts';
import type { TicketStatus } from '../../src/contract/vocab.ts';

const ts = () => timestamp({ withTimezone: true });

export const tickets = pgTable(
  'tickets',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** Readable and unique: YYYYMMDD-NNNNNN, the date in Asia/Shanghai and that day's counter. */
    number: text().notNull(),
    status: ticketStatus().notNull(),
    version: integer().notNull().default(1),
    channel: channel().notNull(),
    type: ticketType().notNull(),
    urgency: urgency().notNull().default('normal'),
    categoryId: integer()
      .notNull()
      .references(() => categories.id),
    title: text().notNull(),
    content: text().notNull(),
    address: text(),
    lat: doublePrecision(),
    lng: doublePrecision(),
    /** The street / district the matter is in (routing fills these in; the operator may override). */
    streetUnitId: integer().references(() => units.id),
    districtUnitId: integer().references(() => units.id),
    /** How the street was found: coordinates (boundary), address (names), operator (chosen by hand) */
    streetSource: text(),
    /** The caller's name and number, encrypted at rest (db/schema/encrypted.ts); look them up by their blind indexes. */
    callerName: encryptedText(),
    callerPhone: encryptedText(),
    /** Keyed blind indexes (HMAC-SM3) of the normalised number and the name: caller history, duplicate hints, search */
    callerPhoneIndex: text(),
    callerNameIndex: text(),
    /** Last four digits, for the citizen look-up and the caller-history index. */
    callerPhoneLast4: text(),
    /** When the retention job (or an erasure request) removed the caller's name and number (PIPL) */
    callerAnonymisedAt: ts(),
    /** 保密件: caller identity hidden from units entirely. */
    confidential: boolean().notNull().default(false),
    /** The caller agreed that the unit may call them directly (units then see the full number). */
    allowDirectContact: boolean().notNull().default(false),
    // "办不成事" window fields
    windowMatter: text(),
    windowHallDepartment: text(),
    windowReason: windowReason(),
    // closing
    closeReason: closeReason(),
    closeNote: text(),
    kbArticleId: integer().references(() => kbArticles.id),
    transferredTo: text(),
    mergedIntoTicketId: bigint({ mode: 'number' }).references((): AnyPgColumn => tickets.id),
    /** The reply approved for the caller (public in the citizen look-up). */
    publicReply: text(),
    redoCount: integer().notNull().default(0),
    /** Callback attempts in the current round (a reopen starts a new round with its own count). */
    callbackAttempts: integer().notNull().default(0),
    /** The callback round: 1 for the first reply approved, +1 with every reopen. */
    callbackRound: integer().notNull().default(1),
    /** Worst warning level over the live assignments (SLA engine). */
    warningLevel: warningLevel().notNull().default('none'),
    supervisionLevel: integer().notNull().default(0),
    reminderCount: integer().notNull().default(0),
    createdBy: integer().references(() => users.id),
    createdAt: ts().notNull().defaultNow(),
    updatedAt: ts().notNull().defaultNow(),
    /** When the ticket entered its current status: the start of the centre's own clocks (dispatch, review, callback). */
    statusChangedAt: ts().notNull().defaultNow(),
    dispatchedAt: ts(),
    repliedAt: ts(),
    closedAt: ts(),
    /**
     * Search terms of title, demand and address: Chinese character bigrams and whole Latin words / numbers, space-separated,
     * indexed with to_tsvector('simple', …) (src/domain/tickets/search-terms.ts; the SQL function ticket_search_terms for bulk loads).
     */
    searchTerms: text().notNull().default(''),
    /**
     * Kept by triggers on assignments (migration 0019, tickets_refresh_chain): the lead's completion deadline (the latest
     * top-level lead, as the list's due sort and filters read it) and the ids of every unit holding an assignment on the
     * ticket with all their ancestors, so "a unit with its subtree" is `unit_ids @> array[id]` on a GIN index.
     */
    leadDueAt: ts(),
    /** The earliest completion deadline among the assignments still at work (awaiting_sign, in_progress): overdue is `< now`. */
    openDueAt: ts(),
    unitIds: integer().array().notNull().default(sql`'{}'::integer[]`),
  },
  (t) => [
    uniqueIndex('tickets_number_uq').on(t.number),
    index('tickets_search_idx').using('gin', sql`to_tsvector('simple', ${t.searchTerms})`),
    index('tickets_caller_last4_idx').on(t.callerPhoneLast4, t.createdAt),
    index('tickets_closed_idx').on(t.closedAt).where(sql`${t.closedAt} is not null`),
    // the retention job's walk: closed tickets whose caller data is still there, oldest first (anonymised ones drop out)
    index('tickets_retention_due_idx').on(t.closedAt, t.id).where(sql`${t.status} = 'closed' and ${t.callerAnonymisedAt} is null`),
    // A number's prefix (a day's tickets) with LIKE, whatever the database's collation
    index('tickets_number_prefix_idx').using('btree', t.number.op('text_pattern_ops')),
    index('tickets_status_idx').on(t.status, t.createdAt),
    index('tickets_caller_phone_idx').on(t.callerPhoneIndex, t.createdAt),
    index('tickets_caller_name_idx').on(t.callerNameIndex, t.createdAt),
    index('tickets_category_created_idx').on(t.categoryId, t.createdAt),
    index('tickets_created_idx').on(t.createdAt),
    index('tickets_open_idx').on(t.status).where(sql`${t.status} <> 'closed'`),
    index('tickets_unit_ids_idx').using('gin', t.unitIds),
    // sort=due and sort=-due: a missing deadline sorts last either way (the sentinels of src/domain/tickets/search.ts)
    index('tickets_lead_due_idx').on(sql`coalesce(${t.leadDueAt}, 'infinity'::timestamptz)`, t.id),
    // overdue, newest first: a walk of the open tickets in time order, the deadline checked in the index
    index('tickets_open_due_idx').on(t.createdAt, t.openDueAt).where(sql`${t.openDueAt} is not null`),
    index('tickets_lead_due_desc_idx').on(sql`coalesce(${t.leadDueAt}, '-infinity'::timestamptz)`, t.id),
  ],
);

/** Per-day counter behind readable ticket numbers. */
export const ticketNumberCounters = pgTable('ticket_number_counters', {
  day: date().primaryKey(),
  last: integer().notNull(),
});

/** One call or visit. A ticket has its original contact and any repeats (重复件 / 并单) linked to it. */
export const contacts = pgTable(
  'contacts',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ticketId: bigint({ mode: 'number' })
      .notNull()
      .references(() => tickets.id),
    channel: channel().notNull(),
    isRepeat: boolean().notNull().default(false),
    callerName: encryptedText(),
    callerPhone: encryptedText(),
    callerPhoneIndex: text(),
    content: text().notNull(),
    createdBy: integer().references(() => users.id),
    createdAt: ts().notNull().defaultNow(),
  },
  (t) => [index('contacts_ticket_idx').on(t.ticketId), index('contacts_phone_idx').on(t.callerPhoneIndex, t.createdAt)],
);

/** A ticket's task for one unit (派单): lead (主办) or assisting (协办), each with its own clocks. */
export const assignments = pgTable(
  'assignments',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ticketId: bigint({ mode: 'number' })
      .notNull()
      .references(() => tickets.id),
    unitId: integer()
      .notNull()
      .references(() => units.id),
    role: assignmentRole().notNull(),
    /**
     * The assignment this one was handed down from (a district's to its street, a street's to its community);
     * null for the centre's own dispatch. A sub-assignment answers to its parent, never to the centre.
     */
    parentId: bigint({ mode: 'number' }).references((): AnyPgColumn => assignments.id),
    /** The parent's note to the sub-unit when it handed this assignment down */
    handDownNote: text(),
    /** The clocks whose own deadline would have ended after the parent's, so end with it (said on the sub-unit's view) */
    clampedClocks: jsonb().$type<('sign' | 'response' | 'complete')[]>().notNull().default([]),
    /**
     * Triage at the receiving level (普通 / 复杂): an ordinary ticket must be replied to within an hour of its
     * receipt, a complex one triaged and accepted within a working day. Null until the receiving unit triages.
     */
    triage: text().$type<'ordinary' | 'complex'>(),
    triagedAt: ts(),
    triagedBy: integer().references(() => users.id),
    /** The triage clock: by when the receiving unit must triage (and, if complex, accept) the ticket */
    triageDueAt: ts(),
    /** An ordinary ticket's quick-reply clock (set when triaged ordinary) */
    quickReplyDueAt: ts(),
    status: assignmentStatus().notNull(),
    version: integer().notNull().default(1),
    /** Designated after a disputed return: may not return again (潍坊条例 Art. 22). */
    designated: boolean().notNull().default(false),
    dispatchedBy: integer().references(() => users.id),
    dispatchedAt: ts().notNull().defaultNow(),
    signedAt: ts(),
    signedBy: integer().references(() => users.id),
    /** The first contact with the caller, as the unit claims it (never before dispatch, never in the future) */
    firstContactAt: ts(),
    /** When that first contact was recorded in the system (beside the time claimed) */
    firstContactRecordedAt: ts(),
    replyContent: text(),
    repliedAt: ts(),
    repliedBy: integer().references(() => users.id),
    endedAt: ts(),
    // SLA clocks (filled by the SLA engine)
    slaPolicyId: integer(),
    signDueAt: ts(),
    responseDueAt: ts(),
    completeDueAt: ts(),
    originalCompleteDueAt: ts(),
    warningLevel: warningLevel().notNull().default('none'),
    /** When the completion clock started (dispatch, or the latest reopen) */
    completeStartedAt: ts(),
    /** Warning thresholds still to fire, sorted by time: [{ clock, level, at }] (the sweep reads only these) */
    slaMarks: jsonb().$type<{ clock: 'sign' | 'response' | 'complete'; level: 'yellow' | 'red' | 'overdue'; at: string }[]>().notNull().default([]),
    /** Bumped by a reopen: each warning level fires once per clock and cycle */
    slaCycle: integer().notNull().default(0),
    /** Earliest mark still to fire (null when none): the sweep's index */
    nextCheckAt: ts(),
    /**
     * Clocks awaiting the calendar: their deadline lies past the last imported year, so it is not computed
     * (never guessed). Each entry names the clock, the first uncovered date and the instant the clock started;
     * importing or editing the calendar recomputes them. Empty when no clock waits.
     */
    slaWaiting: jsonb().$type<{ clock: 'sign' | 'response' | 'complete'; date: string; start: string }[]>().notNull().default([]),
    /** Every clock of this assignment stopped here because the ticket left the units' hands (null while they run) */
    clocksStoppedAt: ts(),
    /** The completion deadline of this cycle passed before an extension moved it: a miss that stays a miss */
    completeMissedAt: ts(),
  },
  (t) => [
    index('assignments_ticket_idx').on(t.ticketId),
    index('assignments_parent_idx').on(t.parentId).where(sql`${t.parentId} is not null`),
    index('assignments_unit_status_idx').on(t.unitId, t.status),
    index('assignments_next_check_idx').on(t.nextCheckAt).where(sql`${t.nextCheckAt} is not null`),
    index('assignments_sla_waiting_idx').on(t.ticketId).where(sql`${t.slaWaiting} <> '[]'::jsonb`),
  ],
);

/** Return / extension / termination requests and their review. */
export const assignmentRequests = pgTable(
  'assignment_requests',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ticketId: bigint({ mode: 'number' })
      .notNull()
      .references(() => tickets.id),
    assignmentId: bigint({ mode: 'number' })
      .notNull()
      .references(() => assignments.id),
    kind: requestKind().notNull(),
    status: requestStatus().notNull().default('pending'),
    reason: text().notNull(),
    requestedDueAt: ts(),
    requestedBy: integer()
      .notNull()
      .references(() => users.id),
    requestedAt: ts().notNull().defaultNow(),
    decidedBy: integer().references(() => users.id),
    decidedAt: ts(),
    decisionNote: text(),
  },
  (t) => [
    index('assignment_requests_ticket_idx').on(t.ticketId),
    uniqueIndex('assignment_requests_one_pending_uq').on(t.assignmentId, t.kind).where(sql`${t.status} = 'pending'`),
  ],
);

/**
 * Every change to a ticket, in order: who, when, from → to, why. Written in the same transaction
 * as the change it records. (Monthly partitions once large: `npm run db:partition`, docs/scaling.md.)
 */
export const ticketEvents = pgTable(
  'ticket_events',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ticketId: bigint({ mode: 'number' })
      .notNull()
      .references(() => tickets.id),
    assignmentId: bigint({ mode: 'number' }),
    type: text().$type<TicketEventType>().notNull(),
    actorId: integer().references(() => users.id),
    actorRole: role(),
    actorUnitId: integer(),
    fromStatus: text().$type<TicketStatus>(),
    toStatus: text().$type<TicketStatus>(),
    /** Ticket version after this change. */
    version: integer().notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    /** Internal events are not shown to citizens. */
    public: boolean().notNull().default(false),
    /** The client address and request id of the change (audit: from which address); null for the system. */
    ip: text(),
    requestId: text(),
    createdAt: ts().notNull().defaultNow(),
  },
  (t) => [index('ticket_events_ticket_idx').on(t.ticketId, t.id), index('ticket_events_created_idx').on(t.createdAt)],
);

/** Retried creates with the same Idempotency-Key return the first ticket. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    userId: integer()
      .notNull()
      .references(() => users.id),
    key: text().notNull(),
    requestHash: text().notNull(),
    ticketId: bigint({ mode: 'number' })
      .notNull()
      .references(() => tickets.id),
    contactId: bigint({ mode: 'number' }),
    /** The contact was linked to an existing ticket (并单) rather than opening one. */
    linked: boolean().notNull().default(false),
    createdAt: ts().notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] }), index('idempotency_keys_created_idx').on(t.createdAt)],
);
