/**
 * A unit's actions on its assignment: sign, contact the caller, note, reply, and ask the centre to return,
 * extend or terminate (the centre decides in centre-actions.ts).
 */
import type { Db } from '../../../../db/client.ts';
import { assignmentRequests } from '../../../../db/schema/index.ts';
import type { TxDeps, WithConfig } from '../../../deps.ts';
import type { Actor } from '../../auth/actor.ts';
import { shanghaiMinute } from '../../clock.ts';
import { isUniqueViolation } from '../../db-errors.ts';
import { ConflictError, UnprocessableError } from '../../errors.ts';
import { stopClock } from '../../sla/clocks.ts';
import type { ContactMethod, RequestKind } from '../../vocab.ts';
import { contactClaim } from '../contact-time.ts';
import type { AssignmentRow } from '../queries.ts';
import { liveSubs } from './chain.ts';
import { runAssignmentAction } from './runners.ts';

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
    const first = assignment.firstContactAt || assignment.repliedAt ? {} : { firstContactAt: claim.contactedAt, firstContactRecordedAt: claim.recordedAt };
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
  return runAssignmentAction(deps, actor, id, 'reply', input.version, async ({ tx, assignment, now }) => {
    // A unit answers upward only once what it handed down is settled (approved, returned or recalled).
    const open = await liveSubs(tx, assignment.id);
    if (open.length) throw new ConflictError('sub_assignments_open', { count: open.length }, { subAssignmentIds: open.map((s) => s.id) });
    return {
      set: { replyContent: input.content, repliedAt: now, repliedBy: actor.userId, ...stopClock(assignment, 'complete', 'response') },
      // The ticket's reply is its top-level lead's; a sub-unit's reply goes to its parent.
      ticketSet: assignment.role === 'lead' && assignment.parentId === null ? { repliedAt: now } : {},
      payload: { content: input.content },
      public: assignment.role === 'lead' && assignment.parentId === null,
    };
  });
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
      throw new UnprocessableError(
        'extension_deadline_passed',
        { dueAt: shanghaiMinute(assignment.completeDueAt) },
        { completeDueAt: assignment.completeDueAt.toISOString() },
      );
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
