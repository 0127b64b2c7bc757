import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { users } from './org.ts';
import { tickets } from './tickets.ts';

const ts = () => timestamp({ withTimezone: true });

/**
 * A user's saved ticket list (我的视图: "my overdue", "waiting for my review"): a name and the list's filters
 * as the list endpoint takes them. Counted in the navigation; each user sees only their own.
 */
export const savedViews = pgTable(
  'saved_views',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    /** The list filters (query parameters of GET /api/tickets), validated on write */
    filters: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    position: integer().notNull().default(0),
    createdAt: ts().notNull().defaultNow(),
    updatedAt: ts().notNull().defaultNow(),
  },
  (t) => [uniqueIndex('saved_views_user_name_idx').on(t.userId, t.name)],
);

/**
 * A half-typed form kept per user and form key (intake, a reply to assignment 12, a callback on ticket 7…):
 * survives reload and re-login, cleared when the form is saved.
 */
export const drafts = pgTable(
  'drafts',
  {
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The form: `intake`, `reply:<assignmentId>`, `callback:<ticketId>`, `review:<ticketId>` … */
    key: text().notNull(),
    body: jsonb().$type<Record<string, unknown>>().notNull(),
    updatedAt: ts().notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] })],
);

/**
 * A user's notification centre (消息中心): one row per user and thing to notice — a new dispatch, a reopened
 * ticket, a review requested or decided, a warning level reached, a 督办 received. Written from the ticket
 * event that caused it (event id: one row per user, kind and event however many instances see it).
 */
export const userNotifications = pgTable(
  'user_notifications',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text().notNull(),
    ticketId: bigint({ mode: 'number' }).references(() => tickets.id, { onDelete: 'cascade' }),
    /** The ticket event it comes from (ticket_events may be partitioned: no foreign key) */
    eventId: bigint({ mode: 'number' }),
    /** What to show: the ticket number, title, unit, level… (rendered by the web app in the user's language) */
    payload: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdAt: ts().notNull().defaultNow(),
    readAt: ts(),
  },
  (t) => [
    index('user_notifications_user_idx').on(t.userId, t.id.desc()),
    index('user_notifications_unread_idx').on(t.userId).where(sql`${t.readAt} is null`),
    uniqueIndex('user_notifications_event_idx').on(t.userId, t.kind, t.eventId),
  ],
);
