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

/** The years an import may touch (also the JSON route's range). */
export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;

/** How a DATE-TIME's wall-clock value is read: UTC (…Z), a named zone, or Asia/Shanghai (floating: no TZID). */
type Zone = { kind: 'utc' } | { kind: 'shanghai' } | { kind: 'iana'; tzid: string } | { kind: 'vtimezone'; tz: InstanceType<typeof ICAL.Timezone> };

/** IANA names are checked with the runtime's time-zone database (Intl throws a RangeError for an unknown one). */
function isIanaZone(tzid: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tzid });
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC (ms) at instant `t`. */
function ianaOffset(tzid: string, t: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tzid,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(t));
  const v = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return Date.UTC(v('year'), v('month') - 1, v('day'), v('hour'), v('minute'), v('second')) - Math.floor(t / 1000) * 1000;
}

/** Epoch ms of a DATE-TIME in its zone (wall clock → instant; the second pass settles a DST edge). */
function instant(t: Time, zone: Zone): number {
  const wall = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  switch (zone.kind) {
    case 'utc':
      return wall;
    case 'shanghai':
      return wall - SHANGHAI_OFFSET_MS;
    case 'iana': {
      const first = wall - ianaOffset(zone.tzid, wall);
      return wall - ianaOffset(zone.tzid, first);
    }
    case 'vtimezone': {
      const c = t.clone();
      c.zone = zone.tz;
      return c.toUnixTime() * 1000;
    }
  }
}

/**
 * The zone of a DTSTART / DTEND property: UTC when written in UTC, its TZID when it has one — a VTIMEZONE of the
 * file, else a standard (IANA) zone name — or Asia/Shanghai wall-clock time. An unknown TZID is refused: reading
 * it as Beijing time could move a day off by a date.
 */
function zoneOf(prop: InstanceType<typeof ICAL.Property>, zones: ReadonlyMap<string, InstanceType<typeof ICAL.Timezone>>, summary: string): Zone {
  const value = prop.getFirstValue() as Time;
  if (value.zone?.tzid === 'UTC' || /Z$/i.test(String(prop.toICALString()).trim())) return { kind: 'utc' };
  const tzid = prop.getParameter('tzid');
  if (tzid == null) return { kind: 'shanghai' };
  const name = String(Array.isArray(tzid) ? tzid[0] : tzid).trim();
  const defined = zones.get(name);
  if (defined) return { kind: 'vtimezone', tz: defined };
  if (name && isIanaZone(name)) return { kind: 'iana', tzid: name };
  throw new UnprocessableError('calendar_ical_unknown_tzid', { tzid: name.slice(0, 80), summary });
}

const label = (t: Time) => t.toString();

/**
 * Day numbers (Asia/Shanghai) an event covers. Refused (422, nothing imported): an end before its start (or at it,
 * for an all-day event), a DURATION that is not positive, an unknown TZID, a date outside MIN_YEAR–MAX_YEAR.
 */
function eventDays(
  vevent: InstanceType<typeof ICAL.Component>,
  event: InstanceType<typeof ICAL.Event>,
  zones: ReadonlyMap<string, InstanceType<typeof ICAL.Timezone>>,
  summary: string,
): number[] {
  const startProp = vevent.getFirstProperty('dtstart')!;
  const start = event.startDate;
  const startZone = zoneOf(startProp, zones, summary);
  let end: Time | null = null;
  let endZone = startZone;
  if (vevent.hasProperty('dtend')) {
    const endProp = vevent.getFirstProperty('dtend')!;
    end = endProp.getFirstValue() as Time;
    endZone = zoneOf(endProp, zones, summary);
  } else if (vevent.hasProperty('duration')) {
    const duration = vevent.getFirstPropertyValue('duration') as InstanceType<typeof ICAL.Duration>;
    if (duration.isNegative || duration.toSeconds() === 0) {
      throw new UnprocessableError('calendar_ical_negative_duration', { duration: duration.toString(), summary });
    }
    end = event.endDate;
  }

  let first: number;
  let last: number;
  if (start.isDate) {
    first = dayNumberOf(ymd(start));
    last = first;
    if (end) {
      const endDay = end.isDate ? dayNumberOf(ymd(end)) : localDayNumber(new Date(instant(end, endZone) - 1)) + 1;
      if (endDay <= first) throw new UnprocessableError('calendar_ical_end_before_start', { start: label(start), end: label(end), summary });
      last = endDay - 1;
    }
  } else {
    const s = instant(start, startZone);
    const e = end ? (end.isDate ? instant(end, { kind: 'shanghai' }) : instant(end, endZone)) : s;
    if (e < s) throw new UnprocessableError('calendar_ical_end_before_start', { start: label(start), end: label(end!), summary });
    first = localDayNumber(new Date(s));
    last = localDayNumber(new Date(Math.max(e, s + 1) - 1));
  }
  for (const n of [first, last]) {
    const y = Number(dayString(n).slice(0, 4));
    if (y < MIN_YEAR || y > MAX_YEAR) throw new UnprocessableError('calendar_year_out_of_range', { day: dayString(n), min: MIN_YEAR, max: MAX_YEAR });
  }
  if (last - first + 1 > MAX_EVENT_DAYS) throw invalid(`an event runs ${last - first + 1} days (from ${dayString(first)}); check its DTEND`);
  const days: number[] = [];
  for (let n = first; n <= last; n++) days.push(n);
  return days;
}

const pad = (n: number) => String(n).padStart(2, '0');
const ymd = (t: Time) => `${t.year}-${pad(t.month)}-${pad(t.day)}`;

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
    // Time zones the file defines itself (Outlook writes e.g. TZID="China Standard Time" with its VTIMEZONE).
    const zones = new Map(
      cal.getAllSubcomponents('vtimezone').flatMap((vtz) => {
        const tzid = String(vtz.getFirstPropertyValue('tzid') ?? '').trim();
        return tzid ? [[tzid, new ICAL.Timezone(vtz)] as const] : [];
      }),
    );
    for (const vevent of cal.getAllSubcomponents('vevent')) {
      if (String(vevent.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED') continue;
      const event = new ICAL.Event(vevent);
      if (event.isRecurring() || vevent.hasProperty('rdate')) {
        throw new UnprocessableError('calendar_ical_recurrence', { summary: event.summary ?? '' });
      }
      if (!vevent.hasProperty('dtstart')) throw invalid(`the event "${event.summary ?? event.uid ?? '?'}" has no DTSTART`);
      const summary = String(event.summary ?? '')
        .replace(/\s+/g, ' ')
        .trim();
      const kind = kindOf(vevent, summary);
      const name = summary || (kind === 'workday' ? '调休上班' : '节假日');
      for (const n of eventDays(vevent, event, zones, summary || (event.uid ?? '?'))) {
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
