/**
 * Warns supervisors and admins (a system alert, kind calendar_coverage) when the calendar table ends within
 * COVERAGE_WARNING_DAYS of `now`, or does not cover today at all (./coverage.ts). Raised once per coverage
 * end: running daily, or on several instances, adds nothing after the first. It also brings the alerts about
 * clocks awaiting the calendar up to date (counts stored, re-raised if resolved while clocks wait, resolved
 * once none does). The calendar-coverage job (src/jobs/calendar-coverage.ts) calls it daily and at start.
 */
import type { Deps } from '../../deps.ts';
import { raiseSystemAlert } from '../alerts.ts';
import { syncAwaitingCalendarAlerts } from '../sla/awaiting-calendar.ts';
import { coverageAlertKey, coverageAlertMessage, coverageStatus, COVERAGE_WARNING_DAYS } from './coverage.ts';
import { loadCalendar } from './store.ts';

/** The awaiting-calendar alerts brought up to date, then the coverage at `now`, and whether this call raised its alert. */
export async function checkCalendarCoverage(deps: Pick<Deps, 'db' | 'logger'>, now: Date) {
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
