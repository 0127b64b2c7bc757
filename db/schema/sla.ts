import { sql } from 'drizzle-orm';
import { bigint, boolean, date, index, integer, jsonb, pgTable, text, time, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { encryptedText } from './encrypted.ts';
import { categories } from './catalog.ts';
import { calendarDayKind, channel, timeUnit, urgency, warningLevel } from './enums.ts';
import { assignments, tickets } from './tickets.ts';
import { units, users } from './org.ts';
import type { AttachmentKind } from '../../src/contract/vocab.ts';

const ts = () => timestamp({ withTimezone: true });

/**
 * The working-day calendar: only the exceptions to the weekday rule are rows (法定节假日, 调休上班),
 * and a year counts as covered only when it has a row in calendar_years. Dates are Asia/Shanghai dates.
 */
export const calendarDays = pgTable('calendar_days', {
  day: date().primaryKey(),
  kind: calendarDayKind().notNull(),
  name: text().notNull(),
});

export const calendarYears = pgTable('calendar_years', {
  year: integer().primaryKey(),
  source: text().notNull(),
  importedAt: ts().notNull().defaultNow(),
});

/** Working hours of a working day, Asia/Shanghai wall-clock times (e.g. 09:00–12:00, 13:30–17:30). */
export const workingHours = pgTable('working_hours', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  startsAt: time().notNull(),
  endsAt: time().notNull(),
});

/** SLA policy per category × urgency (× channel); the most specific match wins. */
export const slaPolicies = pgTable(
  'sla_policies',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    name: text().notNull(),
    categoryId: integer().references(() => categories.id),
    urgency: urgency(),
    channel: channel(),
    signLimit: integer().notNull(),
    signUnit: timeUnit().notNull(),
    responseLimit: integer().notNull(),
    responseUnit: timeUnit().notNull(),
    completeLimit: integer().notNull(),
    completeUnit: timeUnit().notNull(),
    /** Counting rules: { startNextWorkingDay, inclusive } */
    counting: jsonb().$type<{ startNextWorkingDay?: boolean; inclusive?: boolean }>().notNull().default({}),
    /** Warning thresholds as fractions of the limit used: { yellow: 0.75, red: 0.9 } */
    thresholds: jsonb().$type<{ yellow: number; red: number }>().notNull().default({ yellow: 0.75, red: 0.9 }),
    /** A reopen (重办) starts a new completion clock */
    reopenRestartsClock: boolean().notNull().default(true),
    /** The preset it came from, if any */
    preset: text(),
    active: boolean().notNull().default(true),
    createdAt: ts().notNull().defaultNow(),
  },
  (t) => [index('sla_policies_match_idx').on(t.categoryId, t.urgency, t.channel)],
);

/** Each warning level fires once per assignment, clock and cycle (a reopen starts a new cycle). */
export const slaAlerts = pgTable(
  'sla_alerts',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    assignmentId: bigint({ mode: 'number' })
      .notNull()
      .references(() => assignments.id),
    clock: text().notNull(), // sign | response | complete
    level: warningLevel().notNull(),
    cycle: integer().notNull().default(0),
    firedAt: ts().notNull().defaultNow(),
  },
  (t) => [uniqueIndex('sla_alerts_once_uq').on(t.assignmentId, t.clock, t.level, t.cycle)],
);

/** 催办 (reminder, to a unit) and 督办 (supervision, for supervisors). */
export const supervisionItems = pgTable(
  'supervision_items',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ticketId: bigint({ mode: 'number' })
      .notNull()
      .references(() => tickets.id),
    assignmentId: bigint({ mode: 'number' }).references(() => assignments.id),
    unitId: integer().references(() => units.id),
    kind: text().notNull(), // reminder (催办, to the unit) | supervision (督办, for supervisors)
    reason: text().notNull(),
    /** The SLA clock that caused it, if any */
    clock: text(),
    createdBy: integer().references(() => users.id),
    createdAt: ts().notNull().defaultNow(),
    resolvedAt: ts(),
    /** 督办 escalates by level: 1 a notice to the unit, 2 to the leader of the level above */
    escalationLevel: integer().notNull().default(1),
    escalatedAt: ts(),
    /** The unit of the level above that was told (level 2) */
    escalatedToUnitId: integer().references(() => units.id),
  },
  (t) => [index('supervision_items_ticket_idx').on(t.ticketId), index('supervision_items_open_idx').on(t.kind).where(sql`${t.resolvedAt} is null`)],
);

