/**
 * The chain of levels (五级联动): a unit hands its assignment down to units beneath it, and decides what its
 * sub-units send back — their replies, returns and extension requests — instead of the centre. The rules are
 * pure (../chain.ts); these commands load, lock, ask and write, in one transaction each, in the house order.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../../../db/client.ts';
import { assignmentRequests, assignments, tickets, units } from '../../../../db/schema/index.ts';
import type { HandDownPayload, SubDecisionPayloads, TicketEventPayloads } from '../../../contract/events.ts';
import type { CalendarTxDeps, WithConfig } from '../../../deps.ts';
import type { Actor } from '../../auth/actor.ts';
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableError } from '../../errors.ts';
import { notifyUnitsOfDispatch } from '../../notifications/notices.ts';
import { extendCompletion, handDownClocks, resumeCompletion } from '../../sla/assignment-clocks.ts';
import type { SubDecision } from '../../vocab.ts';
import { extensionDecision, handDownCheck, parseHandDownLevels, subDecision, type ChainUnit, type HandDownLevels } from '../chain.ts';
import { loadTicket, type AssignmentRow, type TicketRow } from '../queries.ts';
import { inTransaction, type Recorder } from '../record.ts';
import { LIVE_ASSIGNMENT, type AssignmentStatus } from '../status.ts';
import { runAssignmentAction } from './runners.ts';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const UNIT_ROLES = ['unit_handler', 'unit_leader'];

const levelsCache = new Map<string, HandDownLevels>();
/** The configured levels (validated at start: config.ts), read once per setting. */
export function handDownLevels(text: string): HandDownLevels {
  let levels = levelsCache.get(text);
  if (!levels) levelsCache.set(text, (levels = parseHandDownLevels(text)));
  return levels;
}

/** The live sub-assignments handed down from an assignment (a parent with live ones may not hand down again or reply). */
export async function liveSubs(tx: Db, parentId: number) {
  return tx
    .select({ id: assignments.id, unitId: assignments.unitId, status: assignments.status })
    .from(assignments)
    .where(and(eq(assignments.parentId, parentId), inArray(assignments.status, [...LIVE_ASSIGNMENT])));
}

async function chainUnits(tx: Db, ids: number[]): Promise<Map<number, ChainUnit>> {
  const rows = await tx.select({ id: units.id, kind: units.kind, path: units.path, active: units.active }).from(units).where(inArray(units.id, ids));
  return new Map(rows.map((u) => [u.id, u]));
}

export type HandDownInput = { version: number; leadUnitId: number; assistUnitIds: number[]; note?: string; completeDueAt?: string };

/**
 * 下派: the holder's assignment stays as it is (accountable upward); one sub-assignment per unit is written,
 * lead first, with its own clocks clamped to the holder's; the units hear of it (SMS), and the event says
 * which clocks were clamped.
 */
