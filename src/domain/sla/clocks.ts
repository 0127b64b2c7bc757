/**
 * The SLA clocks of one assignment, as pure functions over the calendar (no database, no wall clock).
 *
 * Three clocks run per assignment — sign (签收), response (first contact, 响应) and completion (办结/答复) —
 * each with a deadline and the instants at which its warning levels fire (its "marks"). Marks are
 * computed once, when a clock starts or its deadline moves, and stored on the assignment; the sweep only
 * compares them with the time. A level fires at most once per assignment, clock and cycle.
 */
import {
  CalendarCoverageError,
  deadlineFor,
  fractionInstant,
  type CalendarData,
  type DayCounting,
  type Limit,
  type TimeUnit,
} from '../calendar/calendar.ts';

export const CLOCKS = ['sign', 'response', 'complete'] as const;
export type Clock = (typeof CLOCKS)[number];
export const LEVELS = ['yellow', 'red', 'overdue'] as const;
export type Level = (typeof LEVELS)[number];
export type WarningLevel = 'none' | Level;
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

/** The columns that stop a clock: its remaining marks go, and the sweep's next check moves on. */
export function stopClock(a: { slaMarks: readonly Mark[] }, clock: Clock): { slaMarks: Mark[]; nextCheckAt: Date | null } {
  const slaMarks = withoutClock(a.slaMarks, clock);
  return { slaMarks, nextCheckAt: nextCheckAt(slaMarks) };
}

/** Marks due at `now` (in firing order) and the rest. */
export function dueMarks(marks: readonly Mark[], now: Date): { due: Mark[]; rest: Mark[] } {
  const sorted = sortMarks(marks);
  const t = now.toISOString();
  return { due: sorted.filter((m) => m.at <= t), rest: sorted.filter((m) => m.at > t) };
}

// ---------------------------------------------------------------- what the ticket view shows

export type ClockState = {
  dueAt: Date | null;
  /** When the clock stopped (signed, caller contacted, replied; or the assignment ended), else null */
  stoppedAt: Date | null;
  level: WarningLevel;
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
};

/**
 * Each clock's current level: the highest of the levels already fired (the completion clock counts only
 * its current cycle: an extension or a reopen starts it afresh), the marks whose time has come though the
 * sweep has not run yet, and overdue once the deadline has passed — all measured at the clock's own "now",
 * which is when it stopped for a stopped clock.
 */
export function clockStates(a: AssignmentClocks, fired: readonly { clock: string; level: WarningLevel; cycle: number }[], now: Date): Record<Clock, ClockState> {
  const ended = a.status === 'returned' || a.status === 'closed' ? a.endedAt : null;
  const stopped: Record<Clock, Date | null> = {
    sign: a.signedAt ?? ended,
    response: a.firstContactAt ?? ended,
    complete: a.status === 'replied' ? a.repliedAt : ended,
  };
  const due: Record<Clock, Date | null> = { sign: a.signDueAt, response: a.responseDueAt, complete: a.completeDueAt };
  const out = {} as Record<Clock, ClockState>;
  for (const clock of CLOCKS) {
    const at = stopped[clock] ?? now;
    const levels: WarningLevel[] = fired.filter((f) => f.clock === clock && (clock !== 'complete' || f.cycle === a.slaCycle)).map((f) => f.level);
    for (const m of a.slaMarks) if (m.clock === clock && new Date(m.at) <= at) levels.push(m.level);
    if (due[clock] && due[clock]! <= at) levels.push('overdue');
    out[clock] = { dueAt: due[clock], stoppedAt: stopped[clock], level: maxLevel(...levels) };
  }
  return out;
}
