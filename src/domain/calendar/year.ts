/**
 * The consistency rules for one year of the calendar table (pure). An import replaces a whole year, so it
 * is checked as a whole before anything is written.
 */
import type { ValidationIssue } from '../errors.ts';
import { dayNumberOf, dayString, weekdayOf, type DayKind } from './calendar.ts';

export type YearDay = { day: string; kind: DayKind; name: string };

export const isWeekend = (day: string) => [0, 6].includes(weekdayOf(dayNumberOf(day)));

/** The 2024 revision of the holidays law: no more than six working days in a row around a holiday. */
export const MAX_WORKING_RUN = 6;

/**
 * Problems that make a year unusable (each day inside the year, listed once; a make-up working day only on
 * a Saturday or Sunday, since Monday–Friday already work) and warnings that an operator should look at but
 * that are not wrong in themselves (more than six working days in a row: legal before 2025, and a local
 * arrangement may differ).
 */
export function checkYear(year: number, days: readonly YearDay[]): { issues: ValidationIssue[]; warnings: string[] } {
  const issues: ValidationIssue[] = [];
  const seen = new Map<string, number>();
  days.forEach((d, i) => {
    const at = `days.${i}`;
    if (!d.day.startsWith(`${year}-`)) issues.push({ path: `${at}.day`, code: 'outside_year', message: `${d.day} is not in ${year}` });
    const first = seen.get(d.day);
    if (first !== undefined) issues.push({ path: `${at}.day`, code: 'duplicate_day', message: `${d.day} is already listed at days.${first}` });
    else seen.set(d.day, i);
    if (d.kind === 'workday' && !isWeekend(d.day)) {
      issues.push({ path: `${at}.kind`, code: 'workday_not_weekend', message: `${d.day} is a weekday: a make-up working day falls on a Saturday or Sunday` });
    }
  });
  return { issues, warnings: issues.length ? [] : longWorkingRuns(year, days) };
}

function longWorkingRuns(year: number, days: readonly YearDay[]): string[] {
  const kinds = new Map(days.map((d) => [d.day, d.kind]));
  const first = dayNumberOf(`${year}-01-01`);
  const last = dayNumberOf(`${year}-12-31`);
  const warnings: string[] = [];
  let runStart = -1;
  for (let n = first; n <= last + 1; n++) {
    const day = dayString(n);
    const kind = kinds.get(day);
    const working = n <= last && (kind ? kind === 'workday' : !isWeekend(day));
    if (working && runStart < 0) runStart = n;
    if (!working && runStart >= 0) {
      if (n - runStart > MAX_WORKING_RUN) warnings.push(`${n - runStart} working days in a row: ${dayString(runStart)} – ${dayString(n - 1)}`);
      runStart = -1;
    }
  }
  return warnings;
}
