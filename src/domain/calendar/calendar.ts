/**
 * Working-time arithmetic over the centre's calendar table (pure: no database, no clock).
 *
 * All arithmetic is in Asia/Shanghai. China has kept UTC+8 without daylight saving since 1991, so a local
 * wall-clock time is the UTC instant shifted by exactly eight hours; we rely on that and say so here.
 * A day is a working day when the table says so (调休上班), is not one when the table says holiday, and
 * otherwise follows Monday–Friday — but only inside a year the table covers: anything else is an error,
 * never a weekday guess.
 */
import { DomainError } from '../errors.ts';

export const SHANGHAI_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86400_000;

export type DayKind = 'holiday' | 'workday';
export type CalendarData = {
  /** Exceptions to the weekday rule, by local date YYYY-MM-DD */
  exceptions: ReadonlyMap<string, DayKind>;
  /** Years the table covers (published and imported) */
  years: ReadonlySet<number>;
  /** Working-hour segments of a working day, minutes after local midnight, sorted, non-overlapping */
  hours: readonly { start: number; end: number }[];
};

export class CalendarCoverageError extends DomainError {
  constructor(public readonly date: string) {
    super('calendar_not_covered', 422, { date }, { date });
  }
}

export function makeCalendar(input: {
  days: { day: string; kind: DayKind }[];
  years: number[];
  hours: { start: string; end: string }[];
}): CalendarData {
  const toMin = (hhmm: string) => {
    const [h, m] = hhmm.split(':').map(Number);
    return h! * 60 + m!;
  };
  const hours = input.hours.map((h) => ({ start: toMin(h.start), end: toMin(h.end) })).sort((a, b) => a.start - b.start);
  for (let i = 0; i < hours.length; i++) {
    const h = hours[i]!;
    if (!(h.end > h.start) || (i > 0 && h.start < hours[i - 1]!.end)) throw new Error('working hours must be ordered, non-empty, non-overlapping');
  }
  if (hours.length === 0) throw new Error('working hours are empty');
  return { exceptions: new Map(input.days.map((d) => [d.day, d.kind])), years: new Set(input.years), hours };
}

// ---- local-date helpers (a "day number" is days since 1970-01-01 in local time) ----

export function localDayNumber(at: Date): number {
  return Math.floor((at.getTime() + SHANGHAI_OFFSET_MS) / DAY_MS);
}
export function dayString(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}
export function dayNumberOf(day: string): number {
  return Math.floor(Date.parse(`${day}T00:00:00Z`) / DAY_MS);
}
/** The instant at local wall-clock `minutes` after midnight of local day `dayNumber`. */
export function localInstant(dayNumber: number, minutes: number): Date {
  return new Date(dayNumber * DAY_MS + minutes * 60_000 - SHANGHAI_OFFSET_MS);
}
function localMinutes(at: Date): number {
  return ((at.getTime() + SHANGHAI_OFFSET_MS) % DAY_MS) / 60_000;
}

export function isWorkingDay(cal: CalendarData, dayNumber: number): boolean {
  const day = dayString(dayNumber);
  const year = Number(day.slice(0, 4));
  if (!cal.years.has(year)) throw new CalendarCoverageError(day);
  const exception = cal.exceptions.get(day);
  if (exception) return exception === 'workday';
  const weekday = new Date(dayNumber * DAY_MS).getUTCDay(); // 0 = Sunday
  return weekday >= 1 && weekday <= 5;
}

/** The last local date of the unbroken run of covered years that contains `from`'s year, or null. */
export function coverageEnd(cal: CalendarData, from: Date): string | null {
  let year = Number(dayString(localDayNumber(from)).slice(0, 4));
  if (!cal.years.has(year)) return null;
  while (cal.years.has(year + 1)) year++;
  return `${year}-12-31`;
}

// ---- working days ----

export type DayCounting = {
  /** 次日起: counting starts the day after receipt (default); otherwise 含本数: the receipt day counts when it is a working day */
  startNextWorkingDay?: boolean;
};

