/**
 * Any period and the drill-down: every unit's rates for a quarter, a year and two custom ranges that
 * are not whole months, through metricsReport as GET /api/metrics calls it (groupBy=unit: each unit with its
 * subtree, and its own figures), against one plain SQL aggregate of the daily unit rollup with the same path
 * expansion; and the drill-down list behind 办结率 (GET /api/metrics/tickets: drillTickets) — numerator and
 * denominator, the first page and a later keyset page, for the centre and for the busiest district — against
 * the plain SQL over the same ledger (group the period's rows by ticket, keep the positive ones, newest first,
 * the totals, the page's tickets). Each figure p50 / p95 / p99 over the runs after a warm-up.
 *
 * Checks: every unit's counters equal the plain aggregate's (each range), each drill page lists the plain
 * SQL's tickets in its order, and its totals equal the figure's numerator or denominator in metricsReport.
 */
import os from 'node:os';
import postgres, { type Sql } from 'postgres';
import { connect, type Db } from '../db/client.ts';
import { systemActor } from '../src/domain/auth/actor.ts';
import { DEFAULT_METRIC_SETTINGS, formulas } from '../src/domain/metrics/definitions.ts';
import { drillTickets, type DrillPart, type DrillQuery } from '../src/domain/metrics/drill.ts';
import { metricsReport, type MetricsFilter } from '../src/domain/metrics/queries.ts';
import { COUNTERS, counterColumn, type Counter } from '../src/domain/metrics/counters.ts';
import { resolveRange } from '../src/domain/metrics/periods.ts';
import { type Timing3, timeRuns as time } from './lib/stats.ts';

export type { Timing3 };
export type PeriodFigure = { name: string; kind: 'rates' | 'drill'; goalMs: number; api: Timing3; raw: Timing3; ratio: number; rows: number };
export type PeriodsFigures = {
  tickets: number;
  figures: PeriodFigure[];
  check: { ok: boolean; detail: string[] };
  /** 1-minute load average before and after: the machine is shared, so read the timings with it */
  loadAverage: { start: number; end: number };
};

const actor = systemActor('admin');
const settings = DEFAULT_METRIC_SETTINGS;
const locale = 'zh-CN' as const;
const METRIC = 'completion_rate' as const;
const COLUMNS = COUNTERS.map(counterColumn);

/** The ranges: a quarter and a year (monthly grains), and a quarter's and a year's length not on month bounds (daily grain). */
const RANGES: { name: string; filter: Omit<MetricsFilter, 'groupBy' | 'includeAppealed'>; goalMs: number }[] = [
  { name: 'quarter (2025-Q2)', filter: { period: 'quarter', from: '2025-Q2' }, goalMs: 100 },
  { name: 'year (2025)', filter: { period: 'year', from: '2025' }, goalMs: 150 },
  { name: 'custom 92 days (04-15 ~ 07-15)', filter: { period: 'custom', from: '2025-04-15', to: '2025-07-15' }, goalMs: 100 },
  { name: 'custom 365 days (2025-01-16 ~ 2026-01-15)', filter: { period: 'custom', from: '2025-01-16', to: '2026-01-15' }, goalMs: 150 },
];

/** Each unit with its subtree (the unit and every ancestor on its path credited), from the daily unit rollup: the plain SQL. */
const RAW_RATES = (start: string, end: string) => `
  select a.id::int as id, ${COLUMNS.map((c) => `sum(m.${c})::int as ${c}`).join(', ')}
  from metrics_unit_daily m join units v on v.id = m.unit_id
    join units a on a.id = any(string_to_array(trim(both '/' from v.path), '/')::int[])
  where m.day between '${start}' and '${end}' and not m.appealed
  group by 1`;

/** The plain SQL behind a figure's tickets: the period's ledger rows of its counters, by ticket, the positive ones. */
function rawBehind(part: DrillPart, start: string, end: string, unitPath: string | null) {
  const f = formulas(settings)[METRIC];
  const term = part === 'numerator' ? f.numerator : f.denominator;
  const minus = (term.minus ?? []) as Counter[];
  const all = [...term.counters, ...minus].map((c) => `'${c}'`).join(', ');
  const value = minus.length ? `case when counter in (${minus.map((c) => `'${c}'`).join(', ')}) then -value else value end` : 'value';
  const scope = unitPath ? `and unit_id in (select id from units where path like '${unitPath}%')` : '';
  return `select ticket_id, sum(${value})::int as value from metrics_ticket_ledger
    where counter in (${all}) and day between '${start}' and '${end}' and not appealed ${scope}
    group by ticket_id having sum(${value}) > 0`;
}

async function rawDrill(sql: Sql, behind: string, before: number | undefined, limit: number) {
  const [page, totals] = await Promise.all([
    sql.unsafe(`select ticket_id, value from (${behind}) b ${before ? `where ticket_id < ${before}` : ''} order by ticket_id desc limit ${limit}`),
    sql.unsafe(`select count(*)::int as tickets, coalesce(sum(value), 0)::int as value from (${behind}) b`),
  ]);
  const ids = page.map((r) => Number(r.ticket_id));
  const rows = ids.length ? await sql.unsafe(`select * from tickets where id in (${ids.join(',')})`) : [];
  return { ids, rows: rows.length, totals: totals[0]! };
}

