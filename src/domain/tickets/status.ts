/**
 * The ticket lifecycle of docs/domain.md §4 as a pure transition table.
 *
 * Two levels: the ticket's status, and each assignment's status. An action performed on an
 * assignment by the lead unit moves the ticket too (the lead's sign moves the ticket to in progress);
 * the same action by an assisting unit moves only its own assignment.
 * Nothing here touches the database, the clock or the actor: permission lives in policy.ts.
 */

import {
  ASSIGNMENT_ACTIONS,
  ASSIGNMENT_STATUSES,
  TICKET_ACTIONS,
  TICKET_STATUSES,
  type AssignmentAction,
  type AssignmentRole,
  type AssignmentStatus,
  type Satisfaction,
  type SolvedResult,
  type TicketAction,
  type TicketStatus,
} from '../../contract/vocab.ts';

/** The statuses and actions are vocabularies of the contract (src/contract/vocab.ts); the table below is over them. */
export { ASSIGNMENT_ACTIONS, ASSIGNMENT_STATUSES, TICKET_ACTIONS, TICKET_STATUSES };
export type { AssignmentAction, AssignmentStatus, TicketAction, TicketStatus };

type TicketRule = { from: readonly TicketStatus[]; to: TicketStatus | 'same' };

export const TICKET_TABLE: Record<TicketAction, TicketRule> = {
  dispatch: { from: ['awaiting_dispatch'], to: 'awaiting_sign' },
  decline: { from: ['awaiting_dispatch'], to: 'closed' },
  merge: { from: ['awaiting_dispatch'], to: 'closed' },
  approve_return: { from: ['return_requested'], to: 'awaiting_dispatch' },
  reject_return: { from: ['return_requested'], to: 'in_progress' },
  approve_extension: { from: ['in_progress', 'awaiting_review'], to: 'same' },
  reject_extension: { from: ['in_progress', 'awaiting_review'], to: 'same' },
  approve_termination: { from: ['termination_requested'], to: 'closed' },
  reject_termination: { from: ['termination_requested'], to: 'in_progress' },
  approve_reply: { from: ['awaiting_review'], to: 'awaiting_callback' },
  reject_reply: { from: ['awaiting_review'], to: 'in_progress' },
  callback_close: { from: ['awaiting_callback'], to: 'closed' },
  callback_dispute: { from: ['awaiting_callback'], to: 'callback_disputed' },
  callback_retry: { from: ['awaiting_callback'], to: 'awaiting_callback' },
  callback_unreached: { from: ['awaiting_callback'], to: 'closed' },
  reopen: { from: ['callback_disputed'], to: 'in_progress' },
  close: { from: ['callback_disputed'], to: 'closed' },
};

/** While the ticket is in one of these, units may still work on their assignments (and their clocks run). */
export const UNIT_ACTIVE: readonly TicketStatus[] = ['awaiting_sign', 'in_progress', 'return_requested', 'termination_requested', 'awaiting_review'];

type AssignmentRule = {
  /** assignment statuses the action is legal from */
  from: readonly AssignmentStatus[];
  to: AssignmentStatus | 'same';
  /** ticket statuses in which the action is legal, and where the ticket goes, for the lead unit */
  lead: { from: readonly TicketStatus[]; to: TicketStatus | 'same' } | null;
  /** ticket statuses in which an assisting unit may perform it (the ticket does not move), or null if lead only */
  assist: readonly TicketStatus[] | null;
};

export const ASSIGNMENT_TABLE: Record<AssignmentAction, AssignmentRule> = {
  sign: { from: ['awaiting_sign'], to: 'in_progress', lead: { from: ['awaiting_sign'], to: 'in_progress' }, assist: UNIT_ACTIVE },
  // The lead may record contact whenever it holds the ticket, also while its own request awaits review.
  contact: {
    from: ['in_progress', 'replied'],
    to: 'same',
    lead: { from: ['in_progress', 'return_requested', 'termination_requested', 'awaiting_review'], to: 'same' },
    assist: UNIT_ACTIVE,
  },
  note: {
    from: ['awaiting_sign', 'in_progress', 'replied'],
    to: 'same',
    lead: { from: UNIT_ACTIVE, to: 'same' },
    assist: UNIT_ACTIVE,
  },
  reply: { from: ['in_progress'], to: 'replied', lead: { from: ['in_progress'], to: 'awaiting_review' }, assist: UNIT_ACTIVE },
  request_return: { from: ['in_progress'], to: 'same', lead: { from: ['in_progress'], to: 'return_requested' }, assist: null },
  request_extension: { from: ['in_progress'], to: 'same', lead: { from: ['in_progress'], to: 'same' }, assist: null },
  request_termination: { from: ['in_progress'], to: 'same', lead: { from: ['in_progress'], to: 'termination_requested' }, assist: null },
  // A unit hands its part down to units beneath it and stays accountable for it (src/domain/tickets/chain.ts):
  // the lead while the ticket is in progress (not while its own request awaits review), an assisting unit
  // while the ticket is with the units.
  hand_down: { from: ['in_progress'], to: 'same', lead: { from: ['in_progress'], to: 'same' }, assist: UNIT_ACTIVE },
  // The receiving level's lead marks the ticket ordinary or complex once it has signed (the command checks the level).
  triage: { from: ['in_progress'], to: 'same', lead: { from: ['in_progress'], to: 'same' }, assist: null },
};

export type Transition<S> = { ok: true; to: S } | { ok: false };

export function ticketTransition(status: TicketStatus, action: TicketAction): Transition<TicketStatus> {
  const rule = TICKET_TABLE[action];
  if (!rule.from.includes(status)) return { ok: false };
  return { ok: true, to: rule.to === 'same' ? status : rule.to };
}

export function assignmentTransition(
  ticket: TicketStatus,
  assignment: { role: AssignmentRole; status: AssignmentStatus },
  action: AssignmentAction,
): { ok: true; ticketTo: TicketStatus; assignmentTo: AssignmentStatus } | { ok: false } {
  const rule = ASSIGNMENT_TABLE[action];
  if (!rule.from.includes(assignment.status)) return { ok: false };
  const assignmentTo = rule.to === 'same' ? assignment.status : rule.to;
  if (assignment.role === 'lead') {
    if (!rule.lead?.from.includes(ticket)) return { ok: false };
    return { ok: true, ticketTo: rule.lead.to === 'same' ? ticket : rule.lead.to, assignmentTo };
  }
  if (!rule.assist?.includes(ticket)) return { ok: false };
  return { ok: true, ticketTo: ticket, assignmentTo };
}

/** Assignment statuses in which the unit still holds the ticket. */
export const LIVE_ASSIGNMENT: readonly AssignmentStatus[] = ['awaiting_sign', 'in_progress', 'replied'];

/** Pick the callback sub-action from what the callback agent recorded (pure). */
export function callbackAction(input: {
  reached: boolean;
  solved?: SolvedResult | null;
  satisfaction?: Satisfaction | null;
  attempts: number;
  maxAttempts: number;
}): TicketAction {
  if (!input.reached) return input.attempts >= input.maxAttempts ? 'callback_unreached' : 'callback_retry';
  if (input.solved === 'unsolved' || input.satisfaction === 'dissatisfied') return 'callback_dispute';
  return 'callback_close';
}
