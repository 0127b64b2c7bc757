import { demoCalendar, DEMO_CALENDAR_YEARS, DEMO_WORKING_HOURS } from '../../src/seed/calendar.ts';
import { makeCalendar, type CalendarData } from '../../src/domain/calendar/calendar.ts';

/** The 2025–2026 calendar and working hours the demo seed ships, as the pure arithmetic takes it. */
export function demoCalendarData(): CalendarData {
  return makeCalendar({
    days: demoCalendar(),
    years: DEMO_CALENDAR_YEARS.map((y) => y.year),
    hours: DEMO_WORKING_HOURS.map((h) => ({ start: h.startsAt.slice(0, 5), end: h.endsAt.slice(0, 5) })),
  });
}

/** An Asia/Shanghai wall-clock time as an instant: shanghai('2026-09-30 10:00'). */
export const shanghai = (local: string) => new Date(`${local.replace(' ', 'T')}:00+08:00`);
/** The Asia/Shanghai wall-clock time of an instant, 'YYYY-MM-DD HH:MM'. */
export const shanghaiLocal = (d: Date | string) => new Date(new Date(d).getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
