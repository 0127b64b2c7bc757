import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../../db/client.ts';
import { assignmentRequests, assignments, callbacks, contacts, tickets, units } from '../../../../db/schema/index.ts';
import type { Deps, TxDeps, CalendarTxDeps, WithConfig } from '../../../deps.ts';
import type { Actor } from '../../auth/actor.ts';
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableError } from '../../errors.ts';
import type { CloseReason, ContactMethod, RequestKind } from '../../vocab.ts';
import type { AssignmentActionPayloads, AssignmentStamp, DispatchPayload, TicketActionPayloads, TicketEventPayloads } from '../../../contract/events.ts';
import { isUniqueViolation } from '../../db-errors.ts';
import { mayAssignment, mayTicket } from '../policy.ts';
import { loadTicket, type AssignmentRow, type TicketRow } from '../queries.ts';
import { inTransaction, type Recorder } from '../record.ts';
import type { References } from '../../reference.ts';
import { lockOpenTarget, recordLinkedInto } from '../link.ts';
import { contactClaim } from '../contact-time.ts';
import { notifyExtensionApproved, notifyReplyApproved, notifyUnitsOfDispatch } from '../../notifications/notices.ts';
import { shanghaiMinute } from '../../clock.ts';
import { dispatchClocks, extendCompletion, liveTicketLevel, reopenCompletion, resumeCompletion, stopTicketClocks } from '../../sla/assignment-clocks.ts';
import { stopClock } from '../../sla/clocks.ts';
import { centreClockOf, centreDecision, type CentreLimits } from '../../centre/clocks.ts';
import {
  LIVE_ASSIGNMENT,
  assignmentTransition,
  callbackAction,
  ticketTransition,
  type AssignmentAction,
  type AssignmentStatus,
  type TicketAction,
  type TicketStatus,
} from '../status.ts';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

type TicketStep = {
  tx: Db;
  ticket: TicketRow;
  to: TicketStatus;
  now: Date;
  record: Recorder;
};

/**
 * The one path every ticket-level transition takes, in the house order: load FOR UPDATE (unreadable
 * → 404) → policy (403) → version (409) → transition table (409) → apply → versioned update + event,
 * all in one transaction; the event is published after commit.
 */
async function runTicketAction<A extends TicketAction>(
  deps: TxDeps & WithConfig<keyof CentreLimits>,
  actor: Actor,
  ticketId: number,
  action: A,
  expectedVersion: number,
  apply: (
    s: TicketStep,
  ) => Promise<{ set?: Partial<typeof tickets.$inferInsert>; payload: TicketActionPayloads[A]; public?: boolean; after?: () => Promise<void>; centreSince?: Date }>,
  opts: { permission?: TicketAction } = {},
) {
  return inTransaction(deps, async (tx, record) => {
    const ticket = await loadTicket(tx, actor, ticketId, { lock: true });
    if (!mayTicket(actor, opts.permission ?? action)) throw new ForbiddenError();
    checkVersion(ticket.version, expectedVersion, ticket.status);
    const t = ticketTransition(ticket.status, action);
    if (!t.ok) throw invalid(ticket.status, action, ticket.version);
    const now = deps.clock.now();
    const out = await apply({ tx, ticket, to: t.to, now, record });
    // The centre's own clock this action ends (a dispatch, a review, a callback): the wait since the ticket
    // entered its status (an extension: since its request), recorded once here for the metrics. Exactly the
    // actions of CENTRE_CLOCK_OF, as the event's payload type says (TicketEventPayloads).
    const clock = centreClockOf(action);
    const payload = (clock ? { ...out.payload, centre: centreDecision(deps.config, clock, out.centreSince ?? ticket.statusChangedAt, now) } : out.payload) as TicketEventPayloads[A];
    const [updated] = await tx
      .update(tickets)
      .set({ ...out.set, status: t.to, version: ticket.version + 1, updatedAt: now, ...(t.to !== ticket.status ? { statusChangedAt: now } : {}) })
      .where(and(eq(tickets.id, ticket.id), eq(tickets.version, ticket.version)))
      .returning();
    await record(actor, {
      ticketId: ticket.id,
      type: action,
      fromStatus: ticket.status,
      toStatus: t.to,
      version: updated!.version,
      payload,
      public: out.public ?? false,
    });
    await out.after?.(); // follow-up events (e.g. sla_uncomputable) come after the action's own
    return updated!;
  });
}