/** Outbox of messages (SMS) to citizens and units, delivered by a gateway behind an interface. */
export const notifications = pgTable(
  'notifications',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ticketId: bigint({ mode: 'number' }).references(() => tickets.id),
    /** citizen | unit */
    audience: text().notNull(),
    unitId: integer().references(() => units.id),
    /** The phone number, encrypted at rest (a caller's is personal data) */
    recipient: encryptedText().notNull(),
    template: text().notNull(),
    body: text().notNull(),
    /** pending | sent | failed */
    status: text().notNull().default('pending'),
    attempts: integer().notNull().default(0),
    nextAttemptAt: ts().notNull().defaultNow(),
    lastError: text(),
    createdAt: ts().notNull().defaultNow(),
    sentAt: ts(),
  },
  (t) => [index('notifications_pending_idx').on(t.createdAt).where(sql`${t.status} = 'pending'`)],
);

export const messageTemplates = pgTable('message_templates', {
  key: text().primaryKey(),
  body: text().notNull(),
  updatedAt: ts().notNull().defaultNow(),
});

export const attachments = pgTable(
  'attachments',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ticketId: bigint({ mode: 'number' })
      .notNull()
      .references(() => tickets.id),
    assignmentId: bigint({ mode: 'number' }).references(() => assignments.id),
    /** evidence (proof of contact, photos of the result) | document */
    kind: text().$type<AttachmentKind>().notNull().default('document'),
    fileName: text().notNull(),
    mimeType: text().notNull(),
    size: integer().notNull(),
    sha256: text().notNull(),
    storageKey: text().notNull(),
    uploadedBy: integer().references(() => users.id),
    createdAt: ts().notNull().defaultNow(),
  },
  (t) => [index('attachments_ticket_idx').on(t.ticketId)],
);

/** Alerts for supervisors that belong to no single ticket: calendar coverage running out, a deadline the calendar cannot compute. */
export const systemAlerts = pgTable(
  'system_alerts',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    kind: text().notNull(),
    /** Raising the same alert twice is a no-op */
    dedupeKey: text().notNull(),
    message: text().notNull(),
    details: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdAt: ts().notNull().defaultNow(),
    resolvedAt: ts(),
  },
  (t) => [uniqueIndex('system_alerts_dedupe_uq').on(t.dedupeKey)],
);

/** 追责: a unit still overdue a configured number of working days after 督办 escalated is held accountable. */
export const accountabilityItems = pgTable(
  'accountability_items',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ticketId: bigint({ mode: 'number' })
      .notNull()
      .references(() => tickets.id),
    assignmentId: bigint({ mode: 'number' }).references(() => assignments.id),
    unitId: integer()
      .notNull()
      .references(() => units.id),
    /** The 督办 that led to it */
    supervisionItemId: bigint({ mode: 'number' }).references(() => supervisionItems.id),
    /** The key-supervision kind the ticket was tracked under, if any (overdue, repeat, …) */
    kind: text().notNull(),
    reason: text().notNull(),
    /** null: raised by the sweep */
    createdBy: integer().references(() => users.id),
    createdAt: ts().notNull().defaultNow(),
    resolvedAt: ts(),
    resolvedBy: integer().references(() => users.id),
    resolutionNote: text(),
  },
  (t) => [
    index('accountability_items_unit_idx').on(t.unitId, t.createdAt),
    // One accountability item per 督办: the sweep may run on several instances at once.
    uniqueIndex('accountability_items_supervision_uq').on(t.supervisionItemId),
  ],
);
