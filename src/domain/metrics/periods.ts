/**
 * Reporting periods over Asia/Shanghai calendar dates (the rollup's days are already Shanghai dates, so
 * bucketing is date arithmetic: no time zone is involved here). Weeks are ISO weeks, Monday to Sunday.
 */
import { UnprocessableError, ValidationError } from '../errors.ts';

export const PERIODS = ['day', 'week', 'month'] as const;
export type Period = (typeof PERIODS)[number];

export type Bucket = { label: string; start: string; end: string };

/** Most buckets one request may ask for. */
export const MAX_BUCKETS: Record<Period, number> = { day: 400, week: 120, month: 60 };

const DAY_MS = 86_400_000;
const toDate = (s: string) => new Date(`${s}T00:00:00Z`);
const fmt = (d: Date) => d.toISOString().slice(0, 10);
export const addDays = (s: string, n: number) => fmt(new Date(toDate(s).getTime() + n * DAY_MS));

function validDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = toDate(s);
  return !Number.isNaN(d.getTime()) && fmt(d) === s;
}

/** Monday of the ISO week containing the date. */
export function weekStart(day: string): string {
  const dow = (toDate(day).getUTCDay() + 6) % 7; // Monday = 0
  return addDays(day, -dow);
}

/** ISO week label, e.g. 2026-W14 (the ISO year can differ from the calendar year near New Year). */
export function isoWeekLabel(monday: string): string {
  const thursday = toDate(addDays(monday, 3));
  const year = thursday.getUTCFullYear();
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const week1 = toDate(weekStart(fmt(jan4)));
  const week = Math.round((thursday.getTime() - week1.getTime()) / (7 * DAY_MS)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

function isoWeekMonday(label: string): string | null {
  const m = /^(\d{4})-W(\d{2})$/.exec(label);
  if (!m) return null;
  const week = Number(m[2]);
  if (week < 1 || week > 53) return null;
  const monday = addDays(weekStart(`${m[1]}-01-04`), (week - 1) * 7);
  return isoWeekLabel(monday) === label ? monday : null;
}

const monthEnd = (first: string) => {
  const d = toDate(first);
  return fmt(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)));
};

/** The bucket a value (as the query gives it) names, or null when it is not a valid value for the period. */
export function bucketOf(period: Period, value: string): Bucket | null {
  if (period === 'day') return validDate(value) ? { label: value, start: value, end: value } : null;
  if (period === 'week') {
    const monday = isoWeekMonday(value) ?? (validDate(value) ? weekStart(value) : null);
    return monday ? { label: isoWeekLabel(monday), start: monday, end: addDays(monday, 6) } : null;
  }
  const first = /^\d{4}-\d{2}$/.test(value) && validDate(`${value}-01`) ? `${value}-01` : validDate(value) ? `${value.slice(0, 7)}-01` : null;
  return first ? { label: first.slice(0, 7), start: first, end: monthEnd(first) } : null;
}

/** The bucket a rollup day falls in. */
export function bucketOfDay(period: Period, day: string): Bucket {
  return bucketOf(period, period === 'month' ? day.slice(0, 7) : day)!;
}

const FORMATS: Record<Period, string> = { day: 'YYYY-MM-DD', week: 'YYYY-Www or YYYY-MM-DD', month: 'YYYY-MM' };

/** `from` and `to` (default: from) as the buckets they span; 400 for a malformed value, 422 for a reversed or too long range. */
export function resolveRange(period: Period, from: string, to?: string): { start: string; end: string; buckets: Bucket[] } {
  const a = bucketOf(period, from);
  const b = to === undefined ? a : bucketOf(period, to);
  const issues = [
    ...(a ? [] : [{ path: 'query.from', code: 'invalid_format', message: `expected ${FORMATS[period]}` }]),
    ...(b || to === undefined ? [] : [{ path: 'query.to', code: 'invalid_format', message: `expected ${FORMATS[period]}` }]),
  ];
  if (issues.length) throw new ValidationError(issues);
  if (b!.start < a!.start) throw new UnprocessableError('metrics_range_invalid');
  const buckets: Bucket[] = [];
  for (let cur: Bucket | null = a!; cur && cur.start <= b!.start; cur = bucketOf(period, addDays(cur.end, 1))) {
    buckets.push(cur);
    if (buckets.length > MAX_BUCKETS[period]) throw new UnprocessableError('metrics_range_too_large', { max: MAX_BUCKETS[period] });
  }
  return { start: a!.start, end: b!.end, buckets };
}
