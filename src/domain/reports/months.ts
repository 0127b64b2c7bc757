/**
 * A report month: an Asia/Shanghai calendar month, YYYY-MM. Its days are the rollup's days (periods.ts);
 * its instants run from 00:00 on the 1st to 00:00 on the 1st of the next month, Shanghai time (UTC+8, no DST).
 */
import { shanghaiDate } from '../clock.ts';
import { addDays, bucketOf } from '../metrics/periods.ts';

export const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

export type MonthSpan = {
  month: string;
  /** first and last Shanghai day, YYYY-MM-DD */
  start: string;
  end: string;
  /** [from, to): the month's instants */
  from: Date;
  to: Date;
};

const shanghaiMidnight = (day: string) => new Date(`${day}T00:00:00+08:00`);

export function monthSpan(month: string): MonthSpan {
  const b = bucketOf('month', month);
  if (!b || !MONTH_PATTERN.test(month)) throw new Error(`not a month: ${month}`);
  return { month, start: b.start, end: b.end, from: shanghaiMidnight(b.start), to: shanghaiMidnight(addDays(b.end, 1)) };
}

export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** The Shanghai month an instant falls in. */
export const monthOf = (at: Date) => shanghaiDate(at).slice(0, 7);

/** 2026-03 → 2026年3月 */
export const monthTitle = (month: string) => `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`;