export async function handDown(deps: CalendarTxDeps & WithConfig<'HAND_DOWN_LEVELS'>, actor: Actor, assignmentId: number, input: HandDownInput) {
  const all = [input.leadUnitId, ...input.assistUnitIds];
  if (new Set(all).size !== all.length) throw new UnprocessableError('units_repeated');
  let report: ((record: Recorder, version: number) => Promise<void>) | null = null;
  const r = await runAssignmentAction(deps, actor, assignmentId, 'hand_down', input.version, async ({ tx, ticket, assignment, now }) => {
    const found = await chainUnits(tx, [assignment.unitId, ...all]);
    const from = found.get(assignment.unitId)!;
    const levels = handDownLevels(deps.config.HAND_DOWN_LEVELS);
    for (const id of all) {
      const to = found.get(id);
      if (!to) throw new UnprocessableError('unit_unknown', { unitId: id });
      const check = handDownCheck(levels, from, to);
      if (!check.ok)
        throw new UnprocessableError(check.code as 'hand_down_not_allowed' | 'hand_down_outside_subtree' | 'hand_down_to_self' | 'unit_inactive', {
          unitId: id,
        });
    }
    const open = await liveSubs(tx, assignment.id);
    if (open.length) throw new ConflictError('sub_assignments_open', { count: open.length }, { subAssignmentIds: open.map((s) => s.id) });
    // The parent may set its sub-units' completion deadline (下派办结时限): later than now, not after its own.
    const completeBy = input.completeDueAt ? new Date(input.completeDueAt) : null;
    if (completeBy && completeBy <= now) throw new UnprocessableError('hand_down_due_passed', { at: input.completeDueAt! });
    if (completeBy && assignment.completeDueAt && completeBy > assignment.completeDueAt)
      throw new UnprocessableError(
        'beyond_parent_deadline',
        {},
        { parentCompleteDueAt: iso(assignment.completeDueAt), requestedDueAt: completeBy.toISOString() },
      );
    const sla = await handDownClocks(deps, tx, ticket, assignment, now, completeBy);
    const written = await tx
      .insert(assignments)
      .values(
        all.map((unitId, i) => ({
          ticketId: ticket.id,
          unitId,
          parentId: assignment.id,
          role: i === 0 ? ('lead' as const) : ('assist' as const),
          status: 'awaiting_sign' as const,
          dispatchedBy: actor.userId,
          dispatchedAt: now,
          handDownNote: input.note ?? null,
          ...sla.values,
        })),
      )
      .returning({ id: assignments.id });
    await notifyUnitsOfDispatch(
      tx,
      ticket,
      all.map((unitId, i) => ({ unitId, role: i === 0 ? ('lead' as const) : ('assist' as const) })),
      now,
    );
    const ids = written.map((w) => w.id);
    report = (record, version) => sla.report(record, version, ids);
    return {
      payload: {
        subAssignmentIds: ids,
        leadUnitId: input.leadUnitId,
        assistUnitIds: input.assistUnitIds,
        note: input.note ?? null,
        completeDueAt: completeBy ? completeBy.toISOString() : null,
        deadlines: { sign: iso(sla.values.signDueAt), response: iso(sla.values.responseDueAt), complete: iso(sla.values.completeDueAt) },
        clamped: sla.values.clampedClocks,
        awaitingCalendar: sla.values.slaWaiting.map((w) => ({ clock: w.clock, date: w.date })),
      } satisfies HandDownPayload,
      after: (record: Recorder, version: number) => report!(record, version),
    };
  });
  return r;
}

// ---------------------------------------------------------------- the parent's decisions

type DecisionStep = { tx: Db; ticket: TicketRow; sub: AssignmentRow; parent: AssignmentRow; request: RequestRow | null; now: Date; record: Recorder };
type RequestRow = typeof assignmentRequests.$inferSelect;

/** Which request each pending decision settles. */
const PENDING_OF: Partial<Record<SubDecision, 'return' | 'extension'>> = {
  approve_sub_return: 'return',
  reject_sub_return: 'return',
  approve_sub_extension: 'extension',
  reject_sub_extension: 'extension',
};

/**
 * The one path every parent decision takes: load the ticket FOR UPDATE (unreadable → 404), the sub-assignment
 * and its parent (not a sub-assignment → 422) → policy: a member of the parent's own unit (403) → the sub's
 * version (409) → the chain's table, given the parent's status and the pending request (409) → apply →
 * versioned update of the sub-assignment and the ticket, and the event — one transaction, published after commit.
 */
