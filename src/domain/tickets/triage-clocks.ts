/**
 * Triage at the receiving level (研判分类), as pure functions over the calendar (no database, no wall clock).
 *
 * The unit that receives a ticket from the centre — a top-level lead assignment to a unit of a kind in
 * TRIAGE_UNIT_KINDS, a district by default — marks it ordinary or complex (普通 / 复杂). Two clocks:
 * - the triage clock (受理研判时限): from the dispatch, TRIAGE_ACCEPT_WORKING_DAYS working days on the calendar
 *   (counted as the SLA's working-day clocks: from the next day, to the close of working hours); met when the
 *   unit triages by then (it must have signed: triage is legal only in progress);
 * - the quick-reply clock (普通件1小时答复): once triaged ordinary, TRIAGE_ORDINARY_REPLY_MINUTES natural minutes
 *   from the receipt (the dispatch, not the triage); met when the unit replies by then.
 * Their warning levels (yellow, red at the SLA's default fractions; overdue past the deadline) are computed
 * when read, like the centre's own clocks (src/domain/centre/clocks.ts).
 */
import type { Config } from '../../config.ts';
import { CalendarCoverageError, deadlineFor, fractionInstant, type CalendarData } from '../calendar/calendar.ts';
import { DEFAULT_THRESHOLDS } from '../sla/clocks.ts';
import type { TriageLevel, UnitKind, WarningLevel } from '../vocab.ts';

export type TriageSettings = Pick<Config, 'TRIAGE_UNIT_KINDS' | 'TRIAGE_ORDINARY_REPLY_MINUTES' | 'TRIAGE_ACCEPT_WORKING_DAYS'>;
/** What a dispatch reads to start the triage clock. */
export type TriageStartConfig = 'TRIAGE_UNIT_KINDS' | 'TRIAGE_ACCEPT_WORKING_DAYS';

/** The unit kinds that triage what the centre dispatches (TRIAGE_UNIT_KINDS, comma-separated). */
export const triageKinds = (config: Pick<Config, 'TRIAGE_UNIT_KINDS'>): UnitKind[] =>
  config.TRIAGE_UNIT_KINDS.split(',')
    .map((k) => k.trim())
    .filter(Boolean) as UnitKind[];

/** Does this assignment run the triage clock? The centre's own dispatch (no parent), to the lead, of a triage kind. */
export const isReceivingLevel = (config: Pick<Config, 'TRIAGE_UNIT_KINDS'>, a: { parentId: number | null; role: string }, unitKind: string) =>
  a.parentId === null && a.role === 'lead' && (triageKinds(config) as string[]).includes(unitKind);

/**
 * The triage deadline for a dispatch at `dispatchedAt`: the close of working hours on the n-th working day after
 * it. Past the calendar table it is not guessed: `due` is null and `uncovered` names the first missing date.
 */
export function triageDeadline(
  cal: CalendarData,
  config: Pick<Config, 'TRIAGE_ACCEPT_WORKING_DAYS'>,
  dispatchedAt: Date,
): { due: Date | null; uncovered: string | null } {
  try {
    return { due: deadlineFor(cal, dispatchedAt, { amount: config.TRIAGE_ACCEPT_WORKING_DAYS, unit: 'working_days' }), uncovered: null };
  } catch (err) {
    if (err instanceof CalendarCoverageError) return { due: null, uncovered: err.date };
    throw err;
  }
}

/** An ordinary ticket's reply deadline: natural minutes from its receipt. */
export const quickReplyDeadline = (config: Pick<Config, 'TRIAGE_ORDINARY_REPLY_MINUTES'>, dispatchedAt: Date) =>
  new Date(dispatchedAt.getTime() + config.TRIAGE_ORDINARY_REPLY_MINUTES * 60_000);

export type TriageClockState = 'running' | 'met' | 'missed' | 'stopped' | 'awaiting_calendar';

