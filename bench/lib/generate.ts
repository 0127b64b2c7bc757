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
 * - outcomes: 12 % answered directly, 2 % not accepted, the rest wait for a dispatcher (85 % dispatched within
 *   the centre's dispatch limit) and, as far as their time has come before 2026-01-01, are signed (95 % by the
 *   sign-in deadline), contacted 10–240 min later, replied (90 % by the completion deadline), the reply
 *   approved (90 % within the review limit) and called back on the callback day (90 %; 5 % reached only at a
 *   second call) — solved 70 %, partly 15 %; satisfied 72 %, basically 18 %; an unsolved or dissatisfied
 *   answer is a dispute that a supervisor closes 2–48 h later; 5 % of the tickets that go to units get a
 *   repeat contact while they are open.
 *
 * The deadlines are the ones dispatch sets: the SLA policy the product matches for the ticket (matchPolicy)
 * and the product's clock arithmetic over the calendar (startAllClocks), computed once per policy and day
 * (per dispatch instant for working-hour limits) and joined in SQL. Every ticket gets the event stream the
 * product writes for its lifecycle — ticket_created, contact_linked, dispatch (deadlines, centre wait),
 * sign, contact (claimed and recorded times), the sweep's overdue warning of the completion clock when a
 * deadline passes before the reply, reply, approve_reply (centre wait), callback_retry / callback_close /
 * callback_dispute (round, attempt, centre wait), close — with ids and versions in time order, its
 * contacts (the first and any repeat), assignment, callbacks and alert rows. Not generated: the sweep's other
 * warnings and the reminders, supervision items and SMS it opens, the assignments' future warning marks (next_check_at), and
 * nothing of returns, extensions, terminations, reopens or appeals. The rollup rows are what the rollup job
 * derives from those events (contributions.ts; checked against the real rollup code by `verifyRollups`,
 * which the smoke test runs).
 *
 * Here the order of the work; its parts in generate/: deadlines.ts (SLA and centre clocks), events.ts (the
 * event streams), rollups.ts (the rollup rows), sql.ts (what they share).
 */
import type { Sql } from 'postgres';
import { CLOCKS } from '../../src/domain/sla/clocks.ts';
import { deadline, slaLookups } from './generate/deadlines.ts';
import { CONTACT_ID, eventsSql, GAPS, HANDLER, REPEAT_CONTACT_ID, REPLY_TEXT, STAFF, STATUS_NOW, TICKET_VERSION } from './generate/events.ts';
import { fillLedger } from './generate/ledger.ts';
import { computeRollups } from './generate/rollups.ts';
import { ceilMinute, CONFIG, day, inParallel, NOW, YEAR_START } from './generate/sql.ts';

/**
 * Bumped whenever what the generator writes changes: a kept dataset of another version is generated again
 * (3: the drill-down ledger; a dataset of version 2 gets its ledger added instead, see fillLedger).
 */
export const GENERATOR_VERSION = 3;

const DIURNAL = [0.5, 0.3, 0.2, 0.2, 0.2, 0.3, 0.8, 2, 4, 6, 6.5, 6, 4.5, 4.5, 6, 6, 5.5, 5, 4, 3.5, 3, 2.5, 1.8, 1];

