/**
 * Working-time arithmetic over the centre's calendar table (pure: no database, no clock).
 *
 * All arithmetic is in Asia/Shanghai. China has kept UTC+8 without daylight saving since 1991, so a local
 * wall-clock time is the UTC instant shifted by exactly eight hours; we rely on that and say so here.
 * A day is a working day when the table says so (调休上班), is not one when the table says holiday, and
 * otherwise follows Monday–Friday — but only inside a year the table covers: anything else is an error,
 * never a weekday guess.
 *
 * Internally everything is integer milliseconds (instants, and offsets since local midnight), so adding
 * and measuring working time round-trips exactly; the public API speaks minutes.
 */
import type { DayKind, TimeUnit } from '../../contract/vocab.ts';
import { DomainError } from '../errors.ts';

export const SHANGHAI_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86400_000;
const MINUTE_MS = 60_000;

export type { DayKind };
export type CalendarData = {
  /** Exceptions to the weekday rule, by local date YYYY-MM-DD */
  exceptions: ReadonlyMap<string, DayKind>;
  /** Years the table covers (published and imported) */
  years: ReadonlySet<number>;
  /** Working-hour segments of a working day, minutes after local midnight, sorted, non-overlapping */
  hours: readonly { start: number; end: number }[];
};

/** A date the calendar cannot answer for: its year has not been imported. Supervisors must hear of it. */
export class CalendarCoverageError extends DomainError {
  constructor(public readonly date: string) {
    super('calendar_not_covered', 422, { date }, { date });
  }
}