/** One triage clock as read: its instants, where it stands and its level (at the moment it stopped, for a stopped clock). */
export type TriageClock = {
  startedAt: Date;
  dueAt: Date | null;
  yellowAt: Date | null;
  redAt: Date | null;
  stoppedAt: Date | null;
  state: TriageClockState;
  level: WarningLevel;
};

/** The assignment's columns the clocks read. */
export type TriageRow = {
  status: string;
  dispatchedAt: Date;
  triage: TriageLevel | null;
  triagedAt: Date | null;
  triageDueAt: Date | null;
  quickReplyDueAt: Date | null;
  repliedAt: Date | null;
  endedAt: Date | null;
  /** Every clock stopped here because the ticket left the units' hands */
  clocksStoppedAt?: Date | null;
};

/** The level of a clock at `at`: overdue past the deadline, red and yellow from their instants. */
export function triageLevel(c: { yellowAt: Date | null; redAt: Date | null; dueAt: Date | null }, at: Date): WarningLevel {
  if (!c.dueAt) return 'none';
  if (at > c.dueAt) return 'overdue';
  if (c.redAt && at >= c.redAt) return 'red';
  if (c.yellowAt && at >= c.yellowAt) return 'yellow';
  return 'none';
}

/**
 * A clock from `start` to `due`, stopped by the unit at `byUnit` or by the ticket leaving the units at `left`.
 * Yellow and red fall at the SLA's default fractions: of working time for the working-day clock (so a warning
 * falls in working hours; elapsed time where the calendar cannot place it), of elapsed time for natural minutes.
 */
function clock(start: Date, due: Date | null, byUnit: Date | null, left: Date | null, now: Date, working: CalendarData | null): TriageClock {
  const stoppedAt = byUnit ?? left;
  const at = stoppedAt ?? now;
  const fraction = (f: number) => {
    if (!due) return null;
    if (working) {
      try {
        return fractionInstant(working, start, due, f, 'working_days');
      } catch (err) {
        if (!(err instanceof CalendarCoverageError)) throw err;
      }
    }
    return new Date(start.getTime() + Math.ceil((due.getTime() - start.getTime()) * f));
  };
  const marks = { dueAt: due, yellowAt: fraction(DEFAULT_THRESHOLDS.yellow), redAt: fraction(DEFAULT_THRESHOLDS.red) };
  // No deadline once stopped by the unit: a deadline that was never placed cannot be missed.
  const state: TriageClockState = !due ? (byUnit ? 'met' : 'awaiting_calendar') : at > due ? 'missed' : byUnit ? 'met' : stoppedAt ? 'stopped' : 'running';
  return { startedAt: start, ...marks, stoppedAt, state, level: triageLevel(marks, at) };
}

/**
 * The two triage clocks of an assignment at `now`, for the ticket view and the unit's workbench. `triage` is
 * null for an assignment without a triage clock; pass `receiving` (isReceivingLevel) so that one whose deadline
 * waits for the calendar shows as awaiting it. `quickReply` is null unless triaged ordinary. `cal` places the
 * triage clock's warnings in working time (without it, at fractions of elapsed time).
 */
export function triageClocks(a: TriageRow, now: Date, opts: { receiving?: boolean; cal?: CalendarData } = {}) {
  const left = a.clocksStoppedAt ?? (a.status === 'returned' || a.status === 'closed' ? a.endedAt : null);
  const hasClock = a.triageDueAt !== null || a.triagedAt !== null || opts.receiving === true;
  return {
    level: a.triage,
    triagedAt: a.triagedAt,
    triage: hasClock ? clock(a.dispatchedAt, a.triageDueAt, a.triagedAt, left, now, opts.cal ?? null) : null,
    quickReply: a.triage === 'ordinary' && a.quickReplyDueAt ? clock(a.dispatchedAt, a.quickReplyDueAt, a.repliedAt, left, now, null) : null,
  };
}
