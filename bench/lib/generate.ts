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
 */
import os from 'node:os';
import postgres, { type Sql } from 'postgres';
import { connect } from '../../db/client.ts';
import { testConfig } from '../../src/config.ts';
import { dayNumberOf, dayString, hhmmOf, localInstant, type TimeUnit } from '../../src/domain/calendar/calendar.ts';
import { loadCalendar } from '../../src/domain/calendar/store.ts';
import { COUNTERS, counterColumn, type Counter } from '../../src/domain/metrics/counters.ts';
import { CLOCKS, startAllClocks, type Clock, type SlaTerms } from '../../src/domain/sla/clocks.ts';
import { termsOf } from '../../src/domain/sla/matching.ts';
import { matchPolicy } from '../../src/domain/sla/policies.ts';
import type { CentreClock } from '../../src/domain/centre/clocks.ts';

export const DATASET_NOW = '2026-01-01T00:00:00+08:00';
const YEAR_START = '2025-01-01T00:00:00+08:00';
/** Bumped whenever what the generator writes changes: a kept dataset of another version is generated again. */
export const GENERATOR_VERSION = 2;

const DIURNAL = [0.5, 0.3, 0.2, 0.2, 0.2, 0.3, 0.8, 2, 4, 6, 6.5, 6, 4.5, 4.5, 6, 6, 5.5, 5, 4, 3.5, 3, 2.5, 1.8, 1];
const CHANNELS = ['phone', 'online', 'window', 'open311', 'bad_review'] as const;
/** The product's default limits (src/config.ts): the centre's clocks, the callback day, the attempts. */
const CONFIG = testConfig();

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

