/** The metric rollups the rollup job would derive from the generated events, computed in SQL from bench.t. */
import type { Sql } from 'postgres';
import { COUNTERS, counterColumn, type Counter } from '../../../src/domain/metrics/counters.ts';
import { CENTRE } from './deadlines.ts';
import { day } from './sql.ts';

/** One kind of contribution: the rows of bench.t it comes from, its day and unit, and what it adds to which counter. */
export type Contribution = { where: string; day: string; unit: string; counts: Partial<Record<Counter, string>> };

/** The lead's completion clock judged missed: the sweep's overdue, or a reply after the deadline (on the deadline's day). */
const MISSED = `coalesce(complete_due_at is not null and (warned_at is not null or replied_at > complete_due_at), false)`;
const RESPONDED = `(contact_at is not null and (response_due_at is null or contact_at <= response_due_at))::int`;
const SIGNED = `(signed_at is not null and (sign_due_at is null or signed_at <= sign_due_at))::int`;
const DISPATCHED = 'dispatched_at is not null';

/** What the fold (contributions.ts) adds for the lifecycles above, event by event, as counters over bench.t. */
export const CONTRIBUTIONS: Contribution[] = [
  // ticket_created, contact_linked (the centre, on the contact's day)
  {
    where: 'true',
    day: day('created_at'),
    unit: '0',
    counts: { contacts: '1', directAnswers: `(disp = 'direct_answer')::int`, notAccepted: `(disp = 'not_accepted')::int` },
  },
  { where: 'repeat_at is not null', day: day('repeat_at'), unit: '0', counts: { contacts: '1', repeatContacts: '1' } },
  // dispatch-day cohort: dispatch, sign, reply, close
  {
    where: DISPATCHED,
    day: day('dispatched_at'),
    unit: 'lead_unit_id',
    counts: { dispatched: '1', leadDispatched: '1', signedOnTime: SIGNED, replied: '(replied_at is not null)::int', completed: '(closed_at is not null)::int' },
  },
  // due-day cohorts: the response clock (met by the contact), the completion clock (replied, closed); no deadline: the dispatch day
  {
    where: DISPATCHED,
    day: day('coalesce(response_due_at, dispatched_at)'),
    unit: 'lead_unit_id',
    counts: { responseDue: '1', leadResponseDue: '1', respondedOnTime: RESPONDED, leadRespondedOnTime: RESPONDED },
  },
  {
    where: DISPATCHED,
    day: day('coalesce(complete_due_at, dispatched_at)'),
    unit: 'lead_unit_id',
    counts: { completeDue: '1', leadCompleteDue: '1', repliedDue: '(replied_at is not null)::int', completedDue: '(closed_at is not null)::int' },
  },
  // 按时办结率: missed on the deadline's day, else judged at the close
  { where: `${DISPATCHED} and ${MISSED}`, day: day('complete_due_at'), unit: 'lead_unit_id', counts: { completionJudged: '1' } },
  {
    where: `${DISPATCHED} and closed_at is not null`,
    day: day('closed_at'),
    unit: 'lead_unit_id',
    counts: { closed: '1', completionJudged: `(not ${MISSED})::int`, closedOnTime: `(not ${MISSED})::int` },
  },
  // callback attempts (the lead unit, on the call's day)
  { where: 'retry_at is not null', day: day('retry_at'), unit: 'lead_unit_id', counts: { callbackAttempts: '1' } },
  {
    where: 'cb_at is not null',
    day: day('cb_at'),
    unit: 'lead_unit_id',
    counts: {
      callbacksConcluded: '1',
      callbackAttempts: '1',
      callbacksValid: '(solved is not null or satisfaction is not null)::int',
      solvedAnswers: '(solved is not null)::int',
      solved: `(solved = 'solved')::int`,
      partlySolved: `(solved = 'partly')::int`,
      rated: '(satisfaction is not null)::int',
      satisfied: `(satisfaction = 'satisfied')::int`,
      basicallySatisfied: `(satisfaction = 'basically_satisfied')::int`,
    },
  },
  // 回访率: the approved reply opens a round, due on its day for the lead unit; made when a call follows (same day)
  {
    where: 'approved_at is not null',
    day: day('approved_at'),
    unit: 'lead_unit_id',
    counts: { callbacksDue: '1', callbacksMade: '(coalesce(retry_at, cb_at) is not null)::int' },
  },
  // the centre's own clocks, on the decision's day: the dispatch, the reply's review, the round's first call
  {
    where: DISPATCHED,
    day: day('dispatched_at'),
    unit: '0',
    counts: { dispatchDecisions: '1', dispatchWaitMinutes: CENTRE.dispatch.waited, dispatchOnTime: `${CENTRE.dispatch.onTime}::int` },
  },
  { where: 'approved_at is not null', day: day('approved_at'), unit: '0', counts: { reviewsDecided: '1', reviewsOnTime: `${CENTRE.review.onTime}::int` } },
  {
    where: 'coalesce(retry_at, cb_at) is not null',
    day: day('coalesce(retry_at, cb_at)'),
    unit: '0',
    counts: { callbackRounds: '1', callbacksOnTime: `${CENTRE.firstCall.onTime}::int` },
  },
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
    (
      k,
    ) => `select ${k.day} as day, (${k.unit})::int as unit_id, category_id, channel, ${COUNTERS.map((c, i) => `${k.counts[c] ? `sum(${k.counts[c]})::int` : '0'} as ${COLUMNS[i]}`).join(', ')}
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
