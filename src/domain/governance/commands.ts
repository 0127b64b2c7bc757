import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { categories, governanceTopicEvents, governanceTopics, governanceTopicTickets, tickets, units } from '../../../db/schema/index.ts';
import type { DbClockDeps } from '../../deps.ts';
import type { Actor } from '../auth/actor.ts';
import { audit } from '../audit.ts';
import { ConflictError, NotFoundError, UnprocessableError } from '../errors.ts';
import type { OpenTopicInput, UpdateTopicInput } from './inputs.ts';
import { nextTopicStatus, type TopicAction, type TopicStatus } from './status.ts';

export type TopicRow = typeof governanceTopics.$inferSelect;

type EventInput = {
  type: string;
  version: number;
  fromStatus?: string | null;
  toStatus?: string | null;
  note?: string | null;
  payload?: Record<string, unknown>;
};

/** One topic event and one audit row, in the caller's transaction. */
async function recordTopic(tx: Db, actor: Actor, topicId: number, e: EventInput, now: Date) {
  await tx.insert(governanceTopicEvents).values({
    topicId,
    type: e.type,
    actorId: actor.userId > 0 ? actor.userId : null,
    actorRole: actor.userId > 0 ? actor.role : null,
    fromStatus: e.fromStatus ?? null,
    toStatus: e.toStatus ?? null,
    version: e.version,
    note: e.note ?? null,
    payload: e.payload ?? {},
    createdAt: now,
  });
  await audit(
    tx,
    actor,
    `governance_${e.type}`,
    { type: 'governance_topic', id: topicId },
    { ...(e.payload ?? {}), ...(e.toStatus ? { toStatus: e.toStatus } : {}) },
  );
}

async function lockTopic(tx: Db, id: number): Promise<TopicRow> {
  const [t] = await tx.select().from(governanceTopics).where(eq(governanceTopics.id, id)).for('update');
  if (!t) throw new NotFoundError('topic_not_found', { id });
  return t;
}

function assertWritable(t: TopicRow) {
  if (t.status === 'closed') throw new ConflictError('topic_closed', { id: t.id });
}

async function checkUnit(tx: Db, id: number | null | undefined) {
  if (!id) return;
  const [u] = await tx
    .select({ id: units.id })
    .from(units)
    .where(and(eq(units.id, id), eq(units.active, true)));
  if (!u) throw new UnprocessableError('unit_unknown', { unitId: id });
}

async function checkCategory(tx: Db, id: number | undefined) {
  if (!id) return;
  const [c] = await tx.select({ id: categories.id }).from(categories).where(eq(categories.id, id));
  if (!c) throw new UnprocessableError('rule_category_unknown', { categoryId: id });
}

/** Every id must be a ticket; otherwise 422 naming the missing ones. */
async function checkTickets(tx: Db, ids: number[]) {
  if (!ids.length) return;
  const found = new Set((await tx.select({ id: tickets.id }).from(tickets).where(inArray(tickets.id, ids))).map((r) => r.id));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length) throw new UnprocessableError('topic_ticket_unknown', { ids: missing.join(', ') }, { ticketIds: missing });
}

/** Links the tickets not yet linked; returns those newly linked (linking twice is a no-op). */
async function insertLinks(tx: Db, actor: Actor, topicId: number, ids: number[], now: Date): Promise<number[]> {
  if (!ids.length) return [];
  const rows = await tx
    .insert(governanceTopicTickets)
    .values(ids.map((ticketId) => ({ topicId, ticketId, linkedBy: actor.userId > 0 ? actor.userId : null, linkedAt: now })))
    .onConflictDoNothing()
    .returning({ ticketId: governanceTopicTickets.ticketId });
  return rows.map((r) => r.ticketId).sort((a, b) => a - b);
}

const unique = (ids: number[]) => [...new Set(ids)];

/** A supervisor opens a topic, usually from a hotspot with its tickets linked at once. */
export async function openTopic(deps: DbClockDeps, actor: Actor, input: OpenTopicInput): Promise<TopicRow> {
  const ids = unique(input.ticketIds);
  return deps.db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    await checkUnit(tx, input.ownerUnitId);
    await checkUnit(tx, input.streetUnitId);
    await checkCategory(tx, input.categoryId);
    await checkTickets(tx, ids);
    const now = deps.clock.now();
    const [topic] = await tx
      .insert(governanceTopics)
      .values({
        title: input.title,
        description: input.description,
        status: 'open',
        ownerUnitId: input.ownerUnitId ?? null,
        categoryId: input.categoryId ?? null,
        streetUnitId: input.streetUnitId ?? null,
        source: input.source,
        createdBy: actor.userId > 0 ? actor.userId : null,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    const linked = await insertLinks(tx, actor, topic!.id, ids, now);
    await recordTopic(
      tx,
      actor,
      topic!.id,
      { type: 'topic_opened', version: 1, toStatus: 'open', payload: { source: input.source.kind, ticketIds: linked } },
      now,
    );
    return topic!;
  });
}