const NOW = `'${DATASET_NOW}'::timestamptz`;
const day = (col: string) => `((${col}) at time zone 'Asia/Shanghai')::date`;
/** An instant as the product writes it in payloads (Date.toISOString()). */
const iso = (col: string) => `to_char((${col}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
/** The sweep's first run at or after an instant (it runs every minute). */
const ceilMinute = (col: string) => `(date_trunc('minute', ${col}) + case when ${col} > date_trunc('minute', ${col}) then interval '1 minute' else interval '0' end)`;

// ---------------------------------------------------------------- SLA deadlines as dispatch sets them

const DAY_UNITS: readonly TimeUnit[] = ['natural_days', 'working_days'];
/** A deadline as ISO text; a clock the calendar cannot place (its year not imported) is beyond what the generator writes. */
const deadlineIso = (due: Record<Clock, Date | null>, clock: Clock, at: string) => {
  const d = due[clock];
  if (!d) throw new Error(`bench generator: the calendar does not cover the ${clock} deadline of a dispatch at ${at}; import the year first`);
  return d.toISOString();
};

/**
 * The policy of every (leaf category, channel) the generator draws, matched by the product (urgency normal),
 * and its deadlines from the product's clock arithmetic: per dispatch day for day limits (two answers a day:
 * before and after the working day's end, which 含本数 counting tells apart), per dispatch instant for
 * working-hour limits (`instant`, once the dispatches are staged); natural minutes and hours are added in SQL.
 */
async function slaLookups(sql: Sql, url: string): Promise<{ dayEnd: string; instant: (sql: Sql) => Promise<void> }> {
  const cats = await sql<{ id: number }[]>`select distinct category_id as id from bench.cat_slots order by 1`;
  const terms = new Map<number, SlaTerms>();
  const map: { c: number; ch: string; p: number | null }[] = [];
  const database = await connect({ url, max: 1 });
  let cal: Awaited<ReturnType<typeof loadCalendar>>;
  try {
    cal = await loadCalendar(database.db);
    for (const { id } of cats) {
      for (const channel of CHANNELS) {
        const p = await matchPolicy(database.db, { categoryId: Number(id), urgency: 'normal', channel });
        if (p) terms.set(p.id, termsOf(p));
        map.push({ c: Number(id), ch: channel, p: p?.id ?? null });
      }
    }
  } finally {
    await database.close();
  }
  const dayEnd = cal.hours.at(-1)!.end;
  const days: Record<string, unknown>[] = [];
  for (const [p, t] of terms) {
    for (let n = dayNumberOf(YEAR_START.slice(0, 10)); n <= dayNumberOf(DATASET_NOW.slice(0, 10)) - 1; n++) {
      for (const late of [false, true]) {
        const start = localInstant(n, late ? dayEnd : 0);
        const c = startAllClocks(cal, t, start);
        const pick = (clock: Clock) => (DAY_UNITS.includes(t[clock].unit) ? deadlineIso(c.due, clock, start.toISOString()) : null);
        days.push({ p, day: dayString(n), late, sign: pick('sign'), response: pick('response'), complete: pick('complete') });
      }
    }
  }
  const policies = [...terms].map(([p, t]) => Object.assign({ p }, ...CLOCKS.map((c) => ({ [`${c}_unit`]: t[c].unit, [`${c}_amount`]: t[c].amount }))));
  await sql.unsafe(`drop table if exists bench.policy_map, bench.policy_terms, bench.day_due, bench.instant_due`);
  await sql`create table bench.policy_map as select * from jsonb_to_recordset(${sql.json(map as never)}) as x(c int, ch text, p int)`;
  await sql`create table bench.policy_terms as select * from jsonb_to_recordset(${sql.json(policies as never)})
    as x(p int, sign_unit text, sign_amount numeric, response_unit text, response_amount numeric, complete_unit text, complete_amount numeric)`;
  await sql`create table bench.day_due as select * from jsonb_to_recordset(${sql.json(days as never)})
    as x(p int, day date, late boolean, sign timestamptz, response timestamptz, complete timestamptz)`;
  await sql.unsafe(`
    create table bench.instant_due (p int, at timestamptz, sign timestamptz, response timestamptz, complete timestamptz);
    create unique index on bench.policy_map (c, ch);
    create unique index on bench.day_due (p, day, late);`);
  const working = [...terms].filter(([, t]) => CLOCKS.some((c) => t[c].unit === 'working_hours')).map(([p]) => p);
  return {
    dayEnd: hhmmOf(dayEnd),
    instant: async (sql: Sql) => {
      if (!working.length) return;
      const starts = await sql<{ p: number; at: Date }[]>`
        select distinct m.p, t0.dispatched0 as at from bench.t0 join bench.policy_map m on m.c = t0.category_id and m.ch = t0.channel::text
        where m.p = any(${working}) and t0.disp = 'dispatch' and t0.dispatched0 <= ${DATASET_NOW}::timestamptz`;
      for (let i = 0; i < starts.length; i += 20_000) {
        const chunk = starts.slice(i, i + 20_000).map(({ p, at }) => {
          const t = terms.get(p)!;
          const c = startAllClocks(cal, t, at);
          const pick = (clock: Clock) => (t[clock].unit === 'working_hours' ? deadlineIso(c.due, clock, at.toISOString()) : null);
          return { p, at: at.toISOString(), sign: pick('sign'), response: pick('response'), complete: pick('complete') };
        });
        await sql`insert into bench.instant_due select * from jsonb_to_recordset(${sql.json(chunk as never)})
          as x(p int, at timestamptz, sign timestamptz, response timestamptz, complete timestamptz)`;
      }
      await sql.unsafe(`create unique index on bench.instant_due (p, at)`);
    },
  };
}

/** A clock's deadline from the dispatch instant `d` under the joined policy terms `pt` and lookups `dd` (day) and `iu` (instant). */
const deadline = (clock: Clock, d: string) => `case pt.${clock}_unit
      when 'natural_minutes' then ${d} + round(pt.${clock}_amount * 60000) * interval '1 millisecond'
      when 'natural_hours' then ${d} + round(pt.${clock}_amount * 3600000) * interval '1 millisecond'
      when 'working_hours' then iu.${clock} else dd.${clock} end`;

// ---------------------------------------------------------------- the centre's own clocks (centre/clocks.ts)

type CentreSql = { waited: string; onTime: string; json: string };
const waitedMinutes = (since: string, at: string) => `greatest(0, round(extract(epoch from (${at}) - (${since})) / 60))::int`;
/** What centreDecision records for a wait from `since` ended at `at`, due at `due`, in SQL over bench.t's columns. */
function centre(clock: CentreClock, since: string, at: string, due: string, limit: string): CentreSql {
  const waited = waitedMinutes(since, at);
  const onTime = `((${at}) <= (${due}))`;
  return {
    waited,
    onTime,
    json: `jsonb_build_object('clock', '${clock}', 'since', ${iso(since)}, 'waitedMinutes', ${waited}, 'limitMinutes', ${limit}, 'onTime', ${onTime})`,
  };
}
const minutesClock = (clock: CentreClock, since: string, at: string, minutes: number) => centre(clock, since, at, `(${since}) + interval '${minutes} minutes'`, String(minutes));
/** The callback falls due at 00:00 CALLBACK_DUE_DAYS after the approval and is late once that day is over. */
const CALLBACK_DUE = `((((approved_at at time zone 'Asia/Shanghai')::date + ${CONFIG.CALLBACK_DUE_DAYS + 1})::timestamp) at time zone 'Asia/Shanghai')`;
const callbackClock = (at: string) => centre('callback', 'approved_at', at, CALLBACK_DUE, waitedMinutes('approved_at', CALLBACK_DUE));
const CENTRE = {
  dispatch: minutesClock('dispatch', 'created_at', 'dispatched_at', CONFIG.CENTRE_DISPATCH_LIMIT_MINUTES),
  review: minutesClock('reply_review', 'replied_at', 'approved_at', CONFIG.CENTRE_REPLY_REVIEW_LIMIT_MINUTES),
  retry: callbackClock('retry_at'),
  call: callbackClock('cb_at'),
  firstCall: callbackClock('coalesce(retry_at, cb_at)'),
};

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

// ---------------------------------------------------------------- the event streams

/** The ticket's status at an instant before its close (for an event that does not move it). */
const statusAt = (at: string) => `case when dispatched_at is null or ${at} < dispatched_at then 'awaiting_dispatch'
  when signed_at is null or ${at} < signed_at then 'awaiting_sign' when replied_at is null or ${at} < replied_at then 'in_progress'
  when approved_at is null or ${at} < approved_at then 'awaiting_review' when cb_at is null or ${at} < cb_at then 'awaiting_callback' else 'callback_disputed' end`;
const STATUS_NOW = `case when closed_at is not null then 'closed' when cb_at is not null then 'callback_disputed' when approved_at is not null then 'awaiting_callback'
  when replied_at is not null then 'awaiting_review' when signed_at is not null then 'in_progress' when dispatched_at is not null then 'awaiting_sign' else 'awaiting_dispatch' end`;
const unitAct = (from: string, to: string) => `'unitId', lead_unit_id, 'role', 'lead', 'assignmentFrom', '${from}', 'assignmentTo', '${to}'`;
const REPLY_TEXT = '已联系诉求人，问题已处理完毕。（合成答复）';
/** Contacts' ids: the ticket's own, then its repeat. */
const CONTACT_ID = 'id * 2';
const REPEAT_CONTACT_ID = 'id * 2 + 1';

type Staff = 'operator' | 'dispatcher' | 'callback_agent' | 'supervisor' | 'unit_handler';
/**
 * One kind of event. `chain`: its place among the lifecycle's own events, which happen in this order (those
 * present are the first ones, but for the optional callback_retry); the others (`float`: the sweep's warning, a
 * repeat contact) fall between them, after the chain events at or before their time.
 */
type EventSpec = { type: string; at: string; from: string; to: string; payload: string; public: string; assignment?: true; bump?: false; actor?: Staff } & (
  | { chain: string }
  | { float: 'warning' | 'repeat' }
);
const q = (s: string) => `'${s}'`;
/** In the order of a lifecycle. */
const EVENTS: EventSpec[] = [
  {
    type: q('ticket_created'), chain: '0', at: 'created_at', from: 'null', to: `case when disp in ('direct_answer', 'not_accepted') then 'closed' else 'awaiting_dispatch' end`, public: 'true', actor: 'operator',
    payload: `jsonb_build_object('channel', channel, 'categoryId', category_id, 'disposition', case when disp = 'pending' then 'dispatch' else disp end)
      || case disp when 'direct_answer' then jsonb_build_object('kbArticleId', s.kb_id) when 'not_accepted' then jsonb_build_object('reason', '不属于受理范围（合成）') else '{}'::jsonb end`,
  },
  {
    type: q('dispatch'), chain: '1', at: 'dispatched_at', from: q('awaiting_dispatch'), to: q('awaiting_sign'), public: 'true', actor: 'dispatcher',
    payload: `jsonb_build_object('leadUnitId', lead_unit_id, 'assistUnitIds', '[]'::jsonb, 'designate', false, 'note', null,
      'deadlines', jsonb_build_object(${CLOCKS.map((c) => `'${c}', ${iso(`${c}_due_at`)}`).join(', ')}), 'awaitingCalendar', '[]'::jsonb, 'centre', ${CENTRE.dispatch.json})`,
  },
  { type: q('sign'), chain: '2', at: 'signed_at', from: q('awaiting_sign'), to: q('in_progress'), public: 'true', assignment: true, actor: 'unit_handler', payload: `jsonb_build_object(${unitAct('awaiting_sign', 'in_progress')})` },
  {
    type: q('contact'), chain: '3', at: 'contact_at', from: q('in_progress'), to: q('in_progress'), public: 'false', assignment: true, actor: 'unit_handler',
    payload: `jsonb_build_object('method', 'phone', 'summary', '已电话联系诉求人，了解诉求详情。', 'contactedAt', ${iso('contact_at')}, 'recordedAt', ${iso('contact_at')},
      'backdateReason', null, ${unitAct('in_progress', 'in_progress')})`,
  },
  {
    type: q('sla_warning'), float: 'warning', at: 'warned_at', from: 'null', to: 'null', public: 'false', assignment: true, bump: false,
    payload: `jsonb_build_object('clock', 'complete', 'level', 'overdue', 'dueAt', ${iso('complete_due_at')}, 'markAt', ${iso('complete_due_at')}, 'cycle', 0,
      'unitId', lead_unit_id, 'reminderId', null, 'supervisionId', null)`,
  },
  { type: q('reply'), chain: '4', at: 'replied_at', from: q('in_progress'), to: q('awaiting_review'), public: 'true', assignment: true, actor: 'unit_handler', payload: `jsonb_build_object('content', '${REPLY_TEXT}', ${unitAct('in_progress', 'replied')})` },
  { type: q('approve_reply'), chain: '5', at: 'approved_at', from: q('awaiting_review'), to: q('awaiting_callback'), public: 'true', actor: 'dispatcher', payload: `jsonb_build_object('note', null, 'centre', ${CENTRE.review.json})` },
  {
    type: q('callback_retry'), chain: '6', at: 'retry_at', from: q('awaiting_callback'), to: q('awaiting_callback'), public: 'false', actor: 'callback_agent',
    payload: `jsonb_build_object('round', 1, 'attempt', 1, 'reached', false, 'solved', null, 'satisfaction', null, 'comment', null, 'centre', ${CENTRE.retry.json})`,
  },
  {
    type: `case when disputed then 'callback_dispute' else 'callback_close' end`, chain: '6 + (retry_at is not null)::int', at: 'cb_at', from: q('awaiting_callback'), to: `case when disputed then 'callback_disputed' else 'closed' end`,
    public: 'not disputed', actor: 'callback_agent',
    payload: `jsonb_build_object('round', 1, 'attempt', 1 + (retry_at is not null)::int, 'reached', true, 'solved', solved, 'satisfaction', satisfaction, 'comment', null, 'centre', ${CENTRE.call.json})`,
  },
  { type: q('close'), chain: '7 + (retry_at is not null)::int', at: 'case when disputed then closed_at end', from: q('callback_disputed'), to: q('closed'), public: 'true', actor: 'supervisor', payload: `jsonb_build_object('note', '已向诉求人解释说明，予以办结。（合成）')` },
  { type: q('contact_linked'), float: 'repeat', at: 'repeat_at', from: statusAt('repeat_at'), to: statusAt('repeat_at'), public: 'false', actor: 'operator', payload: `jsonb_build_object('contactId', ${REPEAT_CONTACT_ID}, 'channel', channel)` },
];
/**
 * Ids and versions follow time, as the product's do: a chain event's id is 3 × its place; a warning or repeat
 * contact falls into the gap after the last chain event at or before it (+1, +2; by time when both fall into
 * the same gap). The version counts the events that bump it (all but the sweep's warning, which records the
 * version it found). Ids leave gaps within a ticket, as the product's do.
 */
const EVENT_SLOTS = 32;
const FLOATS = ['warning', 'repeat'] as const;
const floatAt = (kind: (typeof FLOATS)[number]) => EVENTS.find((e) => 'float' in e && e.float === kind)!.at;
/** The gap a warning or repeat contact falls into: the chain events at or before it (a column of bench.t, computed once). */
const gapOf = (kind: (typeof FLOATS)[number]) => `${kind}_gap`;
const GAPS = () => FLOATS.map((f) => `${EVENTS.flatMap((e) => ('chain' in e ? [`coalesce((${e.at}) <= (${floatAt(f)}), false)::int`] : [])).join(' + ')} as ${gapOf(f)}`).join(', ');
/** Whether a repeat contact came first, both in the same gap. */
const REPEAT_FIRST = `coalesce(${gapOf('repeat')} = ${gapOf('warning')} and (${floatAt('repeat')}) < (${floatAt('warning')}), false)`;
const REPEAT_BEFORE = (t: string) => `coalesce((${floatAt('repeat')}) < (${t}), false)::int`;
function order(e: EventSpec): { pos: string; version: string } {
  if ('chain' in e) return { pos: `3 * (${e.chain})`, version: `(${e.chain}) + 1 + ${REPEAT_BEFORE(e.at)}` };
  const k = gapOf(e.float);
  const offset = e.float === 'warning' ? `case when ${REPEAT_FIRST} then 2 else 1 end` : `case when ${REPEAT_FIRST} then 1 else 2 end`;
  return { pos: `3 * (${k} - 1) + ${offset}`, version: e.float === 'warning' ? `${k} + ${REPEAT_BEFORE(e.at)}` : `${k} + 1` };
}
/** The ticket's version at now: every event but the warning bumps it. */
const TICKET_VERSION = EVENTS.filter((e) => e.bump !== false).map((e) => `(${e.at} is not null)::int`).join(' + ');

const STAFF = `(select (select id from users where username = 'operator1') as operator, (select id from users where username = 'dispatcher1') as dispatcher,
  (select id from users where username = 'callback1') as callback_agent, (select id from users where username = 'supervisor1') as supervisor,
  (select id from units where kind = 'centre' order by id limit 1) as centre_unit, (select min(id) from kb_articles) as kb_id) s`;
/** Each unit's handler (the first), who signs, contacts and replies for it. */
const HANDLER = `left join (select unit_id, min(id) as user_id from users where role = 'unit_handler' and active group by unit_id) h on h.unit_id = t.lead_unit_id`;
const actorOf = (a: Staff | undefined) =>
  !a ? ['null::int', 'null::role', 'null::int'] : a === 'unit_handler' ? ['h.user_id', `case when h.user_id is not null then 'unit_handler'::role end`, 'case when h.user_id is not null then lead_unit_id end'] : [`s.${a}`, `'${a}'::role`, 's.centre_unit'];

/** The events of the tickets with ids lo–hi. */
function eventsSql(lo: number, hi: number) {
  // Only for the events that happened: every row of the list is computed for every ticket.
  const ifAny = (e: EventSpec, x: string) => `case when (${e.at}) is not null then ${x} end`;
  const values = EVENTS.map((e) => {
    const o = order(e);
    return `((${e.type})::text, (${e.at})::timestamptz, ${e.assignment ? 'id' : 'null::bigint'}, (${ifAny(e, e.from)})::text, (${ifAny(e, e.to)})::text,
      (${ifAny(e, o.version)})::int, (${ifAny(e, o.pos)})::int, ${ifAny(e, e.payload)}, (${e.public})::boolean, ${actorOf(e.actor).join(', ')})`;
  });
  return `
    insert into ticket_events (id, ticket_id, assignment_id, type, actor_id, actor_role, actor_unit_id, from_status, to_status, version, payload, public, created_at)
    overriding system value
    select t.id * ${EVENT_SLOTS} + e.pos, t.id, e.assignment_id, e.type, e.actor_id, e.actor_role, e.actor_unit_id, e.from_status, e.to_status, e.version, e.payload, e.public, e.at
    from bench.t t cross join ${STAFF} ${HANDLER} cross join lateral (values
      ${values.join(',\n      ')}
    ) as e(type, at, assignment_id, from_status, to_status, version, pos, payload, public, actor_id, actor_role, actor_unit_id)
    where t.id between ${lo} and ${hi} and e.at is not null`;
}

/**
 * Runs a bulk-load statement over ranges of ticket ids at once, each on a connection of its own (as a session
 * of the load: no triggers or foreign-key checks): INSERT … SELECT never runs in parallel by itself, and the
 * events' payloads are CPU-bound. One range per core, at most 4.
 */
async function inParallel(url: string, n: number, statement: (lo: number, hi: number) => string) {
  const ways = Math.max(1, Math.min(4, os.availableParallelism(), Math.ceil(n / 50_000)));
  const conns = Array.from({ length: ways }, () => postgres(url, { max: 1, onnotice: () => {} }));
  try {
    await Promise.all(
      conns.map(async (c, i) => {
        await c.unsafe(`set session_replication_role = replica; set jit = off`);
        await c.unsafe(statement(Math.floor((n * i) / ways) + 1, Math.floor((n * (i + 1)) / ways)));
      }),
    );
  } finally {
    await Promise.all(conns.map((c) => c.end()));
  }
}

/** The tables bulk-loaded by the generator, whose secondary indexes are rebuilt after the load. */
const BULK_TABLES = ['tickets', 'contacts', 'assignments', 'callbacks', 'ticket_events'];

/** Generates `n` tickets (and everything derived) into a migrated, seeded database (`sql` on `url`). */
export async function generate(sql: Sql, url: string, n: number, log: (m: string) => void = () => {}): Promise<GenerateResult> {
  const seconds: Record<string, number> = {};
  const chunk = 1_000_000;
  // Long generated expressions: JIT compiling them took longer than running them (40 s for 20,000 tickets).
  await sql.unsafe(`set jit = off`);
  const sla = await timed(seconds, 'setup', async () => {
    await addSyntheticUnits(sql);
    await slotTables(sql);
    await sql.unsafe(`
      drop table if exists bench.t0;
      create unlogged table bench.t0 (id bigint, created_at timestamptz, category_id int, street_id int, district_id int, lead_unit_id int, channel channel, disp text,
        dispatched0 timestamptz, r_sign float8, r_ct float8, r_reply float8, r_rev float8, r_cbt float8, r_cb float8, r_sol float8, r_sat float8, r_cl float8, r_rep float8, r_rpt float8)`);
    return slaLookups(sql, url);
  }, log);
  await timed(seconds, 'stage', async () => {
    for (let lo = 1; lo <= n; lo += chunk) await stage(sql, lo, Math.min(n, lo + chunk - 1));
    await sla.instant(sql);
    await sql.unsafe(`analyze bench.t0, bench.policy_map, bench.policy_terms, bench.day_due, bench.instant_due`);
  }, log);
  await timed(seconds, 'lifecycles', async () => {
    await lifecycles(sql, sla.dayEnd);
    await sql.unsafe(`drop table bench.t0`);
  }, log);
  // Bulk load: triggers (the metrics queue) and foreign-key checks off for this session, and the big tables'
  // secondary indexes dropped and rebuilt afterwards (one sorted build each instead of ~10 M random inserts).
  const secondary = await sql.unsafe<{ name: string; def: string }[]>(`
    select indexname as name, indexdef as def from pg_indexes
    where schemaname = 'public' and tablename in (${BULK_TABLES.map((t) => `'${t}'`).join(', ')})
      and indexname not in (select conname from pg_constraint where contype in ('p', 'u', 'x'))`);
  for (const ix of secondary) await sql.unsafe(`drop index ${ix.name}`);
  await sql.unsafe(`set session_replication_role = replica`);
  await timed(seconds, 'tickets', () =>
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
  log);
  await timed(seconds, 'assignments', () =>
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
  log);
  await timed(seconds, 'contacts', () =>
    sql.unsafe(`
      insert into contacts (id, ticket_id, channel, is_repeat, caller_phone, content, created_by, created_at)
      overriding system value
      select c.id, t.id, t.channel, c.repeat, '13' || lpad((t.id % 1000000000)::text, 9, '0'), '合成的诉求内容，用于性能测试。编号 ' || t.id, s.operator, c.at
      from bench.t t cross join ${STAFF}
        cross join lateral (values (${CONTACT_ID}, false, created_at), (${REPEAT_CONTACT_ID}, true, repeat_at)) as c(id, repeat, at)
      where c.at is not null`),
  log);
  await timed(seconds, 'callbacks', () =>
    sql.unsafe(`
      insert into callbacks (ticket_id, round, attempt, reached, solved, satisfaction, agent_id, created_at)
      select id, 1, 1, false, null, null, s.callback_agent, retry_at from bench.t cross join ${STAFF} where retry_at is not null
      union all
      select id, 1, 1 + (retry_at is not null)::int, true, solved::solved_result, satisfaction::satisfaction, s.callback_agent, cb_at from bench.t cross join ${STAFF} where cb_at is not null;
      insert into sla_alerts (assignment_id, clock, level, cycle, fired_at) select id, 'complete', 'overdue', 0, warned_at from bench.t where warned_at is not null`),
  log);
  await timed(seconds, 'events', () => inParallel(url, n, eventsSql), log);
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
      select setval(pg_get_serial_sequence('contacts', 'id'), (select max(id) from contacts));
      insert into metrics_rollup_state (id, last_run_at, events_processed) values (1, now(), (select count(*) from ticket_events))
        on conflict (id) do update set last_run_at = excluded.last_run_at, events_processed = excluded.events_processed;`);
    await sql.unsafe(`vacuum analyze`);
  }, log);
  const [c] = await sql.unsafe(`select (select count(*) from tickets)::bigint as tickets, (select count(*) from assignments)::bigint as assignments,
    (select count(*) from ticket_events)::bigint as events, (select count(*) from callbacks)::bigint as callbacks`);
  return { tickets: Number(c!.tickets), assignments: Number(c!.assignments), events: Number(c!.events), callbacks: Number(c!.callbacks), rollupRows, seconds };
}

