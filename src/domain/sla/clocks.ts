/**
 * The SLA clocks of one assignment, as pure functions over the calendar (no database, no wall clock).
 *
 * Three clocks run per assignment — sign (签收), response (first contact, 响应) and completion (办结/答复) —
 * each with a deadline and the instants at which its warning levels fire (its "marks"). Marks are
 * computed once, when a clock starts or its deadline moves, and stored on the assignment; the sweep only
 * compares them with the time. A level fires at most once per assignment, clock and cycle.
 */
import { CalendarCoverageError, deadlineFor, fractionInstant, type CalendarData, type DayCounting, type Limit, type TimeUnit } from '../calendar/calendar.ts';
import { CLOCKS, LEVELS, type Clock, type ClockStatus, type Level, type WarningLevel } from '../../contract/vocab.ts';

/** The clocks and their levels are vocabularies of the contract (src/contract/vocab.ts). */
export { CLOCKS, LEVELS };
export type { Clock, ClockStatus, Level, WarningLevel };
export type Mark = { clock: Clock; level: Level; at: string };
export type Thresholds = { yellow: number; red: number };

export const DEFAULT_THRESHOLDS: Thresholds = { yellow: 0.75, red: 0.9 };

/** Everything a policy says about time: one limit per clock, how days are counted, when to warn. */
export type SlaTerms = {
  sign: Limit;
  response: Limit;
  complete: Limit;
  counting: DayCounting;
  thresholds: Thresholds;
  reopenRestartsClock: boolean;
};

const RANK: Record<WarningLevel, number> = { none: 0, yellow: 1, red: 2, overdue: 3 };

export function maxLevel(...levels: WarningLevel[]): WarningLevel {
  let best: WarningLevel = 'none';
  for (const l of levels) if (RANK[l] > RANK[best]) best = l;
  return best;
}
export const levelRank = (l: WarningLevel) => RANK[l];

/** Marks by time; at the same instant, the lower level first (so catch-up fires yellow → red → overdue). */
export function sortMarks(marks: readonly Mark[]): Mark[] {
  return [...marks].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : RANK[a.level] - RANK[b.level] || CLOCKS.indexOf(a.clock) - CLOCKS.indexOf(b.clock)));
}

/**
 * The marks of one clock: yellow and red at their fraction of the clock (working minutes for working
 * units, elapsed time for natural ones), overdue at the deadline. When the calendar cannot place a
 * fraction (a deadline set by hand past the table's end), that level is left out and reported — the
 * overdue mark, which is the deadline itself, is always kept.
 */
export function clockMarks(
  cal: CalendarData,
  clock: Clock,
  start: Date,
  due: Date,
  unit: TimeUnit,
  thresholds: Thresholds,
): { marks: Mark[]; uncovered: string | null } {
  const marks: Mark[] = [];
  let uncovered: string | null = null;
  for (const level of ['yellow', 'red'] as const) {
    try {
      marks.push({ clock, level, at: fractionInstant(cal, start, due, thresholds[level], unit).toISOString() });
    } catch (err) {
      if (!(err instanceof CalendarCoverageError)) throw err;
      uncovered ??= err.date;
    }
  }
  marks.push({ clock, level: 'overdue', at: due.toISOString() });
  return { marks: sortMarks(marks), uncovered };
}

export type ClockStart = {
  due: Date | null;
  marks: Mark[];
  /** The calendar did not cover this clock: its deadline stays null (never a weekday guess) */
  uncovered: string | null;
};

/** Starts one clock at `start` under the terms: its deadline and marks, or why it cannot be computed. */
export function startClock(cal: CalendarData, terms: SlaTerms, clock: Clock, start: Date): ClockStart {
  const limit = terms[clock];
  let due: Date;
  try {
    due = deadlineFor(cal, start, limit, terms.counting);
  } catch (err) {
    if (err instanceof CalendarCoverageError) return { due: null, marks: [], uncovered: err.date };
    throw err;
  }
  const { marks, uncovered } = clockMarks(cal, clock, start, due, limit.unit, terms.thresholds);
  return { due, marks, uncovered };
}

/** All three clocks started together (at dispatch). */
export function startAllClocks(cal: CalendarData, terms: SlaTerms, start: Date) {
  const started = Object.fromEntries(CLOCKS.map((c) => [c, startClock(cal, terms, c, start)])) as Record<Clock, ClockStart>;
  return {
    due: { sign: started.sign.due, response: started.response.due, complete: started.complete.due },
    marks: sortMarks(CLOCKS.flatMap((c) => started[c].marks)),
    uncovered: CLOCKS.flatMap((c) => (started[c].uncovered ? [{ clock: c, date: started[c].uncovered! }] : [])),
  };
}

export function withoutClock(marks: readonly Mark[], clock: Clock): Mark[] {
  return marks.filter((m) => m.clock !== clock);
}

export function nextCheckAt(marks: readonly Mark[]): Date | null {
  const first = sortMarks(marks)[0];
  return first ? new Date(first.at) : null;
}