/** `currentStatus` is always the ticket's status; an assignment's own status travels as `assignmentStatus`. */
function checkVersion(current: number, expected: number, status: string, extra: { assignmentStatus?: string } = {}) {
  if (current !== expected) throw new ConflictError('version_conflict', { current }, { currentVersion: current, currentStatus: status, ...extra });
}
function invalid(status: string, action: string, version: number) {
  return new ConflictError('invalid_transition', { status, action }, { currentStatus: status, currentVersion: version });
}

/**
 * Live assignments end when the ticket leaves the units (returned) or closes; their clocks stop first (a
 * stop from an earlier approved reply stands). Requests still pending lapse with them: left pending, an old
 * unit's extension could later be approved onto a returned assignment.
 */
async function endLiveAssignments(tx: Db, ticketId: number, status: AssignmentStatus, now: Date) {
  await stopTicketClocks(tx, ticketId, now);
  await tx
    .update(assignments)
    .set({ status, endedAt: now, slaMarks: [], nextCheckAt: null })
    .where(and(eq(assignments.ticketId, ticketId), inArray(assignments.status, [...LIVE_ASSIGNMENT])));
  await lapsePendingRequests(tx, ticketId, now);
}

/** Requests nobody decided lapse when they can no longer be reviewed (assignment ended, reply approved). */
async function lapsePendingRequests(tx: Db, ticketId: number, now: Date) {
  await tx
    .update(assignmentRequests)
    .set({ status: 'lapsed', decidedAt: now, decisionNote: '承办已结束，申请自动失效' })
    .where(and(eq(assignmentRequests.ticketId, ticketId), eq(assignmentRequests.status, 'pending')));
}

async function leadAssignment(tx: Db, ticketId: number): Promise<AssignmentRow> {
  const [a] = await tx
    .select()
    .from(assignments)
    .where(and(eq(assignments.ticketId, ticketId), eq(assignments.role, 'lead'), inArray(assignments.status, [...LIVE_ASSIGNMENT])))
    .for('update');
  if (!a) throw new NotFoundError('assignment_not_found');
  return a;
}

// ---------------------------------------------------------------- centre actions

export type DispatchInput = {
  version: number;
  leadUnitId: number;
  assistUnitIds: number[];
  designate: boolean;
  note?: string;
  /** Set by auto-dispatch (routing), never from HTTP: the rule that chose the units and the units copied */
  auto?: { ruleId: number; copyUnitIds: number[] };
};

/** The units a dispatch may go to: active, not the centre. From `refs`, the command's copy of the reference data, when given. */
export async function assignableUnits(tx: Db, ids: number[], refs?: References) {
  const found = refs
    ? ids.flatMap((id) => refs.units.get(id) ?? []).filter((u) => u.active)
    : await tx.select({ id: units.id, kind: units.kind }).from(units).where(and(inArray(units.id, ids), eq(units.active, true)));
  for (const id of ids) {
    const u = found.find((f) => f.id === id);
    if (!u) throw new UnprocessableError('unit_unknown', { unitId: id });
    if (u.kind === 'centre') throw new UnprocessableError('unit_not_assignable');
  }
}

/**
 * What a dispatch writes besides the ticket's own update and event: the assignments with their SLA
 * deadlines and marks, and the units' SMS. Shared by the dispatcher's command and intake's auto-dispatch,
 * which writes a new ticket already dispatched (the writes are issued together and awaited by the caller)
 * and passes its copy of the reference data (`refs`) for the units, the SLA policy and the SMS template.
 */