/** Title, description and owner unit (version-checked). */
export async function updateTopic(deps: DbClockDeps, actor: Actor, id: number, input: UpdateTopicInput): Promise<TopicRow> {
  return deps.db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const t = await lockTopic(tx, id);
    assertWritable(t);
    if (t.version !== input.version) throw new ConflictError('version_conflict', { current: t.version });
    await checkUnit(tx, input.ownerUnitId);
    const changes: Partial<TopicRow> = {};
    if (input.title !== undefined && input.title !== t.title) changes.title = input.title;
    if (input.description !== undefined && input.description !== t.description) changes.description = input.description;
    if (input.ownerUnitId !== undefined && input.ownerUnitId !== t.ownerUnitId) changes.ownerUnitId = input.ownerUnitId;
    if (!Object.keys(changes).length) return t;
    const now = deps.clock.now();
    const [updated] = await tx
      .update(governanceTopics)
      .set({ ...changes, version: t.version + 1, updatedAt: now })
      .where(eq(governanceTopics.id, id))
      .returning();
    await recordTopic(
      tx,
      actor,
      id,
      {
        type: 'topic_updated',
        version: updated!.version,
        payload: { changed: Object.keys(changes), ...('ownerUnitId' in changes ? { ownerUnitId: changes.ownerUnitId } : {}) },
      },
      now,
    );
    return updated!;
  });
}

/** open → in_progress → resolved → closed (status.ts), version-checked, with an optional note. */
export async function transitionTopic(
  deps: DbClockDeps,
  actor: Actor,
  id: number,
  action: TopicAction,
  input: { version: number; note?: string },
): Promise<TopicRow> {
  return deps.db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const t = await lockTopic(tx, id);
    if (t.version !== input.version) throw new ConflictError('version_conflict', { current: t.version });
    const from = t.status as TopicStatus;
    const to = nextTopicStatus(from, action);
    if (!to) throw new ConflictError('topic_invalid_transition', { status: `topic_${from}`, action: `topic_${action}` });
    const now = deps.clock.now();
    const [updated] = await tx
      .update(governanceTopics)
      .set({
        status: to,
        version: t.version + 1,
        updatedAt: now,
        ...(to === 'resolved' ? { resolvedAt: now } : {}),
        ...(action === 'reopen' ? { resolvedAt: null } : {}),
        ...(to === 'closed' ? { closedAt: now } : {}),
      })
      .where(eq(governanceTopics.id, id))
      .returning();
    await recordTopic(tx, actor, id, { type: `topic_${action}`, version: updated!.version, fromStatus: from, toStatus: to, note: input.note || null }, now);
    return updated!;
  });
}

/** Link tickets (idempotent: already linked ones are skipped; a ticket may be in several topics). */
export async function linkTickets(deps: DbClockDeps, actor: Actor, id: number, ticketIds: number[]): Promise<{ topic: TopicRow; linked: number[] }> {
  const ids = unique(ticketIds);
  return deps.db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const t = await lockTopic(tx, id);
    assertWritable(t);
    await checkTickets(tx, ids);
    const now = deps.clock.now();
    const linked = await insertLinks(tx, actor, id, ids, now);
    if (linked.length) {
      await tx.update(governanceTopics).set({ updatedAt: now }).where(eq(governanceTopics.id, id));
      await recordTopic(tx, actor, id, { type: 'tickets_linked', version: t.version, payload: { ticketIds: linked } }, now);
    }
    return { topic: t, linked };
  });
}

/** Unlink one ticket; unlinking one that is not linked changes nothing. */
export async function unlinkTicket(deps: DbClockDeps, actor: Actor, id: number, ticketId: number): Promise<{ topic: TopicRow; unlinked: boolean }> {
  return deps.db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const t = await lockTopic(tx, id);
    assertWritable(t);
    const gone = await tx
      .delete(governanceTopicTickets)
      .where(and(eq(governanceTopicTickets.topicId, id), eq(governanceTopicTickets.ticketId, ticketId)))
      .returning({ ticketId: governanceTopicTickets.ticketId });
    if (gone.length) {
      const now = deps.clock.now();
      await tx.update(governanceTopics).set({ updatedAt: now }).where(eq(governanceTopics.id, id));
      await recordTopic(tx, actor, id, { type: 'ticket_unlinked', version: t.version, payload: { ticketId } }, now);
    }
    return { topic: t, unlinked: gone.length > 0 };
  });
}

/** A progress note (进展) on the topic's timeline. */
export async function addTopicNote(deps: DbClockDeps, actor: Actor, id: number, text: string): Promise<TopicRow> {
  return deps.db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const t = await lockTopic(tx, id);
    assertWritable(t);
    const now = deps.clock.now();
    await tx.update(governanceTopics).set({ updatedAt: now }).where(eq(governanceTopics.id, id));
    await recordTopic(tx, actor, id, { type: 'progress_note', version: t.version, note: text }, now);
    return t;
  });
}
