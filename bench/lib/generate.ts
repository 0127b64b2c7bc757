/**
 * The data generator: a year (2025, Asia/Shanghai) of synthetic tickets written straight into a migrated
 * and seeded database with set-based SQL (generate_series), then the metric rollups computed from the same
 * rows in SQL. Everything is drawn from weighted "slot" tables, so the distributions are data:
 *
 * - time: each hour of the year weighted by a diurnal curve (peaks 09–11 and 14–17), weekends ×0.6,
 *   public holidays (the calendar table) ×0.45, make-up working days as working days;
 * - units: 16 synthetic districts with 15 streets each (10 communities per street) on top of the demo city,
 *   streets weighted by a log-normal-like population; 30 % of tickets go to a city department;
 * - categories: leaf categories of the seeded catalogue with Zipf weights (1/rank);
 * - channels: phone 80 %, online 9 %, window 4 %, open311 4 %, bad_review 3 %;
 * - outcomes: 12 % answered directly, 2 % not accepted, the rest dispatched (lead unit only) and, when their
 *   time has come before 2026-01-01, signed (95 % on time), contacted, replied (90 % on time) and closed
 *   by a callback (solved 70 %, partly 15 %; satisfied 72 %, basically 18 %); 5 % have a repeat contact.
 *
 * Every ticket gets its event stream (ticket_created, contact_linked, dispatch, sign, contact, reply,
 * callback_close), its assignment and its callback, so the raw rows are what the product would hold; the
 * rollup rows are what the rollup job derives from those events (checked against the real rollup code by
 * `verifyRollups`, which the smoke test runs).
 */
import type { Sql } from 'postgres';

export const DATASET_NOW = '2026-01-01T00:00:00+08:00';
const YEAR_START = '2025-01-01T00:00:00+08:00';

const DIURNAL = [0.5, 0.3, 0.2, 0.2, 0.2, 0.3, 0.8, 2, 4, 6, 6.5, 6, 4.5, 4.5, 6, 6, 5.5, 5, 4, 3.5, 3, 2.5, 1.8, 1];

export type GenerateResult = { tickets: number; assignments: number; events: number; callbacks: number; rollupRows: number; seconds: Record<string, number> };

async function timed<T>(seconds: Record<string, number>, name: string, fn: () => Promise<T>, log: (m: string) => void): Promise<T> {
  const t0 = performance.now();
  const r = await fn();
  seconds[name] = Math.round((performance.now() - t0) / 100) / 10;
  log(`  ${name}: ${seconds[name]} s`);
  return r;
}

/** Synthetic districts, streets and communities (with a population weight) beside the demo city. */
export async function addSyntheticUnits(sql: Sql) {
  const [r] = await sql`select count(*)::int as n from units where code like 'gd-%'`;
  if (Number(r?.n) > 0) return;
  await sql.unsafe(`
    insert into units (code, name, kind, parent_id, path)
    select 'gd-' || lpad(d::text, 2, '0'), '合成区' || d, 'district', c.id, '' from units c, generate_series(1, 16) d where c.kind = 'centre';
    update units set path = p.path || units.id || '/' from units p where units.code like 'gd-%' and p.id = units.parent_id;
    insert into units (code, name, kind, parent_id, path)
    select 'gs-' || substr(d.code, 4) || '-' || lpad(s::text, 2, '0'), d.name || '街道' || s, 'street', d.id, '' from units d, generate_series(1, 15) s where d.code like 'gd-%';
    update units set path = p.path || units.id || '/' from units p where units.code like 'gs-%' and p.id = units.parent_id;
    insert into units (code, name, kind, parent_id, path)
    select 'gc-' || substr(s.code, 4) || '-' || lpad(c::text, 2, '0'), s.name || '社区' || c, 'community', s.id, '' from units s, generate_series(1, 10) c where s.code like 'gs-%';
    update units set path = p.path || units.id || '/' from units p where units.code like 'gc-%' and p.id = units.parent_id;`);
}