export async function dispatchWrites(deps: Pick<Deps, 'calendar'>, tx: Db, d: { actor: Actor; ticket: TicketRow; input: Omit<DispatchInput, 'version'>; now: Date; refs?: References }) {
  const { actor, ticket, input, now, refs } = d;
  const all = [input.leadUnitId, ...input.assistUnitIds]; // distinct: both callers refuse repeats first
  await assignableUnits(tx, all, refs);
  const sla = await dispatchClocks(deps, tx, ticket, now, refs);
  const inserted = tx
    .insert(assignments)
    .values(
      all.map((unitId, i) => ({
        ticketId: ticket.id,
        unitId,
        role: i === 0 ? ('lead' as const) : ('assist' as const),
        status: 'awaiting_sign' as const,
        designated: i === 0 && input.designate,
        dispatchedBy: actor.userId || null, // 0 = the system (auto-dispatch)
        dispatchedAt: now,
        ...sla.values,
      })),
    )
    .returning()
    .then((rows) => rows);
  // Notifications (issue 3 §5): a new-dispatch SMS to each assigned unit's notify phone, queued in this transaction.
  const notified = notifyUnitsOfDispatch(tx, ticket, all.map((unitId, i) => ({ unitId, role: i === 0 ? ('lead' as const) : ('assist' as const) })), now, refs);
  return {
    /** The assignments, once every row is written. */
    written: Promise.all([inserted, notified]).then(([rows]) => rows),
    set: { dispatchedAt: ticket.dispatchedAt ?? now, warningLevel: 'none' as const },
    /** After the dispatch event: the calendar's gaps, if a deadline fell outside it. */
    report: (record: Recorder, version: number, assignmentIds: number[]) => sla.report(record, version, assignmentIds),
    payload: {
      leadUnitId: input.leadUnitId,
      assistUnitIds: input.assistUnitIds,
      designate: input.designate,
      note: input.note ?? null,
      // The deadlines every assignment of this dispatch starts with (the metrics bucket clocks by their due day),
      // and the clocks that wait for the calendar instead.
      deadlines: { sign: iso(sla.values.signDueAt), response: iso(sla.values.responseDueAt), complete: iso(sla.values.completeDueAt) },
      awaitingCalendar: sla.values.slaWaiting.map((w) => ({ clock: w.clock, date: w.date })),
      ...(input.auto ? { auto: true as const, ruleId: input.auto.ruleId, copyUnitIds: input.auto.copyUnitIds } : {}),
    } satisfies DispatchPayload,
  };
}

export async function dispatchTicket(deps: CalendarTxDeps & WithConfig<keyof CentreLimits>, actor: Actor, ticketId: number, input: DispatchInput) {
  const all = [input.leadUnitId, ...input.assistUnitIds];
  if (new Set(all).size !== all.length) throw new UnprocessableError('units_repeated');
  return runTicketAction(deps, actor, ticketId, 'dispatch', input.version, async ({ tx, ticket, now, record }) => {
    const d = await dispatchWrites(deps, tx, { actor, ticket, input, now });
    const ids = (await d.written).map((a) => a.id);
    return { set: d.set, after: () => d.report(record, ticket.version + 1, ids), payload: d.payload, public: true };
  });
}

export async function declineTicket(deps: TxDeps & WithConfig<keyof CentreLimits>, actor: Actor, ticketId: number, input: { version: number; reason: string }) {
  return runTicketAction(deps, actor, ticketId, 'decline', input.version, async ({ now }) => ({
    set: { closeReason: 'not_accepted', closeNote: input.reason, closedAt: now },
    payload: { reason: input.reason },
    public: true,
  }));
}