/** Deadline n working days after `start`: the end of the n-th working day's working hours. */
export function addWorkingDays(cal: CalendarData, start: Date, n: number, counting: DayCounting = {}): Date {
  if (!Number.isInteger(n) || n < 0) throw new RangeError('n must be a non-negative integer');
  const inclusive = counting.startNextWorkingDay === false;
  let day = localDayNumber(start);
  if (n === 0) return start;
  let count = 0;
  if (inclusive && isWorkingDay(cal, day)) count = 1;
  while (count < n) {
    day++;
    if (isWorkingDay(cal, day)) count++;
  }
  return localInstant(day, cal.hours.at(-1)!.end);
}

// ---- working minutes ----

/** The instant `minutes` working minutes after `start`; 0 returns `start` unchanged. */
export function addWorkingMinutes(cal: CalendarData, start: Date, minutes: number): Date {
  if (!(minutes >= 0)) throw new RangeError('minutes must be ≥ 0');
  if (minutes === 0) return start;
  let day = localDayNumber(start);
  let at = localMinutes(start);
  let left = minutes;
  for (let guard = 0; guard < 4000; guard++) {
    if (isWorkingDay(cal, day)) {
      for (const seg of cal.hours) {
        if (at >= seg.end) continue;
        const from = Math.max(at, seg.start);
        const room = seg.end - from;
        if (left <= room) return localInstant(day, from + left);
        left -= room;
        at = seg.end;
      }
    }
    day++;
    at = 0;
  }
  throw new RangeError('working-minute addition ran past 4000 days');
}

/** Working minutes between two instants (0 when b ≤ a). */
export function workingMinutesBetween(cal: CalendarData, a: Date, b: Date): number {
  if (b <= a) return 0;
  let total = 0;
  const lastDay = localDayNumber(b);
  for (let day = localDayNumber(a); day <= lastDay; day++) {
    if (!isWorkingDay(cal, day)) continue;
    for (const seg of cal.hours) {
      const s = localInstant(day, seg.start).getTime();
      const e = localInstant(day, seg.end).getTime();
      const from = Math.max(s, a.getTime());
      const to = Math.min(e, b.getTime());
      if (to > from) total += (to - from) / 60_000;
    }
  }
  return total;
}

export const workingMinutesPerDay = (cal: CalendarData) => cal.hours.reduce((s, h) => s + (h.end - h.start), 0);

// ---- limits ----

export type TimeUnit = 'natural_minutes' | 'natural_hours' | 'natural_days' | 'working_hours' | 'working_days';
export type Limit = { amount: number; unit: TimeUnit };

/**
 * The deadline for a limit counted from `start`. Natural time is plain elapsed time (natural days with
 * 次日起 end at local midnight after the n-th day). Working hours walk the working-hour segments; working
 * days end with the n-th working day's working hours. Every working-time answer checks the calendar
 * covers each day it passes.
 */
export function deadlineFor(cal: CalendarData, start: Date, limit: Limit, counting: DayCounting = {}): Date {
  switch (limit.unit) {
    case 'natural_minutes':
      return new Date(start.getTime() + limit.amount * 60_000);
    case 'natural_hours':
      return new Date(start.getTime() + limit.amount * 3600_000);
    case 'natural_days':
      if (counting.startNextWorkingDay) return localInstant(localDayNumber(start) + limit.amount + 1, 0);
      return new Date(start.getTime() + limit.amount * DAY_MS);
    case 'working_hours':
      return addWorkingMinutes(cal, start, limit.amount * 60);
    case 'working_days':
      return addWorkingDays(cal, start, limit.amount, counting);
  }
}

/**
 * The instant at which `fraction` of the clock from `start` to `due` is used: natural clocks by elapsed
 * time, working clocks by working minutes (so a yellow warning never fires on a holiday morning).
 */
export function fractionInstant(cal: CalendarData, start: Date, due: Date, fraction: number, unit: TimeUnit): Date {
  if (fraction >= 1) return due;
  if (unit.startsWith('natural')) return new Date(start.getTime() + Math.ceil((due.getTime() - start.getTime()) * fraction));
  const total = workingMinutesBetween(cal, start, due);
  const at = addWorkingMinutes(cal, start, Math.ceil(total * fraction));
  return at > due ? due : at;
}