async function runSubDecision<D extends SubDecision>(
  deps: CalendarTxDeps,
  actor: Actor,
  subId: number,
  decision: D,
  expectedVersion: number,
  apply: (s: DecisionStep) => Promise<{
    set?: Partial<typeof assignments.$inferInsert>;
    payload: Omit<SubDecisionPayloads[D], 'subUnitId' | 'parentAssignmentId' | 'parentUnitId' | 'assignmentFrom' | 'assignmentTo'>;
    after?: (record: Recorder, version: number) => Promise<void>;
  }>,
) {
  return inTransaction(deps, async (tx, record) => {
    const [ref] = await tx.select({ ticketId: assignments.ticketId }).from(assignments).where(eq(assignments.id, subId));
    if (!ref) throw new NotFoundError('assignment_not_found');
    const ticket = await loadTicket(tx, actor, ref.ticketId, { lock: true }).catch(() => {
      throw new NotFoundError('assignment_not_found');
    });
    const [sub] = await tx.select().from(assignments).where(eq(assignments.id, subId)).for('update');
    if (!sub!.parentId) throw new UnprocessableError('not_a_sub_assignment');
    const [parent] = await tx.select().from(assignments).where(eq(assignments.id, sub!.parentId)).for('update');
    // Only the unit that handed it down decides: never a sibling, a grandparent or the sub-unit itself.
    if (!UNIT_ROLES.includes(actor.role) || actor.unitId !== parent!.unitId) throw new ForbiddenError();
    if (sub!.version !== expectedVersion) {
      throw new ConflictError(
        'version_conflict',
        { current: sub!.version },
        { currentVersion: sub!.version, currentStatus: ticket.status, assignmentStatus: sub!.status },
      );
    }
    const [pending] = await tx
      .select()
      .from(assignmentRequests)
      .where(
        and(eq(assignmentRequests.assignmentId, sub!.id), eq(assignmentRequests.status, 'pending'), inArray(assignmentRequests.kind, ['return', 'extension'])),
      )
      .for('update');
    const t = subDecision(
      ticket.status,
      { role: sub!.role, status: sub!.status, designated: sub!.designated, pending: (pending?.kind as 'return' | 'extension' | undefined) ?? null },
      parent!.status,
      decision,
    );
    if (!t.ok)
      throw new ConflictError(
        t.code as 'invalid_transition' | 'parent_not_active' | 'designated_cannot_return' | 'no_pending_request' | 'request_pending',
        { action: decision, status: sub!.status },
        { currentStatus: ticket.status, assignmentStatus: sub!.status, currentVersion: sub!.version },
      );
    const want = PENDING_OF[decision];
    const now = deps.clock.now();
    const out = await apply({ tx, ticket, sub: sub!, parent: parent!, request: want ? pending! : null, now, record });
    if (want) {
      const approved = decision.startsWith('approve');
      await tx
        .update(assignmentRequests)
        .set({
          status: approved ? 'approved' : 'rejected',
          decidedBy: actor.userId,
          decidedAt: now,
          decisionNote: (out.payload as { note?: string | null }).note ?? null,
        })
        .where(eq(assignmentRequests.id, pending!.id));
    }
    const ended = t.to === 'returned' || t.to === 'completed';
    const [updatedSub] = await tx
      .update(assignments)
      .set({ ...out.set, status: t.to, version: sub!.version + 1, ...(ended ? { endedAt: now } : {}) })
      .where(and(eq(assignments.id, sub!.id), eq(assignments.version, sub!.version)))
      .returning();
    if (t.to === 'returned') await endSubtree(tx, sub!.id, now);
    const [updatedT] = await tx
      .update(tickets)
      .set({ version: ticket.version + 1, updatedAt: now })
      .where(eq(tickets.id, ticket.id))
      .returning();
    await record(actor, {
      ticketId: ticket.id,
      assignmentId: sub!.id,
      type: decision,
      fromStatus: ticket.status,
      toStatus: ticket.status,
      version: updatedT!.version,
      payload: {
        ...out.payload,
        subUnitId: sub!.unitId,
        parentAssignmentId: parent!.id,
        parentUnitId: parent!.unitId,
        assignmentFrom: sub!.status as AssignmentStatus,
        assignmentTo: t.to,
      } as unknown as TicketEventPayloads[D],
    });
    await out.after?.(record, updatedT!.version);
    return { ticket: updatedT!, assignment: updatedSub! };
  });
}

/**
 * A sub-assignment that ends early (returned, recalled) takes its own live sub-assignments with it, at every
 * level beneath: their clocks stop, their pending requests lapse.
 */
