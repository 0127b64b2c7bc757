/**
 * Appeals (申诉 / 免考): a unit leader asks that a ticket not count in the unit's score; the level above the
 * unit decides — for an assignment the centre dispatched, a supervisor; for one handed down, the leader of the
 * unit that handed it down (its parent assignment's unit). Each step locks the ticket (so its events stay in order, which the metrics
 * rollup relies on) and writes its ticket event in the same transaction: the ticket's history is the
 * audit trail. An approved appeal takes the ticket out of that unit's metrics (and its subtree's sums)
 * when the rollup counts the 'appeal_approved' event.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../../../db/client.ts';
import { appeals, assignments, attachments } from '../../../db/schema/index.ts';
import type { TxDeps } from '../../deps.ts';
import type { Actor } from '../auth/actor.ts';
import { isUniqueViolation } from '../db-errors.ts';
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableError } from '../errors.ts';
import { loadTicket } from '../tickets/queries.ts';
import { inTransaction } from '../tickets/record.ts';
import type { AppealReasonCode } from './inputs.ts';

export type AppealRow = typeof appeals.$inferSelect;

/** Only the leader of the assignment's own unit may appeal for it (a parent unit reads, it does not appeal). */
export const mayAppeal = (actor: Pick<Actor, 'role' | 'unitId'>, unitId: number) => actor.role === 'unit_leader' && actor.unitId === unitId;
/**
 * The level above decides: `deciderUnitId` is the unit that handed the assignment down (null: the centre
 * dispatched it, so a supervisor decides). A parent unit's leader decides for its direct sub-units only.
 */
export const mayDecideAppeal = (actor: Pick<Actor, 'role' | 'unitId'>, deciderUnitId: number | null) =>
  deciderUnitId === null ? actor.role === 'supervisor' : actor.role === 'unit_leader' && actor.unitId === deciderUnitId;

const parents = alias(assignments, 'parent');
/** Who decides the appeals on these assignments: assignment id → the unit of its parent assignment (null: the centre). */
export async function appealDeciders(db: Db, assignmentIds: (number | null)[]): Promise<Map<number, number | null>> {
  const ids = [...new Set(assignmentIds.filter((id): id is number => id !== null))];
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: assignments.id, deciderUnitId: parents.unitId })
    .from(assignments)
    .leftJoin(parents, eq(parents.id, assignments.parentId))
    .where(inArray(assignments.id, ids));
  return new Map(rows.map((r) => [r.id, r.deciderUnitId]));
}