/** "HH:MM" (or "HH:MM:SS") → minutes after midnight; 24:00 is the end of the day. */
export function minutesOfDay(hhmm: string): number {
  const m = /^(\d{2}):(\d{2})(?::00)?$/.exec(hhmm);
  if (!m) throw new Error(`not a wall-clock time: ${hhmm}`);
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  if (Number(m[2]) > 59 || minutes > 1440) throw new Error(`not a wall-clock time: ${hhmm}`);
  return minutes;
}
export function hhmmOf(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** Working-hour segments sorted, each non-empty, none overlapping; null when they are not. */
export function normaliseHours(hours: readonly { start: string; end: string }[]): { start: number; end: number }[] | null {
  const out = hours.map((h) => ({ start: minutesOfDay(h.start), end: minutesOfDay(h.end) })).sort((a, b) => a.start - b.start);
  if (out.length === 0) return null;
  for (let i = 0; i < out.length; i++) {
    const h = out[i]!;
    if (!(h.end > h.start) || (i > 0 && h.start < out[i - 1]!.end)) return null;
  }
  return out;
}

export function makeCalendar(input: { days: { day: string; kind: DayKind }[]; years: number[]; hours: { start: string; end: string }[] }): CalendarData {
  const hours = normaliseHours(input.hours);
  if (!hours) throw new Error('working hours must be non-empty, ordered and non-overlapping');
  return { exceptions: new Map(input.days.map((d) => [d.day, d.kind])), years: new Set(input.years), hours };
}

// ---- local-date helpers (a "day number" is days since 1970-01-01 in local time) ----

const mod = (a: number, n: number) => ((a % n) + n) % n;

export function localDayNumber(at: Date): number {
  return Math.floor((at.getTime() + SHANGHAI_OFFSET_MS) / DAY_MS);
}
export function dayString(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}
export function dayNumberOf(day: string): number {
  return Math.floor(Date.parse(`${day}T00:00:00Z`) / DAY_MS);
}
/** 0 = Sunday … 6 = Saturday */
export function weekdayOf(dayNumber: number): number {
  return new Date(dayNumber * DAY_MS).getUTCDay();
}
/** The instant at local wall-clock `minutes` after midnight of local day `dayNumber`. */
export function localInstant(dayNumber: number, minutes: number): Date {
  return new Date(dayNumber * DAY_MS + Math.round(minutes * MINUTE_MS) - SHANGHAI_OFFSET_MS);
}
/** Milliseconds since local midnight. */
function localMs(at: Date): number {
  return mod(at.getTime() + SHANGHAI_OFFSET_MS, DAY_MS);
}
const instantMs = (dayNumber: number, ms: number) => dayNumber * DAY_MS + ms - SHANGHAI_OFFSET_MS;

/** Answers already worked out, per calendar (a calendar is immutable once made): the arithmetic asks the same days often. */
const answered = new WeakMap<CalendarData, Map<number, boolean>>();

export function isWorkingDay(cal: CalendarData, dayNumber: number): boolean {
  let known = answered.get(cal);
  const hit = known?.get(dayNumber);
  if (hit !== undefined) return hit;
  const day = dayString(dayNumber);
  const year = Number(day.slice(0, 4));
  if (!cal.years.has(year)) throw new CalendarCoverageError(day);
  const exception = cal.exceptions.get(day);
  const weekday = weekdayOf(dayNumber);
  const working = exception ? exception === 'workday' : weekday >= 1 && weekday <= 5;
  if (!known) answered.set(cal, (known = new Map()));
  known.set(dayNumber, working);
  return working;
}

/** The last local date of the unbroken run of covered years that contains `from`'s year, or null. */
export function coverageEnd(cal: Pick<CalendarData, 'years'>, from: Date): string | null {
  let year = Number(dayString(localDayNumber(from)).slice(0, 4));
  if (!cal.years.has(year)) return null;
  while (cal.years.has(year + 1)) year++;
  return `${year}-12-31`;
}

// ---- working days ----

/**
 * How a limit in days is counted. 次日起 (the default): the receipt day is not counted, the first day is
 * the day after. 含本数 (`inclusive: true`, or `startNextWorkingDay: false`): the receipt day is day one —
 * for working days only when it is a working day and the ticket arrived before its working hours ended
 * (a ticket received at 20:00 would otherwise be due before it arrived).
 * Both spellings are accepted because sla_policies.counting stores either.
 */
export type DayCounting = {
  startNextWorkingDay?: boolean;
  inclusive?: boolean;
};
export const isInclusive = (c: DayCounting = {}) => c.inclusive === true || c.startNextWorkingDay === false;

const dayEndMs = (cal: CalendarData) => cal.hours.at(-1)!.end * MINUTE_MS;

/** Deadline n working days after `start`: the end of the n-th working day's working hours. */
export function addWorkingDays(cal: CalendarData, start: Date, n: number, counting: DayCounting = {}): Date {
  if (!Number.isInteger(n) || n < 0) throw new RangeError('n must be a non-negative integer');
  if (n === 0) return start;
  let day = localDayNumber(start);
  let count = 0;
  if (isInclusive(counting) && isWorkingDay(cal, day) && localMs(start) < dayEndMs(cal)) count = 1;
  while (count < n) {
    day++;
    if (isWorkingDay(cal, day)) count++;
  }
  return new Date(instantMs(day, dayEndMs(cal)));
}

// ---- working minutes ----

/** A guard against a calendar with no working day at all (every covered day a holiday). */
const MAX_DAYS = 4000;

function addWorkingMs(cal: CalendarData, start: Date, ms: number): Date {
  let day = localDayNumber(start);
  let at = localMs(start);
  let left = ms;
  for (let guard = 0; guard < MAX_DAYS; guard++) {
    if (isWorkingDay(cal, day)) {
      for (const seg of cal.hours) {
        const segEnd = seg.end * MINUTE_MS;
        if (at >= segEnd) continue;
        const from = Math.max(at, seg.start * MINUTE_MS);
        const room = segEnd - from;
        // `<=`: a clock that runs out exactly at 12:00 is due at 12:00, not at 13:30.
        if (left <= room) return new Date(instantMs(day, from + left));
        left -= room;
        at = segEnd;
      }
    }
    day++;
    at = 0;
  }
  throw new RangeError(`working-time addition ran past ${MAX_DAYS} days`);
}

function workingMsBetween(cal: CalendarData, a: Date, b: Date): number {
  if (b <= a) return 0;
  let total = 0;
  const lastDay = localDayNumber(b);
  for (let day = localDayNumber(a); day <= lastDay; day++) {
    if (!isWorkingDay(cal, day)) continue;
    for (const seg of cal.hours) {
      const from = Math.max(instantMs(day, seg.start * MINUTE_MS), a.getTime());
      const to = Math.min(instantMs(day, seg.end * MINUTE_MS), b.getTime());
      if (to > from) total += to - from;
    }
  }
  return total;
}

/** The instant `minutes` working minutes after `start` (to the millisecond); 0 returns `start` unchanged. */
export function addWorkingMinutes(cal: CalendarData, start: Date, minutes: number): Date {
  if (!(minutes >= 0) || !Number.isFinite(minutes)) throw new RangeError('minutes must be a finite number ≥ 0');
  const ms = Math.round(minutes * MINUTE_MS);
  if (ms === 0) return start;
  return addWorkingMs(cal, start, ms);
}

/** Working minutes between two instants (0 when b ≤ a); fractional when the instants carry seconds. */
export function workingMinutesBetween(cal: CalendarData, a: Date, b: Date): number {
  return workingMsBetween(cal, a, b) / MINUTE_MS;
}

export const workingMinutesPerDay = (cal: CalendarData) => cal.hours.reduce((s, h) => s + (h.end - h.start), 0);

// ---- limits ----

export type { TimeUnit };
export type Limit = { amount: number; unit: TimeUnit };

/**
 * The deadline for a limit counted from `start`.
 * - natural minutes / hours: plain elapsed time (no calendar involved, so never a coverage error);
 * - natural days: whole local days, ending at 24:00 of the last one — 次日起: the n-th day after the receipt
 *   day; 含本数: the receipt day is day one;
 * - working hours: the working-hour segments are walked, across lunch, nights, weekends and holidays;
 * - working days: the end of the n-th working day's working hours (see DayCounting).
 * Every working-time answer checks that the calendar covers each day it passes (CalendarCoverageError).
 */
export function deadlineFor(cal: CalendarData, start: Date, limit: Limit, counting: DayCounting = {}): Date {
  switch (limit.unit) {
    case 'natural_minutes':
      return new Date(start.getTime() + Math.round(limit.amount * MINUTE_MS));
    case 'natural_hours':
      return new Date(start.getTime() + Math.round(limit.amount * 60 * MINUTE_MS));
    case 'natural_days': {
      if (!Number.isInteger(limit.amount) || limit.amount < 0) throw new RangeError('natural days must be a non-negative integer');
      if (limit.amount === 0) return start;
      const last = localDayNumber(start) + limit.amount - (isInclusive(counting) ? 1 : 0);
      return new Date(instantMs(last + 1, 0));
    }
    case 'working_hours':
      return addWorkingMinutes(cal, start, limit.amount * 60);
    case 'working_days':
      return addWorkingDays(cal, start, limit.amount, counting);
  }
}

/**
 * The instant at which `fraction` of the clock from `start` to `due` is used: natural clocks by elapsed
 * time, working clocks by working time — so a yellow warning on a working clock always falls inside
 * working hours of a working day, never on a holiday morning or at night.
 */
export function fractionInstant(cal: CalendarData, start: Date, due: Date, fraction: number, unit: TimeUnit): Date {
  if (fraction >= 1) return due;
  if (fraction <= 0) return start;
  if (unit.startsWith('natural')) return new Date(start.getTime() + Math.ceil((due.getTime() - start.getTime()) * fraction));
  const target = Math.ceil(workingMsBetween(cal, start, due) * fraction);
  if (target === 0) return due;
  const at = addWorkingMs(cal, start, target);
  return at > due ? due : at;
}