export async function mergeTicket(deps: TxDeps & WithConfig<keyof CentreLimits>, actor: Actor, ticketId: number, input: { version: number; intoTicketId: number }) {
  if (input.intoTicketId === ticketId) throw new UnprocessableError('merge_target_invalid');
  return runTicketAction(deps, actor, ticketId, 'merge', input.version, async ({ tx, ticket, now, record }) => {
    const target = await lockOpenTarget(tx, actor, input.intoTicketId);
    // The merged ticket's contacts become repeats of the target.
    await tx.update(contacts).set({ ticketId: target.id, isRepeat: true }).where(eq(contacts.ticketId, ticket.id));
    await recordLinkedInto(tx, record, actor, target, now, 'ticket_merged_in', { fromTicketId: ticket.id, fromNumber: ticket.number });
    return {
      set: { closeReason: 'merged' as CloseReason, mergedIntoTicketId: target.id, closedAt: now },
      payload: { intoTicketId: target.id, intoNumber: target.number },
      public: true,
    };
  });
}

async function pendingRequest(tx: Db, ticketId: number, kind: RequestKind) {
  const [r] = await tx
    .select()
    .from(assignmentRequests)
    .where(and(eq(assignmentRequests.ticketId, ticketId), eq(assignmentRequests.kind, kind), eq(assignmentRequests.status, 'pending')))
    .for('update');
  if (!r) throw new ConflictError('no_pending_request', { kind });
  return r;
}

async function decide(tx: Db, id: number, approved: boolean, actor: Actor, now: Date, note?: string) {
  await tx
    .update(assignmentRequests)
    .set({ status: approved ? 'approved' : 'rejected', decidedBy: actor.userId, decidedAt: now, decisionNote: note ?? null })
    .where(eq(assignmentRequests.id, id));
}

export async function reviewReturn(deps: TxDeps & WithConfig<keyof CentreLimits>, actor: Actor, ticketId: number, approve: boolean, input: { version: number; note?: string }) {
  return runTicketAction(deps, actor, ticketId, approve ? 'approve_return' : 'reject_return', input.version, async ({ tx, ticket, now }) => {
    const req = await pendingRequest(tx, ticket.id, 'return');
    await decide(tx, req.id, approve, actor, now, input.note);
    if (approve) {
      await endLiveAssignments(tx, ticket.id, 'returned', now);
    } else {
      // A disputed return that the centre rejects designates the unit: it may not return again.
      await tx.update(assignments).set({ designated: true }).where(eq(assignments.id, req.assignmentId));
    }
    return { payload: { requestId: req.id, assignmentId: req.assignmentId, note: input.note ?? null } };
  });
}

export async function reviewExtension(
  deps: CalendarTxDeps & WithConfig<keyof CentreLimits | 'PUBLIC_BASE_URL'>,
  actor: Actor,
  ticketId: number,
  approve: boolean,
  input: { version: number; note?: string; newDueAt?: string },
) {
  return runTicketAction(deps, actor, ticketId, approve ? 'approve_extension' : 'reject_extension', input.version, async ({ tx, ticket, now, record }) => {
    const req = await pendingRequest(tx, ticket.id, 'extension');
    await decide(tx, req.id, approve, actor, now, input.note);
    let newDueAt: Date | null = null;
    let after: (() => Promise<void>) | undefined;
    // The deadline before this approval, and the miss it already was (it stays a miss: complete_missed_at).
    let moved: { previousDueAt: string | null; missedAt: string | null } = { previousDueAt: null, missedAt: null };
    if (approve) {
      newDueAt = input.newDueAt ? new Date(input.newDueAt) : req.requestedDueAt;
      const [a] = await tx.select().from(assignments).where(eq(assignments.id, req.assignmentId)).for('update');
      if (!newDueAt || newDueAt <= now || (a!.completeDueAt && newDueAt <= a!.completeDueAt)) throw new UnprocessableError('extension_not_later');
      const sla = await extendCompletion(deps, tx, ticket, a!, newDueAt, now);
      after = () => sla.report(record, ticket.version + 1);
      moved = { previousDueAt: iso(sla.previousDueAt), missedAt: iso(sla.missedAt) };
      await tx
        .update(assignments)
        .set({ completeDueAt: newDueAt, originalCompleteDueAt: a!.originalCompleteDueAt ?? a!.completeDueAt, version: a!.version + 1, ...sla.set })
        .where(eq(assignments.id, a!.id));
      // The caller hears of the new deadline (SMS to a mobile; the look-up timeline shows it too).
      if (a!.role === 'lead') await notifyExtensionApproved(tx, deps.config, ticket, shanghaiMinute(newDueAt), now);
    }
    return {
      set: { warningLevel: await liveTicketLevel(tx, ticket.id) },
      after,
      payload: { requestId: req.id, assignmentId: req.assignmentId, newDueAt: newDueAt?.toISOString() ?? null, ...moved, note: input.note ?? null },
      centreSince: req.requestedAt,
      public: approve,
    };
  });
}

