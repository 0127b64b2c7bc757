/**
 * Edits of the calendar table by administrators. Each is one transaction, serialised with every other
 * calendar edit by an advisory lock (two imports of one year cannot interleave), audited, and followed by
 * invalidating the process's calendar cache so the next deadline uses the new table. In the same
 * transaction, every clock the edit can move — those awaiting the calendar, and running ones whose span
 * touches a changed date — is recomputed with the new table (sla/recompute.ts); their `sla_recomputed`
 * events are published after the commit, and the alerts about clocks awaiting the calendar follow.
 */
import { and, asc, eq, gte, lte, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { calendarDays, calendarYears, workingHours } from '../../../db/schema/index.ts';
import type { Actor } from '../auth/actor.ts';
import { audit } from '../audit.ts';
import { NotFoundError, UnprocessableError } from '../errors.ts';
import { syncAwaitingCalendarAlerts } from '../sla/awaiting-calendar.ts';
import { recomputeClocks, type RecomputeReason, type RecomputeScope, type RecomputeSummary } from '../sla/recompute.ts';
import { recomputeTriageClocks } from '../sla/triage-recompute.ts';
import { recomputeVerificationClocks } from '../ratings/deadlines.ts';
import type { TriageStartConfig } from '../tickets/triage-clocks.ts';
import type { CalendarTxDeps, WithConfig } from '../../deps.ts';

/** Calendar edits recompute every clock, the receiving level's triage clock included. */
type CalendarEditDeps = CalendarTxDeps & WithConfig<TriageStartConfig | 'RATING_VERIFY_WORKING_DAYS' | 'RATING_RECTIFY_WORKING_DAYS'>;
import type { PublishedEvent } from '../events.ts';
import { hhmmOf, normaliseHours, type DayKind } from './calendar.ts';
import { loadCalendar } from './store.ts';
import { checkYear, isWeekend, type YearDay } from './year.ts';

/** pg_advisory_xact_lock key for calendar writes ("jiesu calendar"). */
const CALENDAR_LOCK = 0x6a_63_61_6c;

type CalendarChange = { reason: RecomputeReason; scope: RecomputeScope };

async function calendarTx<T>(deps: CalendarEditDeps, change: CalendarChange, fn: (tx: Db) => Promise<T>): Promise<{ result: T; recomputed: RecomputeSummary }> {
  let pending: PublishedEvent[] = [];
  const result = await deps.db.transaction(async (t) => {
    const tx = t as unknown as Db;
    await tx.execute(sql`select pg_advisory_xact_lock(${sql.raw(String(CALENDAR_LOCK))})`);
    const out = await fn(tx);
    const now = deps.clock.now();
    const cal = await loadCalendar(tx);
    const { events, ...recomputed } = await recomputeClocks(tx, cal, now, change.reason, change.scope);
    // The receiving level's triage clock moves (or is placed) with the others.
    await recomputeTriageClocks(tx, cal, deps.config, now);
    // So do the verification clocks of bad ratings (差评核实).
    await recomputeVerificationClocks(tx, cal, deps.config, now);
    await syncAwaitingCalendarAlerts(tx, now);
    pending = events;
    return { result: out, recomputed };
  });
  deps.calendar.invalidate();
  deps.bus.publish(pending);
  return result;
}

const yearOf = (day: string) => Number(day.slice(0, 4));

async function isCovered(db: Db, year: number): Promise<boolean> {
  const rows = await db.select({ year: calendarYears.year }).from(calendarYears).where(eq(calendarYears.year, year));
  return rows.length > 0;
}

/** Mark one date a holiday or a make-up working day (a local holiday, a correction). */
export async function setCalendarDay(deps: CalendarEditDeps, actor: Actor, day: string, input: { kind: DayKind; name: string }) {
  if (input.kind === 'workday' && !isWeekend(day)) throw new UnprocessableError('calendar_workday_not_weekend', { day });
  const { result, recomputed } = await calendarTx(deps, { reason: 'calendar_day_set', scope: { from: day, to: day } }, async (tx) => {
    // A day of a year that was never imported would still be refused by the arithmetic: import the year first.
    if (!(await isCovered(tx, yearOf(day)))) throw new UnprocessableError('calendar_year_not_imported', { year: yearOf(day) });
    const [previous] = await tx.select().from(calendarDays).where(eq(calendarDays.day, day)).for('update');
    const [row] = await tx
      .insert(calendarDays)
      .values({ day, kind: input.kind, name: input.name })
      .onConflictDoUpdate({ target: calendarDays.day, set: { kind: input.kind, name: input.name } })
      .returning();
    await audit(tx, actor, 'calendar_day_set', { type: 'calendar_day', id: day }, { kind: input.kind, name: input.name, previous: previous ?? null });
    return { row: row!, created: !previous };
  });
  return { ...result, recomputed };
}

/** Remove a date's exception: it follows the weekday rule again. */
export async function deleteCalendarDay(deps: CalendarEditDeps, actor: Actor, day: string) {
  const { result } = await calendarTx(deps, { reason: 'calendar_day_deleted', scope: { from: day, to: day } }, async (tx) => {
    const [removed] = await tx.delete(calendarDays).where(eq(calendarDays.day, day)).returning();
    if (!removed) throw new NotFoundError('calendar_day_not_found', { day });
    await audit(tx, actor, 'calendar_day_deleted', { type: 'calendar_day', id: day }, { previous: removed });
    return removed;
  });
  return result;
}

/** Replace the working-hour segments of a working day. */
export async function setWorkingHours(deps: CalendarEditDeps, actor: Actor, segments: { start: string; end: string }[]) {
  const hours = normaliseHours(segments);
  if (!hours) throw new UnprocessableError('working_hours_invalid');
  const { result } = await calendarTx(deps, { reason: 'working_hours', scope: 'all' }, async (tx) => {
    const previous = await tx.select().from(workingHours).orderBy(asc(workingHours.startsAt));
    await tx.delete(workingHours);
    const values = hours.map((h) => ({ startsAt: `${hhmmOf(h.start)}:00`, endsAt: `${hhmmOf(h.end)}:00` }));
    await tx.insert(workingHours).values(values);
    const next = hours.map((h) => ({ start: hhmmOf(h.start), end: hhmmOf(h.end) }));
    await audit(
      tx,
      actor,
      'working_hours_set',
      { type: 'working_hours', id: 'all' },
      {
        hours: next,
        previous: previous.map((h) => ({ start: h.startsAt.slice(0, 5), end: h.endsAt.slice(0, 5) })),
      },
    );
    return next;
  });
  return result;
}

/**
 * Replace one year of the table: every exception row of that year is replaced by `days`, and the year is
 * marked covered with its source. The year is checked as a whole first (see checkYear); a year without a
 * single holiday is refused, because marking it covered would turn it into the weekday guess we forbid.
 */
export async function importCalendarYear(
  deps: CalendarEditDeps,
  actor: Actor,
  input: { year: number; source: string; days: YearDay[]; format: 'json' | 'ical' | 'library' },
) {
  const { issues, warnings } = checkYear(input.year, input.days);
  if (issues.length) throw new UnprocessableError('calendar_import_inconsistent', { year: input.year, count: issues.length }, { issues });
  if (!input.days.some((d) => d.kind === 'holiday')) throw new UnprocessableError('calendar_import_empty', { year: input.year });
  const from = `${input.year}-01-01`;
  const to = `${input.year}-12-31`;
  const now = deps.clock.now();
  const { result, recomputed } = await calendarTx(deps, { reason: 'calendar_import', scope: { from, to } }, async (tx) => {
    const replaced = await tx
      .delete(calendarDays)
      .where(and(gte(calendarDays.day, from), lte(calendarDays.day, to)))
      .returning({ day: calendarDays.day });
    await tx.insert(calendarDays).values(input.days.map((d) => ({ day: d.day, kind: d.kind, name: d.name })));
    const [before] = await tx.select().from(calendarYears).where(eq(calendarYears.year, input.year));
    await tx
      .insert(calendarYears)
      .values({ year: input.year, source: input.source, importedAt: now })
      .onConflictDoUpdate({ target: calendarYears.year, set: { source: input.source, importedAt: now } });
    const holidays = input.days.filter((d) => d.kind === 'holiday').length;
    const workdays = input.days.length - holidays;
    await audit(
      tx,
      actor,
      'calendar_year_imported',
      { type: 'calendar_year', id: input.year },
      {
        format: input.format,
        source: input.source,
        holidays,
        workdays,
        replacedRows: replaced.length,
        previousSource: before?.source ?? null,
        warnings,
      },
    );
    return { year: input.year, source: input.source, importedAt: now, holidays, workdays, replacedRows: replaced.length, warnings };
  });
  // The clocks the import recomputed (deadlines moved, clocks still awaiting a later year).
  return { ...result, recomputed };
}
