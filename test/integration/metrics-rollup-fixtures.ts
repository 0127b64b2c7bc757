/**
 * The world the rollup test (./metrics-rollup.test.ts) runs in, and its oracle: every counter recomputed in one
 * SQL statement from the raw tables, and the rollup's grains compared with it.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import type { Database } from '../../db/client.ts';
import { type metricsDaily, units } from '../../db/schema/index.ts';
import { freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { makeKbArticle, makeWorld, seedCalendar, type World } from '../setup/world.ts';
import { journeyDriver, naturalHoursPolicy, type JourneyDriver } from './metrics-journeys.ts';
import { COUNTERS, type Counter } from '../../src/domain/metrics/counters.ts';
import { GRAINS, monthOf, type Grain } from '../../src/domain/metrics/grains.ts';

export const MIN = 60_000;
export let database: Database;
export let deps: TestDeps;
export let w: World;
export let d: JourneyDriver;
export let kbId: number;

export function useRollupWorld() {
  beforeAll(async () => {
    database = await freshDatabase();
    deps = makeDeps(database, { CALLBACK_MAX_ATTEMPTS: 2 }, '2026-03-30T02:00:00.000Z');
    w = await makeWorld(deps.db);
    await seedCalendar(deps.db);
    d = await journeyDriver(deps, w);
    kbId = (await makeKbArticle(deps.db, '居住证办理', '携带身份证到派出所办理')).id;
    await naturalHoursPolicy(deps, w, { sign: 3, response: 6, complete: 30 });
  });
  afterAll(async () => {
    await database?.close();
  });
}

// ---------------------------------------------------------------- the oracle

const SH = (col: string) => `to_char((${col} at time zone 'Asia/Shanghai')::date, 'YYYY-MM-DD')`;

/**
 * Every counter recomputed from the raw tables, as "day|unit|category|channel|appealed" → counter → n.
 * Each fact keeps its ticket, so that an approved appeal for (ticket, unit) puts it on the appealed side.
 */