export async function reviewTermination(deps: CalendarTxDeps & WithConfig<keyof CentreLimits>, actor: Actor, ticketId: number, approve: boolean, input: { version: number; note?: string }) {
  return runTicketAction(deps, actor, ticketId, approve ? 'approve_termination' : 'reject_termination', input.version, async ({ tx, ticket, now, record }) => {
    const req = await pendingRequest(tx, ticket.id, 'termination');
    await decide(tx, req.id, approve, actor, now, input.note);
    let after: (() => Promise<void>) | undefined;
    if (approve) await endLiveAssignments(tx, ticket.id, 'closed', now);
    else {
      // The lead's completion clock, held while the request waited, runs again towards its deadline (one
      // that passed meanwhile fires at the next sweep).
      const lead = await leadAssignment(tx, ticket.id);
      const sla = await resumeCompletion(deps, tx, ticket, lead, now);
      if (Object.keys(sla.set).length) await tx.update(assignments).set(sla.set).where(eq(assignments.id, lead.id));
      after = () => sla.report(record, ticket.version + 1);
    }
    return {
      after,
      set: approve ? { closeReason: 'terminated' as CloseReason, closeNote: req.reason, closedAt: now } : {},
      payload: { requestId: req.id, assignmentId: req.assignmentId, note: input.note ?? null },
      public: approve,
    };
  });
}

export async function reviewReply(
  deps: CalendarTxDeps & WithConfig<keyof CentreLimits | 'PUBLIC_BASE_URL'>,
  actor: Actor,
  ticketId: number,
  approve: boolean,
  input: { version: number; note?: string; publicReply?: string; reason?: string },
) {
  return runTicketAction(deps, actor, ticketId, approve ? 'approve_reply' : 'reject_reply', input.version, async ({ tx, ticket, now, record }) => {
    const lead = await leadAssignment(tx, ticket.id);
    if (approve) {
      await lapsePendingRequests(tx, ticket.id, now);
      // The ticket leaves the units' hands: every assignment's clocks stop (a reopen restarts the lead's).
      await stopTicketClocks(tx, ticket.id, now);
      // Notifications (issue 3 §5): the reply notice SMS to a mobile caller, queued in this transaction.
      await notifyReplyApproved(tx, deps.config, ticket, input.publicReply ?? lead.replyContent, now);
      return { set: { publicReply: input.publicReply ?? lead.replyContent }, payload: { note: input.note ?? null }, public: true };
    }
    const sla = await resumeCompletion(deps, tx, ticket, lead, now);
    await tx
      .update(assignments)
      .set({ status: 'in_progress', version: lead.version + 1, ...sla.set })
      .where(eq(assignments.id, lead.id));
    return { payload: { reason: input.reason ?? null, assignmentId: lead.id }, after: () => sla.report(record, ticket.version + 1) };
  });
}