async function slotTables(sql: Sql) {
  await sql.unsafe(`
    create schema if not exists bench;
    drop table if exists bench.hour_slots, bench.cat_slots, bench.unit_slots, bench.dep_slots;
    create table bench.hour_slots as
      with h as (
        select h as hour_start,
          (array[${DIURNAL.join(',')}])[extract(hour from h at time zone 'Asia/Shanghai')::int + 1]
          * case when cd.kind = 'holiday' then 0.45
                 when cd.kind = 'workday' then 1
                 when extract(isodow from h at time zone 'Asia/Shanghai') in (6, 7) then 0.6 else 1 end as w
        from generate_series('${YEAR_START}'::timestamptz, '2025-12-31T23:00:00+08:00'::timestamptz, interval '1 hour') h
        left join calendar_days cd on cd.day = (h at time zone 'Asia/Shanghai')::date)
      select (row_number() over (order by hour_start) - 1)::int as i, hour_start from h, generate_series(1, greatest(1, round(w * 4)::int));
    create unique index on bench.hour_slots (i);
    -- Zipf over leaf categories (1/rank, ranks in a fixed pseudo-random order)
    create table bench.cat_slots as
      with leaf as (select id, row_number() over (order by md5(code)) as r from categories c
                    where active and not exists (select 1 from categories k where k.parent_id = c.id))
      select (row_number() over (order by r) - 1)::int as i, id as category_id from leaf, generate_series(1, greatest(1, round(2000.0 / r)::int));
    create unique index on bench.cat_slots (i);
    -- streets weighted by a skewed population (exp of a sum of uniforms: log-normal-like)
    create table bench.unit_slots as
      with s as (select u.id, u.parent_id, round(exp(((('x' || substr(md5(u.code), 1, 6))::bit(24)::int) / 16777216.0) * 2.5) * 10)::int as w
                 from units u where u.kind = 'street' and u.active)
      select (row_number() over (order by id) - 1)::int as i, id as street_id, parent_id as district_id from s, generate_series(1, w);
    create unique index on bench.unit_slots (i);
    create table bench.dep_slots as
      select (row_number() over (order by id) - 1)::int as i, id as unit_id from units where kind = 'department' and active;
    create unique index on bench.dep_slots (i);`);
}

/** Per-ticket attributes, drawn once; every table is then derived from this staging table. */
async function stage(sql: Sql, lo: number, hi: number) {
  await sql.unsafe(`
    insert into bench.t
    with x as (
      select g as id,
        floor(random() * (select count(*) from bench.hour_slots))::int as hs,
        floor(random() * (select count(*) from bench.cat_slots))::int as cs,
        floor(random() * (select count(*) from bench.unit_slots))::int as us,
        floor(random() * (select count(*) from bench.dep_slots))::int as ds,
        random() as r_ch, random() as r_disp, random() as r_dep, random() as r_sign, random() as r_reply,
        random() as r_cb, random() as r_sat, random() as r_rep, random() as r_min
      from generate_series(${lo}, ${hi}) g),
    y as (
      select x.*, h.hour_start + r_min * interval '1 hour' as created_at, c.category_id, u.street_id, u.district_id,
        case when r_dep < 0.3 then d.unit_id else u.street_id end as lead_unit_id,
        case when r_ch < 0.80 then 'phone' when r_ch < 0.89 then 'online' when r_ch < 0.93 then 'window' when r_ch < 0.97 then 'open311' else 'bad_review' end as channel,
        case when r_disp < 0.12 then 'direct_answer' when r_disp < 0.14 then 'not_accepted' else 'dispatch' end as disp
      from x join bench.hour_slots h on h.i = x.hs join bench.cat_slots c on c.i = x.cs
        join bench.unit_slots u on u.i = x.us join bench.dep_slots d on d.i = x.ds),
    z as (
      select y.*, created_at + (5 + r_min * 85) * interval '1 minute' as dispatched_at from y),
    w as (
      select z.*,
        dispatched_at + case when r_sign < 0.95 then (10 + r_sign * 1100) * interval '1 minute' else (25 + r_sign * 20) * interval '1 hour' end as signed_at0,
        dispatched_at + case when r_reply < 0.9 then (1 + r_reply * 6) * interval '1 day' else (7.5 + r_reply * 4) * interval '1 day' end as replied_at0
      from z)
    select id, created_at, category_id, street_id, district_id, lead_unit_id, channel::channel, disp,
      case when disp = 'dispatch' then dispatched_at end,
      dispatched_at + interval '1 day', dispatched_at + interval '1 day', dispatched_at + interval '7 days',
      case when disp = 'dispatch' then signed_at0 end,
      case when disp = 'dispatch' then signed_at0 + (10 + r_cb * 230) * interval '1 minute' end,
      case when disp = 'dispatch' then replied_at0 end,
      case when disp = 'dispatch' then replied_at0 + (4 + r_sat * 40) * interval '1 hour' end,
      case when r_rep < 0.05 then created_at + (1 + r_rep * 1400) * interval '1 hour' end,
      case when r_cb < 0.05 then null when r_cb < 0.715 then 'solved' when r_cb < 0.8575 then 'partly' else 'unsolved' end,
      case when r_cb < 0.05 then null when r_sat < 0.72 then 'satisfied' when r_sat < 0.90 then 'basically_satisfied' else 'dissatisfied' end
    from w`);
}

