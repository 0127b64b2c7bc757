/**
 * Dashboards: every unit's rates (each unit with its subtree, as the API's groupBy=unit) for one month and
 * for a year by month — through metricsReport, the function behind GET /api/metrics — against the same
 * counters computed from raw rows (assignments, tickets, callbacks) by one plain SQL aggregate.
 */
import os from 'node:os';
import postgres from 'postgres';
import { connect } from '../db/client.ts';
import { systemActor } from '../src/domain/auth/actor.ts';
import { DEFAULT_METRIC_SETTINGS } from '../src/domain/metrics/definitions.ts';
import { metricCounters, metricsReport } from '../src/domain/metrics/queries.ts';

export type Timing = { p50: number; p99: number; runs: number };
export type DashboardFigures = {
  tickets: number;
  month: { api: Timing; raw: Timing; ratio: number; units: number };
  /** counters: the query and the driver's parsing only (metricCounters), without the rates per row */
  year: { api: Timing; counters: Timing; raw: Timing; ratio: number; rows: number };
  check: { ok: boolean; detail: string };
  /** 1-minute load average before and after: the machine is shared, so read the timings with it */
  loadAverage: { start: number; end: number };
};

function stats(ms: number[]): Timing {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
  return { p50: Math.round(q(0.5) * 10) / 10, p99: Math.round(q(0.99) * 10) / 10, runs: s.length };
}

async function time(runs: number, fn: () => Promise<unknown>): Promise<Timing> {
  await fn(); // warm
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return stats(ms);
}

/** Per unit (with its subtree) and month: dispatched, signed on time, responded on time (lead), closed, solved, satisfied — from raw rows. */
const RAW = (from: string, to: string) => `
  with a as (
    select a.unit_id, date_trunc('month', a.dispatched_at at time zone 'Asia/Shanghai') as m, count(*) as dispatched,
      count(*) filter (where a.signed_at <= a.sign_due_at) as signed_on_time,
      count(*) filter (where a.first_contact_at <= a.response_due_at) as responded_on_time,
      count(*) filter (where a.replied_at is not null) as replied
    from assignments a
    where a.dispatched_at >= '${from}'::timestamptz and a.dispatched_at < '${to}'::timestamptz
    group by 1, 2),
  c as (
    select a.unit_id, date_trunc('month', t.closed_at at time zone 'Asia/Shanghai') as m, count(*) as closed,
      count(*) filter (where a.replied_at <= a.complete_due_at) as closed_on_time,
      count(*) filter (where cb.solved = 'solved') as solved, count(*) filter (where cb.solved is not null) as solved_answers,
      count(*) filter (where cb.satisfaction in ('satisfied', 'basically_satisfied')) as satisfied, count(*) filter (where cb.satisfaction is not null) as rated
    from tickets t join assignments a on a.ticket_id = t.id and a.role = 'lead' join callbacks cb on cb.ticket_id = t.id
    where t.closed_at >= '${from}'::timestamptz and t.closed_at < '${to}'::timestamptz
    group by 1, 2),
  p as (select coalesce(a.unit_id, c.unit_id) as unit_id, coalesce(a.m, c.m) as m, a.dispatched, a.signed_on_time, a.responded_on_time, a.replied,
          c.closed, c.closed_on_time, c.solved, c.solved_answers, c.satisfied, c.rated
        from a full join c on c.unit_id = a.unit_id and c.m = a.m)
  select u.id, p.m, sum(dispatched) as dispatched, sum(signed_on_time) as signed_on_time, sum(responded_on_time) as responded_on_time,
    sum(closed) as closed, sum(solved)::float / nullif(sum(solved_answers), 0) as solved_rate, sum(satisfied)::float / nullif(sum(rated), 0) as satisfaction_rate
  from p join units v on v.id = p.unit_id join units u on u.id = any(string_to_array(trim(both '/' from v.path), '/')::int[])
  group by 1, 2`;

export async function benchDashboards(url: string, tickets: number, runs: number): Promise<DashboardFigures> {
  const database = await connect({ url, max: 2 });
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const actor = systemActor('admin');
  const locale = 'zh-CN' as const;
  const loadStart = Math.round(os.loadavg()[0]! * 100) / 100;
  try {
    const month = () => metricsReport(database.db, actor, { period: 'month', from: '2025-06-01', groupBy: 'unit', includeAppealed: false }, DEFAULT_METRIC_SETTINGS, locale);
    const year = () => metricsReport(database.db, actor, { period: 'month', from: '2025-01-01', to: '2025-12-31', groupBy: 'unit', includeAppealed: false }, DEFAULT_METRIC_SETTINGS, locale);
    const monthApi = await time(runs, month);
    const monthRaw = await time(Math.max(3, Math.round(runs / 4)), () => sql.unsafe(RAW('2025-06-01T00:00:00+08:00', '2025-07-01T00:00:00+08:00')));
    const yearApi = await time(runs, year);
    const yearCounters = await time(runs, () => metricCounters(database.db, actor, { period: 'month', from: '2025-01-01', to: '2025-12-31', groupBy: 'unit', includeAppealed: false }));
    const yearRaw = await time(Math.max(3, Math.round(runs / 10)), () => sql.unsafe(RAW('2025-01-01T00:00:00+08:00', '2026-01-01T00:00:00+08:00')));
    // Correctness: the API's dispatched and closed counts per unit for June equal the raw aggregate's.
    const api = await month();
    const raw = await sql.unsafe(RAW('2025-06-01T00:00:00+08:00', '2025-07-01T00:00:00+08:00'));
    const rawBy = new Map(raw.map((r) => [Number(r.id), r]));
    let bad = 0;
    let units = 0;
    for (const r of api.rows) {
      if (!r.group || Number(r.group.id) === 0) continue;
      units++;
      const x = rawBy.get(Number(r.group.id));
      // Closed counts are bucketed by close day in both; dispatched by dispatch day.
      if (!x || Number(x.dispatched ?? 0) !== r.counters.dispatched || Number(x.closed ?? 0) !== r.counters.closed || Number(x.signed_on_time ?? 0) !== r.counters.signedOnTime) bad++;
    }
    const yearRows = (await year()).rows.length;
    return {
      tickets,
      month: { api: monthApi, raw: monthRaw, ratio: Math.round((monthRaw.p50 / monthApi.p50) * 10) / 10, units },
      year: { api: yearApi, counters: yearCounters, raw: yearRaw, ratio: Math.round((yearRaw.p50 / yearApi.p50) * 10) / 10, rows: yearRows },
      check: { ok: bad === 0 && units > 0, detail: `${units} units compared with the raw aggregate, ${bad} differ` },
      loadAverage: { start: loadStart, end: Math.round(os.loadavg()[0]! * 100) / 100 },
    };
  } finally {
    await sql.end();
    await database.close();
  }
}