/** The district with the most tickets led by units beneath it (from the rollup): the busiest scope below the centre. */
async function busiestDistrict(sql: Sql): Promise<{ id: number; path: string }> {
  const [d] = await sql`select u.id, u.path from metrics_subtree_monthly m join units u on u.id = m.unit_id
    where u.kind = 'district' group by u.id, u.path order by sum(m.lead_dispatched) desc, u.id limit 1`;
  return { id: Number(d!.id), path: String(d!.path) };
}

export async function benchPeriods(url: string, tickets: number, runs: number): Promise<PeriodsFigures> {
  const database = await connect({ url, max: 2 });
  const db: Db = database.db;
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  const loadStart = Math.round(os.loadavg()[0]! * 100) / 100;
  const figures: PeriodFigure[] = [];
  const detail: string[] = [];
  let ok = true;
  try {
    for (const r of RANGES) {
      const filter: MetricsFilter = { ...r.filter, groupBy: 'unit', includeAppealed: false };
      const range = resolveRange(filter.period, filter.from, filter.to);
      const api = await time(runs, () => metricsReport(db, actor, filter, settings, locale));
      const raw = await time(Math.max(3, Math.round(runs / 4)), () => sql.unsafe(RAW_RATES(range.start, range.end)));
      // Every unit's subtree counters equal the plain aggregate's.
      const report = await metricsReport(db, actor, filter, settings, locale);
      const plain = new Map((await sql.unsafe(RAW_RATES(range.start, range.end))).map((x) => [Number(x.id), x]));
      let units = 0;
      let differ = 0;
      for (const row of report.rows) {
        if (!row.group || Number(row.group.id) === 0) continue;
        units++;
        const x = plain.get(Number(row.group.id));
        if (!x || COUNTERS.some((c, i) => Number(x[COLUMNS[i]!] ?? 0) !== row.counters[c])) differ++;
      }
      if (differ > 0 || units === 0) ok = false;
      detail.push(`rates ${r.name}: ${units} units × ${COUNTERS.length} counters, ${differ} differ`);
      figures.push({ name: `every unit's rates, ${r.name}`, kind: 'rates', goalMs: r.goalMs, api, raw, ratio: ratio(raw, api), rows: report.rows.length });
    }

    const district = await busiestDistrict(sql);
    const quarter = resolveRange('quarter', '2025-Q2');
    const figureOf = async (unitId: number | undefined) => {
      const rep = await metricsReport(db, actor, { period: 'quarter', from: '2025-Q2', unitId, includeAppealed: false }, settings, locale);
      return rep.rows[0]!.metrics[METRIC];
    };
    for (const who of [
      { name: 'centre', unitId: undefined, path: null },
      { name: 'a district', unitId: district.id, path: district.path },
    ]) {
      const figure = await figureOf(who.unitId);
      for (const part of ['numerator', 'denominator'] as const) {
        const behind = rawBehind(part, quarter.start, quarter.end, who.path);
        // A later page: the one after the first 1,000 tickets (20 pages of 50 in).
        const [later] = await sql.unsafe(`select ticket_id from (${behind}) b order by ticket_id desc offset 999 limit 1`);
        for (const page of [
          { name: 'first page', before: undefined as number | undefined },
          { name: 'page 21 (keyset)', before: later ? Number(later.ticket_id) : undefined },
        ]) {
          const q: DrillQuery = {
            metric: METRIC,
            part,
            period: 'quarter',
            from: '2025-Q2',
            unitId: who.unitId,
            scope: 'subtree',
            includeAppealed: false,
            before: page.before,
            limit: 50,
          };
          const api = await time(runs, () => drillTickets(db, actor, q, settings, locale));
          const raw = await time(Math.max(3, Math.round(runs / 2)), () => rawDrill(sql, behind, page.before, 51));
          const got = await drillTickets(db, actor, q, settings, locale);
          const want = await rawDrill(sql, behind, page.before, 50);
          const same = got.items.map((i) => i.id).join(',') === want.ids.join(',');
          const totalsOk =
            got.totals.value === figure[part] &&
            (got.totals.tickets === null || got.totals.tickets === Number(want.totals.tickets)) &&
            got.totals.value === Number(want.totals.value);
          if (!same || !totalsOk || got.items.length === 0) ok = false;
          detail.push(
            `drill ${who.name} ${part} ${page.name}: ${got.items.length} tickets ${same ? 'as' : 'NOT as'} the plain SQL; totals ${got.totals.tickets ?? 'uncounted'} tickets / ${got.totals.value}, figure ${figure[part]}${totalsOk ? '' : ' DIFFER'}`,
          );
          figures.push({
            name: `drill 办结率 ${part}, ${who.name}, quarter, ${page.name}`,
            kind: 'drill',
            goalMs: 100,
            api,
            raw,
            ratio: ratio(raw, api),
            rows: Number(want.totals.tickets),
          });
        }
      }
    }
  } finally {
    await sql.end();
    await database.close();
  }
  return { tickets, figures, check: { ok, detail }, loadAverage: { start: loadStart, end: Math.round(os.loadavg()[0]! * 100) / 100 } };
}

const ratio = (raw: Timing3, api: Timing3) => Math.round((raw.p50 / Math.max(api.p50, 0.1)) * 10) / 10;
