/**
 * SLA sweep: n open assignments (one per ticket, every unit with a phone for the warning SMS) at the
 * instant T, in three groups whose deadlines are generated so the expected firings are known:
 *
 * - moving (10 %): completion clock due at T + 30 min, yellow and red fired earlier (their sla_alerts rows
 *   exist), one mark left — complete:overdue;
 * - overdue (5 %): every level fired days ago (alerts exist), no marks left, next_check_at null;
 * - the rest: completion clock due in 10–30 days, three marks to come.
 *
 * Passes, all on the same data in one run:
 * 1. steady state at T: the product's sweep (`sweep()` with the configured batch size), p50/p99 over runs —
 *    baseline: a naive pass without the next_check_at watermark, which rereads every open assignment,
 *    derives each clock's thresholds from its deadlines and looks for alerts not yet written;
 * 2. at T + 1 h the moving group goes overdue: the product's set-based sweep moves the whole group in one call —
 *    baseline: the same rows written bare (bench/lib/sweep-same-work.ts: plain INSERT … SELECT and UPDATE … FROM in
 *    one transaction), on the same data reset to the same state; the check: every table holds the same rows written
 *    after either pass (count and content). Second reference: the pre-rewrite row-by-row sweep
 *    (bench/lib/sweep-rowwise.ts) over one default run (≤ 10,000 assignments), its time scaled to the whole group.
 *    Third: the sweep before the escalation rule moved into src/domain/sla (bench/lib/sweep-before-move.ts), same options,
 *    same data reset each time; after the product's pass (a warm-up for both) before, product, product, before (ABBA: a
 *    drift in the machine's speed weighs on both alike), the ratio of their mean seconds; each of the four must write the
 *    rows the product's first wrote. Its steady state is timed too, taking turns with the product's run by run.
 *
 * Correctness after the moving pass: sla_alerts rows fired at T + 1 h = sla_warning events = the count the
 * naive query derived from the generated deadlines before the pass (= the moving group), each (assignment,
 * clock, level, cycle) once, every event with its alert, two supervision items and one SMS per overdue,
 * nothing left due, and a second pass fires nothing; the bare pass fires as many and writes the same rows.
 */
import postgres from 'postgres';
import { connect } from '../db/client.ts';
import { testConfig } from '../src/config.ts';
import { fixedClock } from '../src/domain/clock.ts';
import { EventBus } from '../src/domain/events.ts';
import { CalendarStore } from '../src/domain/calendar/store.ts';
import type { Deps } from '../src/deps.ts';
import { type SweepResult, sweep } from '../src/domain/sla/sweep.ts';
import { LIVE_ASSIGNMENT, UNIT_ACTIVE } from '../src/domain/tickets/status.ts';
import { sweep as rowwiseSweep } from './lib/sweep-rowwise.ts';
import { sweep as beforeMoveSweep } from './lib/sweep-before-move.ts';
import { backendCpu, cpuSince, differences, sameWorkSweep, type Written, written, xidNow } from './lib/sweep-same-work.ts';
import { freshSeededDb, silentLogger } from './lib/datasets.ts';
import { addSyntheticUnits } from './lib/generate.ts';
import { dbExists, type PgServer } from './lib/pg.ts';
import { stats, type Timing } from './lib/stats.ts';

