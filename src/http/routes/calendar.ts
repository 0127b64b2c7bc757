import { z } from 'zod';
import { CALENDAR_DAY_KINDS, TIME_UNITS } from '../../domain/vocab.ts';
import { deadlineFor } from '../../domain/calendar/calendar.ts';
import { deleteCalendarDay, importCalendarYear, setCalendarDay, setWorkingHours } from '../../domain/calendar/commands.ts';
import { coverageStatus } from '../../domain/calendar/coverage.ts';
import { MAX_YEAR, MIN_YEAR, parseIcalYear } from '../../domain/calendar/ical.ts';
import { libraryDays, librarySource, libraryVersion, libraryYears } from '../../domain/calendar/library.ts';
import { previewYear } from '../../domain/calendar/preview.ts';
import { calendarTables, coveredYears } from '../../domain/calendar/queries.ts';
import { shanghaiDate } from '../../domain/clock.ts';
import { NotFoundError, UnprocessableError, ValidationError } from '../../domain/errors.ts';
import { OPERATIONAL_ROLES } from '../../domain/org/roles.ts';
import { route, type AnyRoute } from '../route.ts';

const year = z.coerce.number().int().min(MIN_YEAR).max(MAX_YEAR);
/** A real Asia/Shanghai date YYYY-MM-DD (2025-02-29 is refused) in a year we accept. */
const calendarDate = z.iso.date().refine((d) => {
  const y = Number(d.slice(0, 4));
  return y >= MIN_YEAR && y <= MAX_YEAR;
}, `the year must be ${MIN_YEAR}–${MAX_YEAR}`);
const dayName = z.string().trim().min(1).max(50);
const kind = z.enum(CALENDAR_DAY_KINDS);
const wallClock = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'HH:MM, 00:00–24:00');

// The year's range is checked after parsing, as a 422 like the same mistake in an iCalendar file.
const jsonImport = z
  .object({
    year: z.number().int(),
    source: z.string().trim().min(1).max(200),
    days: z.array(z.object({ day: calendarDate, kind, name: dayName }).strict()).max(366),
  })
  .strict();

