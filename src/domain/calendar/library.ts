/**
 * The holiday tables installed with the product: the State Council arrangements that the npm package
 * chinese-days ships (holidays and make-up working days, 2004 onwards). They seed the demo calendar and let an
 * administrator import a year in one action when the installed data has it; a year it does not have must come
 * as JSON or iCalendar from the published notice.
 *
 * We read the JSON the package ships rather than call its functions: the package builds its in-memory table by
 * parsing dates as UTC and formatting them in local time, so in a time zone west of UTC (e.g. America/*) every
 * key shifts one day early (getDayDetail('2026-02-14') is then wrong). The shipped JSON is time-zone-free.
 *
 * The package answers any date by weekday when it has no table for the year; so a year counts as available here
 * only when the shipped table lists at least one holiday in it (and then every day off and make-up day of the year
 * comes from that table).
 */
import { createRequire } from 'node:module';
import type { YearDay } from './year.ts';

type ChineseDaysData = { holidays: Record<string, string>; workdays: Record<string, string> };

const require = createRequire(import.meta.url);
let data: ChineseDaysData | null = null;
const table = () => (data ??= require('chinese-days/dist/chinese-days.json') as ChineseDaysData);

/** The installed package and its version, named as the import's source. */
export function libraryVersion(): string {
  const pkg = require('chinese-days/package.json') as { version: string };
  return `chinese-days ${pkg.version}`;
}

/** chinese-days' short festival names → the names used in our table. */
const FESTIVAL_NAMES: Record<string, string> = {
  元旦: '元旦',
  春节: '春节',
  清明: '清明节',
  劳动节: '劳动节',
  端午: '端午节',
  中秋: '中秋节',
  国庆节: '国庆节',
};

/** "English,中文,n" → our name for the festival. */
function festival(raw: string): string {
  const short = raw.split(',')[1]?.trim();
  if (!short) throw new Error(`chinese-days: unexpected day name "${raw}"`);
  return FESTIVAL_NAMES[short] ?? short;
}

/** The years the installed data has a table for (at least one holiday listed), ascending. */
export function libraryYears(): number[] {
  return [...new Set(Object.keys(table().holidays).map((d) => Number(d.slice(0, 4))))].sort((a, b) => a - b);
}

/**
 * The exception rows of the given years from the installed table: every day off of each statutory holiday
 * (weekend days inside the break included) and every make-up working day (调休上班), sorted by day.
 * Years the table does not have contribute nothing: ask `libraryYears()` first.
 */
export function libraryDays(years: readonly number[]): YearDay[] {
  const wanted = new Set(years.map(String));
  const inYears = (day: string) => wanted.has(day.slice(0, 4));
  const t = table();
  const rows: YearDay[] = [
    ...Object.entries(t.holidays)
      .filter(([day]) => inYears(day))
      .map(([day, raw]) => ({ day, kind: 'holiday' as const, name: festival(raw) })),
    ...Object.entries(t.workdays)
      .filter(([day]) => inYears(day))
      .map(([day, raw]) => ({ day, kind: 'workday' as const, name: `${festival(raw)}调休上班` })),
  ];
  rows.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  for (let i = 1; i < rows.length; i++) {
    if (rows[i]!.day === rows[i - 1]!.day) throw new Error(`chinese-days: ${rows[i]!.day} is both a holiday and a workday`);
  }
  return rows;
}

/** The source recorded for a year imported from the installed table. */
export const librarySource = (year: number) => `国务院办公厅关于${year}年部分节假日安排的通知（据 ${libraryVersion()} 所载）`;
