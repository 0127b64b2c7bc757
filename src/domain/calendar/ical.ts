/**
 * One year of the calendar from iCalendar (RFC 5545) text, parsed with ical.js. The convention (also in
 * docs/calendar.md):
 *
 * - every VEVENT is a run of days off or of make-up working days; STATUS:CANCELLED events are skipped;
 * - all-day events (DTSTART;VALUE=DATE) cover DTSTART up to but excluding DTEND (RFC 5545), one day when
 *   DTEND and DURATION are absent; DATE-TIME events cover every Asia/Shanghai date they overlap, read as
 *   Asia/Shanghai wall-clock time unless written in UTC (…Z);
 * - the kind, first match wins: `X-JIESU-DAY-KIND:workday|holiday`; a CATEGORIES value WORKDAY / 补班 /
 *   上班 / 调休上班 (workday) or HOLIDAY / 休 / 假期 / 节假日 (holiday); a SUMMARY containing 班 (上班,
 *   补班, 调休上班) is a make-up working day; anything else is a holiday;
 * - the day's name is the SUMMARY; two events of the same kind on one date merge their names;
 * - recurring events (RRULE / RDATE) are refused: holidays follow the lunar calendar and are listed per year.
 */
import ICAL from 'ical.js';
import { UnprocessableError, ValidationError } from '../errors.ts';
import { dayNumberOf, dayString, localDayNumber, SHANGHAI_OFFSET_MS, type DayKind } from './calendar.ts';
import type { YearDay } from './year.ts';

/** No single event is longer than a year; a longer one is a typo in DTEND. */
const MAX_EVENT_DAYS = 366;
const NAME_MAX = 50;

type Time = InstanceType<typeof ICAL.Time>;

const invalid = (message: string) => new ValidationError([{ path: 'body', code: 'invalid_ical', message }], 'invalid_ical');

/** Day numbers (Asia/Shanghai) an event covers. */
function eventDays(start: Time, end: Time | null): number[] {
  let first: number;
  let last: number;
  if (start.isDate) {
    first = dayNumberOf(ymd(start));
    last = end && end.isDate ? dayNumberOf(ymd(end)) - 1 : first;
    if (end && !end.isDate) last = localDayNumber(new Date(instant(end) - 1));
  } else {
    const s = instant(start);
    const e = end ? instant(end) : s + 1;
    first = localDayNumber(new Date(s));
    last = localDayNumber(new Date(Math.max(e, s + 1) - 1));
  }
  if (last < first) last = first;
  if (last - first + 1 > MAX_EVENT_DAYS) throw invalid(`an event runs ${last - first + 1} days (from ${dayString(first)}); check its DTEND`);
  const days: number[] = [];
  for (let n = first; n <= last; n++) days.push(n);
  return days;
}

const pad = (n: number) => String(n).padStart(2, '0');
const ymd = (t: Time) => `${t.year}-${pad(t.month)}-${pad(t.day)}`;

/** Epoch ms of a DATE-TIME: UTC when written in UTC, Asia/Shanghai wall-clock otherwise. */
function instant(t: Time): number {
  if (t.zone?.tzid === 'UTC') return t.toUnixTime() * 1000;
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second) - SHANGHAI_OFFSET_MS;
}

const WORKDAY_CATEGORIES = new Set(['WORKDAY', '补班', '上班', '调休上班', '工作日']);
const HOLIDAY_CATEGORIES = new Set(['HOLIDAY', '休', '假', '假期', '节假日', '放假']);

function kindOf(event: InstanceType<typeof ICAL.Component>, summary: string): DayKind {
  const explicit = event.getFirstPropertyValue('x-jiesu-day-kind');
  if (explicit != null) {
    const k = String(explicit).trim().toLowerCase();
    if (k === 'workday' || k === 'holiday') return k;
    throw invalid(`X-JIESU-DAY-KIND must be workday or holiday, not "${String(explicit)}"`);
  }
  const categories = event
    .getAllProperties('categories')
    .flatMap((p) => p.getValues())
    .map((v) => String(v).trim().toUpperCase());
  if (categories.some((c) => WORKDAY_CATEGORIES.has(c))) return 'workday';
  if (categories.some((c) => HOLIDAY_CATEGORIES.has(c))) return 'holiday';
  return summary.includes('班') ? 'workday' : 'holiday';
}

export type IcalYear = { year: number; source: string; days: YearDay[] };

/**
 * The days of one year from iCalendar text. `year` picks the year from a file that spans several (dates
 * outside it are ignored); without it the file must cover exactly one year.
 */
export function parseIcalYear(text: string, opts: { year?: number; source?: string } = {}): IcalYear {
  let jcal: unknown;
  try {
    jcal = ICAL.parse(text);
  } catch (err) {
    throw invalid(err instanceof Error ? err.message : 'unparseable');
  }
  const roots = (Array.isArray(jcal) && Array.isArray(jcal[0]) ? jcal : [jcal]).map((j) => new ICAL.Component(j as never));
  const calendars = roots.filter((c) => c.name === 'vcalendar');
  if (calendars.length === 0) throw invalid('no VCALENDAR');

  const byDay = new Map<string, { kind: DayKind; names: string[] }[]>();
  for (const cal of calendars) {
    for (const vevent of cal.getAllSubcomponents('vevent')) {
      if (String(vevent.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED') continue;
      const event = new ICAL.Event(vevent);
      if (event.isRecurring() || vevent.hasProperty('rdate')) {
        throw new UnprocessableError('calendar_ical_recurrence', { summary: event.summary ?? '' });
      }
      if (!vevent.hasProperty('dtstart')) throw invalid(`the event "${event.summary ?? event.uid ?? '?'}" has no DTSTART`);
      const summary = String(event.summary ?? '').replace(/\s+/g, ' ').trim();
      const kind = kindOf(vevent, summary);
      const name = summary || (kind === 'workday' ? '调休上班' : '节假日');
      const hasEnd = vevent.hasProperty('dtend') || vevent.hasProperty('duration');
      for (const n of eventDays(event.startDate, hasEnd ? event.endDate : null)) {
        const day = dayString(n);
        const entries = byDay.get(day) ?? [];
        const same = entries.find((e) => e.kind === kind);
        if (same) {
          if (!same.names.includes(name)) same.names.push(name);
        } else entries.push({ kind, names: [name] });
        byDay.set(day, entries);
      }
    }
  }

  const years = [...new Set([...byDay.keys()].map((d) => Number(d.slice(0, 4))))].sort();
  const year = opts.year ?? years[0];
  if (year === undefined) throw invalid('no VEVENT with a date');
  if (opts.year === undefined && years.length > 1) throw new UnprocessableError('calendar_import_year_ambiguous', { years: years.join(', ') });

  const days: YearDay[] = [...byDay.entries()]
    .filter(([day]) => day.startsWith(`${year}-`))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    // a date that is both a holiday and a workday stays listed twice: the year check reports it
    .flatMap(([day, entries]) => entries.map((e) => ({ day, kind: e.kind, name: e.names.join('、').slice(0, NAME_MAX) })));

  const first = calendars[0]!;
  const source =
    opts.source ??
    (String(first.getFirstPropertyValue('x-wr-calname') ?? '').trim() || String(first.getFirstPropertyValue('prodid') ?? '').trim() || 'iCalendar');
  return { year, source: source.slice(0, 200), days };
}