export async function recordCallback(
  deps: TxDeps & WithConfig<keyof CentreLimits | 'CALLBACK_MAX_ATTEMPTS'>,
  actor: Actor,
  ticketId: number,
  input: { version: number; reached: boolean; solved?: 'solved' | 'partly' | 'unsolved'; satisfaction?: 'satisfied' | 'basically_satisfied' | 'dissatisfied'; comment?: string },
) {
  // The sub-action depends on the attempt count of the current round (a reopen starts a new round with its
  // own count). It is read before the locked transaction; the version check inside runTicketAction rejects
  // the call if another attempt (or a reopen) was recorded in between.
  const peek = await loadTicket(deps.db, actor, ticketId);
  const attempts = peek.callbackAttempts + 1;
  const action = callbackAction({ ...input, attempts, maxAttempts: deps.config.CALLBACK_MAX_ATTEMPTS });
  return runTicketAction(
    deps,
    actor,
    ticketId,
    action,
    input.version,
    async ({ tx, ticket, now }) => {
      const attempt = ticket.callbackAttempts + 1;
      const round = ticket.callbackRound;
      await tx.insert(callbacks).values({
        ticketId: ticket.id,
        round,
        attempt,
        reached: input.reached,
        solved: input.solved ?? null,
        satisfaction: input.satisfaction ?? null,
        comment: input.comment ?? null,
        agentId: actor.userId,
        createdAt: now,
      });
      const closes = action === 'callback_close' || action === 'callback_unreached';
      if (closes) await endLiveAssignments(tx, ticket.id, 'closed', now);
      return {
        set: {
          callbackAttempts: attempt,
          ...(closes ? { closeReason: (action === 'callback_close' ? 'completed' : 'unreached') as CloseReason, closedAt: now } : {}),
        },
        payload: { round, attempt, reached: input.reached, solved: input.solved ?? null, satisfaction: input.satisfaction ?? null, comment: input.comment ?? null },
        public: closes,
      };
    },
    { permission: 'callback_close' },
  );
}

export async function reopenTicket(deps: CalendarTxDeps & WithConfig<keyof CentreLimits>, actor: Actor, ticketId: number, input: { version: number; reason: string }) {
  return runTicketAction(deps, actor, ticketId, 'reopen', input.version, async ({ tx, ticket, now, record }) => {
    const lead = await leadAssignment(tx, ticket.id);
    const sla = await reopenCompletion(deps, tx, ticket, lead, now);
    // Only the lead's clocks run again; assisting units' stay stopped where the ticket left them.
    await tx
      .update(assignments)
      .set({ status: 'in_progress', version: lead.version + 1, clocksStoppedAt: null, ...sla.set })
      .where(eq(assignments.id, lead.id));
    const completeDueAt = 'completeDueAt' in sla.set ? (sla.set.completeDueAt ?? null) : lead.completeDueAt;
    return {
      // The next callback is a new round, with its own attempts.
      set: {
        redoCount: ticket.redoCount + 1,
        callbackRound: ticket.callbackRound + 1,
        callbackAttempts: 0,
        warningLevel: await liveTicketLevel(tx, ticket.id),
      },
      after: () => sla.report(record, ticket.version + 1),
      payload: {
        reason: input.reason,
        assignmentId: lead.id,
        redo: ticket.redoCount + 1,
        completeDueAt: iso(completeDueAt),
        callbackRound: ticket.callbackRound + 1,
      },
      public: true,
    };
  });
}

export async function closeTicket(deps: TxDeps & WithConfig<keyof CentreLimits>, actor: Actor, ticketId: number, input: { version: number; note: string }) {
  return runTicketAction(deps, actor, ticketId, 'close', input.version, async ({ tx, ticket, now }) => {
    await endLiveAssignments(tx, ticket.id, 'closed', now);
    return { set: { closeReason: 'supervisor_closed' as CloseReason, closeNote: input.note, closedAt: now }, payload: { note: input.note }, public: true };
  });
}

// ---------------------------------------------------------------- unit actions on an assignment

type AssignmentStep = { tx: Db; ticket: TicketRow; assignment: AssignmentRow; now: Date };

/**
 * A unit action's event payload: what the command recorded and whose assignment it was. The event map gives
 * every unit action exactly this shape (TicketEventPayloads); for a generic action the compiler cannot look
 * the map up, hence the one assertion.
 */
const withStamp = <A extends AssignmentAction>(payload: AssignmentActionPayloads[A], stamp: AssignmentStamp) =>
  ({ ...payload, ...stamp }) as TicketEventPayloads[A];

