/**
 * When the demo city's people are at work, so every simulated act lands where real use would put it:
 * units in the calendar's working hours on working days, the centre's dispatchers and callback agents on
 * longer shifts every day, supervisors on working days. Asia/Shanghai wall-clock time throughout; the
 * working days are the calendar table's (holidays and make-up days), falling back to Monday–Friday for a
 * year the table lacks (the simulation must not stop there; the SLA clocks themselves wait, as they should).
 */
import { isWorkingDay, localDayNumber, localInstant, type CalendarData } from '../domain/calendar/calendar.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;
const OFFSET = 8 * 3_600_000;

export type Shift = {
  /** 'working': working days only; 'all': every day */
  days: 'working' | 'all';
  /** Minutes after local midnight, sorted, non-overlapping */
  segments: readonly (readonly [number, number])[];
};

export function workingDay(cal: CalendarData, dayNumber: number): boolean {
  try {
    return isWorkingDay(cal, dayNumber);
  } catch {
    const weekday = new Date(dayNumber * DAY).getUTCDay();
    return weekday >= 1 && weekday <= 5;
  }
}

export function shifts(cal: CalendarData) {
  const unitHours = cal.hours.map((h) => [h.start, h.end] as const);
  return {
    /** Handling units: the calendar's working hours */
    unit: { days: 'working', segments: unitHours } as Shift,
    /** Units on round-the-clock duty for clocks counted in minutes (water, power, gas, heating, emergencies) */
    duty: { days: 'all', segments: [[0, 24 * 60]] } as Shift,
    /** The centre's dispatch and review desk: 08:00–21:00 every day */
    dispatcher: { days: 'all', segments: [[8 * 60, 21 * 60]] } as Shift,
    /** Callback agents: 09:00–20:00 every day */
    callback: { days: 'all', segments: [[9 * 60, 20 * 60]] } as Shift,
    /** Supervisors: 08:30–18:00 on working days */
    supervisor: { days: 'working', segments: [[8 * 60 + 30, 18 * 60]] } as Shift,
    /** The "办不成事" window in the service hall: the working hours */
    window: { days: 'working', segments: unitHours } as Shift,
  };
}
export type Shifts = ReturnType<typeof shifts>;

/** Minutes (fractional) after local midnight. */
const localMinutes = (t: number) => ((((t + OFFSET) % DAY) + DAY) % DAY) / MINUTE;

function dayOpen(cal: CalendarData, shift: Shift, day: number): boolean {
  return shift.days === 'all' || workingDay(cal, day);
}

/** The instant `minutes` of on-shift time after `from` (from itself when 0 and on shift). */
export function advance(cal: CalendarData, shift: Shift, from: number, minutes: number): number {
  let day = localDayNumber(new Date(from));
  let left = Math.max(0, minutes);
  let at = localMinutes(from);
  for (let guard = 0; guard < 800; guard++, day++, at = 0) {
    if (!dayOpen(cal, shift, day)) continue;
    for (const [s, e] of shift.segments) {
      if (e <= at) continue;
      const start = Math.max(s, at);
      if (start + left <= e) return localInstant(day, start + left).getTime();
      left -= e - start;
    }
  }
  throw new Error('demo shifts: no working time within 800 days');
}

/** The instant `minutes` of on-shift time before `to`. */
export function retreat(cal: CalendarData, shift: Shift, to: number, minutes: number): number {
  let day = localDayNumber(new Date(to));
  let left = Math.max(0, minutes);
  let at = localMinutes(to);
  for (let guard = 0; guard < 800; guard++, day--, at = 24 * 60) {
    if (!dayOpen(cal, shift, day)) continue;
    for (const [s, e] of [...shift.segments].reverse()) {
      if (s >= at) continue;
      const end = Math.min(e, at);
      if (end - left >= s) return localInstant(day, end - left).getTime();
      left -= end - s;
    }
  }
  throw new Error('demo shifts: no working time within 800 days');
}

/** Whether `t` falls on shift. */
export function onShift(cal: CalendarData, shift: Shift, t: number): boolean {
  const day = localDayNumber(new Date(t));
  if (!dayOpen(cal, shift, day)) return false;
  const m = localMinutes(t);
  return shift.segments.some(([s, e]) => m >= s && m < e);
}

/** Local midnight (Asia/Shanghai) of the day `t` falls on, plus `days`. */
export function midnight(t: number, days = 0): number {
  return localInstant(localDayNumber(new Date(t)) + days, 0).getTime();
}