export async function fileAppeal(
  deps: TxDeps,
  actor: Actor,
  assignmentId: number,
  input: { reasonCode: AppealReasonCode; reason: string; attachmentIds?: number[] },
): Promise<AppealRow> {
  return inTransaction(deps, async (tx, record) => {
    const [ref] = await tx.select({ ticketId: assignments.ticketId }).from(assignments).where(eq(assignments.id, assignmentId));
    if (!ref) throw new NotFoundError('assignment_not_found');
    const ticket = await loadTicket(tx, actor, ref.ticketId, { lock: true }).catch(() => {
      throw new NotFoundError('assignment_not_found');
    });
    const [a] = await tx.select().from(assignments).where(eq(assignments.id, assignmentId));
    if (!mayAppeal(actor, a!.unitId)) throw new ForbiddenError();

    const earlier = await tx
      .select({ id: appeals.id, status: appeals.status, assignmentId: appeals.assignmentId })
      .from(appeals)
      .where(and(eq(appeals.ticketId, ticket.id), eq(appeals.unitId, a!.unitId), inArray(appeals.status, ['pending', 'approved'])));
    // Exemption is per ticket and unit: once approved, the unit is out of this ticket's score.
    const approved = earlier.find((e) => e.status === 'approved');
    if (approved) throw new ConflictError('appeal_already_approved', {}, { appealId: approved.id });
    const pending = earlier.find((e) => e.status === 'pending' && e.assignmentId === a!.id);
    if (pending) throw new ConflictError('appeal_pending', {}, { appealId: pending.id });

    const attachmentIds = [...new Set(input.attachmentIds ?? [])];
    if (attachmentIds.length) {
      const found = await tx
        .select({ id: attachments.id })
        .from(attachments)
        .where(and(inArray(attachments.id, attachmentIds), eq(attachments.ticketId, ticket.id)));
      const missing = attachmentIds.filter((id) => !found.some((f) => f.id === id));
      if (missing.length) throw new UnprocessableError('appeal_attachment_unknown', { attachmentId: missing[0] }, { attachmentIds: missing });
    }

    const now = deps.clock.now();
    let row: AppealRow;
    try {
      // A savepoint, so a concurrent second appeal surfaces as a clean 409 rather than an aborted transaction.
      [row] = (await tx.transaction(async (sp) =>
        sp
          .insert(appeals)
          .values({
            ticketId: ticket.id,
            assignmentId: a!.id,
            unitId: a!.unitId,
            reasonCode: input.reasonCode,
            reason: input.reason,
            attachmentIds,
            requestedBy: actor.userId,
            createdAt: now,
          })
          .returning(),
      )) as [AppealRow];
    } catch (err) {
      if (isUniqueViolation(err, 'appeals_one_pending_uq')) throw new ConflictError('appeal_pending');
      throw err;
    }
    // An appeal does not change the ticket's state, so the event carries the ticket's current version.
    await record(actor, {
      ticketId: ticket.id,
      assignmentId: a!.id,
      type: 'appeal_filed',
      fromStatus: ticket.status,
      toStatus: ticket.status,
      version: ticket.version,
      payload: { appealId: row.id, unitId: a!.unitId, reasonCode: input.reasonCode, reason: input.reason, attachmentIds },
    });
    return row;
  });
}

/** Approve or reject a pending appeal, with the decider's note (a supervisor, or the leader of the unit above). */
export async function decideAppeal(deps: TxDeps, actor: Actor, appealId: number, approve: boolean, input: { note: string }): Promise<AppealRow> {
  return inTransaction(deps, async (tx, record) => {
    const [ref] = await tx.select({ ticketId: appeals.ticketId }).from(appeals).where(eq(appeals.id, appealId));
    if (!ref) throw new NotFoundError('appeal_not_found');
    // Ticket first, then the appeal: the lifecycle's lock order.
    const ticket = await loadTicket(tx, actor, ref.ticketId, { lock: true }).catch(() => {
      throw new NotFoundError('appeal_not_found');
    });
    const [appeal] = await tx.select().from(appeals).where(eq(appeals.id, appealId)).for('update');
    const decider = (await appealDeciders(tx, [appeal!.assignmentId])).get(appeal!.assignmentId ?? 0) ?? null;
    if (!mayDecideAppeal(actor, decider)) throw new ForbiddenError();
    if (appeal!.status !== 'pending') throw new ConflictError('appeal_not_pending', { status: appeal!.status }, { currentStatus: appeal!.status });
    const now = deps.clock.now();
    const [row] = await tx
      .update(appeals)
      .set({ status: approve ? 'approved' : 'rejected', decidedBy: actor.userId, decidedAt: now, decisionNote: input.note })
      .where(eq(appeals.id, appealId))
      .returning();
    await record(actor, {
      ticketId: ticket.id,
      assignmentId: appeal!.assignmentId,
      type: approve ? 'appeal_approved' : 'appeal_rejected',
      fromStatus: ticket.status,
      toStatus: ticket.status,
      version: ticket.version,
      payload: { appealId, unitId: appeal!.unitId, reasonCode: appeal!.reasonCode, note: input.note },
    });
    return row!;
  });
}

export async function loadAppeal(db: Db, id: number): Promise<AppealRow | null> {
  const [a] = await db.select().from(appeals).where(eq(appeals.id, id));
  return a ?? null;
}
