/**
 * Dashboards: every unit's rates (each unit with its subtree, as the API's groupBy=unit) for one month and
 * for a year by month — through metricsReport, the function behind GET /api/metrics — against the same
 * counters computed from raw rows (assignments, tickets, alerts, callbacks) by one plain SQL aggregate, each
 * on the day the metrics count it (due-day cohorts for 响应率, 回复率 and 办结率; 按时办结率 judged once).
 */
import os from 'node:os';
import postgres from 'postgres';
import { connect } from '../db/client.ts';
import { systemActor } from '../src/domain/auth/actor.ts';
import { DEFAULT_METRIC_SETTINGS } from '../src/domain/metrics/definitions.ts';
import { metricCounters, metricsReport } from '../src/domain/metrics/queries.ts';
import type { Counters } from '../src/domain/metrics/counters.ts';

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

const month = (col: string) => `date_trunc('month', (${col}) at time zone 'Asia/Shanghai')`;
const within = (col: string, from: string, to: string) => `(${col}) >= '${from}'::timestamptz and (${col}) < '${to}'::timestamptz`;

/**
 * Per unit (with its subtree) and month, from raw rows (assignments, tickets, the sweep's alerts, callbacks), on the
 * days the metrics count them: dispatched and signed on time by dispatch day; the lead's response clocks by their
 * deadline's day (met: the first contact by the deadline, before the reply); completion clocks by their deadline's
 * day (replied; the lead's closed); 按时办结率 judged on the deadline's day when missed (a reply after it, or the
 * overdue alert), else at the close; closed by close day; 解决率 and 满意率 from the callbacks that reached the caller.
 */
const RAW = (from: string, to: string) => `
  with a as (
    select a.*, coalesce(a.complete_due_at is not null and (a.replied_at > a.complete_due_at
        or exists (select 1 from sla_alerts s where s.assignment_id = a.id and s.clock = 'complete' and s.level = 'overdue')), false) as missed
    from assignments a),
  p as (
    select unit_id, ${month('dispatched_at')} as m, count(*) as dispatched, count(*) filter (where signed_at <= coalesce(sign_due_at, signed_at)) as signed_on_time,
      null::bigint as lead_response_due, null::bigint as lead_responded_on_time, null::bigint as complete_due, null::bigint as replied_due, null::bigint as completed_due,
      null::bigint as closed, null::bigint as completion_judged, null::bigint as closed_on_time, null::bigint as solved, null::bigint as solved_answers, null::bigint as satisfied, null::bigint as rated
    from a where ${within('dispatched_at', from, to)} group by 1, 2
    union all
    select unit_id, ${month('coalesce(response_due_at, dispatched_at)')}, null, null, count(*),
      count(*) filter (where first_contact_at <= coalesce(response_due_at, first_contact_at) and (replied_at is null or first_contact_at <= replied_at)),
      null, null, null, null, null, null, null, null, null, null
    from a where role = 'lead' and ${within('coalesce(response_due_at, dispatched_at)', from, to)} group by 1, 2
    union all
    select unit_id, ${month('coalesce(complete_due_at, dispatched_at)')}, null, null, null, null, count(*), count(*) filter (where replied_at is not null),
      count(*) filter (where role = 'lead' and status = 'closed'), null, null, null, null, null, null, null
    from a where ${within('coalesce(complete_due_at, dispatched_at)', from, to)} group by 1, 2
    union all
    select unit_id, ${month('complete_due_at')}, null, null, null, null, null, null, null, null, count(*), null, null, null, null, null
    from a where role = 'lead' and missed and ${within('complete_due_at', from, to)} group by 1, 2
    union all
    select a.unit_id, ${month('t.closed_at')}, null, null, null, null, null, null, null, count(*), count(*) filter (where not a.missed), count(*) filter (where not a.missed),
      null, null, null, null
    from a join tickets t on t.id = a.ticket_id where a.role = 'lead' and a.status = 'closed' and ${within('t.closed_at', from, to)} group by 1, 2
    union all
    select a.unit_id, ${month('cb.created_at')}, null, null, null, null, null, null, null, null, null, null,
      count(*) filter (where cb.solved = 'solved'), count(*) filter (where cb.solved is not null),
      count(*) filter (where cb.satisfaction in ('satisfied', 'basically_satisfied')), count(*) filter (where cb.satisfaction is not null)
    from callbacks cb join a on a.ticket_id = cb.ticket_id and a.role = 'lead' where cb.reached and ${within('cb.created_at', from, to)} group by 1, 2)
  select u.id, p.m, sum(dispatched) as dispatched, sum(signed_on_time) as signed_on_time, sum(lead_response_due) as lead_response_due,
    sum(lead_responded_on_time) as lead_responded_on_time, sum(complete_due) as complete_due, sum(replied_due) as replied_due, sum(completed_due) as completed_due,
    sum(closed) as closed, sum(completion_judged) as completion_judged, sum(closed_on_time) as closed_on_time,
    sum(solved)::float / nullif(sum(solved_answers), 0) as solved_rate, sum(satisfied)::float / nullif(sum(rated), 0) as satisfaction_rate
  from p join units v on v.id = p.unit_id join units u on u.id = any(string_to_array(trim(both '/' from v.path), '/')::int[])
  group by 1, 2`;

