import { sql } from 'drizzle-orm';
import { bigint, boolean, date, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { appealStatus, channel, satisfaction, solvedResult } from './enums.ts';
import { assignments, tickets } from './tickets.ts';
import { units, users } from './org.ts';

const ts = () => timestamp({ withTimezone: true });

/** One callback attempt (回访). */
export const callbacks = pgTable(
  'callbacks',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ticketId: bigint({ mode: 'number' })
      .notNull()
      .references(() => tickets.id),
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
    reasonCode: text().notNull(),
    reason: text().notNull(),
    status: appealStatus().notNull().default('pending'),
    requestedBy: integer().references(() => users.id),
    createdAt: ts().notNull().defaultNow(),
    decidedBy: integer().references(() => users.id),
    decidedAt: ts(),
    decisionNote: text(),
  },
  (t) => [index('appeals_ticket_idx').on(t.ticketId), index('appeals_pending_idx').on(t.unitId).where(sql`${t.status} = 'pending'`)],
);

/**
 * Daily rollup of metric counters per unit × category × channel, maintained incrementally so that
 * dashboards never scan raw tickets. Day is the Asia/Shanghai date.
 */
export const metricsDaily = pgTable(
  'metrics_daily',
  {
    day: date().notNull(),
    unitId: integer().notNull(),
    categoryId: integer().notNull(),
    channel: channel().notNull(),
    metric: text().notNull(),
    value: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.unitId, t.categoryId, t.channel, t.metric] })],
);

/** 未诉先办 governance topics linking many tickets. */
export const governanceTopics = pgTable('governance_topics', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  title: text().notNull(),
  description: text().notNull().default(''),
  status: text().notNull().default('open'),
  createdBy: integer().references(() => users.id),
  createdAt: ts().notNull().defaultNow(),
});

export const governanceTopicTickets = pgTable(
  'governance_topic_tickets',
  {
    topicId: integer()
      .notNull()
      .references(() => governanceTopics.id),
    ticketId: bigint({ mode: 'number' })
      .notNull()
      .references(() => tickets.id),
  },
  (t) => [primaryKey({ columns: [t.topicId, t.ticketId] })],
);

