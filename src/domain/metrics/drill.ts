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
import { assignments, categories, tickets, units } from '../../../db/schema/index.ts';
import type { Actor } from '../auth/actor.ts';
import { ValidationError } from '../errors.ts';
import type { Locale } from '../../i18n/messages.ts';
import { rowsOf } from '../tickets/queries.ts';
import { presentList } from '../tickets/search.ts';
import type { Channel } from '../vocab.ts';
import { formulas, METRIC_NAMES, type MetricKey, type MetricSettings } from './definitions.ts';
import { resolveRange, type Period } from './periods.ts';
import { scopeOf } from './queries.ts';

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

/** The tickets of one page behind the figure, with each ticket's contribution, and the totals. */
export async function drillTickets(db: Db, actor: Actor, q: DrillQuery, settings: MetricSettings, locale: Locale) {
  if (q.scope === 'own' && q.unitId === undefined) throw new ValidationError([{ path: 'query.unitId', code: 'required', message: 'scope=own needs a unitId' }]);
  const range = resolveRange(q.period, q.from, q.to);
  const scope = await scopeOf(db, actor, q.unitId);
  const f = formulas(settings)[q.metric];
  const term = q.part === 'numerator' ? f.numerator : f.denominator;
  const plus = term.counters as readonly string[];
  const minus = (term.minus ?? []) as readonly string[];
  const where: SQL[] = [sql`l.counter in (${list([...plus, ...minus])})`, sql`l.day between ${range.start} and ${range.end}`, sql`l.value <> 0`];
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
  if (q.categoryId !== undefined || q.channel) {
    const t: SQL[] = [];
    if (q.categoryId !== undefined)
      t.push(sql`t.category_id in (with recursive sub as (select id from ${categories} where id = ${q.categoryId}
        union all select c.id from ${categories} c join sub on c.parent_id = sub.id) select id from sub)`);
    if (q.channel) t.push(sql`t.channel = ${q.channel}`);
    where.push(sql`l.ticket_id in (select t.id from ${tickets} t where ${sql.join(t, sql` and `)})`);
  }
  const signed = minus.length ? sql`sum(case when l.counter in (${list(minus)}) then -l.value else l.value end)` : sql`sum(l.value)`;
  const behind = sql`select l.ticket_id, ${signed}::int as value from metrics_ticket_ledger l where ${sql.join(where, sql` and `)} group by l.ticket_id having ${signed} > 0`;
  // One statement: the tickets behind the figure are found once (a CTE used twice is materialized), then counted and
  // paged; two statements aggregated the period's ledger rows twice.
  const rows = rowsOf<{ ticket_id: string | number | null; value: number | null; tickets: number; total: number }>(
    await db.execute(sql`with b as (${behind}),
      t as (select count(*)::int as tickets, coalesce(sum(b.value), 0)::int as total from b)
      select t.tickets, t.total, p.ticket_id, p.value from t left join lateral (
        select b.ticket_id, b.value from b ${q.before ? sql`where b.ticket_id < ${q.before}` : sql``} order by b.ticket_id desc limit ${q.limit + 1}) p on true
      order by p.ticket_id desc nulls last`),
  );
  const totals = { tickets: Number(rows[0]?.tickets ?? 0), value: Number(rows[0]?.total ?? 0) };
  const paged = rows.filter((r) => r.ticket_id !== null);
  const more = paged.length > q.limit;
  const shown = paged.slice(0, q.limit);
  const ids = shown.map((r) => Number(r.ticket_id));
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
  const contribution = new Map(shown.map((r) => [Number(r.ticket_id), Number(r.value)]));
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
    items,
    nextBefore: more ? (ids.at(-1) ?? null) : null,
  };
}
