/**
 * Drill-down: the exact tickets behind a figure's numerator or denominator. A figure is a sum of counters over
 * a period and a scope (queries.ts); the ledger (metrics_ticket_ledger) keeps what each ticket added to each
 * counter per day and unit, so the tickets behind it are those whose own sum over the same counters, days and
 * units is positive (the term's `minus` counters subtracted per ticket, as the figure subtracts them). The sum of
 * those tickets' values is the figure's numerator or denominator itself.
 *
 * Scope as the figures': a unit with everything below it (含下级) or its own assignments only (本级); unit users
 * only within their subtree; the centre's intake (unit 0) only in the whole city's figures.
 */
import { getTableColumns, inArray, like, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { assignments, categories, metricsRollupState, tickets, units } from '../../../db/schema/index.ts';
import type { Actor } from '../auth/actor.ts';
import { ValidationError } from '../errors.ts';
import type { Locale } from '../../i18n/messages.ts';
import { rowsOf } from '../tickets/queries.ts';
import { presentList } from '../tickets/search.ts';
import type { Channel } from '../vocab.ts';
import { formulas, METRIC_NAMES, termValue, type MetricKey, type MetricSettings } from './definitions.ts';
import type { Term } from './names.ts';
import { addDays, resolveRange, type Period } from './periods.ts';
import { metricCounters, scopeOf } from './queries.ts';

export const DRILL_PARTS = ['numerator', 'denominator'] as const;
export type DrillPart = (typeof DRILL_PARTS)[number];

export type DrillQuery = {
  metric: MetricKey;
  part: DrillPart;
  period: Period;
  from: string;
  to?: string;
  unitId?: number;
  /** subtree: the unit with everything below it (含下级, the default); own: its own assignments (本级) */
  scope: 'subtree' | 'own';
  categoryId?: number;
  channel?: Channel;
  includeAppealed: boolean;
  /** keyset: the last ticket id of the previous page (pages go newest ticket first) */
  before?: number;
  limit: number;
};

const list = (xs: readonly string[]) =>
  sql.join(
    xs.map((x) => sql`${x}`),
    sql`, `,
  );

/**
 * Above this many (the figure's numerator or denominator, from the rollups), a page walks the ledger in ticket order
 * instead of summing the whole period per ticket: the sum reads every row of the period (≈ 212,000 for the centre's
 * quarter at 1 M tickets), the walk only the top of each day's. At or below it, the sum is cheap and also counts the
 * tickets (docs/metrics.md, "Drill-down").
 */
export const WALK_ABOVE = 2_000;
/** A walk reads the top of each day's rows of each counter; beyond this many days and counters the period is summed instead. */
const WALK_MAX_SCANS = 2_000;

type Paged = { ticketId: number; value: number };

/** The tickets of one page behind the figure, with each ticket's contribution, and the totals. */
export async function drillTickets(
  db: Db,
  actor: Actor,
  q: DrillQuery,
  settings: MetricSettings,
  locale: Locale,
  /** walkAbove: the figure above which a page walks (WALK_ABOVE); walkFirstK: the walk's first rows per day (tests) */
  opts: { walkAbove?: number; walkFirstK?: number } = {},
) {
  if (q.scope === 'own' && q.unitId === undefined) throw new ValidationError([{ path: 'query.unitId', code: 'required', message: 'scope=own needs a unitId' }]);
  const range = resolveRange(q.period, q.from, q.to);
  const scope = await scopeOf(db, actor, q.unitId);
  const f = formulas(settings)[q.metric];
  const term = q.part === 'numerator' ? f.numerator : f.denominator;
  const plus = term.counters as readonly string[];
  const minus = (term.minus ?? []) as readonly string[];
  const where: SQL[] = [sql`l.value <> 0`];
  if (!q.includeAppealed) where.push(sql`not l.appealed`);
  if (q.scope === 'own') where.push(sql`l.unit_id = ${q.unitId}`);
  else if (scope.path) {
    // The subtree's units as a list of values: planned with the subquery, a district's drill read the whole city's rows
    // of the period and kept its own (the planner cannot size `path like` for a given path); with the ids it reads its units'.
    const ids = (
      await db
        .select({ id: units.id })
        .from(units)
        .where(like(units.path, `${scope.path}%`))
    ).map((u) => u.id);
    where.push(sql`l.unit_id = any(${`{${ids.join(',')}}`}::int[])`);
  }
  const filtered = q.categoryId !== undefined || !!q.channel;
  if (filtered) {
    const t: SQL[] = [];
    if (q.categoryId !== undefined)
      t.push(sql`t.category_id in (with recursive sub as (select id from ${categories} where id = ${q.categoryId}
        union all select c.id from ${categories} c join sub on c.parent_id = sub.id) select id from sub)`);
    if (q.channel) t.push(sql`t.channel = ${q.channel}`);
    where.push(sql`l.ticket_id in (select t.id from ${tickets} t where ${sql.join(t, sql` and `)})`);
  }
  const days = daysOf(range.start, range.end);
  // The figure itself, from the rollups (what the dashboards show): a sub-unit's own assignments (本级) are summed below.
  const figure = q.scope === 'own' ? null : await figureOf(db, actor, q, term);
  const walk = figure !== null && figure > (opts.walkAbove ?? WALK_ABOVE) && !filtered && days.length * (plus.length + minus.length) <= WALK_MAX_SCANS;
  // On the walk the tickets are not counted (that would read the period's rows again): `tickets` is null.
  let totals: { tickets: number | null; value: number };
  let paged: Paged[];
  if (walk) {
    paged = await walkLedger(db, { plus, minus, days, where, before: q.before, limit: q.limit + 1, firstK: opts.walkFirstK });
    totals = { tickets: null, value: figure };
  } else {
    const sum = await sumLedger(db, { plus, minus, range, where, before: q.before, limit: q.limit + 1 });
    paged = sum.paged;
    totals = { tickets: sum.tickets, value: figure ?? sum.value };
  }
  // While the rollup job rebuilds the ledger of a database that counted events before it existed, the list is short.
  const [state] = await db.select({ built: metricsRollupState.ledgerBuilt }).from(metricsRollupState);
  const more = paged.length > q.limit;
  const shown = paged.slice(0, q.limit);
  const ids = shown.map((r) => r.ticketId);
  const ticketRows = ids.length
    ? await db
        .select({
          ...getTableColumns(tickets),
          sortKey: sql<string>`''`,
          awaitingCalendar: sql<boolean>`exists (select 1 from ${assignments} aw where aw.ticket_id = "tickets"."id" and aw.sla_waiting <> '[]'::jsonb)`,
        })
        .from(tickets)
        .where(inArray(tickets.id, ids))
    : [];
  const byId = new Map(ticketRows.map((t) => [t.id, t]));
  const ordered = ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
  const contribution = new Map(shown.map((r) => [r.ticketId, r.value]));
  const items = (await presentList(db, actor, ordered)).map((i) => ({ ...i, contribution: contribution.get(i.id) ?? 0 }));
  return {
    metric: q.metric,
    name: METRIC_NAMES[q.metric][locale],
    part: q.part,
    definition: f.text[locale],
    counters: { plus, minus },
    from: range.start,
    to: range.end,
    totals,
    ledgerComplete: state?.built ?? true,
    items,
    nextBefore: more ? (ids.at(-1) ?? null) : null,
  };
}

/** The figure's numerator or denominator from the rollups, over every bucket of the range (what the dashboards show). */
async function figureOf(db: Db, actor: Actor, q: DrillQuery, term: Term): Promise<number> {
  const { rows } = await metricCounters(db, actor, {
    period: q.period,
    from: q.from,
    to: q.to,
    unitId: q.unitId,
    categoryId: q.categoryId,
    channel: q.channel,
    includeAppealed: q.includeAppealed,
  });
  return rows.reduce((sum, r) => sum + termValue(term, r.counters), 0);
}

type LedgerQuery = { plus: readonly string[]; minus: readonly string[]; where: SQL[]; before: number | undefined; limit: number };

/** A ledger row's signed value: `minus` counters subtract, as the figure subtracts them. */
const signedValue = (minus: readonly string[]) => (minus.length ? sql`case when l.counter in (${list(minus)}) then -l.value else l.value end` : sql`l.value`);

/**
 * Every ticket behind the figure, summed over the period's rows, then counted and paged (one statement: a CTE used
 * twice is materialized once). Its cost grows with the rows of the period in scope.
 */
async function sumLedger(db: Db, q: LedgerQuery & { range: { start: string; end: string } }) {
  const signed = sql`sum(${signedValue(q.minus)})`;
  const where = [sql`l.counter in (${list([...q.plus, ...q.minus])})`, sql`l.day between ${q.range.start} and ${q.range.end}`, ...q.where];
  const behind = sql`select l.ticket_id, ${signed}::int as value from metrics_ticket_ledger l where ${sql.join(where, sql` and `)} group by l.ticket_id having ${signed} > 0`;
  const rows = rowsOf<{ ticket_id: string | number | null; value: number | null; tickets: number; total: number }>(
    await db.execute(sql`with b as (${behind}),
      t as (select count(*)::int as tickets, coalesce(sum(b.value), 0)::int as total from b)
      select t.tickets, t.total, p.ticket_id, p.value from t left join lateral (
        select b.ticket_id, b.value from b ${q.before ? sql`where b.ticket_id < ${q.before}` : sql``} order by b.ticket_id desc limit ${q.limit}) p on true
      order by p.ticket_id desc nulls last`),
  );
  return {
    tickets: Number(rows[0]?.tickets ?? 0),
    value: Number(rows[0]?.total ?? 0),
    paged: rows.filter((r) => r.ticket_id !== null).map((r) => ({ ticketId: Number(r.ticket_id), value: Number(r.value) })),
  };
}

/**
 * The tickets behind the figure, newest ticket first, reading only as far as the page needs. The ledger's key
 * (counter, day, ticket_id, …) holds each counter's day in ticket order, so each (counter, day) gives its newest
 * `k` rows below `before` from the top of its index: below the highest of their k-th ticket ids (`edge`), some
 * ticket may have rows not read; above it every row of every ticket has been read, so those tickets' sums are
 * exact. When fewer than the page lie above the edge, the round is read again with four times k. Exact whatever the
 * order in which ticket ids were given out; its cost grows with the days and the page, not with the period's rows.
 */
async function walkLedger(db: Db, q: LedgerQuery & { days: string[]; firstK?: number }): Promise<Paged[]> {
  const counters = [...q.plus, ...q.minus];
  // A page's tickets spread over the days (or, where ids follow time, crowd into the last ones): a few rows a day
  // first, twice the page's share at least — a district's quarter at 1 M tickets read 80 ms from 102 rows a day, 20 ms from 8.
  for (let k = q.firstK ?? Math.max(8, Math.ceil((2 * q.limit) / q.days.length)); ; k *= 4) {
    const rows = rowsOf<{ ticket_id: string | number | null; value: number | null; edge: string | number | null }>(
      await db.execute(sql`with r as (
        select c.counter, d.day, x.ticket_id, x.v from unnest(${`{${counters.join(',')}}`}::text[]) c(counter)
        cross join unnest(${`{${q.days.join(',')}}`}::date[]) d(day)
        cross join lateral (
          select l.ticket_id, ${signedValue(q.minus)} as v
          from metrics_ticket_ledger l
          where l.counter = c.counter and l.day = d.day ${q.before ? sql`and l.ticket_id < ${q.before}` : sql``} and ${sql.join(q.where, sql` and `)}
          order by l.ticket_id desc limit ${k}) x),
      e as (select max(kth) as edge from (select min(ticket_id) as kth from r group by counter, day having count(*) = ${k}) s),
      p as (select r.ticket_id, sum(r.v)::int as value from r, e where e.edge is null or r.ticket_id > e.edge
        group by r.ticket_id having sum(r.v) > 0 order by r.ticket_id desc limit ${q.limit})
      select p.ticket_id, p.value, e.edge from e left join p on true order by p.ticket_id desc nulls last`),
    );
    const paged = rows.filter((r) => r.ticket_id !== null).map((r) => ({ ticketId: Number(r.ticket_id), value: Number(r.value) }));
    // Done when the page is full, or nothing was left unread (no (counter, day) had k rows).
    if (paged.length >= q.limit || rows[0]?.edge == null) return paged;
  }
}

/** The days from start to end, both included ('YYYY-MM-DD'). */
function daysOf(start: string, end: string): string[] {
  const out: string[] = [];
  for (let d = start; d <= end; d = addDays(d, 1)) out.push(d);
  return out;
}
