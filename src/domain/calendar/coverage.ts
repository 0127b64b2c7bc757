/**
 * How long the calendar table still lasts, so supervisors are told before it runs out. (Clocks that need a
 * year the table lacks wait for it visibly: sla/awaiting-calendar.ts.)
 */
import { coverageEnd, dayNumberOf, dayString, localDayNumber, type CalendarData } from './calendar.ts';

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
