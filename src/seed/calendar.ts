import { libraryDays } from '../domain/calendar/library.ts';

export const DEMO_CALENDAR_YEARS: { year: number; source: string }[] = [
  { year: 2025, source: '国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）' },
  { year: 2026, source: '国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日发布）' },
];

/**
 * The calendar exception rows for 2025 and 2026, from the installed holiday tables (chinese-days): every day off
 * of each statutory holiday (weekend days inside the break included) and every make-up working day (调休上班).
 * Checked day for day against the State Council tables by test/unit/seed-calendar.test.ts.
 */
export function demoCalendar(): { day: string; kind: 'holiday' | 'workday'; name: string }[] {
  return libraryDays(DEMO_CALENDAR_YEARS.map((y) => y.year));
}

export const DEMO_WORKING_HOURS = [
  { startsAt: '09:00:00', endsAt: '12:00:00' },
  { startsAt: '13:30:00', endsAt: '17:30:00' },
];
