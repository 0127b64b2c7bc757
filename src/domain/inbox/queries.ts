/**
 * Reading and marking one user's notification centre. Every query is bounded by the actor's own user id: no
 * one reads or marks another's rows (an id that is not theirs is 404, as if it did not exist).
 */
import { and, desc, eq, isNull, lt, sql } from 'drizzle-orm';
import { tickets, units, userNotifications } from '../../../db/schema/index.ts';
import type { DbDeps, TxDeps } from '../../deps.ts';
import type { Actor } from '../auth/actor.ts';
import { NotFoundError } from '../errors.ts';
import { maskPhoneNumbers } from '../privacy/phone-numbers.ts';
import { textMask } from '../tickets/policy.ts';
import type { InboxItem, InboxKind } from '../../contract/inbox.ts';

export type InboxFilter = { unread: boolean; before?: number; limit: number };

/** The actor's notifications, newest first, keyset-paged by id (`before`); `nextBefore` is null on the last page. */
export async function listInbox(deps: DbDeps, actor: Actor, f: InboxFilter): Promise<{ items: InboxItem[]; nextBefore: number | null }> {
  const where = [eq(userNotifications.userId, actor.userId)];
  if (f.unread) where.push(isNull(userNotifications.readAt));
  if (f.before) where.push(lt(userNotifications.id, f.before));
  const rows = await deps.db
    .select({
      n: userNotifications,
      number: tickets.number,
      title: tickets.title,
      confidential: tickets.confidential,
      allowDirectContact: tickets.allowDirectContact,
      unitName: units.name,
    })
    .from(userNotifications)
    .leftJoin(tickets, eq(tickets.id, userNotifications.ticketId))
    .leftJoin(units, eq(units.id, sql`(${userNotifications.payload}->>'unitId')::int`))
    .where(and(...where))
    .orderBy(desc(userNotifications.id))
    .limit(f.limit + 1);
  const items = rows.slice(0, f.limit).map(
    (r): InboxItem => ({
      id: r.n.id,
      kind: r.n.kind as InboxKind,
      ticketId: r.n.ticketId,
      ticket:
        r.number === null
          ? null
          : {
              number: r.number,
              title: maskPhoneNumbers(r.title ?? '', textMask(actor, { confidential: !!r.confidential, allowDirectContact: !!r.allowDirectContact }, 'list')),
            },
      unitName: r.unitName,
      payload: r.n.payload as InboxItem['payload'],
      createdAt: r.n.createdAt.toISOString(),
      readAt: r.n.readAt?.toISOString() ?? null,
    }),
  );
  return { items, nextBefore: rows.length > f.limit ? (items.at(-1)?.id ?? null) : null };
}

/** How many of the actor's notifications are unread (the bell's badge; the partial index on unread rows). */
export async function unreadCount(deps: DbDeps, actor: Actor): Promise<number> {
  const [r] = await deps.db
    .select({ n: sql<number>`count(*)::int` })
    .from(userNotifications)
    .where(and(eq(userNotifications.userId, actor.userId), isNull(userNotifications.readAt)));
  return r?.n ?? 0;
}

/** Marks one of the actor's notifications read (already read: unchanged). Another user's, or none: 404. */
export async function markRead(deps: TxDeps, actor: Actor, id: number): Promise<{ unread: number }> {
  const [row] = await deps.db
    .update(userNotifications)
    .set({ readAt: sql`coalesce(${userNotifications.readAt}, ${deps.clock.now().toISOString()}::timestamptz)` })
    .where(and(eq(userNotifications.id, id), eq(userNotifications.userId, actor.userId)))
    .returning({ id: userNotifications.id });
  if (!row) throw new NotFoundError('inbox_item_not_found');
  deps.bus.inboxChanged([actor.userId]);
  return { unread: await unreadCount(deps, actor) };
}

/** Marks every unread notification of the actor read; how many it marked. */
export async function markAllRead(deps: TxDeps, actor: Actor): Promise<{ marked: number; unread: number }> {
  const rows = await deps.db
    .update(userNotifications)
    .set({ readAt: deps.clock.now() })
    .where(and(eq(userNotifications.userId, actor.userId), isNull(userNotifications.readAt)))
    .returning({ id: userNotifications.id });
  if (rows.length) deps.bus.inboxChanged([actor.userId]);
  return { marked: rows.length, unread: 0 };
}
