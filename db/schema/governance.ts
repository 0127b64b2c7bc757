import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { categories } from './catalog.ts';
import { role } from './enums.ts';
import { units, users } from './org.ts';
import { tickets } from './tickets.ts';

const ts = () => timestamp({ withTimezone: true });

/**
 * 未诉先办 / 每月一题: a cluster of demands (a hotspot) worked on as one problem. It links many tickets,
 * has an owner unit, and moves open → in_progress → resolved → closed (src/domain/governance/status.ts).
 */
export const governanceTopics = pgTable(
  'governance_topics',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    title: text().notNull(),
    description: text().notNull().default(''),
    status: text().notNull().default('open'),
    version: integer().notNull().default(1),
    /** The unit that owns the fix (may be unset while the centre works out who). */
    ownerUnitId: integer().references(() => units.id),
    /** The hotspot it came from, when opened from one: level-2 category and street. */
    categoryId: integer().references(() => categories.id),
    streetUnitId: integer().references(() => units.id),
    /** What opened it: { kind: 'spike' | 'caller' | 'address' | 'linked' | 'manual', … } */
    source: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdBy: integer().references(() => users.id),
    createdAt: ts().notNull().defaultNow(),
    updatedAt: ts().notNull().defaultNow(),
    resolvedAt: ts(),
    closedAt: ts(),
  },
  (t) => [
    index('governance_topics_status_idx').on(t.status, t.id),
    check('governance_topics_status_chk', sql`${t.status} in ('open', 'in_progress', 'resolved', 'closed')`),
  ],
);

/** Which tickets a topic covers; a ticket may be in several topics. */
export const governanceTopicTickets = pgTable(
  'governance_topic_tickets',
  {
    topicId: integer()
      .notNull()
      .references(() => governanceTopics.id),
    ticketId: bigint({ mode: 'number' })
      .notNull()
      .references(() => tickets.id),
    linkedBy: integer().references(() => users.id),
    linkedAt: ts().notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.topicId, t.ticketId] }), index('governance_topic_tickets_ticket_idx').on(t.ticketId)],
);

/** Every change to a topic, in order (opened, linked, unlinked, status changes, progress notes). */
export const governanceTopicEvents = pgTable(
  'governance_topic_events',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    topicId: integer()
      .notNull()
      .references(() => governanceTopics.id),
    type: text().notNull(),
    actorId: integer().references(() => users.id),
    actorRole: role(),
    fromStatus: text(),
    toStatus: text(),
    /** Topic version after this change. */
    version: integer().notNull(),
    note: text(),
    payload: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdAt: ts().notNull().defaultNow(),
  },
  (t) => [index('governance_topic_events_topic_idx').on(t.topicId, t.id)],
);