// ---------------------------------------------------------------- the rollups

/** One kind of contribution: the rows of bench.t it comes from, its day and unit, and what it adds to which counter. */
type Contribution = { where: string; day: string; unit: string; counts: Partial<Record<Counter, string>> };

/** The lead's completion clock judged missed: the sweep's overdue, or a reply after the deadline (on the deadline's day). */
const MISSED = `coalesce(complete_due_at is not null and (warned_at is not null or replied_at > complete_due_at), false)`;
const RESPONDED = `(contact_at is not null and (response_due_at is null or contact_at <= response_due_at))::int`;
const SIGNED = `(signed_at is not null and (sign_due_at is null or signed_at <= sign_due_at))::int`;
const DISPATCHED = 'dispatched_at is not null';

/** What the fold (contributions.ts) adds for the lifecycles above, event by event, as counters over bench.t. */
const CONTRIBUTIONS: Contribution[] = [
  // ticket_created, contact_linked (the centre, on the contact's day)
  { where: 'true', day: day('created_at'), unit: '0', counts: { contacts: '1', directAnswers: `(disp = 'direct_answer')::int`, notAccepted: `(disp = 'not_accepted')::int` } },
  { where: 'repeat_at is not null', day: day('repeat_at'), unit: '0', counts: { contacts: '1', repeatContacts: '1' } },
  // dispatch-day cohort: dispatch, sign, reply, close
  { where: DISPATCHED, day: day('dispatched_at'), unit: 'lead_unit_id', counts: { dispatched: '1', leadDispatched: '1', signedOnTime: SIGNED, replied: '(replied_at is not null)::int', completed: '(closed_at is not null)::int' } },
  // due-day cohorts: the response clock (met by the contact), the completion clock (replied, closed); no deadline: the dispatch day
  { where: DISPATCHED, day: day('coalesce(response_due_at, dispatched_at)'), unit: 'lead_unit_id', counts: { responseDue: '1', leadResponseDue: '1', respondedOnTime: RESPONDED, leadRespondedOnTime: RESPONDED } },
  {
    where: DISPATCHED, day: day('coalesce(complete_due_at, dispatched_at)'), unit: 'lead_unit_id',
    counts: { completeDue: '1', leadCompleteDue: '1', repliedDue: '(replied_at is not null)::int', completedDue: '(closed_at is not null)::int' },
  },
  // 按时办结率: missed on the deadline's day, else judged at the close
  { where: `${DISPATCHED} and ${MISSED}`, day: day('complete_due_at'), unit: 'lead_unit_id', counts: { completionJudged: '1' } },
  { where: `${DISPATCHED} and closed_at is not null`, day: day('closed_at'), unit: 'lead_unit_id', counts: { closed: '1', completionJudged: `(not ${MISSED})::int`, closedOnTime: `(not ${MISSED})::int` } },
  // callback attempts (the lead unit, on the call's day)
  { where: 'retry_at is not null', day: day('retry_at'), unit: 'lead_unit_id', counts: { callbackAttempts: '1' } },
  {
    where: 'cb_at is not null', day: day('cb_at'), unit: 'lead_unit_id',
    counts: {
      callbacksConcluded: '1', callbackAttempts: '1', callbacksValid: '(solved is not null or satisfaction is not null)::int', solvedAnswers: '(solved is not null)::int',
      solved: `(solved = 'solved')::int`, partlySolved: `(solved = 'partly')::int`, rated: '(satisfaction is not null)::int',
      satisfied: `(satisfaction = 'satisfied')::int`, basicallySatisfied: `(satisfaction = 'basically_satisfied')::int`,
    },
  },
  // the centre's own clocks, on the decision's day: the dispatch, the reply's review, the round's first call
  { where: DISPATCHED, day: day('dispatched_at'), unit: '0', counts: { dispatchDecisions: '1', dispatchWaitMinutes: CENTRE.dispatch.waited, dispatchOnTime: `${CENTRE.dispatch.onTime}::int` } },
  { where: 'approved_at is not null', day: day('approved_at'), unit: '0', counts: { reviewsDecided: '1', reviewsOnTime: `${CENTRE.review.onTime}::int` } },
  { where: 'coalesce(retry_at, cb_at) is not null', day: day('coalesce(retry_at, cb_at)'), unit: '0', counts: { callbackRounds: '1', callbacksOnTime: `${CENTRE.firstCall.onTime}::int` } },
];

