/**
 * The deadlines the generated lifecycles run against, as the product sets them: each dispatch's SLA
 * deadlines (the product's policy matching and clock arithmetic, joined in SQL) and the centre's own clocks
 * (what centreDecision records), as SQL over bench.t's columns.
 */
import type { Sql } from 'postgres';
import { connect } from '../../../db/client.ts';
import { dayNumberOf, dayString, hhmmOf, localInstant, type TimeUnit } from '../../../src/domain/calendar/calendar.ts';
import { loadCalendar } from '../../../src/domain/calendar/store.ts';
import type { CentreClock } from '../../../src/domain/centre/clocks.ts';
import { CLOCKS, startAllClocks, type Clock, type SlaTerms } from '../../../src/domain/sla/clocks.ts';
import { termsOf } from '../../../src/domain/sla/matching.ts';
import { matchPolicy } from '../../../src/domain/sla/policies.ts';
import { CHANNELS, CONFIG, DATASET_NOW, iso, YEAR_START } from './sql.ts';

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
export async function slaLookups(sql: Sql, url: string): Promise<{ dayEnd: string; instant: (sql: Sql) => Promise<void> }> {
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
export const deadline = (clock: Clock, d: string) => `case pt.${clock}_unit
      when 'natural_minutes' then ${d} + round(pt.${clock}_amount * 60000) * interval '1 millisecond'
      when 'natural_hours' then ${d} + round(pt.${clock}_amount * 3600000) * interval '1 millisecond'
      when 'working_hours' then iu.${clock} else dd.${clock} end`;

/* The centre's own clocks (src/domain/centre/clocks.ts) */

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
const minutesClock = (clock: CentreClock, since: string, at: string, minutes: number) =>
  centre(clock, since, at, `(${since}) + interval '${minutes} minutes'`, String(minutes));
/** The callback falls due at 00:00 CALLBACK_DUE_DAYS after the approval and is late once that day is over. */
const CALLBACK_DUE = `((((approved_at at time zone 'Asia/Shanghai')::date + ${CONFIG.CALLBACK_DUE_DAYS + 1})::timestamp) at time zone 'Asia/Shanghai')`;
const callbackClock = (at: string) => centre('callback', 'approved_at', at, CALLBACK_DUE, waitedMinutes('approved_at', CALLBACK_DUE));
export const CENTRE = {
  dispatch: minutesClock('dispatch', 'created_at', 'dispatched_at', CONFIG.CENTRE_DISPATCH_LIMIT_MINUTES),
  review: minutesClock('reply_review', 'replied_at', 'approved_at', CONFIG.CENTRE_REPLY_REVIEW_LIMIT_MINUTES),
  retry: callbackClock('retry_at'),
  call: callbackClock('cb_at'),
  firstCall: callbackClock('coalesce(retry_at, cb_at)'),
};