export type GenerateResult = {
  tickets: number;
  assignments: number;
  events: number;
  callbacks: number;
  rollupRows: number;
  ledgerRows?: number;
  seconds: Record<string, number>;
};

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
    update units set path = p.path || units.id || '/' from units p where units.code like 'gc-%' and p.id = units.parent_id;
    -- a handler for each synthetic district and street, as the seed gives the demo city's (the units sign and reply as them)
    insert into users (username, display_name, role, unit_id, password_hash)
    select 'handler.' || u.code, u.name || '承办人', 'unit_handler', u.id, coalesce((select password_hash from users where username = 'operator1'), '!')
    from units u where u.code like 'gd-%' or u.code like 'gs-%';`);
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

// ---------------------------------------------------------------- staging

/** Per-ticket attributes, drawn once (random draws kept for the lifecycle). */
async function stage(sql: Sql, lo: number, hi: number) {
  await sql.unsafe(`
    insert into bench.t0
    with x as (
      select g as id,
        floor(random() * (select count(*) from bench.hour_slots))::int as hs,
        floor(random() * (select count(*) from bench.cat_slots))::int as cs,
        floor(random() * (select count(*) from bench.unit_slots))::int as us,
        floor(random() * (select count(*) from bench.dep_slots))::int as ds,
        random() as r_ch, random() as r_disp, random() as r_dep, random() as r_min, random() as r_dw,
        random() as r_sign, random() as r_ct, random() as r_reply, random() as r_rev, random() as r_cbt, random() as r_cb,
        random() as r_sol, random() as r_sat, random() as r_cl, random() as r_rep, random() as r_rpt
      from generate_series(${lo}, ${hi}) g),
    y as (
      select x.*, date_trunc('second', h.hour_start + r_min * interval '1 hour') as created_at, c.category_id, u.street_id, u.district_id,
        case when r_dep < 0.3 then d.unit_id else u.street_id end as lead_unit_id,
        case when r_ch < 0.80 then 'phone' when r_ch < 0.89 then 'online' when r_ch < 0.93 then 'window' when r_ch < 0.97 then 'open311' else 'bad_review' end as channel,
        case when r_disp < 0.12 then 'direct_answer' when r_disp < 0.14 then 'not_accepted' else 'dispatch' end as disp
      from x join bench.hour_slots h on h.i = x.hs join bench.cat_slots c on c.i = x.cs
        join bench.unit_slots u on u.i = x.us join bench.dep_slots d on d.i = x.ds)
    select id, created_at, category_id, street_id, district_id, lead_unit_id, channel::channel, disp,
      -- 85 % dispatched within the centre's limit
      date_trunc('second', created_at + ${CONFIG.CENTRE_DISPATCH_LIMIT_MINUTES} * (case when r_dw < 0.85 then 0.05 + r_dw else 1.05 + (r_dw - 0.85) * 20 end) * interval '1 minute'),
      r_sign, r_ct, r_reply, r_rev, r_cbt, r_cb, r_sol, r_sat, r_cl, r_rep, r_rpt
    from y`);
}

/**
 * The lifecycle of every ticket from its draws and its deadlines; what has not happened by the dataset's
 * "now" did not happen (times strictly increase along a lifecycle, so each is simply cut at now).
 */
async function lifecycles(sql: Sql, dayEnd: string) {
  const cut = (col: string) => `case when disp = 'dispatch' and ${col} <= ${NOW} then ${col} end`;
  const retries = CONFIG.CALLBACK_MAX_ATTEMPTS >= 2 ? 'r_cb < 0.05' : 'false';
  const warnAt = ceilMinute('complete_due0');
  await sql.unsafe(`
    drop table if exists bench.t;
    create unlogged table bench.t as
    -- the gaps of the events that fall between the lifecycle's own (their ids and versions, below)
    select x.*, ${GAPS()} from (
    with a as (
      select t0.*, m.p as policy_id, ${CLOCKS.map((c) => `${deadline(c, 't0.dispatched0')} as ${c}_due0`).join(', ')}
      from bench.t0 t0
        left join bench.policy_map m on m.c = t0.category_id and m.ch = t0.channel::text
        left join bench.policy_terms pt on pt.p = m.p
        left join bench.day_due dd on dd.p = m.p and dd.day = ${day('t0.dispatched0')}
          and dd.late = ((t0.dispatched0 at time zone 'Asia/Shanghai')::time >= '${dayEnd}'::time)
        left join bench.instant_due iu on iu.p = m.p and iu.at = t0.dispatched0),
    -- signed: 95 % by the deadline (within a day of dispatch when it is further), else 10 min – 20 h after it
    b as (select a.*, date_trunc('second', case when r_sign < 0.95
        then dispatched0 + least(coalesce(sign_due0 - dispatched0, interval '1 day'), interval '1 day') * (0.02 + r_sign)
        else coalesce(sign_due0, dispatched0 + interval '1 day') + (10 + (r_sign - 0.95) * 23800) * interval '1 minute' end) as signed0 from a),
    c as (select b.*, date_trunc('second', signed0 + (10 + r_ct * 230) * interval '1 minute') as contact0 from b),
    -- replied: 90 % by the completion deadline, else 1 h – 4 days after it
    d as (select c.*, date_trunc('second', case when r_reply < 0.9
        then contact0 + interval '30 minutes' + greatest(coalesce(complete_due0, dispatched0 + interval '7 days') - contact0 - interval '30 minutes', interval '0') * (r_reply * 1.08)
        else coalesce(complete_due0, contact0 + interval '7 days') + (60 + (r_reply - 0.9) * 57000) * interval '1 minute' end) as replied0 from c),
    -- approved: 90 % within the review limit
    e as (select d.*, date_trunc('second', replied0 + ${CONFIG.CENTRE_REPLY_REVIEW_LIMIT_MINUTES}
        * (case when r_rev < 0.9 then 0.05 + r_rev else 1.05 + (r_rev - 0.9) * 50 end) * interval '1 minute') as approved0 from d),
    -- the first call: 09:00–19:00 on the callback day (90 %) or the day after
    f as (select e.*, greatest(approved0 + interval '10 minutes', date_trunc('second',
        ((${day('approved0')} + ${CONFIG.CALLBACK_DUE_DAYS} + (r_cbt >= 0.9)::int)::timestamp + interval '9 hours'
          + (case when r_cbt < 0.9 then r_cbt / 0.9 else (r_cbt - 0.9) / 0.1 end) * interval '10 hours') at time zone 'Asia/Shanghai')) as call0 from e),
    -- 5 %: not reached at the first call, reached 1–4 h later; unsolved or dissatisfied: a dispute, closed by a supervisor 2–48 h later
    g as (select f.*,
        case when ${retries} then call0 end as retry0,
        case when ${retries} then date_trunc('second', call0 + (60 + r_cb * 3600) * interval '1 minute') else call0 end as cb0,
        case when r_sol < 0.70 then 'solved' when r_sol < 0.85 then 'partly' else 'unsolved' end as solved,
        case when r_sat < 0.72 then 'satisfied' when r_sat < 0.90 then 'basically_satisfied' else 'dissatisfied' end as satisfaction
      from f),
    h as (select g.*, (solved = 'unsolved' or satisfaction = 'dissatisfied') as disputed from g),
    k as (select h.*, case when disputed then date_trunc('second', cb0 + (120 + r_cl * 2760) * interval '1 minute') else cb0 end as closed0 from h),
    n as (select k.*, ${cut('dispatched0')} as dispatched_at, ${cut('signed0')} as signed_at, ${cut('contact0')} as contact_at, ${cut('replied0')} as replied_at,
        ${cut('approved0')} as approved_at, ${cut('retry0')} as retry_at, ${cut('cb0')} as cb_at,
        case when disp <> 'dispatch' then created_at else ${cut('closed0')} end as closed_at
      from k)
    select id, created_at, category_id, street_id, district_id, lead_unit_id, channel,
      case when disp = 'dispatch' and dispatched_at is null then 'pending' else disp end as disp,
      case when dispatched_at is not null then policy_id end as policy_id, dispatched_at,
      ${CLOCKS.map((c) => `case when dispatched_at is not null then ${c}_due0 end as ${c}_due_at`).join(', ')},
      signed_at, contact_at,
      -- the sweep's overdue of the completion clock: its deadline passed while the clock ran (before the reply)
      case when dispatched_at is not null and ${warnAt} <= ${NOW} and (replied_at is null or ${warnAt} < replied_at) then ${warnAt} end as warned_at,
      replied_at, approved_at, retry_at, cb_at, closed_at,
      -- a repeat contact while the ticket is open (only an open ticket takes one)
      case when r_rep < 0.05 and disp = 'dispatch' then date_trunc('second', created_at + interval '1 second' + (coalesce(closed_at, ${NOW}) - created_at - interval '2 seconds') * r_rpt) end as repeat_at,
      solved, satisfaction, disputed and cb_at is not null as disputed
    from n) x`);
}

/** The tables bulk-loaded by the generator, whose secondary indexes are rebuilt after the load. */
const BULK_TABLES = ['tickets', 'contacts', 'assignments', 'callbacks', 'ticket_events'];

/** Generates `n` tickets (and everything derived) into a migrated, seeded database (`sql` on `url`). */
export async function generate(sql: Sql, url: string, n: number, log: (m: string) => void = () => {}): Promise<GenerateResult> {
  const seconds: Record<string, number> = {};
  const chunk = 1_000_000;
  // Long generated expressions: JIT compiling them took longer than running them (40 s for 20,000 tickets).
  await sql.unsafe(`set jit = off`);
  const sla = await timed(
    seconds,
    'setup',
    async () => {
      await addSyntheticUnits(sql);
      await slotTables(sql);
      await sql.unsafe(`
      drop table if exists bench.t0;
      create unlogged table bench.t0 (id bigint, created_at timestamptz, category_id int, street_id int, district_id int, lead_unit_id int, channel channel, disp text,
        dispatched0 timestamptz, r_sign float8, r_ct float8, r_reply float8, r_rev float8, r_cbt float8, r_cb float8, r_sol float8, r_sat float8, r_cl float8, r_rep float8, r_rpt float8)`);
      return slaLookups(sql, url);
    },
    log,
  );
  await timed(
    seconds,
    'stage',
    async () => {
      for (let lo = 1; lo <= n; lo += chunk) await stage(sql, lo, Math.min(n, lo + chunk - 1));
      await sla.instant(sql);
      await sql.unsafe(`analyze bench.t0, bench.policy_map, bench.policy_terms, bench.day_due, bench.instant_due`);
    },
    log,
  );
  await timed(
    seconds,
    'lifecycles',
    async () => {
      await lifecycles(sql, sla.dayEnd);
      await sql.unsafe(`drop table bench.t0`);
    },
    log,
  );
  // Bulk load: triggers (the metrics queue) and foreign-key checks off for this session, and the big tables'
  // secondary indexes dropped and rebuilt afterwards (one sorted build each instead of ~10 M random inserts).
  const secondary = await sql.unsafe<{ name: string; def: string }[]>(`
    select indexname as name, indexdef as def from pg_indexes
    where schemaname = 'public' and tablename in (${BULK_TABLES.map((t) => `'${t}'`).join(', ')})
      and indexname not in (select conname from pg_constraint where contype in ('p', 'u', 'x'))`);
  for (const ix of secondary) await sql.unsafe(`drop index ${ix.name}`);
  await sql.unsafe(`set session_replication_role = replica`);
  await timed(
    seconds,
    'tickets',
    () =>
      sql.unsafe(`
      insert into tickets (id, number, status, version, channel, type, urgency, category_id, title, content, street_unit_id, district_unit_id, street_source,
        caller_phone, caller_phone_last4, close_reason, close_note, kb_article_id, public_reply, callback_attempts, warning_level, created_by,
        created_at, updated_at, status_changed_at, dispatched_at, replied_at, closed_at)
      overriding system value
      select id, 'B' || lpad(id::text, 9, '0'), (${STATUS_NOW})::ticket_status, ${TICKET_VERSION},
        channel, 'complaint', 'normal', category_id, '合成工单 ' || id, '合成的诉求内容，用于性能测试。编号 ' || id, street_id, district_id, 'address',
        '13' || lpad((id % 1000000000)::text, 9, '0'), lpad((id % 10000)::text, 4, '0'),
        (case when disp in ('direct_answer', 'not_accepted') then disp when closed_at is null then null when disputed then 'supervisor_closed' else 'completed' end)::close_reason,
        case disp when 'direct_answer' then '已直接答复诉求人。（合成）' when 'not_accepted' then '不属于受理范围（合成）' else case when disputed and closed_at is not null then '已向诉求人解释说明，予以办结。（合成）' end end,
        case when disp = 'direct_answer' then s.kb_id end, case when disp = 'direct_answer' then '已直接答复诉求人。（合成）' when approved_at is not null then '${REPLY_TEXT}' end,
        (retry_at is not null)::int + (cb_at is not null)::int, (case when warned_at is not null then 'overdue' else 'none' end)::warning_level, s.operator,
        created_at, greatest(created_at, dispatched_at, signed_at, contact_at, replied_at, approved_at, retry_at, cb_at, closed_at, repeat_at),
        coalesce(closed_at, cb_at, approved_at, replied_at, signed_at, dispatched_at, created_at), dispatched_at, replied_at, closed_at
      from bench.t cross join ${STAFF}`),
    log,
  );
  await timed(
    seconds,
    'assignments',
    () =>
      sql.unsafe(`
      insert into assignments (id, ticket_id, unit_id, role, status, version, dispatched_by, dispatched_at, signed_at, signed_by, first_contact_at, first_contact_recorded_at,
        reply_content, replied_at, replied_by, ended_at, sla_policy_id, sign_due_at, response_due_at, complete_due_at, complete_started_at, warning_level, clocks_stopped_at)
      overriding system value
      select id, id, lead_unit_id, 'lead',
        (case when closed_at is not null then 'closed' when replied_at is not null then 'replied' when signed_at is not null then 'in_progress' else 'awaiting_sign' end)::assignment_status,
        1 + (signed_at is not null)::int + (contact_at is not null)::int + (replied_at is not null)::int, s.dispatcher,
        dispatched_at, signed_at, case when signed_at is not null then h.user_id end, contact_at, contact_at, case when replied_at is not null then '${REPLY_TEXT}' end,
        replied_at, case when replied_at is not null then h.user_id end, closed_at,
        policy_id, sign_due_at, response_due_at, complete_due_at, dispatched_at, (case when warned_at is not null then 'overdue' else 'none' end)::warning_level, approved_at
      from bench.t t cross join ${STAFF} ${HANDLER} where dispatched_at is not null`),
    log,
  );
  await timed(
    seconds,
    'contacts',
    () =>
      sql.unsafe(`
      insert into contacts (id, ticket_id, channel, is_repeat, caller_phone, content, created_by, created_at)
      overriding system value
      select c.id, t.id, t.channel, c.repeat, '13' || lpad((t.id % 1000000000)::text, 9, '0'), '合成的诉求内容，用于性能测试。编号 ' || t.id, s.operator, c.at
      from bench.t t cross join ${STAFF}
        cross join lateral (values (${CONTACT_ID}, false, created_at), (${REPEAT_CONTACT_ID}, true, repeat_at)) as c(id, repeat, at)
      where c.at is not null`),
    log,
  );
  await timed(
    seconds,
    'callbacks',
    () =>
      sql.unsafe(`
      insert into callbacks (ticket_id, round, attempt, reached, solved, satisfaction, agent_id, created_at)
      select id, 1, 1, false, null, null, s.callback_agent, retry_at from bench.t cross join ${STAFF} where retry_at is not null
      union all
      select id, 1, 1 + (retry_at is not null)::int, true, solved::solved_result, satisfaction::satisfaction, s.callback_agent, cb_at from bench.t cross join ${STAFF} where cb_at is not null;
      insert into sla_alerts (assignment_id, clock, level, cycle, fired_at) select id, 'complete', 'overdue', 0, warned_at from bench.t where warned_at is not null`),
    log,
  );
  await timed(seconds, 'events', () => inParallel(url, n, eventsSql), log);
  await sql.unsafe(`set session_replication_role = origin`);
  await timed(
    seconds,
    'indexes',
    async () => {
      for (const ix of secondary) await sql.unsafe(ix.def);
    },
    log,
  );
  const rollupRows = await timed(seconds, 'rollups', () => computeRollups(sql), log);
  const ledgerRows = await timed(seconds, 'ledger', () => fillLedger(sql, url, n), log);
  await timed(
    seconds,
    'sequences+analyze',
    async () => {
      await sql.unsafe(`
      select setval(pg_get_serial_sequence('tickets', 'id'), (select max(id) from tickets));
      select setval(pg_get_serial_sequence('assignments', 'id'), (select max(id) from assignments));
      select setval(pg_get_serial_sequence('ticket_events', 'id'), (select max(id) from ticket_events));
      select setval(pg_get_serial_sequence('contacts', 'id'), (select max(id) from contacts));
      insert into metrics_rollup_state (id, last_run_at, events_processed, ledger_built) values (1, now(), (select count(*) from ticket_events), true)
        on conflict (id) do update set last_run_at = excluded.last_run_at, events_processed = excluded.events_processed, ledger_built = true;`);
      await sql.unsafe(`vacuum analyze`);
    },
    log,
  );
  const [c] = await sql.unsafe(`select (select count(*) from tickets)::bigint as tickets, (select count(*) from assignments)::bigint as assignments,
    (select count(*) from ticket_events)::bigint as events, (select count(*) from callbacks)::bigint as callbacks`);
  return {
    tickets: Number(c!.tickets),
    assignments: Number(c!.assignments),
    events: Number(c!.events),
    callbacks: Number(c!.callbacks),
    rollupRows,
    ledgerRows,
    seconds,
  };
}
