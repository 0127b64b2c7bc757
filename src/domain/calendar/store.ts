import { asc } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { calendarDays, calendarYears, workingHours } from '../../../db/schema/index.ts';
import { makeCalendar, type CalendarData } from './calendar.ts';

/** Reads the calendar table into the pure CalendarData the arithmetic works on. */
export async function loadCalendar(db: Db): Promise<CalendarData> {
  const [days, years, hours] = await Promise.all([
    db.select({ day: calendarDays.day, kind: calendarDays.kind }).from(calendarDays),
    db.select({ year: calendarYears.year }).from(calendarYears),
    db.select().from(workingHours).orderBy(asc(workingHours.startsAt)),
  ]);
  return makeCalendar({
    days,
    years: years.map((y) => y.year),
    hours: hours.length
      ? hours.map((h) => ({ start: h.startsAt.slice(0, 5), end: h.endsAt.slice(0, 5) }))
      : [
          { start: '09:00', end: '12:00' },
          { start: '13:30', end: '17:30' },
        ],
  });
}

/**
 * A per-process cache of the calendar. Edits through this process invalidate it at once; edits made on
 * another instance are seen within `ttlMs` (the calendar changes a few times a year).
 */
export class CalendarStore {
  private cached: { at: number; data: Promise<CalendarData> } | null = null;
  constructor(private ttlMs = 60_000) {}
  get(db: Db): Promise<CalendarData> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > this.ttlMs) {
      const data = loadCalendar(db);
      this.cached = { at: now, data };
      data.catch(() => (this.cached = null));
    }
    return this.cached.data;
  }
  invalidate(): void {
    this.cached = null;
  }
}