const COLUMNS = COUNTERS.map(counterColumn);

/**
 * The rollup rows the rollup job would derive from the generated events (contributions.ts, for the
 * lifecycles the generator writes), at every grain (the subtree grain: each unit's monthly row also
 * counted for every unit on its path, all channels together). Replaces whatever the rollup tables held.
 * Each kind of contribution is summed on its own (a narrow aggregate), then the kinds are added per key.
 */
export async function computeRollups(sql: Sql): Promise<number> {
  const list = COLUMNS.join(', ');
  const sums = COLUMNS.map((c) => `sum(${c})::int`).join(', ');
  const parts = CONTRIBUTIONS.map(
    (k) => `select ${k.day} as day, (${k.unit})::int as unit_id, category_id, channel, ${COUNTERS.map((c, i) => `${k.counts[c] ? `sum(${k.counts[c]})::int` : '0'} as ${COLUMNS[i]}`).join(', ')}
      from bench.t where ${k.where} group by 1, 2, 3, 4`,
  );
  // The finest grain into a table of its own first: CREATE TABLE AS may run in parallel (INSERT … SELECT may not).
  await sql.unsafe(`
    set jit = off;
    drop table if exists bench.daily;
    create unlogged table bench.daily as
    select day, unit_id, category_id, channel, ${COLUMNS.map((c) => `sum(${c})::int as ${c}`).join(', ')} from (
      ${parts.join('\n      union all\n      ')}
    ) d group by 1, 2, 3, 4;
    truncate metrics_daily, metrics_unit_daily, metrics_unit_monthly, metrics_subtree_monthly, metrics_category_monthly, metrics_queue;
    insert into metrics_daily (day, unit_id, category_id, channel, appealed, ${list}) select day, unit_id, category_id, channel, false, ${list} from bench.daily;
    drop table bench.daily;
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