/** The API's counters the correctness check compares with the raw aggregate's columns (June, every unit). */
const CHECKED: [keyof Counters, string][] = [
  ['dispatched', 'dispatched'],
  ['signedOnTime', 'signed_on_time'],
  ['leadResponseDue', 'lead_response_due'],
  ['leadRespondedOnTime', 'lead_responded_on_time'],
  ['completeDue', 'complete_due'],
  ['repliedDue', 'replied_due'],
  ['completedDue', 'completed_due'],
  ['closed', 'closed'],
  ['completionJudged', 'completion_judged'],
  ['closedOnTime', 'closed_on_time'],
];

export async function benchDashboards(url: string, tickets: number, runs: number): Promise<DashboardFigures> {
  const database = await connect({ url, max: 2 });
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const actor = systemActor('admin');
  const locale = 'zh-CN' as const;
  const loadStart = Math.round(os.loadavg()[0]! * 100) / 100;
  try {
    const month = () =>
      metricsReport(database.db, actor, { period: 'month', from: '2025-06-01', groupBy: 'unit', includeAppealed: false }, DEFAULT_METRIC_SETTINGS, locale);
    const year = () =>
      metricsReport(
        database.db,
        actor,
        { period: 'month', from: '2025-01-01', to: '2025-12-31', groupBy: 'unit', includeAppealed: false },
        DEFAULT_METRIC_SETTINGS,
        locale,
      );
    const monthApi = await time(runs, month);
    const monthRaw = await time(Math.max(3, Math.round(runs / 4)), () => sql.unsafe(RAW('2025-06-01T00:00:00+08:00', '2025-07-01T00:00:00+08:00')));
    const yearApi = await time(runs, year);
    const yearCounters = await time(runs, () =>
      metricCounters(database.db, actor, { period: 'month', from: '2025-01-01', to: '2025-12-31', groupBy: 'unit', includeAppealed: false }),
    );
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
      // Each counter on its own day in both: dispatch day, the deadlines' due days, the close.
      if (!x || CHECKED.some(([counter, column]) => Number(x[column] ?? 0) !== r.counters[counter])) bad++;
    }
    const yearRows = (await year()).rows.length;
    return {
      tickets,
      month: { api: monthApi, raw: monthRaw, ratio: Math.round((monthRaw.p50 / monthApi.p50) * 10) / 10, units },
      year: { api: yearApi, counters: yearCounters, raw: yearRaw, ratio: Math.round((yearRaw.p50 / yearApi.p50) * 10) / 10, rows: yearRows },
      check: { ok: bad === 0 && units > 0, detail: `${units} units × ${CHECKED.length} counters compared with the raw aggregate, ${bad} units differ` },
      loadAverage: { start: loadStart, end: Math.round(os.loadavg()[0]! * 100) / 100 },
    };
  } finally {
    await sql.end();
    await database.close();
  }
}