const T = '2026-03-10T02:00:00.000Z';
const T2 = '2026-03-10T03:00:00.000Z';
const iso = (col: string) => `to_char((${col}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export type SweepFigures = {
  assignments: number;
  moving: number;
  alreadyOverdue: number;
  batchSize: number;
  /** beforeMove: the sweep before the escalation move, its runs taking turns with the product's */
  steady: { sweep: Timing; naive: Timing; ratio: number; naiveDue: number; beforeMove: Timing };
  moving_pass: {
    seconds: number;
    fired: number;
    batches: number;
    perSecond: number;
    baseline: { assignments: number; seconds: number; perSecond: number; extrapolatedSeconds: number };
    /**
     * The same rows written bare: seconds, ms per statement, rows written per table by either pass; its database CPU
     * seconds and their ratio to the product's (database + this process): one backend against the product's batches side by side
     */
    sameWork: { seconds: number; perSecond: number; ratio: number; statements: number[]; written: Record<string, number>; cpu: { db: number; ratio: number } };
    /** CPU seconds of the product's pass: its database backends, and this process (the sweep runs in it) */
    cpu: { db: number; app: number };
    /**
     * The sweep before the escalation move, after the pass above: before, product, product, before. Its mean seconds and
     * CPU, the product's over its two passes there, ratio = product's ÷ before's seconds (> 1: the product slower), each
     * pass's seconds; differences: tables one of the four wrote otherwise than the pass above (none expected)
     */
    beforeMove: {
      seconds: number;
      perSecond: number;
      ratio: number;
      cpu: Cpu;
      differences: string[];
      product: { seconds: number; cpu: Cpu };
      runs: { product: number[]; before: number[] };
    };
  };
  check: {
    ok: boolean;
    expected: number;
    alerts: number;
    events: number;
    distinct: number;
    orphans: number;
    supervision: number;
    sms: number;
    leftDue: number;
    secondPass: number;
    published: number;
    /** Tables where the bare pass wrote other rows than the product's (count or content); none expected */
    sameWorkDifferences: string[];
  };
};

type Cpu = { db: number; app: number };
type Pass = { r: SweepResult; seconds: number; cpu: Cpu; rows: Written };
/** Options of every moving pass: the whole group in one call, the configured batch size and concurrency. */
const MOVING = { maxBatches: 1_000_000 };

/** One pass: wall seconds, CPU seconds (the database backends' from /proc, this process's), the rows it wrote. */
async function measured(sql: postgres.Sql, run: () => Promise<SweepResult>): Promise<Pass> {
  const since = await xidNow(sql);
  const [db0, app0] = [await backendCpu(sql), process.cpuUsage()];
  const t0 = performance.now();
  const r = await run();
  const seconds = (performance.now() - t0) / 1000;
  const app = process.cpuUsage(app0);
  const cpu = { db: await cpuSince(sql, db0), app: (app.user + app.system) / 1e6 };
  return { r, seconds, cpu, rows: await written(sql, since) };
}

/**
 * The naive pass: every live assignment × clock × level whose threshold (from its deadlines) has passed and has no alert —
 * with the sweep's rules of what may fire: clocks not stopped, the ticket in the units' hands, the lead's completion
 * clock not held by a pending termination request.
 */
const NAIVE = (now: string) => `
  select count(*)::int as n from assignments a
  join tickets t on t.id = a.ticket_id
  cross join lateral (values ('sign', a.dispatched_at, a.sign_due_at, a.signed_at),
                             ('response', a.dispatched_at, a.response_due_at, a.first_contact_at),
                             ('complete', a.complete_started_at, a.complete_due_at, a.replied_at)) c(clock, start, due, stopped)
  cross join lateral (values ('yellow'::warning_level, 0.75), ('red'::warning_level, 0.9), ('overdue'::warning_level, 1.0)) l(level, f)
  where a.status in (${LIVE_ASSIGNMENT.map((x) => `'${x}'`).join(', ')}) and a.clocks_stopped_at is null
    and t.status in (${UNIT_ACTIVE.map((x) => `'${x}'`).join(', ')}) and not (a.role = 'lead' and t.status = 'termination_requested' and c.clock = 'complete')
    and c.due is not null and c.stopped is null
    and c.start + (c.due - c.start) * l.f <= '${now}'::timestamptz
    and not exists (select 1 from sla_alerts s where s.assignment_id = a.id and s.clock = c.clock and s.level = l.level and s.cycle = a.sla_cycle)`;

export async function ensureSweepDataset(
  server: PgServer,
  label: string,
  n: number,
  log: (m: string) => void,
): Promise<{ url: string; reused: boolean; seconds: number }> {
  const name = `bench_sweep_${label}`;
  const url = server.url(name);
  if (await dbExists(server, name)) {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql`select value from bench.meta where key = 'sweep'`.catch(() => []);
      if ((rows[0]?.value as { requested?: number } | undefined)?.requested === n) return { url, reused: true, seconds: 0 };
    } finally {
      await sql.end();
    }
  }
  log(`generating ${name} (${n.toLocaleString('en')} open assignments)…`);
  const t0 = performance.now();
  await freshSeededDb(server, name);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const moving = Math.round(n * 0.1);
  const overdue = Math.round(n * 0.05);
  try {
    await addSyntheticUnits(sql);
    await sql.unsafe(`
      create schema if not exists bench;
      create table if not exists bench.meta (key text primary key, value jsonb not null);
      update units set notify_phone = '139' || lpad(id::text, 8, '0') where notify_phone is null;
      set session_replication_role = replica;
      create temporary table g as
        with ua as (select array_agg(id order by id) as ids from units where kind in ('street', 'community', 'department'))
        select i as id, ua.ids[1 + i % cardinality(ua.ids)] as unit_id,
          case when i <= ${moving} then 'moving' when i <= ${moving + overdue} then 'overdue' else 'future' end as grp,
          case when i <= ${moving} then '${T}'::timestamptz - interval '10 days'
               when i <= ${moving + overdue} then '${T}'::timestamptz - interval '20 days'
               else '${T}'::timestamptz - interval '1 day' end as started_at,
          case when i <= ${moving} then '${T}'::timestamptz + interval '30 minutes'
               when i <= ${moving + overdue} then '${T}'::timestamptz - (1 + i % 5) * interval '1 day'
               else '${T}'::timestamptz + interval '10 days' + (i % 1200) * interval '24 minutes' end as due_at
        from generate_series(1, ${n}) s(i), ua;
      insert into tickets (id, number, status, channel, type, category_id, title, content, warning_level, created_by, created_at, dispatched_at, reminder_count, supervision_level)
      overriding system value
      select id, 'S' || lpad(id::text, 9, '0'), 'in_progress', 'phone', 'complaint',
        (select min(id) from categories c where not exists (select 1 from categories k where k.parent_id = c.id)),
        '督办压测工单 ' || id, '合成的诉求内容，用于督办扫描的性能测试。', (case grp when 'moving' then 'red' when 'overdue' then 'overdue' else 'none' end)::warning_level,
        (select id from users where username = 'operator1'), started_at, started_at, case grp when 'overdue' then 1 else 0 end, case grp when 'overdue' then 1 else 0 end
      from g;
      insert into assignments (id, ticket_id, unit_id, role, status, dispatched_at, signed_at, first_contact_at, sign_due_at, response_due_at, complete_due_at,
        complete_started_at, warning_level, sla_marks, next_check_at)
      overriding system value
      select id, id, unit_id, 'lead', 'in_progress', started_at, started_at + interval '1 hour', started_at + interval '2 hours',
        started_at + interval '2 hours', started_at + interval '1 day', due_at, started_at,
        (case grp when 'moving' then 'red' when 'overdue' then 'overdue' else 'none' end)::warning_level,
        case grp when 'overdue' then '[]'::jsonb
                 when 'moving' then jsonb_build_array(jsonb_build_object('clock', 'complete', 'level', 'overdue', 'at', ${iso('due_at')}))
                 else jsonb_build_array(
                   jsonb_build_object('clock', 'complete', 'level', 'yellow', 'at', ${iso('started_at + (due_at - started_at) * 0.75')}),
                   jsonb_build_object('clock', 'complete', 'level', 'red', 'at', ${iso('started_at + (due_at - started_at) * 0.9')}),
                   jsonb_build_object('clock', 'complete', 'level', 'overdue', 'at', ${iso('due_at')})) end,
        case grp when 'overdue' then null when 'moving' then date_trunc('milliseconds', due_at)
                 else date_trunc('milliseconds', started_at + (due_at - started_at) * 0.75) end
      from g;
      -- levels fired before T
      insert into sla_alerts (assignment_id, clock, level, cycle, fired_at)
      select g.id, 'complete', l.level::warning_level, 0, g.started_at + (g.due_at - g.started_at) * l.f
      from g cross join lateral (values ('yellow', 0.75), ('red', 0.9), ('overdue', 1.0)) l(level, f)
      where g.grp = 'overdue' or (g.grp = 'moving' and l.level <> 'overdue');
      insert into supervision_items (ticket_id, assignment_id, unit_id, kind, reason, clock, created_at)
      select g.id, g.id, g.unit_id, k, k || '：办结已超期', 'complete', g.due_at from g, unnest(array['reminder', 'supervision']) k where g.grp = 'overdue';
      select setval(pg_get_serial_sequence('tickets', 'id'), ${n});
      select setval(pg_get_serial_sequence('assignments', 'id'), ${n});
      set session_replication_role = origin;
      analyze;`);
    const seconds = Math.round((performance.now() - t0) / 100) / 10;
    await sql`insert into bench.meta (key, value) values ('sweep', ${sql.json({ requested: n, moving, overdue, seconds, at: new Date().toISOString() } as never)})
              on conflict (key) do update set value = excluded.value`;
    log(`  generated in ${seconds} s`);
    return { url, reused: false, seconds };
  } finally {
    await sql.end();
  }
}

/** Puts the data back as generated: nothing fired at or after T, the moving group one mark from overdue. */
export async function reset(sql: postgres.Sql) {
  await sql.unsafe(`
    delete from ticket_events where type = 'sla_warning';
    delete from supervision_items where created_at >= '${T}';
    delete from notifications;
    delete from user_notifications where kind = 'warning' and created_at >= '${T}';
    delete from metrics_queue;
    delete from sla_alerts where fired_at >= '${T}';
    update assignments set warning_level = 'red', next_check_at = date_trunc('milliseconds', complete_due_at),
      sla_marks = jsonb_build_array(jsonb_build_object('clock', 'complete', 'level', 'overdue', 'at', ${iso('complete_due_at')}))
    where complete_due_at = '${T}'::timestamptz + interval '30 minutes' and (warning_level <> 'red' or next_check_at is null);
    update tickets set warning_level = 'red', reminder_count = 0, supervision_level = 0 where id in (
      select ticket_id from assignments where complete_due_at = '${T}'::timestamptz + interval '30 minutes') and (warning_level <> 'red' or reminder_count <> 0);`);
  for (const t of ['assignments', 'tickets', 'sla_alerts', 'ticket_events', 'supervision_items', 'notifications', 'user_notifications'])
    await sql.unsafe(`vacuum analyze ${t}`).simple();
}

export async function benchSweep(url: string, opts: { steadyRuns: number; baselineLimit: number }): Promise<SweepFigures> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const database = await connect({ url, max: 4 });
  const config = testConfig();
  const bus = new EventBus();
  let published = 0;
  bus.subscribe((e) => void (e.type === 'sla_warning' && published++));
  const deps: Deps = { db: database.db, database, config, logger: silentLogger, clock: fixedClock(new Date(T2)), bus, calendar: new CalendarStore() };
  try {
    await reset(sql);
    const [{ n, moving, overdue }] = (await sql`select count(*)::int as n,
      count(*) filter (where complete_due_at = ${T}::timestamptz + interval '30 minutes')::int as moving,
      count(*) filter (where next_check_at is null)::int as overdue from assignments`) as unknown as [{ n: number; moving: number; overdue: number }];

    // 1. Steady state at T: nothing due.
    const t = new Date(T);
    const sweepMs: number[] = [];
    const beforeMs: number[] = [];
    for (let i = 0; i <= opts.steadyRuns; i++) {
      // The product's and the sweep before the escalation move take turns, each first every other run.
      for (const before of i % 2 ? [true, false] : [false, true]) {
        const t0 = performance.now();
        const r = await (before ? beforeMoveSweep(deps, t) : sweep(deps, t));
        if (i > 0) (before ? beforeMs : sweepMs).push(performance.now() - t0); // the first run warms up
        if (r.fired) throw new Error(`steady-state sweep fired ${r.fired}`);
      }
    }
    const naiveMs: number[] = [];
    let naiveDue = -1;
    for (let i = 0; i <= Math.max(3, Math.round(opts.steadyRuns / 4)); i++) {
      const t0 = performance.now();
      const [r] = await sql.unsafe(NAIVE(T));
      if (i > 0) naiveMs.push(performance.now() - t0);
      naiveDue = Number(r!.n);
    }
    const steadySweep = stats(sweepMs);
    const naive = stats(naiveMs);

    // 2. Expected firings at T2, from the generated deadlines (not from the marks the sweep reads).
    const [{ n: expected }] = (await sql.unsafe(NAIVE(T2))) as unknown as [{ n: number }];

    // Baseline: the row-by-row sweep, one default run (maxBatches 50 × batch 200), then the data back as it was.
    const b0 = performance.now();
    const base = await rowwiseSweep(deps, new Date(T2), { batchSize: 200, maxBatches: Math.ceil(opts.baselineLimit / 200) });
    const baseSeconds = (performance.now() - b0) / 1000;
    await reset(sql);
    published = 0;

    // The product's sweep, the whole moving group in one call; then what it wrote, table by table.
    const product = () => sweep(deps, new Date(T2), MOVING);
    const { r, seconds, cpu, rows: byProduct } = await measured(sql, product);

    const [c] = await sql.unsafe(`select
      (select count(*) from sla_alerts where fired_at = '${T2}')::int as alerts,
      (select count(distinct (assignment_id, clock, level, cycle)) from sla_alerts where fired_at = '${T2}')::int as distinct,
      (select count(*) from ticket_events where type = 'sla_warning')::int as events,
      (select count(*) from ticket_events e where e.type = 'sla_warning' and not exists (select 1 from sla_alerts a
         where a.assignment_id = e.assignment_id and a.clock = e.payload->>'clock' and a.level::text = e.payload->>'level' and a.fired_at = '${T2}'))::int as orphans,
      (select count(*) from supervision_items where created_at = '${T2}')::int as supervision,
      (select count(*) from notifications where template = 'unit_warning')::int as sms,
      (select count(*) from assignments where next_check_at <= '${T2}')::int as left_due`);
    const second = await sweep(deps, new Date(T2));
    const overdueFired = Number(c!.alerts);

    // The same rows written bare, on the same data put back as generated.
    await reset(sql);
    const sinceBare = await xidNow(sql);
    const bareDb0 = await backendCpu(sql);
    const bare = await sameWorkSweep(sql, T2);
    const bareCpu = await cpuSince(sql, bareDb0);
    const byBare = await written(sql, sinceBare);
    const sameWorkDifferences = differences(byProduct, byBare);

    const check = {
      expected: Number(expected),
      alerts: Number(c!.alerts),
      events: Number(c!.events),
      distinct: Number(c!.distinct),
      orphans: Number(c!.orphans),
      supervision: Number(c!.supervision),
      sms: Number(c!.sms),
      leftDue: Number(c!.left_due),
      secondPass: second.fired,
      published,
      sameWorkDifferences,
    };
    // The sweep before the escalation move, the product's pass above having warmed the pool's connections and the
    // caches for both: before, product, product, before (ABBA), each on the data put back.
    const passes: Pass[] = [];
    const before = () => beforeMoveSweep(deps, new Date(T2), MOVING);
    for (const run of [before, product, product, before]) {
      await reset(sql);
      passes.push(await measured(sql, run));
    }
    const [b1, p2, p3, b2] = passes as [Pass, Pass, Pass, Pass];
    const beforeDifferences = [
      ...new Set([b1, b2].flatMap((b) => differences(byProduct, b.rows))),
      ...new Set([p2, p3].flatMap((p) => differences(byProduct, p.rows).map((d) => `product again: ${d}`))),
    ];
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const meanOf = (ps: Pass[]) => ({ seconds: mean(ps.map((p) => p.seconds)), db: mean(ps.map((p) => p.cpu.db)), app: mean(ps.map((p) => p.cpu.app)) });
    const [pm, bm] = [meanOf([p2, p3]), meanOf([b1, b2])];
    const ok =
      naiveDue === 0 &&
      check.expected === moving &&
      r.fired === check.expected &&
      check.alerts === check.expected &&
      check.events === check.expected &&
      check.distinct === check.expected &&
      check.published === check.expected &&
      check.orphans === 0 &&
      check.supervision === 2 * overdueFired &&
      check.sms === overdueFired &&
      check.leftDue === 0 &&
      check.secondPass === 0 &&
      bare.fired === check.expected &&
      sameWorkDifferences.length === 0 &&
      beforeDifferences.length === 0;
    const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
    return {
      assignments: n,
      moving,
      alreadyOverdue: overdue,
      batchSize: config.SLA_SWEEP_BATCH_SIZE,
      steady: { sweep: steadySweep, naive, ratio: round(naive.p50 / Math.max(steadySweep.p50, 0.01), 1), naiveDue, beforeMove: stats(beforeMs) },
      moving_pass: {
        seconds: round(seconds),
        fired: r.fired,
        batches: r.batches,
        perSecond: Math.round(r.fired / seconds),
        baseline: {
          assignments: base.assignments,
          seconds: round(baseSeconds),
          perSecond: Math.round(base.assignments / baseSeconds),
          extrapolatedSeconds: round((baseSeconds / Math.max(1, base.assignments)) * moving, 1),
        },
        sameWork: {
          seconds: round(bare.seconds),
          perSecond: Math.round(bare.fired / bare.seconds),
          ratio: round(bare.seconds / seconds),
          statements: bare.statements,
          written: Object.fromEntries(Object.entries(byProduct).map(([t, w]) => [t, w.rows])),
          cpu: { db: round(bareCpu), ratio: round(bareCpu / Math.max(0.01, cpu.db + cpu.app)) },
        },
        cpu: { db: round(cpu.db), app: round(cpu.app) },
        beforeMove: {
          seconds: round(bm.seconds),
          perSecond: Math.round(mean([b1.r.fired, b2.r.fired]) / bm.seconds),
          ratio: round(pm.seconds / bm.seconds),
          cpu: { db: round(bm.db), app: round(bm.app) },
          differences: beforeDifferences,
          product: { seconds: round(pm.seconds), cpu: { db: round(pm.db), app: round(pm.app) } },
          runs: { product: [p2, p3].map((p) => round(p.seconds)), before: [b1, b2].map((p) => round(p.seconds)) },
        },
      },
      check: { ok, ...check },
    };
  } finally {
    await database.close();
    await sql.end();
  }
}
