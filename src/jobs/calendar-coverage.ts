import type { Deps } from '../deps.ts';
import { raiseSystemAlert } from '../domain/alerts.ts';
import { loadCalendar } from '../domain/calendar/store.ts';
import { coverageAlertKey, coverageAlertMessage, coverageStatus, COVERAGE_WARNING_DAYS } from '../domain/calendar/coverage.ts';
import { syncAwaitingCalendarAlerts } from '../domain/sla/awaiting-calendar.ts';
import type { Job } from './schedule.ts';

/**
 * Warns supervisors and admins (a system alert, kind calendar_coverage) when the calendar table ends within
 * COVERAGE_WARNING_DAYS of `now`, or does not cover today at all. Raised once per coverage end: running
 * daily, or on several instances, adds nothing after the first. It also brings the alerts about clocks
 * awaiting the calendar up to date (counts stored, re-raised if resolved while clocks wait, resolved once
 * none does).
 */
export async function checkCalendarCoverage(deps: Deps, now: Date) {
  await syncAwaitingCalendarAlerts(deps.db, now);
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

/** Daily at 08:00 Asia/Shanghai, when supervisors are at work to read it, and once when the process starts. */
export const calendarCoverageJob: Job = { name: 'calendar-coverage', cron: '0 8 * * *', onStart: true, run: checkCalendarCoverage };