const NOW = `'${DATASET_NOW}'::timestamptz`;
/** The tables bulk-loaded by the generator, whose secondary indexes are rebuilt after the load. */
const BULK_TABLES = ['tickets', 'assignments', 'callbacks', 'ticket_events'];
const day = (col: string) => `(${col} at time zone 'Asia/Shanghai')::date`;

/** Generates `n` tickets (and everything derived) into a migrated, seeded database. */
export async function generate(sql: Sql, n: number, log: (m: string) => void = () => {}): Promise<GenerateResult> {
  const seconds: Record<string, number> = {};
  const chunk = 1_000_000;
  await timed(seconds, 'setup', async () => {
    await addSyntheticUnits(sql);
    await slotTables(sql);
    await sql.unsafe(`
      drop table if exists bench.t;
      create unlogged table bench.t (id bigint, created_at timestamptz, category_id int, street_id int, district_id int, lead_unit_id int,
        channel channel, disp text, dispatched_at timestamptz, sign_due_at timestamptz, response_due_at timestamptz, complete_due_at timestamptz,
        signed_at timestamptz, contact_at timestamptz, replied_at timestamptz, closed_at timestamptz, repeat_at timestamptz, solved text, satisfaction text)`);
  }, log);
  await timed(seconds, 'stage', async () => {
    for (let lo = 1; lo <= n; lo += chunk) await stage(sql, lo, Math.min(n, lo + chunk - 1));
    // What has not happened by the dataset's "now" did not happen: open tickets.
    await sql.unsafe(`
      update bench.t set
        dispatched_at = case when dispatched_at <= ${NOW} then dispatched_at end,
        signed_at = case when signed_at <= ${NOW} then signed_at end,
        contact_at = case when contact_at <= ${NOW} then contact_at end,
        replied_at = case when replied_at <= ${NOW} then replied_at end,
        closed_at = case when closed_at <= ${NOW} then closed_at end,
        repeat_at = case when repeat_at <= ${NOW} then repeat_at end
      where created_at > ${NOW} - interval '20 days' or repeat_at > ${NOW};
      update bench.t set disp = 'pending' where disp = 'dispatch' and dispatched_at is null;`);
  }, log);
  // Bulk load: triggers (the metrics queue) and foreign-key checks off for this session, and the big tables'
  // secondary indexes dropped and rebuilt afterwards (one sorted build each instead of ~10 M random inserts).
  const secondary = await sql.unsafe<{ name: string; def: string }[]>(`
    select indexname as name, indexdef as def from pg_indexes
    where schemaname = 'public' and tablename in (${BULK_TABLES.map((t) => `'${t}'`).join(', ')})
      and indexname not in (select conname from pg_constraint where contype in ('p', 'u', 'x'))`);
  for (const ix of secondary) await sql.unsafe(`drop index ${ix.name}`);
  await sql.unsafe(`set session_replication_role = replica`);
  const userId = `(select id from users where username = 'operator1')`;
  await timed(seconds, 'tickets', () =>
    sql.unsafe(`
      insert into tickets (id, number, status, channel, type, urgency, category_id, title, content, street_unit_id, district_unit_id, street_source,
        caller_phone, caller_phone_last4, close_reason, warning_level, created_by, created_at, updated_at, dispatched_at, replied_at, closed_at, public_reply)
      overriding system value
      select id, 'B' || lpad(id::text, 9, '0'),
        (case when disp in ('direct_answer', 'not_accepted') or closed_at is not null then 'closed'
              when disp = 'pending' then 'awaiting_dispatch' when replied_at is not null then 'awaiting_callback'
              when signed_at is not null then 'in_progress' else 'awaiting_sign' end)::ticket_status,
        channel, 'complaint', 'normal', category_id, '合成工单 ' || id, '合成的诉求内容，用于性能测试。编号 ' || id, street_id, district_id, 'address',
        '13' || lpad((id % 1000000000)::text, 9, '0'), lpad((id % 10000)::text, 4, '0'),
        (case when disp = 'direct_answer' then 'direct_answer' when disp = 'not_accepted' then 'not_accepted' when closed_at is not null then 'completed' end)::close_reason,
        'none', ${userId}, created_at, coalesce(closed_at, replied_at, signed_at, dispatched_at, created_at), dispatched_at, replied_at,
        case when disp = 'direct_answer' then created_at when disp = 'not_accepted' then created_at else closed_at end, null
      from bench.t`),
  log);
  await timed(seconds, 'assignments', () =>
    sql.unsafe(`
      insert into assignments (id, ticket_id, unit_id, role, status, dispatched_at, signed_at, first_contact_at, replied_at, ended_at,
        sign_due_at, response_due_at, complete_due_at, complete_started_at, warning_level)
      overriding system value
      select id, id, lead_unit_id, 'lead',
        (case when closed_at is not null then 'closed' when replied_at is not null then 'replied' when signed_at is not null then 'in_progress' else 'awaiting_sign' end)::assignment_status,
        dispatched_at, signed_at, contact_at, replied_at, closed_at, sign_due_at, response_due_at, complete_due_at, dispatched_at, 'none'
      from bench.t where dispatched_at is not null`),
  log);
  await timed(seconds, 'callbacks', () =>
    sql.unsafe(`
      insert into callbacks (ticket_id, attempt, reached, solved, satisfaction, created_at)
      select id, 1, true, solved::solved_result, satisfaction::satisfaction, closed_at from bench.t where disp = 'dispatch' and closed_at is not null`),
  log);
  await timed(seconds, 'events', () =>
    sql.unsafe(`
      insert into ticket_events (id, ticket_id, assignment_id, type, actor_id, actor_role, from_status, to_status, version, payload, public, created_at)
      overriding system value
      select t.id * 8 + e.k, t.id, case when e.k >= 2 then t.id end, e.type, null, null, e.from_status, e.to_status, e.k + 1, e.payload, e.k in (0, 2, 6), e.at
      from bench.t t cross join lateral (values
        (0, 'ticket_created', null, case when t.disp in ('direct_answer', 'not_accepted') then 'closed' else 'awaiting_dispatch' end,
            jsonb_build_object('channel', t.channel, 'categoryId', t.category_id, 'disposition', case when t.disp = 'pending' then 'dispatch' else t.disp end), t.created_at),
        (1, 'contact_linked', null, null, jsonb_build_object('channel', t.channel), t.repeat_at),
        (2, 'dispatch', 'awaiting_dispatch', 'awaiting_sign', jsonb_build_object('leadUnitId', t.lead_unit_id, 'assistUnitIds', '[]'::jsonb), t.dispatched_at),
        (3, 'sign', 'awaiting_sign', 'in_progress', '{}'::jsonb, t.signed_at),
        (4, 'contact', null, null, jsonb_build_object('contactedAt', to_char(t.contact_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')), t.contact_at),
        (5, 'reply', 'in_progress', 'awaiting_callback', '{}'::jsonb, t.replied_at),
        (6, 'callback_close', 'awaiting_callback', 'closed', jsonb_build_object('solved', t.solved, 'satisfaction', t.satisfaction), case when t.disp = 'dispatch' then t.closed_at end)
      ) as e(k, type, from_status, to_status, payload, at)
      where e.at is not null`),
  log);
  await sql.unsafe(`set session_replication_role = origin`);
  await timed(seconds, 'indexes', async () => {
    for (const ix of secondary) await sql.unsafe(ix.def);
  }, log);
  const rollupRows = await timed(seconds, 'rollups', () => computeRollups(sql), log);
  await timed(seconds, 'sequences+analyze', async () => {
    await sql.unsafe(`
      select setval(pg_get_serial_sequence('tickets', 'id'), (select max(id) from tickets));
      select setval(pg_get_serial_sequence('assignments', 'id'), (select max(id) from assignments));
      select setval(pg_get_serial_sequence('ticket_events', 'id'), (select max(id) from ticket_events));
      insert into metrics_rollup_state (id, last_run_at, events_processed) values (1, now(), (select count(*) from ticket_events))
        on conflict (id) do update set last_run_at = excluded.last_run_at, events_processed = excluded.events_processed;`);
    await sql.unsafe(`vacuum analyze`);
  }, log);
  const [c] = await sql.unsafe(`select (select count(*) from tickets)::bigint as tickets, (select count(*) from assignments)::bigint as assignments,
    (select count(*) from ticket_events)::bigint as events, (select count(*) from callbacks)::bigint as callbacks`);
  return { tickets: Number(c!.tickets), assignments: Number(c!.assignments), events: Number(c!.events), callbacks: Number(c!.callbacks), rollupRows, seconds };
}

