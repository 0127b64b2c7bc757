/** Reminders (催办, for a unit) and supervision items (督办, for supervisors) that the sweep opens on overdue. */
import { and, desc, eq, inArray, isNotNull, isNull, lt, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { assignments, supervisionItems, tickets, units } from '../../../db/schema/index.ts';
import type { DbClockDeps, TxDeps } from '../../deps.ts';
import type { Actor } from '../auth/actor.ts';
import { audit } from '../audit.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.ts';
import { loadTicket } from '../tickets/queries.ts';
import { textMask } from '../tickets/policy.ts';
import { maskPhoneNumbers } from '../privacy/phone-numbers.ts';
import { inTransaction } from '../tickets/record.ts';
import type { SupervisionKind } from '../vocab.ts';

export { SUPERVISION_KINDS, type SupervisionKind } from '../vocab.ts';

export type SupervisionFilter = { kind?: SupervisionKind; open?: boolean; unitId?: number; before?: number; limit: number };

/** Newest first, keyset-paginated by id (`before`); ticket titles as a ticket list shows them to `viewer`. */
export async function listSupervisionItems(db: Db, f: SupervisionFilter, viewer: Pick<Actor, 'role'>) {
  const where: SQL[] = [];
  if (f.kind) where.push(eq(supervisionItems.kind, f.kind));
  if (f.open === true) where.push(isNull(supervisionItems.resolvedAt));
  if (f.open === false) where.push(isNotNull(supervisionItems.resolvedAt));
  if (f.unitId !== undefined) where.push(eq(supervisionItems.unitId, f.unitId));
  if (f.before) where.push(lt(supervisionItems.id, f.before));
  const rows = await db
    .select({
      s: supervisionItems,
      ticketNumber: tickets.number,
      ticketTitle: tickets.title,
      ticketStatus: tickets.status,
      unitName: units.name,
      confidential: tickets.confidential,
      allowDirectContact: tickets.allowDirectContact,
    })
    .from(supervisionItems)
    .innerJoin(tickets, eq(tickets.id, supervisionItems.ticketId))
    .leftJoin(units, eq(units.id, supervisionItems.unitId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(supervisionItems.id))
    .limit(f.limit);
  return rows.map(({ s, ticketNumber, ticketTitle, ticketStatus, unitName, confidential, allowDirectContact }) => {
    const mask = textMask(viewer, { confidential, allowDirectContact }, 'list');
    return {
      id: s.id,
      kind: s.kind,
      ticket: { id: s.ticketId, number: ticketNumber, title: maskPhoneNumbers(ticketTitle, mask), status: ticketStatus },
      assignmentId: s.assignmentId,
      unit: s.unitId ? { id: s.unitId, name: unitName } : null,
      clock: s.clock,
      reason: maskPhoneNumbers(s.reason, mask),
      createdAt: s.createdAt.toISOString(),
      resolvedAt: s.resolvedAt?.toISOString() ?? null,
    };
  });
}

/** A supervisor marks an item dealt with. Audited. */
export async function resolveSupervisionItem(deps: DbClockDeps, actor: Actor, id: number) {
  return deps.db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const [item] = await tx.select().from(supervisionItems).where(eq(supervisionItems.id, id)).for('update');
    if (!item) throw new NotFoundError('supervision_item_not_found', { id });
    if (item.resolvedAt) throw new ConflictError('supervision_item_resolved', { id });
    const now = deps.clock.now();
    await tx.update(supervisionItems).set({ resolvedAt: now }).where(eq(supervisionItems.id, id));
    await audit(tx, actor, 'supervision_item_resolve', { type: 'supervision_item', id }, { kind: item.kind, ticketId: item.ticketId });
    return { id, resolvedAt: now.toISOString() };
  });
}

/** Ticket statuses in which a unit holds the ticket, so a supervisor can press it (督办). */
const SUPERVISABLE = ['awaiting_sign', 'in_progress', 'return_requested', 'termination_requested', 'awaiting_review'] as const;

/**
 * One-click supervision (督办) by a supervisor: a supervision item against the lead unit, the ticket's
 * supervision level raised by one, and an event — one transaction, guarded by the ticket's version.
 * Supervision is a flag, not a state, so the lifecycle table is not involved; a ticket no unit holds is 409.
 */
export async function superviseTicket(deps: TxDeps, actor: Actor, ticketId: number, input: { version: number; reason?: string }) {
  return inTransaction(deps, async (tx, record) => {
    const ticket = await loadTicket(tx, actor, ticketId, { lock: true });
    if (actor.role !== 'supervisor') throw new ForbiddenError();
    if (ticket.version !== input.version) {
      throw new ConflictError('version_conflict', { current: ticket.version }, { currentVersion: ticket.version, currentStatus: ticket.status });
    }
    if (!(SUPERVISABLE as readonly string[]).includes(ticket.status)) {
      throw new ConflictError(
        'invalid_transition',
        { status: ticket.status, action: 'supervise' },
        { currentStatus: ticket.status, currentVersion: ticket.version },
      );
    }
    const [lead] = await tx
      .select()
      .from(assignments)
      .where(
        and(
          eq(assignments.ticketId, ticket.id),
          eq(assignments.role, 'lead'),
          isNull(assignments.parentId),
          inArray(assignments.status, ['awaiting_sign', 'in_progress', 'replied']),
        ),
      );
    const now = deps.clock.now();
    const reason = input.reason ?? '督办：请加快办理并及时答复';
    await tx.insert(supervisionItems).values({
      ticketId: ticket.id,
      assignmentId: lead?.id ?? null,
      unitId: lead?.unitId ?? null,
      kind: 'supervision',
      reason,
      createdBy: actor.userId,
      createdAt: now,
    });
    const [updated] = await tx
      .update(tickets)
      .set({ supervisionLevel: ticket.supervisionLevel + 1, version: ticket.version + 1, updatedAt: now })
      .where(eq(tickets.id, ticket.id))
      .returning();
    await record(actor, {
      ticketId: ticket.id,
      assignmentId: lead?.id ?? null,
      type: 'supervise',
      fromStatus: ticket.status,
      toStatus: ticket.status,
      version: updated!.version,
      payload: { reason, unitId: lead?.unitId ?? null, supervisionLevel: updated!.supervisionLevel },
    });
    return updated!;
  });
}