/** The columns that stop clocks: their remaining marks go, and the sweep's next check moves on. */
export function stopClock(a: { slaMarks: readonly Mark[] }, ...clocks: Clock[]): { slaMarks: Mark[]; nextCheckAt: Date | null } {
  const slaMarks = a.slaMarks.filter((m) => !clocks.includes(m.clock));
  return { slaMarks, nextCheckAt: nextCheckAt(slaMarks) };
}

/** Marks due at `now` (in firing order) and the rest. */
export function dueMarks(marks: readonly Mark[], now: Date): { due: Mark[]; rest: Mark[] } {
  const sorted = sortMarks(marks);
  const t = now.toISOString();
  return { due: sorted.filter((m) => m.at <= t), rest: sorted.filter((m) => m.at > t) };
}

// ---------------------------------------------------------------- what the ticket view shows

/** One clock as the ticket view shows it: its deadline, where it stands (ClockStatus, src/contract/vocab.ts), level and miss. */
export type ClockState = {
  dueAt: Date | null;
  /** When the clock stopped (signed, caller contacted, replied; termination requested; or the ticket left the units), else null */
  stoppedAt: Date | null;
  level: WarningLevel;
  state: ClockStatus;
  /** The first date past the calendar table the deadline needs (the year to import is its year), for a waiting clock */
  awaitingCalendar: { date: string; year: number } | null;
  /** When the miss happened (the deadline, or the reply without contact), for a missed clock */
  missedAt: Date | null;
};

type AssignmentClocks = {
  status: string;
  slaCycle: number;
  slaMarks: readonly Mark[];
  signDueAt: Date | null;
  responseDueAt: Date | null;
  completeDueAt: Date | null;
  signedAt: Date | null;
  firstContactAt: Date | null;
  repliedAt: Date | null;
  endedAt: Date | null;
  slaWaiting?: readonly { clock: Clock; date: string }[];
  /** Every clock stopped here because the ticket left the units' hands */
  clocksStoppedAt?: Date | null;
  /** The completion deadline of this cycle had passed when an extension moved it */
  completeMissedAt?: Date | null;
};

/** The lead's termination request: the completion clock is held from its time (pending), or judged there (approved). */
export type CompletionHold = { at: Date; pending: boolean } | null;

/**
 * Each clock's current level and state: the highest of the levels already fired (the completion clock
 * counts only its current cycle: an extension or a reopen starts it afresh), the marks whose time has come
 * though the sweep has not run yet, and overdue once the deadline has passed — all measured at the clock's
 * own "now", which is when it stopped for a stopped clock.
 */
export function clockStates(
  a: AssignmentClocks,
  fired: readonly { clock: string; level: WarningLevel; cycle: number }[],
  now: Date,
  hold: CompletionHold = null,
): Record<Clock, ClockState> {
  const ended = a.status === 'returned' || a.status === 'closed' ? a.endedAt : null;
  const left = a.clocksStoppedAt ?? ended;
  // A reply stops the response clock too; only a contact recorded before it counts as the response.
  const contact = a.firstContactAt && (!a.repliedAt || a.firstContactAt <= a.repliedAt) ? a.firstContactAt : null;
  const byUnit: Record<Clock, Date | null> = {
    sign: a.signedAt,
    response: contact ?? a.repliedAt,
    complete: a.status === 'replied' ? a.repliedAt : (hold?.at ?? null),
  };
  const due: Record<Clock, Date | null> = { sign: a.signDueAt, response: a.responseDueAt, complete: a.completeDueAt };
  const out = {} as Record<Clock, ClockState>;
  for (const clock of CLOCKS) {
    const stoppedAt = byUnit[clock] ?? left;
    const at = stoppedAt ?? now;
    const levels: WarningLevel[] = fired.filter((f) => f.clock === clock && (clock !== 'complete' || f.cycle === a.slaCycle)).map((f) => f.level);
    for (const m of a.slaMarks) if (m.clock === clock && new Date(m.at) <= at) levels.push(m.level);
    const d = due[clock];
    // A miss that an act cannot undo: a reply with no contact before it; a deadline that passed before an extension moved it.
    const kept = clock === 'response' && !contact && a.repliedAt ? a.repliedAt : clock === 'complete' ? (a.completeMissedAt ?? null) : null;
    const missedAt = kept ?? (d && d <= at ? d : null);
    if (missedAt) levels.push('overdue');
    const waiting = a.slaWaiting?.find((w) => w.clock === clock);
    const state: ClockStatus = kept
      ? 'missed'
      : waiting
        ? 'awaiting_calendar'
        : !d
          ? 'none'
          : clock === 'complete' && hold?.pending && stoppedAt === hold.at
            ? missedAt
              ? 'missed'
              : 'paused'
            : missedAt
              ? 'missed'
              : !stoppedAt
                ? 'running'
                : byUnit[clock]
                  ? 'met'
                  : 'stopped';
    out[clock] = {
      dueAt: d,
      stoppedAt,
      level: maxLevel(...levels),
      state,
      awaitingCalendar: waiting ? { date: waiting.date, year: Number(waiting.date.slice(0, 4)) } : null,
      missedAt,
    };
  }
  return out;
}