/**
 * Same order as runTicketAction, for a unit acting on its assignment: the ticket row is locked first
 * (always ticket, then assignment, so two units never deadlock), the assignment's own version is checked.
 */
async function runAssignmentAction<A extends AssignmentAction>(
  deps: TxDeps,
  actor: Actor,
  assignmentId: number,
  action: A,
  expectedVersion: number,
  apply: (
    s: AssignmentStep,
  ) => Promise<{ set?: Partial<typeof assignments.$inferInsert>; ticketSet?: Partial<typeof tickets.$inferInsert>; payload: AssignmentActionPayloads[A]; public?: boolean }>,
) {
  return inTransaction(deps, async (tx, record) => {
    const [ref] = await tx.select({ ticketId: assignments.ticketId }).from(assignments).where(eq(assignments.id, assignmentId));
    if (!ref) throw new NotFoundError('assignment_not_found');
    const ticket = await loadTicket(tx, actor, ref.ticketId, { lock: true }).catch(() => {
      throw new NotFoundError('assignment_not_found');
    });
    const [assignment] = await tx.select().from(assignments).where(eq(assignments.id, assignmentId)).for('update');
    const a = assignment!;
    if (!mayAssignment(actor, action, a.unitId)) throw new ForbiddenError();
    checkVersion(a.version, expectedVersion, ticket.status, { assignmentStatus: a.status });
    const t = assignmentTransition(ticket.status, { role: a.role, status: a.status as AssignmentStatus }, action);
    if (!t.ok) throw new ConflictError('invalid_transition', { status: a.status === 'in_progress' ? ticket.status : a.status, action }, {
      currentStatus: ticket.status,
      assignmentStatus: a.status,
      currentVersion: a.version,
    });
    const now = deps.clock.now();
    const out = await apply({ tx, ticket, assignment: a, now });
    const [updatedA] = await tx
      .update(assignments)
      .set({ ...out.set, status: t.assignmentTo, version: a.version + 1 })
      .where(and(eq(assignments.id, a.id), eq(assignments.version, a.version)))
      .returning();
    const [updatedT] = await tx
      .update(tickets)
      .set({ ...out.ticketSet, status: t.ticketTo, version: ticket.version + 1, updatedAt: now, ...(t.ticketTo !== ticket.status ? { statusChangedAt: now } : {}) })
      .where(eq(tickets.id, ticket.id))
      .returning();
    await record(actor, {
      ticketId: ticket.id,
      assignmentId: a.id,
      type: action,
      fromStatus: ticket.status,
      toStatus: t.ticketTo,
      version: updatedT!.version,
      payload: withStamp<A>(out.payload, { unitId: a.unitId, role: a.role, assignmentFrom: a.status, assignmentTo: t.assignmentTo }),
      public: out.public ?? false,
    });
    return { ticket: updatedT!, assignment: updatedA! };
  });
}

export async function signAssignment(deps: TxDeps, actor: Actor, id: number, input: { version: number }) {
  return runAssignmentAction(deps, actor, id, 'sign', input.version, async ({ assignment, now }) => ({
    set: { signedAt: now, signedBy: actor.userId, ...stopClock(assignment, 'sign') },
    payload: {},
    public: true,
  }));
}

export async function contactCaller(
  deps: TxDeps & WithConfig<'CONTACT_BACKDATE_HOURS'>,
  actor: Actor,
  id: number,
  input: { version: number; method: ContactMethod; summary: string; contactedAt?: string; backdateReason?: string },
) {
  return runAssignmentAction(deps, actor, id, 'contact', input.version, async ({ assignment, now }) => {
    const claim = contactClaim(input, assignment, now, deps.config.CONTACT_BACKDATE_HOURS);
    // The first contact stops the response clock at the time claimed; the time recorded stays beside it.
    // One recorded after the unit's reply is history only: the reply already judged the response (a miss),
    // and a claim dated before it must not undo that.
    const first =
      assignment.firstContactAt || assignment.repliedAt ? {} : { firstContactAt: claim.contactedAt, firstContactRecordedAt: claim.recordedAt };
    return {
      set: { ...first, ...stopClock(assignment, 'response') },
      payload: {
        method: input.method,
        summary: input.summary,
        contactedAt: claim.contactedAt.toISOString(),
        recordedAt: claim.recordedAt.toISOString(),
        backdateReason: claim.backdateReason,
      },
    };
  });
}

