import type { Deps } from '../deps.ts';
import { raiseSystemAlert } from '../domain/alerts.ts';
import { loadCalendar } from '../domain/calendar/store.ts';
import { coverageAlertKey, coverageAlertMessage, coverageStatus, COVERAGE_WARNING_DAYS } from '../domain/calendar/coverage.ts';
import type { Job } from './schedule.ts';

/**
 * Warns supervisors (a system alert, kind calendar_coverage) when the calendar table ends within
 * COVERAGE_WARNING_DAYS of `now`, or does not cover today at all. Raised once per coverage end: running
 * daily, or on several instances, adds nothing after the first.
 */
export async function checkCalendarCoverage(deps: Deps, now: Date) {
  // Straight from the table, not the per-process cache: another instance may have imported a year.
  const status = coverageStatus(await loadCalendar(deps.db), now);
  if (!status.warn) return { ...status, raised: false };
  const raised = await raiseSystemAlert(deps.db, {
    kind: 'calendar_coverage',
    dedupeKey: coverageAlertKey(status),
    message: coverageAlertMessage(status),
    details: { coverageEnd: status.coverageEnd, daysLeft: status.daysLeft, nextYear: status.nextYear, warningDays: COVERAGE_WARNING_DAYS },
    at: now,
  });
  if (raised) deps.logger.warn({ coverageEnd: status.coverageEnd, nextYear: status.nextYear }, 'calendar coverage ends soon');
  return { ...status, raised };
}

/** Daily at 08:00 Asia/Shanghai, when supervisors are at work to read it. */
export const calendarCoverageJob: Job = { name: 'calendar-coverage', cron: '0 8 * * *', run: checkCalendarCoverage };
