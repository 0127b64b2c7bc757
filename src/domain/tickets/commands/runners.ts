/**
 * The two runners every lifecycle command goes through, in the house order: load FOR UPDATE (unreadable →
 * 404) → policy (403) → version (409) → transition table (409) → apply → versioned update + event, in one
 * transaction; the event is published after commit. One for the centre's actions on a ticket, one for a
 * unit's actions on its assignment.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../../../db/client.ts';
import { assignmentRequests, assignments, tickets } from '../../../../db/schema/index.ts';
import type { AssignmentActionPayloads, AssignmentStamp, TicketActionPayloads, TicketEventPayloads } from '../../../contract/events.ts';
import type { TxDeps, WithConfig } from '../../../deps.ts';
import type { Actor } from '../../auth/actor.ts';
import { centreClockOf, centreDecision, type CentreLimits } from '../../centre/clocks.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../../errors.ts';
import { mayAssignment, mayTicket } from '../policy.ts';
import { loadTicket, type AssignmentRow, type TicketRow } from '../queries.ts';
import { inTransaction, type Recorder } from '../record.ts';
import { unitStep } from '../chain.ts';
import { ticketTransition, type AssignmentAction, type AssignmentStatus, type TicketAction, type TicketStatus } from '../status.ts';

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
export async function runTicketAction<A extends TicketAction>(
  deps: TxDeps & WithConfig<keyof CentreLimits>,
  actor: Actor,
  ticketId: number,
  action: A,
  expectedVersion: number,
  apply: (s: TicketStep) => Promise<{
    set?: Partial<typeof tickets.$inferInsert>;
    payload: TicketActionPayloads[A];
    public?: boolean;
    after?: () => Promise<void>;
    centreSince?: Date;
  }>,
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
    const payload = (
      clock ? { ...out.payload, centre: centreDecision(deps.config, clock, out.centreSince ?? ticket.statusChangedAt, now) } : out.payload
    ) as TicketEventPayloads[A];
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

/** The kind of the request a sub-assignment has waiting for its parent, if any (one at a time). */
async function pendingKind(tx: Db, assignmentId: number): Promise<'return' | 'extension' | null> {
  const [r] = await tx
    .select({ kind: assignmentRequests.kind })
    .from(assignmentRequests)
    .where(and(eq(assignmentRequests.assignmentId, assignmentId), eq(assignmentRequests.status, 'pending')));
  return (r?.kind as 'return' | 'extension' | undefined) ?? null;
}

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
export async function runAssignmentAction<A extends AssignmentAction>(
  deps: TxDeps,
  actor: Actor,
  assignmentId: number,
  action: A,
  expectedVersion: number,
  apply: (s: AssignmentStep) => Promise<{
    set?: Partial<typeof assignments.$inferInsert>;
    ticketSet?: Partial<typeof tickets.$inferInsert>;
    payload: AssignmentActionPayloads[A];
    public?: boolean;
    /** Follow-up events after the action's own (e.g. sla_uncomputable), given the ticket's new version */
    after?: (record: Recorder, version: number) => Promise<void>;
  }>,
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
    // A sub-assignment's step depends on its parent (which the locked ticket keeps still) and on the request
    // it already has waiting for the parent: read both.
    const [parent] = a.parentId ? await tx.select({ status: assignments.status }).from(assignments).where(eq(assignments.id, a.parentId)) : [];
    const pending = a.parentId ? await pendingKind(tx, a.id) : null;
    const t = unitStep(
      ticket.status,
      { ...a, status: a.status as AssignmentStatus },
      (parent?.status as AssignmentStatus | undefined) ?? null,
      action,
      pending,
    );
    if (!t.ok)
      throw new ConflictError(
        t.code && t.code !== 'invalid_transition' ? t.code : 'invalid_transition',
        { status: a.status === 'in_progress' ? ticket.status : a.status, action },
        {
          currentStatus: ticket.status,
          assignmentStatus: a.status,
          currentVersion: a.version,
        },
      );
    const now = deps.clock.now();
    const out = await apply({ tx, ticket, assignment: a, now });
    const [updatedA] = await tx
      .update(assignments)
      .set({ ...out.set, status: t.assignmentTo, version: a.version + 1 })
      .where(and(eq(assignments.id, a.id), eq(assignments.version, a.version)))
      .returning();
    const [updatedT] = await tx
      .update(tickets)
      .set({
        ...out.ticketSet,
        status: t.ticketTo,
        version: ticket.version + 1,
        updatedAt: now,
        ...(t.ticketTo !== ticket.status ? { statusChangedAt: now } : {}),
      })
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
    await out.after?.(record, updatedT!.version);
    return { ticket: updatedT!, assignment: updatedA! };
  });
}