async function oracle(): Promise<Map<string, Partial<Record<Counter, number>>>> {
  const rows = await database.query<{
    day: string;
    unit_id: number;
    category_id: number;
    channel: string;
    counter: Counter;
    appealed: boolean;
    n: string | number;
  }>(`
    with a as (
      select a.*, ${SH('a.dispatched_at')} as dday, ${SH('coalesce(a.response_due_at, a.dispatched_at)')} as rday, ${SH('coalesce(a.complete_due_at, a.dispatched_at)')} as cday,
        t.category_id, t.channel::text as channel, t.closed_at, t.redo_count, t.close_reason,
        (select min(e.id) from ticket_events e where e.ticket_id = a.ticket_id and e.type = 'dispatch' and e.created_at = a.dispatched_at) as dispatch_id
      from assignments a join tickets t on t.id = a.ticket_id
    ),
    cb as (
      select c.*, ${SH('c.created_at')} as day, t.category_id, t.channel::text as channel,
        (select l.unit_id from assignments l where l.ticket_id = c.ticket_id and l.role = 'lead' and l.dispatched_at <= c.created_at
          order by l.dispatched_at desc, l.id desc limit 1) as unit_id
      from callbacks c join tickets t on t.id = c.ticket_id
    ),
    -- Response: the first contact, before the unit's first reply and before the ticket left the units, by the deadline.
    first_contact as (select distinct on (assignment_id) assignment_id, id, coalesce((payload->>'contactedAt')::timestamptz, created_at) as at
      from ticket_events where type = 'contact' order by assignment_id, id),
    first_reply as (select assignment_id, min(id) as id from ticket_events where type = 'reply' group by 1),
    stopped as (select a.id as assignment_id, min(e.id) as id from a join ticket_events e on e.ticket_id = a.ticket_id and e.id > a.dispatch_id
      and (e.type in ('approve_reply', 'approve_return') or (e.to_status = 'closed' and e.from_status <> 'closed')) group by 1),
    responded as (
      select a.* from a join first_contact fc on fc.assignment_id = a.id
        left join first_reply fr on fr.assignment_id = a.id left join stopped st on st.assignment_id = a.id
      where fc.id < coalesce(fr.id, 9e18) and fc.id < coalesce(st.id, 9e18) and (a.response_due_at is null or fc.at <= a.response_due_at)
    ),
    -- 按时办结率: the lead's completion deadline over time (dispatch, approved extensions, reopens), its first miss, else the close.
    deadline(assignment_id, event_id, due) as (
      select a.id, a.dispatch_id, (e.payload->'deadlines'->>'complete')::timestamptz from a join ticket_events e on e.id = a.dispatch_id
      union all select (payload->>'assignmentId')::bigint, id, (payload->>'newDueAt')::timestamptz from ticket_events where type = 'approve_extension'
      union all select (payload->>'assignmentId')::bigint, id, (payload->>'completeDueAt')::timestamptz from ticket_events where type = 'reopen' and payload ? 'completeDueAt'
    ),
    evidence(assignment_id, event_id, day) as (
      select e.assignment_id, e.id, ${SH("(e.payload->>'dueAt')::timestamptz")} from ticket_events e
        where e.type = 'sla_warning' and e.payload->>'level' = 'overdue' and e.payload->>'clock' = 'complete'
      union all select (payload->>'assignmentId')::bigint, id, ${SH("(payload->>'missedAt')::timestamptz")} from ticket_events where type = 'approve_extension' and payload->>'missedAt' is not null
      union all select e.assignment_id, e.id, ${SH('d.due')} from ticket_events e
        cross join lateral (select due from deadline where deadline.assignment_id = e.assignment_id and deadline.event_id < e.id order by deadline.event_id desc limit 1) d
        where e.type in ('reply', 'request_termination') and d.due is not null and e.created_at > d.due
    ),
    missed as (select distinct on (v.assignment_id) a.*, v.day as mday from evidence v join a on a.id = v.assignment_id and a.role = 'lead' order by v.assignment_id, v.event_id),
    finished as (
      select a.*, coalesce(case when a.close_reason = 'terminated' then
        (select max(e.created_at) from ticket_events e where e.assignment_id = a.id and e.type = 'request_termination') end, a.replied_at, a.closed_at) as fin
      from a where a.role = 'lead' and a.status = 'closed' and a.id not in (select id from missed)
    ),
    centre as (
      select e.*, ${SH('e.created_at')} as day, t.category_id, t.channel::text as channel, e.payload->'centre'->>'clock' as clock, (e.payload->'centre'->>'onTime')::boolean as on_time
      from ticket_events e join tickets t on t.id = e.ticket_id where e.payload ? 'centre'
    ),
    round_first as (
      select distinct on (ap.id) c.* from ticket_events ap join centre c on c.ticket_id = ap.ticket_id and c.id > ap.id and c.clock = 'callback'
      where ap.type = 'approve_reply' order by ap.id, c.id
    ),
    -- 回访率: each approved reply opens a round, due on its day for the top-level lead then; made when a call follows
    -- before the next approved reply. Approved terminations are due too (counted apart).
    rounds as (
      select ap.ticket_id, ap.type, ${SH('ap.created_at')} as day, t.category_id, t.channel::text as channel,
        (select l.unit_id from assignments l where l.ticket_id = ap.ticket_id and l.role = 'lead' and l.parent_id is null and l.dispatched_at <= ap.created_at
          order by l.dispatched_at desc, l.id desc limit 1) as unit_id,
        exists (select 1 from ticket_events c where c.ticket_id = ap.ticket_id and c.id > ap.id and c.type like 'callback\\_%'
          and not exists (select 1 from ticket_events n where n.ticket_id = ap.ticket_id and n.type = 'approve_reply' and n.id > ap.id and n.id < c.id)) as made
      from ticket_events ap join tickets t on t.id = ap.ticket_id where ap.type in ('approve_reply', 'approve_termination')
    ),
    -- 好差评: a rating and what its verification became, on the rating's day for the unit rated.
    rt as (
      select r.ticket_id, ${SH('r.created_at')} as day, r.unit_id, r.level, t.category_id, t.channel::text as channel, v.status,
        v.rectify_due_at is null or v.rectified_at <= v.rectify_due_at as rectified_on_time
      from citizen_ratings r join tickets t on t.id = r.ticket_id left join rating_verifications v on v.rating_id = r.id where r.unit_id is not null
    ),
    facts(ticket_id, day, unit_id, category_id, channel, counter, n) as (
      select t.id, ${SH('e.created_at')}, 0, t.category_id, coalesce(e.payload->>'channel', t.channel::text), 'contacts', 1
        from ticket_events e join tickets t on t.id = e.ticket_id where e.type in ('ticket_created', 'contact_linked')
      union all select t.id, ${SH('e.created_at')}, 0, t.category_id, coalesce(e.payload->>'channel', t.channel::text), 'repeatContacts', 1
        from ticket_events e join tickets t on t.id = e.ticket_id where e.type = 'contact_linked'
      union all select t.id, ${SH('t.created_at')}, 0, t.category_id, t.channel::text, 'repeatContacts', 1 from tickets t where t.close_reason = 'merged'
      union all select t.id, ${SH('t.created_at')}, 0, t.category_id, t.channel::text, 'directAnswers', 1 from tickets t where t.close_reason = 'direct_answer'
      union all select t.id, ${SH('t.created_at')}, 0, t.category_id, t.channel::text, 'notAccepted', 1 from tickets t where t.close_reason = 'not_accepted'
      union all select ticket_id, dday, unit_id, category_id, channel, 'dispatched', 1 from a
      union all select a.ticket_id, a.dday, a.unit_id, a.category_id, a.channel, 'signedOnTime', 1 from a left join stopped st on st.assignment_id = a.id
        where a.signed_at is not null and (a.sign_due_at is null or a.signed_at <= a.sign_due_at)
          and (st.id is null or (select min(e.id) from ticket_events e where e.type = 'sign' and e.assignment_id = a.id) < st.id)
      union all select ticket_id, dday, unit_id, category_id, channel, 'replied', 1 from a where replied_at is not null
      union all select ticket_id, dday, unit_id, category_id, channel, 'leadDispatched', 1 from a where role = 'lead'
      union all select ticket_id, dday, unit_id, category_id, channel, 'leadReturned', 1 from a where role = 'lead' and status = 'returned'
      union all select ticket_id, dday, unit_id, category_id, channel, 'completed', 1 from a where role = 'lead' and status = 'closed'
      union all select ticket_id, rday, unit_id, category_id, channel, 'responseDue', 1 from a
      union all select ticket_id, rday, unit_id, category_id, channel, 'leadResponseDue', 1 from a where role = 'lead'
      union all select ticket_id, rday, unit_id, category_id, channel, 'respondedOnTime', 1 from responded
      union all select ticket_id, rday, unit_id, category_id, channel, 'leadRespondedOnTime', 1 from responded where role = 'lead'
      union all select ticket_id, cday, unit_id, category_id, channel, 'completeDue', 1 from a
      union all select ticket_id, cday, unit_id, category_id, channel, 'repliedDue', 1 from a where replied_at is not null
      union all select ticket_id, cday, unit_id, category_id, channel, 'leadCompleteDue', 1 from a where role = 'lead'
      union all select ticket_id, cday, unit_id, category_id, channel, 'completedDue', 1 from a where role = 'lead' and status = 'closed'
      union all select ticket_id, cday, unit_id, category_id, channel, 'leadCompleteReturned', 1 from a where role = 'lead' and status = 'returned'
      union all select ticket_id, mday, unit_id, category_id, channel, 'completionJudged', 1 from missed
      union all select ticket_id, ${SH('closed_at')}, unit_id, category_id, channel, 'completionJudged', 1 from finished
      union all select ticket_id, ${SH('closed_at')}, unit_id, category_id, channel, 'closedOnTime', 1 from finished where complete_due_at is null or fin <= complete_due_at
      union all select ticket_id, ${SH('closed_at')}, unit_id, category_id, channel, 'closed', 1 from a where role = 'lead' and status = 'closed'
      union all select ticket_id, ${SH('closed_at')}, unit_id, category_id, channel, 'closedRedone', 1 from a where role = 'lead' and status = 'closed' and redo_count > 0
      union all select ticket_id, ${SH('closed_at')}, unit_id, category_id, channel, 'callbacksConcluded', 1 from a where role = 'lead' and status = 'closed' and close_reason = 'unreached'
      union all select t.id, ${SH('e.created_at')}, r.unit_id, t.category_id, t.channel::text, 'reopened', 1
        from ticket_events e join tickets t on t.id = e.ticket_id join assignments r on r.id = (e.payload->>'assignmentId')::bigint where e.type = 'reopen'
      union all select ticket_id, day, unit_id, category_id, channel, 'callbacksDue', 1 from rounds where type = 'approve_reply' and unit_id is not null
      union all select ticket_id, day, unit_id, category_id, channel, 'callbacksMade', 1 from rounds where type = 'approve_reply' and unit_id is not null and made
      union all select ticket_id, day, unit_id, category_id, channel, 'callbacksDueTerminated', 1 from rounds where type = 'approve_termination' and unit_id is not null
      union all select ticket_id, day, unit_id, category_id, channel, 'callbackAttempts', 1 from cb
      union all select ticket_id, day, unit_id, category_id, channel, 'callbacksConcluded', 1 from cb where reached
      union all select ticket_id, day, unit_id, category_id, channel, 'callbacksValid', 1 from cb where reached and (solved is not null or satisfaction is not null)
      union all select ticket_id, day, unit_id, category_id, channel, 'solvedAnswers', 1 from cb where solved is not null
      union all select ticket_id, day, unit_id, category_id, channel, 'solved', 1 from cb where solved = 'solved'
      union all select ticket_id, day, unit_id, category_id, channel, 'partlySolved', 1 from cb where solved = 'partly'
      union all select ticket_id, day, unit_id, category_id, channel, 'rated', 1 from cb where satisfaction is not null
      union all select ticket_id, day, unit_id, category_id, channel, 'satisfied', 1 from cb where satisfaction = 'satisfied'
      union all select ticket_id, day, unit_id, category_id, channel, 'basicallySatisfied', 1 from cb where satisfaction = 'basically_satisfied'
      union all select ticket_id, day, 0, category_id, channel, 'dispatchDecisions', 1 from centre where clock = 'dispatch'
      union all select ticket_id, day, 0, category_id, channel, 'dispatchWaitMinutes', (payload->'centre'->>'waitedMinutes')::int from centre where clock = 'dispatch'
      union all select ticket_id, day, 0, category_id, channel, 'dispatchOnTime', 1 from centre where clock = 'dispatch' and on_time
      union all select ticket_id, day, 0, category_id, channel, 'reviewsDecided', 1 from centre where clock like '%_review'
      union all select ticket_id, day, 0, category_id, channel, 'reviewsOnTime', 1 from centre where clock like '%_review' and on_time
      union all select ticket_id, day, 0, category_id, channel, 'callbackRounds', 1 from round_first
      union all select ticket_id, day, 0, category_id, channel, 'callbacksOnTime', 1 from round_first where on_time
      union all select ticket_id, day, unit_id, category_id, channel, 'ratingsMade', 1 from rt
      union all select ticket_id, day, unit_id, category_id, channel, 'ratingsGood', 1 from rt where level not in ('dissatisfied', 'very_dissatisfied')
      union all select ticket_id, day, unit_id, category_id, channel, 'ratingsBad', 1 from rt where level in ('dissatisfied', 'very_dissatisfied')
      union all select ticket_id, day, unit_id, category_id, channel, 'badDismissed', 1 from rt where status = 'dismissed'
      union all select ticket_id, day, unit_id, category_id, channel, 'badConfirmed', 1 from rt where status in ('confirmed', 'rectified')
      union all select ticket_id, day, unit_id, category_id, channel, 'badRectified', 1 from rt where status = 'rectified'
      union all select ticket_id, day, unit_id, category_id, channel, 'badRectifiedOnTime', 1 from rt where status = 'rectified' and rectified_on_time
    )
    select f.day, f.unit_id, f.category_id, f.channel, f.counter,
      exists (select 1 from appeals p where p.status = 'approved' and p.ticket_id = f.ticket_id and p.unit_id = f.unit_id) as appealed,
      sum(f.n) as n
    from facts f group by 1, 2, 3, 4, 5, 6
  `);
  const out = new Map<string, Partial<Record<Counter, number>>>();
  for (const r of rows) {
    const key = `${r.day}|${r.unit_id}|${r.category_id}|${r.channel}|${r.appealed}`;
    const row = out.get(key) ?? {};
    row[r.counter] = (row[r.counter] ?? 0) + Number(r.n);
    out.set(key, row);
  }
  return out;
}