export const calendarRoutes: AnyRoute[] = [
  route({
    method: 'get',
    path: '/api/calendar',
    summary: 'A year of the working-day calendar: its holidays and make-up working days, the covered years, working hours and how long coverage lasts',
    tag: 'calendar',
    access: OPERATIONAL_ROLES,
    query: z.object({ year: year.optional() }),
    handler: async ({ deps, query }) => {
      const now = deps.clock.now();
      const y = query.year ?? Number(shanghaiDate(now).slice(0, 4));
      const t = await calendarTables(deps.db, y);
      const covered = t.years.find((r) => r.year === y) ?? null;
      const status = coverageStatus({ years: new Set(t.years.map((r) => r.year)) }, now);
      return {
        body: {
          year: y,
          covered: !!covered,
          source: covered?.source ?? null,
          importedAt: covered?.importedAt ?? null,
          days: t.days,
          coveredYears: t.years,
          workingHours: t.hours,
          coverage: { today: status.today, end: status.coverageEnd, daysLeft: status.daysLeft, nextYear: status.nextYear, warning: status.warn },
        },
      };
    },
  }),
  route({
    method: 'get',
    path: '/api/calendar/deadline',
    summary: 'Compute a deadline with the calendar in effect (to check the table after an edit)',
    tag: 'calendar',
    access: OPERATIONAL_ROLES,
    query: z.object({
      start: z.iso.datetime({ offset: true }),
      amount: z.coerce.number().int().min(0).max(10_000),
      unit: z.enum(TIME_UNITS),
      counting: z.enum(['next_day', 'inclusive']).default('next_day'),
    }),
    handler: async ({ deps, query }) => {
      const cal = await deps.calendar.get(deps.db);
      const due = deadlineFor(cal, new Date(query.start), { amount: query.amount, unit: query.unit }, { inclusive: query.counting === 'inclusive' });
      return { body: { start: new Date(query.start).toISOString(), amount: query.amount, unit: query.unit, counting: query.counting, due: due.toISOString() } };
    },
  }),
  route({
    method: 'put',
    path: '/api/calendar/days/:day',
    summary: 'Mark a date a holiday or a make-up working day (the year must have been imported)',
    tag: 'calendar',
    access: ['admin'],
    params: z.object({ day: calendarDate }),
    body: z.object({ kind, name: dayName }).strict(),
    handler: async ({ deps, actor, params, body }) => {
      const r = await setCalendarDay(deps, actor, params.day, body);
      return { body: { ...r.row, created: r.created, recomputed: r.recomputed } };
    },
  }),
  route({
    method: 'delete',
    path: '/api/calendar/days/:day',
    summary: "Remove a date's entry: it follows the weekday rule again",
    tag: 'calendar',
    access: ['admin'],
    status: 204,
    params: z.object({ day: calendarDate }),
    handler: async ({ deps, actor, params }) => {
      await deleteCalendarDay(deps, actor, params.day);
    },
  }),
  route({
    method: 'put',
    path: '/api/calendar/working-hours',
    summary: 'Replace the working-hour segments of a working day (Asia/Shanghai wall-clock times)',
    tag: 'calendar',
    access: ['admin'],
    body: z
      .object({
        hours: z
          .array(z.object({ start: wallClock, end: wallClock }).strict())
          .min(1)
          .max(6),
      })
      .strict(),
    handler: async ({ deps, actor, body }) => ({ body: { hours: await setWorkingHours(deps, actor, body.hours) } }),
  }),
  route({
    method: 'post',
    path: '/api/calendar/import',
    summary:
      'Replace one year of the calendar and mark it covered: JSON {year, source, days}, or iCalendar text with Content-Type text/calendar (?year= picks a year from a multi-year file, ?source= names it; see docs/calendar.md)',
    tag: 'calendar',
    access: ['admin'],
    query: z.object({ year: z.coerce.number().int().optional(), source: z.string().trim().min(1).max(200).optional() }),
    body: z.union([
      jsonImport,
      z
        .string()
        .min(1)
        .max(1024 * 1024),
    ]),
    handler: async ({ deps, actor, query, body, ctx }) => {
      // A string is an iCalendar body only when it came as text/calendar (a JSON string literal is not one).
      if (typeof body === 'string' && !ctx.is('text/calendar')) {
        throw new ValidationError([{ path: 'body', code: 'invalid_type', message: 'expected an object {year, source, days}' }]);
      }
      for (const y of [query.year, typeof body === 'string' ? undefined : body.year]) {
        if (y !== undefined && (y < MIN_YEAR || y > MAX_YEAR))
          throw new UnprocessableError('calendar_year_out_of_range', { day: String(y), min: MIN_YEAR, max: MAX_YEAR });
      }
      const input =
        typeof body === 'string'
          ? { ...parseIcalYear(body, { year: query.year, source: query.source }), format: 'ical' as const }
          : { ...body, format: 'json' as const };
      return { body: await importCalendarYear(deps, actor, input) };
    },
  }),
  route({
    method: 'get',
    path: '/api/calendar/library',
    summary: 'The years the installed holiday tables (chinese-days) have, and which of them are imported',
    tag: 'calendar',
    access: ['admin', 'supervisor'],
    handler: async ({ deps }) => {
      const imported = new Map((await coveredYears(deps.db)).map((y) => [y.year, y]));
      const years = libraryYears();
      const status = coverageStatus({ years: new Set(imported.keys()) }, deps.clock.now());
      return {
        body: {
          library: libraryVersion(),
          years: years.map((year) => ({ year, imported: imported.has(year), source: imported.get(year)?.source ?? null })),
          /** The year to import next, and whether the installed data has it (else JSON or iCalendar from the notice) */
          next: { year: status.nextYear, available: years.includes(status.nextYear) },
        },
      };
    },
  }),
  route({
    method: 'get',
    path: '/api/calendar/library/:year',
    summary:
      'Preview importing a year from the installed holiday tables: its days, checks, the change against the table in effect, the clocks it would recompute (nothing is written)',
    tag: 'calendar',
    access: ['admin'],
    params: z.object({ year }),
    handler: async ({ deps, params }) => ({ body: await previewYear(deps.db, libraryYear(params.year)) }),
  }),
  route({
    method: 'post',
    path: '/api/calendar/library/:year/import',
    summary: 'Import a year from the installed holiday tables in one action (replaces that year, marks it covered, recomputes waiting clocks; audited)',
    tag: 'calendar',
    access: ['admin'],
    params: z.object({ year }),
    handler: async ({ deps, actor, params }) => ({ body: await importCalendarYear(deps, actor, { ...libraryYear(params.year), format: 'library' }) }),
  }),
];

/** One year of the installed tables, or 404 naming the years it does have. */
function libraryYear(year: number) {
  const years = libraryYears();
  if (!years.includes(year)) {
    throw new NotFoundError('calendar_library_year_missing', { year, library: libraryVersion(), available: `${years[0]}–${years.at(-1)}` });
  }
  return { year, source: librarySource(year), days: libraryDays([year]) };
}
