/**
 * Clocks awaiting the calendar (assignments.sla_waiting): a working-time deadline past the last imported
 * year is never guessed; the clock waits, visibly, until the year is imported. Supervisors and admins keep
 * one system alert per missing year (`calendar_not_covered:<year>`) for as long as any clock waits for it:
 * its details carry the number of waiting clocks and their tickets; resolving it while clocks still wait
 * raises it again; it resolves itself once nothing waits (an import recomputes the clocks).
 *
 * The counts are worked out when the alert is raised, when the calendar changes, when someone resolves it
 * and by the daily coverage job; readers (GET /api/alerts) get them fresh at read time, so the alert a
 * supervisor reads is always current without every dispatch writing to one shared row.
 */
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { assignments, systemAlerts, tickets } from '../../../db/schema/index.ts';
import { rowsOf } from '../tickets/queries.ts';

export const AWAITING_KIND = 'calendar_not_covered';
export const awaitingKey = (year: number) => `${AWAITING_KIND}:${year}`;
/** Ticket numbers an alert lists by name (the full list: GET /api/sla/awaiting-calendar). */
const SAMPLE = 20;

export type WaitingYear = {
  year: number;
  /** The earliest uncovered date any of these clocks needs */
  date: string;
  clocks: number;
  tickets: number;
  /** Up to SAMPLE of the tickets, oldest first */
  sample: { ticketId: number; number: string }[];
};

/** Waiting clocks grouped by the year they wait for (served by the partial index on non-empty sla_waiting). */
export async function waitingByYear(db: Db, years?: number[]): Promise<WaitingYear[]> {
  const only = years?.length
    ? sql`and substr(w->>'date', 1, 4)::int in (${sql.join(
        years.map((y) => sql`${y}`),
        sql`, `,
      )})`
    : sql``;
  const rows = rowsOf<{
    year: number;
    date: string;
    clocks: string | number;
    tickets: string | number;
    sample: { ticketId: number; number: string }[] | string | null;
  }>(
    await db.execute(sql`
      with w as (
        select substr(w->>'date', 1, 4)::int as year, w->>'date' as date, a.ticket_id
        from assignments a, jsonb_array_elements(a.sla_waiting) w
        where a.sla_waiting <> '[]'::jsonb ${only}
      ),
      g as (select year, min(date) as date, count(*) as clocks, count(distinct ticket_id) as tickets from w group by year)
      select g.year, g.date, g.clocks, g.tickets,
        (select coalesce(jsonb_agg(jsonb_build_object('ticketId', s.id, 'number', s.number) order by s.id), '[]'::jsonb)
           from (select t.id, t.number from tickets t
                 where t.id in (select ticket_id from w where w.year = g.year) order by t.id limit ${SAMPLE}) s) as sample
      from g order by g.year`),
  );
  return rows.map((r) => ({
    year: Number(r.year),
    date: r.date,
    clocks: Number(r.clocks),
    tickets: Number(r.tickets),
    sample: typeof r.sample === 'string' ? JSON.parse(r.sample) : (r.sample ?? []),
  }));
}

function message(w: WaitingYear): string {
  return `${w.year} 年工作日历尚未导入：${w.clocks} 个按工作时间计算的时限（涉及 ${w.tickets} 件工单）需要计算到 ${w.date} 之后，期限暂无法确定，处于“待日历”状态。请管理员导入 ${w.year} 年节假日安排，导入后将自动重算。`;
}

const details = (w: WaitingYear, extra: Record<string, unknown> = {}) => ({
  year: w.year,
  date: w.date,
  clocks: w.clocks,
  tickets: w.tickets,
  sample: w.sample,
  ...extra,
});