/** The rollup table as the same map, zero counters and all-zero rows left out. */
type Figures = Map<string, Partial<Record<Counter, number>>>;

/** One grain of the rollup as "time|unit|category|channel|appealed" (0 for a dimension the grain sums over), zero counters left out. */
export async function rolledUp(grain: Grain = GRAINS[0]!): Promise<Figures> {
  const rows = (await deps.db.select().from(grain.table as typeof metricsDaily)) as unknown as Record<string, unknown>[];
  const out: Figures = new Map();
  for (const r of rows) {
    const counts = Object.fromEntries(COUNTERS.filter((c) => r[c] !== 0).map((c) => [c, r[c] as number]));
    if (Object.keys(counts).length) out.set(`${r[grain.time]}|${r.unitId ?? 0}|${r.categoryId ?? 0}|${r.channel ?? ''}|${r.appealed}`, counts);
  }
  return out;
}

/** The oracle's figures summed to a coarser grain (a subtree grain: each unit's also credited to every unit on its path, all channels together). */
function atGrain(figures: Figures, grain: Grain, paths: ReadonlyMap<number, string>): Figures {
  const out: Figures = new Map();
  for (const [key, counts] of figures) {
    const [day, unit, category, channel, appealed] = key.split('|');
    const unitIds = !grain.dims.includes('unitId')
      ? ['0']
      : grain.subtree && unit !== '0'
        ? (paths.get(Number(unit)) ?? '').split('/').filter(Boolean)
        : [unit!];
    for (const u of unitIds) {
      const k = `${grain.time === 'day' ? day : monthOf(day!)}|${u}|${grain.dims.includes('categoryId') ? category : 0}|${grain.subtree ? '' : channel}|${appealed}`;
      const row = out.get(k) ?? {};
      for (const [c, n] of Object.entries(counts) as [Counter, number][]) row[c] = (row[c] ?? 0) + n;
      out.set(k, row);
    }
  }
  for (const [k, row] of out) {
    for (const c of Object.keys(row) as Counter[]) if (row[c] === 0) delete row[c];
    if (Object.keys(row).length === 0) out.delete(k);
  }
  return out;
}

/** Every grain of the rollup equals the oracle summed to that grain. */
export async function expectRollupsMatch() {
  const truth = await oracle();
  const paths = new Map((await deps.db.select({ id: units.id, path: units.path }).from(units)).map((u) => [u.id, u.path]));
  for (const grain of GRAINS) expect(sorted(await rolledUp(grain)), grain.name).toEqual(sorted(atGrain(truth, grain, paths)));
}

export const sorted = (m: Map<string, unknown>) => Object.fromEntries([...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