export async function addNote(deps: TxDeps, actor: Actor, id: number, input: { version: number; text: string }) {
  return runAssignmentAction(deps, actor, id, 'note', input.version, async () => ({ payload: { text: input.text } }));
}

export async function replyAssignment(deps: TxDeps, actor: Actor, id: number, input: { version: number; content: string }) {
  // The reply stops this unit's completion clock and its response clock: with no contact recorded before
  // it, the response is a miss (the ticket view shows it so).
  return runAssignmentAction(deps, actor, id, 'reply', input.version, async ({ assignment, now }) => ({
    set: { replyContent: input.content, repliedAt: now, repliedBy: actor.userId, ...stopClock(assignment, 'complete', 'response') },
    ticketSet: assignment.role === 'lead' ? { repliedAt: now } : {},
    payload: { content: input.content },
    public: assignment.role === 'lead',
  }));
}

async function openRequest(tx: Db, actor: Actor, a: AssignmentRow, kind: RequestKind, reason: string, now: Date, requestedDueAt?: Date) {
  try {
    // A savepoint, so a duplicate pending request surfaces as a clean 409 rather than an aborted transaction.
    const [r] = await tx.transaction(async (sp) =>
      sp
        .insert(assignmentRequests)
        .values({ ticketId: a.ticketId, assignmentId: a.id, kind, reason, requestedDueAt: requestedDueAt ?? null, requestedBy: actor.userId, requestedAt: now })
        .returning({ id: assignmentRequests.id }),
    );
    return r!.id;
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError('request_pending');
    throw err;
  }
}

export async function requestReturn(deps: TxDeps, actor: Actor, id: number, input: { version: number; reason: string }) {
  return runAssignmentAction(deps, actor, id, 'request_return', input.version, async ({ tx, assignment, now }) => {
    if (assignment.designated) throw new ConflictError('designated_cannot_return');
    const requestId = await openRequest(tx, actor, assignment, 'return', input.reason, now);
    return { payload: { requestId, reason: input.reason } };
  });
}

export async function requestExtension(deps: TxDeps, actor: Actor, id: number, input: { version: number; reason: string; requestedDueAt: string }) {
  return runAssignmentAction(deps, actor, id, 'request_extension', input.version, async ({ tx, assignment, now }) => {
    // Extensions are asked for before the deadline: once it has passed, the miss has happened.
    if (assignment.completeDueAt && assignment.completeDueAt <= now) {
      throw new UnprocessableError('extension_deadline_passed', { dueAt: shanghaiMinute(assignment.completeDueAt) }, { completeDueAt: assignment.completeDueAt.toISOString() });
    }
    const due = new Date(input.requestedDueAt);
    if (due <= now || (assignment.completeDueAt && due <= assignment.completeDueAt)) throw new UnprocessableError('extension_not_later');
    const requestId = await openRequest(tx, actor, assignment, 'extension', input.reason, now, due);
    return { payload: { requestId, reason: input.reason, requestedDueAt: due.toISOString() } };
  });
}

export async function requestTermination(deps: TxDeps, actor: Actor, id: number, input: { version: number; reason: string }) {
  return runAssignmentAction(deps, actor, id, 'request_termination', input.version, async ({ tx, assignment, now }) => {
    const requestId = await openRequest(tx, actor, assignment, 'termination', input.reason, now);
    // The completion clock is held while the centre reviews (no overdue for the reviewer's delay); a
    // rejection resumes it, an approval judges it at this request's time.
    return { set: stopClock(assignment, 'complete'), payload: { requestId, reason: input.reason } };
  });
}

