/**
 * How long the calendar table still lasts, and telling supervisors before it runs out — or when a
 * deadline could not be computed because it did.
 */
import type { Db } from '../../../db/client.ts';
import { raiseSystemAlert } from '../alerts.ts';
import { coverageEnd, dayNumberOf, dayString, localDayNumber, type CalendarCoverageError, type CalendarData } from './calendar.ts';

/** Supervisors are warned this many days before the last covered day (the State Council publishes in Nov–Dec). */
export const COVERAGE_WARNING_DAYS = 60;

export type CoverageStatus = {
  /** Today in Asia/Shanghai */
  today: string;
  /** The last covered day of the run of covered years containing today, or null when this year is not covered */
  coverageEnd: string | null;
  /** Days from today to coverageEnd (0 on the last covered day), or null */
  daysLeft: number | null;
  /** The year that must be imported next */
  nextYear: number;
  warn: boolean;
};

export function coverageStatus(cal: Pick<CalendarData, 'years'>, now: Date, warnDays = COVERAGE_WARNING_DAYS): CoverageStatus {
  const todayNumber = localDayNumber(now);
  const today = dayString(todayNumber);
  const end = coverageEnd(cal, now);
  if (!end) return { today, coverageEnd: null, daysLeft: null, nextYear: Number(today.slice(0, 4)), warn: true };
  const daysLeft = dayNumberOf(end) - todayNumber;
  return { today, coverageEnd: end, daysLeft, nextYear: Number(end.slice(0, 4)) + 1, warn: daysLeft <= warnDays };
}

/** The alert's dedupe key: one warning per coverage end (or per uncovered year), however often the job runs. */
export function coverageAlertKey(s: CoverageStatus): string {
  return s.coverageEnd ? `calendar_coverage:${s.coverageEnd}` : `calendar_coverage:uncovered:${s.nextYear}`;
}

export function coverageAlertMessage(s: CoverageStatus): string {
  return s.coverageEnd
    ? `工作日历仅覆盖到 ${s.coverageEnd}（还剩 ${s.daysLeft} 天），请管理员尽快导入 ${s.nextYear} 年节假日安排，否则届时无法计算工作日期限。`
    : `工作日历未覆盖今天（${s.today}）：${s.nextYear} 年节假日安排尚未导入，按工作日计算的期限均无法计算，请管理员立即导入。`;
}

/**
 * For the SLA engine: a working-time deadline ran past the table. Raises one alert per missing year
 * (kind calendar_not_covered) with the context of the first deadline that hit it; returns whether it was new.
 */
export function reportUncoveredDeadline(db: Db, err: CalendarCoverageError, context: Record<string, unknown> = {}, at?: Date): Promise<boolean> {
  const year = err.date.slice(0, 4);
  return raiseSystemAlert(db, {
    kind: 'calendar_not_covered',
    dedupeKey: `calendar_not_covered:${year}`,
    message: `有期限需要计算到 ${err.date}，但 ${year} 年工作日历尚未导入，期限无法计算。请管理员导入 ${year} 年节假日安排。`,
    details: { date: err.date, year: Number(year), ...context },
    at,
  });
}