/** Writes the alert of one year as it stands: open with the current counts. */
async function upsertOpen(db: Db, w: WaitingYear, now: Date, extra: Record<string, unknown> = {}) {
  await db
    .insert(systemAlerts)
    .values({ kind: AWAITING_KIND, dedupeKey: awaitingKey(w.year), message: message(w), details: details(w, extra), createdAt: now })
    .onConflictDoUpdate({ target: systemAlerts.dedupeKey, set: { message: message(w), details: details(w, extra), resolvedAt: null } });
}

/**
 * Brings every calendar_not_covered alert in line with the waiting clocks: open with current counts for
 * each year something waits for (re-raised if it had been resolved), resolved for every year nothing waits
 * for any more. Returns the years still waited for.
 */
export async function syncAwaitingCalendarAlerts(db: Db, now: Date, opts: { reraised?: number } = {}): Promise<WaitingYear[]> {
  const waiting = await waitingByYear(db);
  for (const w of waiting) await upsertOpen(db, w, now, opts.reraised === w.year ? { reraisedAt: now.toISOString() } : {});
  const open = await db
    .select({ id: systemAlerts.id, dedupeKey: systemAlerts.dedupeKey, details: systemAlerts.details })
    .from(systemAlerts)
    .where(and(eq(systemAlerts.kind, AWAITING_KIND), isNull(systemAlerts.resolvedAt)));
  const still = new Set(waiting.map((w) => awaitingKey(w.year)));
  const done = open.filter((a) => !still.has(a.dedupeKey));
  for (const a of done) {
    await db
      .update(systemAlerts)
      .set({ resolvedAt: now, details: { ...a.details, clocks: 0, tickets: 0, sample: [], resolvedBy: 'system' } })
      .where(eq(systemAlerts.id, a.id));
  }
  return waiting;
}

/**
 * For the lifecycle (dispatch, reopen …): clocks now wait for these years. An alert already open is left
 * alone (no write, no lock on a row every dispatch would share; readers count afresh); a missing or
 * resolved one is raised with the counts as they stand.
 */
export async function raiseAwaitingCalendar(db: Db, years: number[], now: Date): Promise<void> {
  if (!years.length) return;
  const keys = [...new Set(years)].map(awaitingKey);
  const open = await db
    .select({ key: systemAlerts.dedupeKey })
    .from(systemAlerts)
    .where(and(inArray(systemAlerts.dedupeKey, keys), isNull(systemAlerts.resolvedAt)));
  const missing = [...new Set(years)].filter((y) => !open.some((o) => o.key === awaitingKey(y)));
  if (!missing.length) return;
  for (const w of await waitingByYear(db, missing)) await upsertOpen(db, w, now);
}

/** The alerts as a reader should see them: each calendar_not_covered alert with its counts as of now. */
export async function withCurrentCounts<A extends { kind: string; dedupeKey: string; details: Record<string, unknown> }>(db: Db, alerts: A[]): Promise<A[]> {
  if (!alerts.some((a) => a.kind === AWAITING_KIND)) return alerts;
  const byKey = new Map((await waitingByYear(db)).map((w) => [awaitingKey(w.year), w]));
  return alerts.map((a) => {
    if (a.kind !== AWAITING_KIND) return a;
    const w = byKey.get(a.dedupeKey);
    return { ...a, details: w ? details(w, { reraisedAt: a.details.reraisedAt }) : { ...a.details, clocks: 0, tickets: 0, sample: [] } };
  });
}

/** Tickets with a clock awaiting the calendar, newest first (the wallboard's count and list). */
export async function ticketsAwaitingCalendar(db: Db, limit: number) {
  const years = await waitingByYear(db);
  const items = await db
    .select()
    .from(tickets)
    .where(sql`exists (select 1 from ${assignments} aw where aw.ticket_id = ${tickets.id} and aw.sla_waiting <> '[]'::jsonb)`)
    .orderBy(desc(tickets.id))
    .limit(limit);
  return {
    clocks: years.reduce((n, y) => n + y.clocks, 0),
    tickets: years.reduce((n, y) => n + y.tickets, 0),
    years: years.map(({ sample: _, ...y }) => y),
    items,
  };
}
