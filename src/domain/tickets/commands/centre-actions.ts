/**
 * The centre's decisions on a ticket after intake, besides dispatch (dispatch.ts): decline, merge, the reviews
 * of a unit's requests (return, extension, termination) and of its reply, the callback, reopen and close.
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../../../db/client.ts';
import { assignmentRequests, assignments, callbacks, contacts } from '../../../../db/schema/index.ts';
import type { Satisfaction, SolvedResult } from '../../../contract/vocab.ts';
import type { CalendarTxDeps, TxDeps, WithConfig } from '../../../deps.ts';
import type { Actor } from '../../auth/actor.ts';
import type { CentreLimits } from '../../centre/clocks.ts';
import { shanghaiMinute } from '../../clock.ts';
import { ConflictError, NotFoundError, UnprocessableError } from '../../errors.ts';
import { notifyExtensionApproved, notifyReplyApproved } from '../../notifications/notices.ts';
import { extendCompletion, liveTicketLevel, reopenCompletion, resumeCompletion, stopTicketClocks } from '../../sla/assignment-clocks.ts';
import type { CloseReason, RequestKind } from '../../vocab.ts';
import { lockOpenTarget, recordLinkedInto } from '../link.ts';
import { loadTicket, type AssignmentRow } from '../queries.ts';
import { callbackAction, LIVE_ASSIGNMENT, type AssignmentStatus } from '../status.ts';
import { runTicketAction } from './runners.ts';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

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
    .where(
      and(eq(assignments.ticketId, ticketId), eq(assignments.role, 'lead'), isNull(assignments.parentId), inArray(assignments.status, [...LIVE_ASSIGNMENT])),
    )
    .for('update');
  if (!a) throw new NotFoundError('assignment_not_found');
  return a;
}

export async function declineTicket(deps: TxDeps & WithConfig<keyof CentreLimits>, actor: Actor, ticketId: number, input: { version: number; reason: string }) {
  return runTicketAction(deps, actor, ticketId, 'decline', input.version, async ({ now }) => ({
    set: { closeReason: 'not_accepted', closeNote: input.reason, closedAt: now },
    payload: { reason: input.reason },
    public: true,
  }));
}

export async function mergeTicket(
  deps: TxDeps & WithConfig<keyof CentreLimits>,
  actor: Actor,
  ticketId: number,
  input: { version: number; intoTicketId: number },
) {
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
    .where(
      and(
        eq(assignmentRequests.ticketId, ticketId),
        eq(assignmentRequests.kind, kind),
        eq(assignmentRequests.status, 'pending'),
        // The centre decides the top level's requests; a sub-assignment's go to its parent (commands/chain.ts).
        sql`${assignmentRequests.assignmentId} in (select id from assignments where ticket_id = ${ticketId} and parent_id is null)`,
      ),
    )
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

export async function reviewReturn(
  deps: TxDeps & WithConfig<keyof CentreLimits>,
  actor: Actor,
  ticketId: number,
  approve: boolean,
  input: { version: number; note?: string },
) {
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
  deps: CalendarTxDeps & WithConfig<keyof CentreLimits | 'PUBLIC_BASE_URL' | 'RATING_LINK_DAYS'>,
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

export async function reviewTermination(
  deps: CalendarTxDeps & WithConfig<keyof CentreLimits>,
  actor: Actor,
  ticketId: number,
  approve: boolean,
  input: { version: number; note?: string },
) {
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
  deps: CalendarTxDeps & WithConfig<keyof CentreLimits | 'PUBLIC_BASE_URL' | 'RATING_LINK_DAYS'>,
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
      // Notifications: the reply notice SMS to a mobile caller, queued in this transaction.
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
  input: { version: number; reached: boolean; solved?: SolvedResult; satisfaction?: Satisfaction; comment?: string },
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
        payload: {
          round,
          attempt,
          reached: input.reached,
          solved: input.solved ?? null,
          satisfaction: input.satisfaction ?? null,
          comment: input.comment ?? null,
        },
        public: closes,
      };
    },
    { permission: 'callback_close' },
  );
}

export async function reopenTicket(
  deps: CalendarTxDeps & WithConfig<keyof CentreLimits>,
  actor: Actor,
  ticketId: number,
  input: { version: number; reason: string },
) {
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
