/**
 * The centre's own clocks: how long a ticket waits for the centre — for dispatch, for each
 * review (reply, return, extension, termination) and for its callback — against a configurable limit.
 *
 * Each clock starts when the ticket enters the waiting status (tickets.status_changed_at), an extension
 * when it was requested (assignment_requests.requested_at, the ticket's status does not change). Limits
 * are natural minutes (CENTRE_*_LIMIT_MINUTES). A callback falls due at 00:00 Asia/Shanghai CALLBACK_DUE_DAYS
 * after the reply was approved (the callback queue's due time) and is late once that day is over: the
 * agents call back *on* the day it falls due (1: the next day), not before midnight. Pure: no database, no
 * wall clock.
 */
import type { Config } from '../../config.ts';
import { callbackDueAt } from '../callbacks/queries.ts';
import { DEFAULT_THRESHOLDS } from '../sla/clocks.ts';
import type { TicketAction, TicketStatus } from '../tickets/status.ts';
import { CENTRE_CLOCK_OF, CENTRE_CLOCKS, type CentreClock, type WarningLevel } from '../vocab.ts';
import type { CentreDecision } from '../../contract/events.ts';

/** The centre's clocks, and which action decides each, are vocabularies of the contract. */
export { CENTRE_CLOCKS, type CentreClock };
/** A wait's level, as the SLA clocks' warning levels. */
export type CentreLevel = WarningLevel;

/** The centre clock each ticket action decides (the action ends that wait). */
const DECIDED_BY: Partial<Record<TicketAction, CentreClock>> = CENTRE_CLOCK_OF;
export const centreClockOf = (action: TicketAction): CentreClock | null => DECIDED_BY[action] ?? null;

/** The ticket status in which each clock runs (an extension waits beside the ticket's status, as a pending request). */
export const WAITING_STATUS: Record<Exclude<CentreClock, 'extension_review'>, TicketStatus> = {
  dispatch: 'awaiting_dispatch',
  reply_review: 'awaiting_review',
  return_review: 'return_requested',
  termination_review: 'termination_requested',
  callback: 'awaiting_callback',
};

/** The configuration the centre's clocks read: each clock's limit, and when a callback falls due. */
export type CentreLimits = Pick<
  Config,
  | 'CENTRE_DISPATCH_LIMIT_MINUTES'
  | 'CENTRE_REPLY_REVIEW_LIMIT_MINUTES'
  | 'CENTRE_RETURN_REVIEW_LIMIT_MINUTES'
  | 'CENTRE_EXTENSION_REVIEW_LIMIT_MINUTES'
  | 'CENTRE_TERMINATION_REVIEW_LIMIT_MINUTES'
  | 'CALLBACK_DUE_DAYS'
>;

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** When a wait that started at `since` is due. */
export function centreDueAt(config: CentreLimits, clock: CentreClock, since: Date): Date {
  if (clock === 'callback') return new Date(callbackDueAt(since, config.CALLBACK_DUE_DAYS).getTime() + DAY);
  const minutes = {
    dispatch: config.CENTRE_DISPATCH_LIMIT_MINUTES,
    reply_review: config.CENTRE_REPLY_REVIEW_LIMIT_MINUTES,
    return_review: config.CENTRE_RETURN_REVIEW_LIMIT_MINUTES,
    extension_review: config.CENTRE_EXTENSION_REVIEW_LIMIT_MINUTES,
    termination_review: config.CENTRE_TERMINATION_REVIEW_LIMIT_MINUTES,
  }[clock];
  return new Date(since.getTime() + minutes * MINUTE);
}

/** A waiting item's clock: when it started, its warning instants (yellow and red at the SLA's default fractions) and its deadline. */
export function centreWait(config: CentreLimits, clock: CentreClock, since: Date) {
  const dueAt = centreDueAt(config, clock, since);
  const span = Math.max(0, dueAt.getTime() - since.getTime());
  return {
    clock,
    since,
    dueAt,
    yellowAt: new Date(since.getTime() + span * DEFAULT_THRESHOLDS.yellow),
    redAt: new Date(since.getTime() + span * DEFAULT_THRESHOLDS.red),
    limitMinutes: Math.round(span / MINUTE),
  };
}

/** The level of a wait at `now` (the screens recompute it every few seconds from the same instants). */
export function centreLevel(w: { yellowAt: Date; redAt: Date; dueAt: Date }, now: Date): CentreLevel {
  if (now > w.dueAt) return 'overdue';
  if (now >= w.redAt) return 'red';
  if (now >= w.yellowAt) return 'yellow';
  return 'none';
}

/** What a decision records in its event payload as `centre` (src/contract/events.ts): the wait it ended, against its limit. */
export function centreDecision(config: CentreLimits, clock: CentreClock, since: Date, now: Date): CentreDecision {
  const w = centreWait(config, clock, since);
  return {
    clock,
    since: since.toISOString(),
    waitedMinutes: Math.max(0, Math.round((now.getTime() - since.getTime()) / MINUTE)),
    limitMinutes: w.limitMinutes,
    onTime: now <= w.dueAt,
  };
}
