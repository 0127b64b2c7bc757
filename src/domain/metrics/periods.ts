/**
 * Reporting periods over Asia/Shanghai calendar dates (the rollup's days are already Shanghai dates, so
 * bucketing is date arithmetic: no time zone is involved here). Weeks are ISO weeks, Monday to Sunday;
 * quarters, half-years and years are calendar ones; `custom` is one bucket from one date to another.
 */
import { UnprocessableError, ValidationError } from '../errors.ts';

export const PERIODS = ['day', 'week', 'month', 'quarter', 'half', 'year', 'custom'] as const;
export type Period = (typeof PERIODS)[number];

export type Bucket = { label: string; start: string; end: string };

/** Most buckets one request may ask for (custom: one bucket of at most this many days). */
export const MAX_BUCKETS: Record<Period, number> = { day: 400, week: 120, month: 60, quarter: 40, half: 20, year: 10, custom: 1 };
/** The longest custom range, in days (about three years). */
export const MAX_CUSTOM_DAYS = 1100;
/** Periods made of whole months: the monthly rollup grains answer them. */
export const MONTHLY_PERIODS: ReadonlySet<Period> = new Set<Period>(['month', 'quarter', 'half', 'year']);

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

/** The first day of the month a value names: YYYY-MM, or a date in it. */
function monthStartOf(value: string): string | null {
  if (/^\d{4}-\d{2}$/.test(value)) return validDate(`${value}-01`) ? `${value}-01` : null;
  return validDate(value) ? `${value.slice(0, 7)}-01` : null;
}

/** `months` months starting at `first` (a month's first day) as one bucket. */
function months(label: string, first: string, count: number): Bucket {
  const d = toDate(first);
  const lastFirst = fmt(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + count - 1, 1)));
  return { label, start: first, end: monthEnd(lastFirst) };
}

/** A quarter, half-year or year: its own label (2026-Q1, 2026-H2, 2026) or any month or date inside it. */
function spanOf(period: 'quarter' | 'half' | 'year', value: string): Bucket | null {
  const size = { quarter: 3, half: 6, year: 12 }[period];
  const own = { quarter: /^(\d{4})-Q([1-4])$/, half: /^(\d{4})-H([12])$/, year: /^(\d{4})$/ }[period].exec(value);
  let year: number;
  let index: number; // 0-based quarter / half within the year
  if (own) {
    year = Number(own[1]);
    index = own[2] ? Number(own[2]) - 1 : 0;
  } else {
    const first = monthStartOf(value);
    if (!first) return null;
    year = Number(first.slice(0, 4));
    index = Math.floor((Number(first.slice(5, 7)) - 1) / size);
  }
  const first = `${year}-${String(index * size + 1).padStart(2, '0')}-01`;
  const label = period === 'quarter' ? `${year}-Q${index + 1}` : period === 'half' ? `${year}-H${index + 1}` : String(year);
  return months(label, first, size);
}

/**
 * The bucket a value (as the query gives it) names, or null when it is not a valid value for the period.
 * A custom value is one day (resolveRange makes the whole range one bucket).
 */
export function bucketOf(period: Period, value: string): Bucket | null {
  if (period === 'day' || period === 'custom') return validDate(value) ? { label: value, start: value, end: value } : null;
  if (period === 'week') {
    const monday = isoWeekMonday(value) ?? (validDate(value) ? weekStart(value) : null);
    return monday ? { label: isoWeekLabel(monday), start: monday, end: addDays(monday, 6) } : null;
  }
  if (period !== 'month') return spanOf(period, value);
  const first = monthStartOf(value);
  return first ? months(first.slice(0, 7), first, 1) : null;
}

/** The bucket a rollup day falls in (custom: the day alone; use bucketsOfRange for a custom range's one bucket). */
export function bucketOfDay(period: Period, day: string): Bucket {
  return bucketOf(period, day)!;
}

/** Finds the bucket of a day within a resolved range: a custom range has one bucket for all its days. */
export const bucketsOfRange =
  (period: Period, range: { buckets: Bucket[] }) =>
  (day: string): Bucket =>
    period === 'custom' ? range.buckets[0]! : bucketOfDay(period, day);

const FORMATS: Record<Period, string> = {
  day: 'YYYY-MM-DD',
  week: 'YYYY-Www or YYYY-MM-DD',
  month: 'YYYY-MM',
  quarter: 'YYYY-Qn, YYYY-MM or YYYY-MM-DD',
  half: 'YYYY-H1 / YYYY-H2, YYYY-MM or YYYY-MM-DD',
  year: 'YYYY, YYYY-MM or YYYY-MM-DD',
  custom: 'YYYY-MM-DD',
};

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
  if (period === 'custom') {
    const days = (toDate(b!.end).getTime() - toDate(a!.start).getTime()) / DAY_MS + 1;
    if (days > MAX_CUSTOM_DAYS) throw new UnprocessableError('metrics_range_too_long', { max: MAX_CUSTOM_DAYS });
    const label = a!.start === b!.end ? a!.start : `${a!.start}~${b!.end}`;
    return { start: a!.start, end: b!.end, buckets: [{ label, start: a!.start, end: b!.end }] };
  }
  const buckets: Bucket[] = [];
  for (let cur: Bucket | null = a!; cur && cur.start <= b!.start; cur = bucketOf(period, addDays(cur.end, 1))) {
    buckets.push(cur);
    if (buckets.length > MAX_BUCKETS[period]) throw new UnprocessableError('metrics_range_too_large', { max: MAX_BUCKETS[period] });
  }
  return { start: a!.start, end: b!.end, buckets };
}

/** Whole-month ranges (each bucket from a month's first day to a month's last): the monthly grains can answer. */
export function isWholeMonths(range: { start: string; end: string }): boolean {
  return range.start.endsWith('-01') && monthEnd(`${range.end.slice(0, 7)}-01`) === range.end;
}

/** The same date one year earlier (29 February → 28 February). */
export function yearEarlier(day: string): string {
  const y = Number(day.slice(0, 4)) - 1;
  const md = day.slice(5);
  return md === '02-29' ? `${y}-02-28` : `${y}-${md}`;
}

/**
 * The ranges to compare a range with: the one just before it (as many buckets of the period, or for a custom
 * range as many days) and the same one a year earlier, each as from / to values for resolveRange.
 */
export function comparisonRanges(period: Period, range: { start: string; end: string; buckets: Bucket[] }) {
  const n = range.buckets.length;
  let previous: { from: string; to: string };
  if (period === 'custom') {
    const days = (toDate(range.end).getTime() - toDate(range.start).getTime()) / DAY_MS + 1;
    previous = { from: addDays(range.start, -days), to: addDays(range.start, -1) };
  } else {
    let first = bucketOf(period, addDays(range.start, -1))!;
    const last = first;
    for (let i = 1; i < n; i++) first = bucketOf(period, addDays(first.start, -1))!;
    previous = { from: first.start, to: last.start };
  }
  // A week a year earlier is the week of the same ISO number (W53 in a year without one: the week of that date).
  const earlier = (b: Bucket) => {
    if (period !== 'week') return yearEarlier(b.start);
    const label = `${Number(b.label.slice(0, 4)) - 1}${b.label.slice(4)}`;
    return isoWeekMonday(label) ?? yearEarlier(b.start);
  };
  const yearAgo =
    period === 'custom'
      ? { from: yearEarlier(range.start), to: yearEarlier(range.end) }
      : { from: earlier(range.buckets[0]!), to: earlier(range.buckets[n - 1]!) };
  return { previous, yearAgo };
}
