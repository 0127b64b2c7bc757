import { and, asc, desc, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../../../db/client.ts';
import { categories, governanceTopicEvents, governanceTopics, governanceTopicTickets, tickets, units, users } from '../../../db/schema/index.ts';
import { NotFoundError } from '../errors.ts';
import type { TopicRow } from './commands.ts';
import type { ListTopicsQuery } from './inputs.ts';
import { topicActions, type TopicStatus } from './status.ts';
import { maskPhoneNumbers } from '../privacy/phone-numbers.ts';

const owner = alias(units, 'owner');
const street = alias(units, 'street');

type Named = { id: number; name: string } | null;
const named = (id: number | null, name: string | null): Named => (id === null ? null : { id, name: name ?? '' });

/** A topic as the API returns it: references named, with its ticket count and the actions legal now. */
function present(t: TopicRow, names: { owner: string | null; street: string | null; category: string | null }, ticketCount: number) {
  return {
    id: t.id,
    title: t.title,
    description: t.description,
    status: t.status,
    version: t.version,
    ownerUnit: named(t.ownerUnitId, names.owner),
    category: named(t.categoryId, names.category),
    street: named(t.streetUnitId, names.street),
    source: t.source,
    ticketCount,
    createdBy: t.createdBy,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
    resolvedAt: t.resolvedAt?.toISOString() ?? null,
    closedAt: t.closedAt?.toISOString() ?? null,
    abilities: topicActions(t.status as TopicStatus),
  };
}
export type TopicView = ReturnType<typeof present>;

function topicSelect(db: Db) {
  return db
    .select({
      t: governanceTopics,
      owner: owner.name,
      street: street.name,
      category: categories.name,
      ticketCount: sql<number>`(select count(*)::int from ${governanceTopicTickets} gt where gt.topic_id = ${governanceTopics.id})`,
    })
    .from(governanceTopics)
    .leftJoin(owner, eq(owner.id, governanceTopics.ownerUnitId))
    .leftJoin(street, eq(street.id, governanceTopics.streetUnitId))
    .leftJoin(categories, eq(categories.id, governanceTopics.categoryId));
}

/** Topics newest first (keyset: ?before=id), by status or by a ticket they link. */
export async function listTopics(db: Db, q: ListTopicsQuery): Promise<TopicView[]> {
  const where: SQL[] = [];
  if (q.status) where.push(eq(governanceTopics.status, q.status));
  if (q.before) where.push(lt(governanceTopics.id, q.before));
  if (q.ticketId) {
    where.push(sql`exists (select 1 from ${governanceTopicTickets} gt where gt.topic_id = ${governanceTopics.id} and gt.ticket_id = ${q.ticketId})`);
  }
  const rows = await topicSelect(db)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(governanceTopics.id))
    .limit(q.limit);
  return rows.map((r) => present(r.t, r, Number(r.ticketCount)));
}

export async function topicView(db: Db, id: number): Promise<TopicView> {
  const [r] = await topicSelect(db).where(eq(governanceTopics.id, id));
  if (!r) throw new NotFoundError('topic_not_found', { id });
  return present(r.t, r, Number(r.ticketCount));
}

/** The linked tickets (no caller details: a topic is about the place and the problem, not the people). */
export async function topicTickets(db: Db, id: number) {
  const rows = await db
    .select({
      id: tickets.id,
      number: tickets.number,
      title: tickets.title,
      status: tickets.status,
      categoryId: tickets.categoryId,
      categoryName: categories.name,
      streetUnitId: tickets.streetUnitId,
      streetName: street.name,
      address: tickets.address,
      createdAt: tickets.createdAt,
      linkedAt: governanceTopicTickets.linkedAt,
    })
    .from(governanceTopicTickets)
    .innerJoin(tickets, eq(tickets.id, governanceTopicTickets.ticketId))
    .innerJoin(categories, eq(categories.id, tickets.categoryId))
    .leftJoin(street, eq(street.id, tickets.streetUnitId))
    .where(eq(governanceTopicTickets.topicId, id))
    .orderBy(desc(tickets.createdAt), desc(tickets.id))
    .limit(1000);
  // A list, and only centre staff read topics: phone numbers in titles partly masked, as every list masks them.
  return rows.map((r) => ({ ...r, title: maskPhoneNumbers(r.title, 'partial'), createdAt: r.createdAt.toISOString(), linkedAt: r.linkedAt.toISOString() }));
}

/** The topic's timeline, oldest first, with who did each step. */
export async function topicEvents(db: Db, id: number) {
  const rows = await db
    .select({ e: governanceTopicEvents, actorName: users.displayName })
    .from(governanceTopicEvents)
    .leftJoin(users, eq(users.id, governanceTopicEvents.actorId))
    .where(eq(governanceTopicEvents.topicId, id))
    .orderBy(asc(governanceTopicEvents.id));
  return rows.map(({ e, actorName }) => ({
    id: e.id,
    type: e.type,
    actor: e.actorId ? { id: e.actorId, name: actorName ?? '', role: e.actorRole } : null,
    fromStatus: e.fromStatus,
    toStatus: e.toStatus,
    version: e.version,
    note: e.note,
    payload: e.payload,
    createdAt: e.createdAt.toISOString(),
  }));
}

/** For the hotspot list: the open topics that already link any of these tickets (so the board says "已立题"). */
export async function topicsLinking(db: Db, ticketIds: number[]): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>();
  if (!ticketIds.length) return out;
  const rows = await db
    .select({ ticketId: governanceTopicTickets.ticketId, topicId: governanceTopicTickets.topicId })
    .from(governanceTopicTickets)
    .innerJoin(governanceTopics, eq(governanceTopics.id, governanceTopicTickets.topicId))
    .where(and(inArray(governanceTopicTickets.ticketId, ticketIds), sql`${governanceTopics.status} <> 'closed'`));
  for (const r of rows) out.set(r.ticketId, [...(out.get(r.ticketId) ?? []), r.topicId]);
  return out;
}
