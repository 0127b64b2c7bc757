/** One ticket's stream of stored events as the metric fold (contributions.ts) reads it, and what it emits. */
import type { TicketEventPayloads, TicketEventType } from '../../contract/events.ts';
import type { AssignmentRole, TicketStatus } from '../../contract/vocab.ts';
import type { Counter } from './counters.ts';

/**
 * One stored event as the fold reads it: its type decides its payload (src/contract/events.ts). Any field may
 * be absent — an event written before the field existed (a dispatch before `deadlines`) — and the fold falls back.
 */
export type StreamEvent<K extends TicketEventType = TicketEventType> = {
  [T in K]: {
    id: number;
    ticketId: number;
    assignmentId: number | null;
    type: T;
    fromStatus: TicketStatus | null;
    toStatus: TicketStatus | null;
    payload: Partial<TicketEventPayloads[T]>;
    createdAt: Date;
  };
}[K];

export type TicketFacts = { id: number; categoryId: number; channel: string; createdAt: Date };

export type AssignmentFacts = {
  id: number;
  unitId: number;
  role: AssignmentRole;
  /** The assignment it was handed down from (null or absent: the centre's dispatch, a top-level assignment). */
  parentId?: number | null;
  dispatchedAt: Date;
  /** Read only for events written before the dispatch and reopen payloads carried deadlines. */
  signDueAt: Date | null;
  responseDueAt: Date | null;
  completeDueAt: Date | null;
  originalCompleteDueAt?: Date | null;
};

export type Delta = {
  day: string;
  unitId: number;
  categoryId: number;
  channel: string;
  appealed: boolean;
  counter: Counter;
  delta: number;
};

/** Event types the fold reads; any event that closes the ticket is read too, whatever its type (see `isCounted`). */
export const COUNTED_EVENT_TYPES = [
  'ticket_created',
  'contact_linked',
  'decline',
  'merge',
  'dispatch',
  'hand_down',
  'sign',
  'contact',
  'reply',
  'request_termination',
  'reject_termination',
  'approve_termination',
  'approve_reply',
  'reject_reply',
  'approve_return',
  'reject_return',
  'approve_extension',
  'reject_extension',
  'approve_sub_reply',
  'approve_sub_return',
  'approve_sub_extension',
  'recall',
  'reopen',
  'callback_close',
  'callback_dispute',
  'callback_retry',
  'callback_unreached',
  'appeal_approved',
  'sla_uncomputable',
  'sla_recomputed',
  'citizen_rated',
  'verification_confirmed',
  'verification_dismissed',
  'verification_rectified',
] as const satisfies readonly TicketEventType[];
/** Of the SLA sweep's warnings, only a completion clock going overdue counts (a miss for 按时办结率). */
export const isCountedWarning = (e: StreamEvent<'sla_warning'>) => e.payload.level === 'overdue' && e.payload.clock === 'complete';