const COUNTER_COLS = [
  'contacts', 'repeat_contacts', 'direct_answers', 'not_accepted', 'dispatched', 'signed_on_time', 'responded_on_time', 'lead_responded_on_time',
  'replied', 'lead_dispatched', 'lead_returned', 'completed', 'closed', 'closed_on_time', 'closed_redone', 'reopened', 'callbacks_concluded',
  'callbacks_valid', 'solved_answers', 'solved', 'partly_solved', 'rated', 'satisfied', 'basically_satisfied',
] as const;

/**
 * The rollup rows the rollup job would derive from the generated events (contributions.ts, for the
 * lifecycles the generator writes), at every grain (the subtree grain: each unit's monthly row also
 * counted for every unit on its path, all channels together). Replaces whatever the rollup tables held.
 */
export async function computeRollups(sql: Sql): Promise<number> {
  const z = (cols: Partial<Record<(typeof COUNTER_COLS)[number], string>>) => COUNTER_COLS.map((c) => `coalesce(${cols[c] ?? "0"}, 0) as ${c}`).join(', ');
  const sums = COUNTER_COLS.map((c) => `sum(${c})::int`).join(', ');
  const list = COUNTER_COLS.join(', ');
  await sql.unsafe(`
    truncate metrics_daily, metrics_unit_daily, metrics_unit_monthly, metrics_subtree_monthly, metrics_category_monthly, metrics_queue;
    insert into metrics_daily (day, unit_id, category_id, channel, appealed, ${list})
    select day, unit_id, category_id, channel, false, ${sums} from (
      select ${day('created_at')} as day, 0 as unit_id, category_id, channel,
        ${z({ contacts: '1', direct_answers: "(disp = 'direct_answer')::int", not_accepted: "(disp = 'not_accepted')::int" })} from bench.t
      union all
      select ${day('repeat_at')}, 0, category_id, channel, ${z({ contacts: '1', repeat_contacts: '1' })} from bench.t where repeat_at is not null
      union all
      select ${day('dispatched_at')}, lead_unit_id, category_id, channel, ${z({
        dispatched: '1', lead_dispatched: '1',
        signed_on_time: '(signed_at <= sign_due_at)::int',
        responded_on_time: '(contact_at <= response_due_at)::int',
        lead_responded_on_time: '(contact_at <= response_due_at)::int',
        replied: '(replied_at is not null)::int',
        completed: '(closed_at is not null)::int',
      })} from bench.t where dispatched_at is not null
      union all
      select ${day('closed_at')}, lead_unit_id, category_id, channel, ${z({
        closed: '1', closed_on_time: '(replied_at <= complete_due_at)::int', callbacks_concluded: '1',
        callbacks_valid: '(solved is not null or satisfaction is not null)::int', solved_answers: '(solved is not null)::int',
        solved: "(solved = 'solved')::int", partly_solved: "(solved = 'partly')::int", rated: '(satisfaction is not null)::int',
        satisfied: "(satisfaction = 'satisfied')::int", basically_satisfied: "(satisfaction = 'basically_satisfied')::int",
      })} from bench.t where disp = 'dispatch' and closed_at is not null
    ) d group by 1, 2, 3, 4;
    insert into metrics_unit_daily (day, unit_id, channel, appealed, ${list})
      select day, unit_id, channel, appealed, ${sums} from metrics_daily group by 1, 2, 3, 4;
    insert into metrics_unit_monthly (month, unit_id, channel, appealed, ${list})
      select date_trunc('month', day)::date, unit_id, channel, appealed, ${sums} from metrics_daily group by 1, 2, 3, 4;
    insert into metrics_subtree_monthly (month, unit_id, appealed, ${list})
      select m.month, a.id::int, m.appealed, ${sums} from metrics_unit_monthly m
        left join units u on u.id = m.unit_id
        cross join lateral unnest(case when m.unit_id = 0 then array['0'] else string_to_array(trim(both '/' from u.path), '/') end) as a(id)
      where a.id ~ '^[0-9]+$'
      group by 1, 2, 3;
    insert into metrics_category_monthly (month, category_id, channel, appealed, ${list})
      select date_trunc('month', day)::date, category_id, channel, appealed, ${sums} from metrics_daily group by 1, 2, 3, 4;`);
  const [r] = await sql.unsafe(`select count(*)::int as n from metrics_daily`);
  return r!.n;
}