async function endSubtree(tx: Db, rootId: number, now: Date) {
  const at = now.toISOString();
  await tx.execute(sql`
    with recursive below as (
      select id from assignments where parent_id = ${rootId}
      union all select a.id from assignments a join below b on a.parent_id = b.id
    ), ended as (
      update assignments set status = 'returned', ended_at = ${at}::timestamptz, sla_marks = '[]'::jsonb, next_check_at = null,
        clocks_stopped_at = coalesce(clocks_stopped_at, ${at}::timestamptz)
      where id in (select id from below) and status in ('awaiting_sign', 'in_progress', 'replied') returning id
    )
    update assignment_requests set status = 'lapsed', decided_at = ${at}::timestamptz, decision_note = '上级已收回，申请自动失效'
    where assignment_id in (select id from ended) and status = 'pending'`);
  // The returned sub-assignment's own clocks stop too, and its own pending requests lapse.
  await tx
    .update(assignmentRequests)
    .set({ status: 'lapsed', decidedAt: now, decisionNote: '承办已结束，申请自动失效' })
    .where(and(eq(assignmentRequests.assignmentId, rootId), eq(assignmentRequests.status, 'pending')));
}

/** Clocks of a sub-assignment that leaves its unit's hands: all stop (a rejection of its reply resumes completion). */
const STOP_ALL = (now: Date) => ({ slaMarks: [], nextCheckAt: null, clocksStoppedAt: now });

type V = { version: number };

export async function approveSubReply(deps: CalendarTxDeps, actor: Actor, subId: number, input: V & { note?: string }) {
  return runSubDecision(deps, actor, subId, 'approve_sub_reply', input.version, async ({ sub, now }) => ({
    set: STOP_ALL(now),
    payload: { note: input.note ?? null, reply: sub.replyContent ?? '' },
  }));
}

export async function rejectSubReply(deps: CalendarTxDeps, actor: Actor, subId: number, input: V & { reason: string }) {
  return runSubDecision(deps, actor, subId, 'reject_sub_reply', input.version, async ({ tx, ticket, sub, now }) => {
    // Back to the sub-unit to redo: its completion clock runs again towards its deadline.
    const sla = await resumeCompletion(deps, tx, ticket, sub, now);
    return { set: sla.set, payload: { reason: input.reason }, after: (record, version) => sla.report(record, version) };
  });
}

export async function decideSubReturn(deps: CalendarTxDeps, actor: Actor, subId: number, approve: boolean, input: V & { note?: string }) {
  return runSubDecision(deps, actor, subId, approve ? 'approve_sub_return' : 'reject_sub_return', input.version, async ({ request, now }) => ({
    // Approved: the parent re-dispatches within its subtree or returns upward itself. Rejected: the sub-unit is
    // designated and may not return again, at any level.
    set: approve ? STOP_ALL(now) : { designated: true },
    payload: { requestId: request!.id, note: input.note ?? null },
  }));
}

export async function decideSubExtension(deps: CalendarTxDeps, actor: Actor, subId: number, approve: boolean, input: V & { note?: string }) {
  return runSubDecision(
    deps,
    actor,
    subId,
    approve ? 'approve_sub_extension' : 'reject_sub_extension',
    input.version,
    async ({ tx, ticket, sub, parent, request, now }) => {
      if (!approve) return { payload: { requestId: request!.id, note: input.note ?? null } };
      const due = request!.requestedDueAt!;
      // Within the parent's own deadline only: beyond it the parent must first ask the level above.
      const within = extensionDecision(due, parent.completeDueAt);
      if (!within.ok)
        throw new UnprocessableError('beyond_parent_deadline', {}, { parentCompleteDueAt: iso(parent.completeDueAt), requestedDueAt: due.toISOString() });
      if (due <= now) throw new UnprocessableError('extension_not_later');
      const sla = await extendCompletion(deps, tx, ticket, sub, due, now);
      return {
        set: { completeDueAt: due, originalCompleteDueAt: sub.originalCompleteDueAt ?? sub.completeDueAt, ...sla.set },
        payload: { requestId: request!.id, note: input.note ?? null, newDueAt: due.toISOString(), previousDueAt: iso(sla.previousDueAt) },
        after: (record, version) => sla.report(record, version),
      };
    },
  );
}

export async function recallSub(deps: CalendarTxDeps, actor: Actor, subId: number, input: V & { reason: string }) {
  return runSubDecision(deps, actor, subId, 'recall', input.version, async ({ now }) => ({ set: STOP_ALL(now), payload: { reason: input.reason } }));
}
