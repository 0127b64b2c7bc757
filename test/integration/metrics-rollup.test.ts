/**
 * The rollup against a full recomputation. Random journeys run through the real commands with an injected
 * clock (intake, dispatch, sign, contact, reply, returns, extensions, terminations, review, callbacks,
 * reopen, close, merges, appeals), the rollup job runs between steps in random batch sizes, and at the
 * end every counter of every (day, unit, category, channel, appealed) key — and of every coarser grain —
 * must equal what the oracle below recomputes in one SQL statement from the raw tables — mostly the resulting state (tickets, assignments,
 * callbacks, appeals), the event rows only where state does not keep the fact (a contact's order, a reopen, the deadline a reply
 * or a termination request was judged against, the centre's waits). The SLA sweep runs between steps too, so completion clocks go
 * overdue while open. Natural-hour clocks never await the calendar: the pending counters are covered by the unit and formula tests.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { appeals, assignmentRequests, metricsDaily, metricsSubtreeMonthly, ticketEvents, tickets, units } from '../../db/schema/index.ts';
import { driver as dbDriver, freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { makeKbArticle, makeWorld, seedCalendar, type World } from '../setup/world.ts';
import { journeyDriver, naturalHoursPolicy, type JourneyDriver } from './metrics-journeys.ts';
import { ROLLUP_LOCK_KEY, rollup } from '../../src/domain/metrics/rollup.ts';
import { sweep } from '../../src/domain/sla/sweep.ts';
import { COUNTERS, type Counter } from '../../src/domain/metrics/counters.ts';
import { GRAINS, monthOf, type Grain } from '../../src/domain/metrics/grains.ts';
import { DomainError } from '../../src/domain/errors.ts';
import { LIVE_ASSIGNMENT } from '../../src/domain/tickets/status.ts';

const MIN = 60_000;
let database: Database;
let deps: TestDeps;
let w: World;
let d: JourneyDriver;
let kbId: number;

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
async function rolledUp(grain: Grain = GRAINS[0]!): Promise<Figures> {
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
async function expectRollupsMatch() {
  const truth = await oracle();
  const paths = new Map((await deps.db.select({ id: units.id, path: units.path }).from(units)).map((u) => [u.id, u.path]));
  for (const grain of GRAINS) expect(sorted(await rolledUp(grain)), grain.name).toEqual(sorted(atGrain(truth, grain, paths)));
}

const sorted = (m: Map<string, unknown>) => Object.fromEntries([...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));

// ---------------------------------------------------------------- random journeys

type Step = { pick: number; target: number; variant: number; advance: number; rollupFirst: boolean };
const step: fc.Arbitrary<Step> = fc.record({
  pick: fc.nat({ max: 99 }),
  target: fc.nat(),
  variant: fc.nat(),
  advance: fc.integer({ min: 1, max: 20 * 60 }), // minutes: from a minute to most of a day, so deadlines are met and missed
  rollupFirst: fc.boolean(),
});

const ANSWERS = [
  { reached: true, solved: 'solved', satisfaction: 'satisfied' },
  { reached: true, solved: 'solved', satisfaction: 'basically_satisfied' },
  { reached: true, solved: 'partly', satisfaction: 'basically_satisfied' },
  { reached: true, solved: 'partly', satisfaction: 'satisfied' },
  { reached: true, solved: 'unsolved', satisfaction: 'dissatisfied' },
  { reached: true, solved: 'solved', satisfaction: 'dissatisfied' },
  { reached: false },
] as const;

/** One random step: a new contact (while few tickets are open, and now and then) or a legal next action on an open ticket of this run. */
async function run(s: Step, own: number[]): Promise<string> {
  const units = [w.units.streetA, w.units.streetB, w.units.department, w.units.communityA, w.units.districtA].map((u) => u.id);
  const pickUnit = (n: number) => units[n % units.length]!;
  const open = async () => {
    const rows = own.length ? await deps.db.select({ id: tickets.id, status: tickets.status }).from(tickets).where(sql`${tickets.id} in ${own}`) : [];
    return rows.filter((r) => r.status !== 'closed');
  };

  const openNow = await open();
  if (s.pick < 12 || openNow.length < 3) {
    const kind = s.variant % 10;
    if (kind === 0)
      return (
        own.push((await d.create({ type: 'consult', disposition: { kind: 'direct_answer', kbArticleId: kbId, answer: '已直接答复诉求人。' } })).id), 'direct'
      );
    if (kind === 1) return (own.push((await d.create({ disposition: { kind: 'not_accepted', reason: '不属于受理范围' } })).id), 'not accepted');
    if (kind === 2) {
      const o = await open();
      if (o.length) return (await d.repeat(o[s.target % o.length]!.id), 'repeat');
    }
    const by = [w.operator, w.clerk, w.portal][s.target % 3]!;
    const t = await d.create(by === w.clerk ? { window: { matter: '办理居住证', hallDepartment: '公安窗口', reason: 'documents' } } : {}, by);
    own.push(t.id);
    return 'created';
  }

  const o = openNow;
  const t = await d.ticket(o[s.target % o.length]!.id);
  const as = await d.assignmentsOf(t.id);
  const live = as.filter((a) => (LIVE_ASSIGNMENT as readonly string[]).includes(a.status));
  const lead = live.find((a) => a.role === 'lead');
  const pending = await deps.db
    .select()
    .from(assignmentRequests)
    .where(sql`${assignmentRequests.ticketId} = ${t.id} and ${assignmentRequests.status} = 'pending'`);
  const appealRows = await deps.db.select().from(appeals).where(eq(appeals.ticketId, t.id));
  const v = s.variant;

  const options: [string, () => Promise<unknown>][] = [];
  /** The main path weighs more than the side roads, so journeys get as far as callbacks and reopens. */
  const main = (name: string, act: () => Promise<unknown>, weight = 4) => {
    for (let i = 0; i < weight; i++) options.push([name, act]);
  };
  switch (t.status) {
    case 'awaiting_dispatch': {
      const leadUnit = pickUnit(v);
      const assists = units.filter((u, i) => u !== leadUnit && (v >> (i + 3)) % 3 === 0).slice(0, 2);
      main('dispatch', () => d.dispatch(t.id, leadUnit, assists));
      main('dispatch', () => d.dispatch(t.id, pickUnit(v + 1)));
      options.push(['decline', () => d.decline(t.id)]);
      const others = o.filter((x) => x.id !== t.id);
      if (others.length) options.push(['merge', () => d.merge(t.id, others[v % others.length]!.id)]);
      break;
    }
    case 'return_requested':
      main('approve return', () => d.review(t.id, 'return', true));
      main('reject return', () => d.review(t.id, 'return', false));
      break;
    case 'termination_requested':
      main('approve termination', () => d.review(t.id, 'termination', true));
      main('reject termination', () => d.review(t.id, 'termination', false));
      break;
    case 'awaiting_review':
      main('approve reply', () => d.review(t.id, 'reply', true), 8);
      main('reject reply', () => d.review(t.id, 'reply', false), 2);
      break;
    case 'awaiting_callback':
      main('callback', () => d.callback(t.id, ANSWERS[v % ANSWERS.length]!), 8);
      break;
    case 'callback_disputed':
      main('reopen', () => d.reopen(t.id));
      main('close', () => d.close(t.id));
      break;
  }
  if (['awaiting_sign', 'in_progress', 'awaiting_review', 'return_requested', 'termination_requested'].includes(t.status)) {
    for (const a of live) {
      if (a.status === 'awaiting_sign') main('sign', () => d.sign(a.id));
      if (a.status === 'in_progress' || a.status === 'replied') main('contact', () => d.contact(a.id), a.firstContactAt ? 1 : 3);
      if (a.status === 'in_progress' && (a.role === 'assist' || t.status === 'in_progress')) main('reply', () => d.reply(a.id), 3);
    }
    if (lead?.status === 'in_progress' && t.status === 'in_progress') {
      if (!lead.designated && !pending.length) main('request return', () => d.requestReturn(lead.id), 1);
      if (!pending.some((p) => p.kind === 'extension'))
        options.push([
          'request extension',
          () => d.requestExtension(lead.id, new Date(Math.max(deps.clock.now().getTime(), lead.completeDueAt?.getTime() ?? 0) + 12 * 60 * MIN)),
        ]);
      if (!pending.length) options.push(['request termination', () => d.requestTermination(lead.id)]);
    }
    if (pending.some((p) => p.kind === 'extension') && ['in_progress', 'awaiting_review'].includes(t.status))
      main('approve extension', () => d.review(t.id, 'extension', true), 2), main('reject extension', () => d.review(t.id, 'extension', false), 1);
  }
  // Appeals at any point after dispatch, and decisions on them.
  const appealable = as.filter(
    (a) => !appealRows.some((p) => p.unitId === a.unitId && (p.status === 'approved' || (p.status === 'pending' && p.assignmentId === a.id))),
  );
  if (appealable.length) options.push(['appeal', () => d.appeal(appealable[v % appealable.length]!.id)]);
  const undecided = appealRows.filter((p) => p.status === 'pending');
  if (undecided.length) main('decide appeal', () => d.decideAppeal(undecided[v % undecided.length]!.id, v % 3 !== 0), 3);

  if (options.length === 0) return `no option in ${t.status}`;
  const [name, act] = options[(v >> 1) % options.length]!;
  await act();
  return name;
}

/** A scripted prelude, so the rare roads (reopen, appeal approved before later work, return, extension, termination, merge) are always taken. */
async function prelude() {
  const { streetA, streetB, department } = w.units;
  const step = (minutes = 37) => deps.clock.advance(minutes * MIN);
  const counted = (batchSize: number) => rollup(deps, deps.clock.now(), { batchSize, maxBatches: 1 });
  const t1 = await d.create();
  step();
  const dup = await d.create();
  await d.merge(dup.id, t1.id);
  step();
  await d.dispatch(t1.id, streetA.id, [department.id]);
  await counted(3);
  for (const a of await d.assignmentsOf(t1.id)) {
    step(90);
    await d.sign(a.id);
  }
  step(300);
  await d.toCallback(t1.id);
  step(24 * 60);
  await d.callback(t1.id, { reached: true, solved: 'unsolved', satisfaction: 'dissatisfied' });
  await counted(5);
  step();
  await d.reopen(t1.id);
  step(120);
  await d.reply((await d.lead(t1.id)).id);
  step();
  await d.review(t1.id, 'reply', true);
  step(20 * 60);
  await d.callback(t1.id, { reached: true, solved: 'solved', satisfaction: 'basically_satisfied' });

  const t2 = await d.create();
  step();
  await d.dispatch(t2.id, streetB.id);
  step();
  await d.sign((await d.lead(t2.id)).id);
  await d.requestReturn((await d.lead(t2.id)).id);
  step();
  await d.review(t2.id, 'return', true);
  step();
  await d.dispatch(t2.id, streetA.id);
  const appeal = await d.appeal((await d.lead(t2.id)).id);
  await counted(2);
  step();
  await d.decideAppeal(appeal.id, true);
  step();
  await d.toCallback(t2.id);
  for (let i = 0; i < 2; i++) {
    step(600);
    await d.callback(t2.id, { reached: false });
  }

  const t3 = await d.create();
  await d.dispatch(t3.id, streetA.id);
  step(500);
  await d.sign((await d.lead(t3.id)).id);
  await d.requestExtension((await d.lead(t3.id)).id, new Date(deps.clock.now().getTime() + 3 * 24 * 60 * MIN));
  step();
  await d.review(t3.id, 'extension', true);
  await d.requestTermination((await d.lead(t3.id)).id);
  step();
  await d.review(t3.id, 'termination', true);
}

describe('the rollup equals a full recomputation', () => {
  it('after random journeys through the real commands, counted in random batches between the steps', async () => {
    await prelude();
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 25, maxLength: 70 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 }),
        async (steps, batches) => {
          const own: number[] = [];
          let b = 0;
          const nextBatch = () => batches[b++ % batches.length]!;
          for (const s of steps) {
            deps.clock.advance(s.advance * MIN);
            if (s.rollupFirst && s.pick % 3 === 0) await rollup(deps, deps.clock.now(), { batchSize: nextBatch(), maxBatches: 1 + (s.variant % 3) });
            // The sweep fires what fell due: completion clocks go overdue while their tickets are open.
            if (s.pick % 4 === 1) await sweep(deps, deps.clock.now());
            try {
              const name = await run(s, own);
              seen.set(name, (seen.get(name) ?? 0) + 1);
            } catch (err) {
              // A random pick can still be refused (e.g. an extension date the engine rejects): refused is fine, anything else is not.
              if (!(err instanceof DomainError)) throw err;
              seen.set(`refused ${err.code}`, (seen.get(`refused ${err.code}`) ?? 0) + 1);
            }
          }
          await rollup(deps, deps.clock.now(), { batchSize: nextBatch(), maxBatches: 10_000 });
          await expectRollupsMatch();
        },
      ),
      { numRuns: dbDriver === 'postgres' ? 25 : 8, endOnFailure: true },
    );
    // The random journeys did go places (the prelude covers the rare roads).
    for (const name of ['dispatch', 'sign', 'contact', 'reply', 'approve reply', 'callback', 'appeal']) expect(seen.get(name) ?? 0, name).toBeGreaterThan(0);
    const appealed = await deps.db.select({ n: sql<number>`count(*)::int` }).from(metricsDaily).where(eq(metricsDaily.appealed, true));
    expect(appealed[0]!.n).toBeGreaterThan(0);
    // …and so did the new judgements: misses (overdue while open, late replies), the centre's decisions.
    const [t] = await deps.db
      .select({
        judged: sql<number>`sum(${metricsDaily.completionJudged})::int`,
        onTime: sql<number>`sum(${metricsDaily.closedOnTime})::int`,
        reviews: sql<number>`sum(${metricsDaily.reviewsDecided})::int`,
        rounds: sql<number>`sum(${metricsDaily.callbackRounds})::int`,
        waited: sql<number>`sum(${metricsDaily.dispatchWaitMinutes})::int`,
      })
      .from(metricsDaily);
    expect(t!.judged).toBeGreaterThan(t!.onTime);
    expect(t!.onTime).toBeGreaterThan(0);
    for (const k of ['reviews', 'rounds', 'waited'] as const) expect(t![k], k).toBeGreaterThan(0);
  }, 600_000);
});

describe('exactly once', () => {
  it('running again with nothing queued changes nothing', async () => {
    await rollup(deps, deps.clock.now());
    const before = await Promise.all(GRAINS.map((g) => rolledUp(g).then(sorted)));
    const r = await rollup(deps, deps.clock.now());
    expect(r.events).toBe(0);
    expect(await Promise.all(GRAINS.map((g) => rolledUp(g).then(sorted)))).toEqual(before);
  });

  it('an instance that finds the lock taken skips its turn and counts nothing', async () => {
    await d.create();
    await deps.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${ROLLUP_LOCK_KEY})`);
      if (dbDriver === 'postgres') {
        const r = await rollup(deps, deps.clock.now());
        expect(r).toMatchObject({ skipped: true, events: 0 });
      }
    });
    const queued = await database.query<{ n: string | number }>(`select count(*) as n from metrics_queue`);
    expect(Number(queued[0]!.n)).toBeGreaterThan(0);
    await rollup(deps, deps.clock.now());
    await expectRollupsMatch();
  }, 120_000); // the oracle reads every event of the random journeys: generous on a loaded machine

  it.runIf(dbDriver === 'postgres')(
    'an event committed after a later-numbered one is still counted, once; two instances never double-count',
    async () => {
      const x = await d.create();
      const y = await d.create();
      await rollup(deps, deps.clock.now());
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let inserted!: () => void;
      const insertedX = new Promise<void>((r) => (inserted = r));
      // A slow transaction takes the lower event id and commits last.
      const slow = deps.db.transaction(async (tx) => {
        await tx.execute(sql`select id from tickets where id = ${x.id} for update`);
        await tx
          .insert(ticketEvents)
          .values({ ticketId: x.id, type: 'contact_linked', version: x.version, payload: { channel: 'phone' }, createdAt: deps.clock.now() });
        inserted();
        await held;
      });
      await insertedX;
      await d.repeat(y.id); // a higher event id, committed first
      const first = await rollup(deps, deps.clock.now());
      expect(first.events).toBeGreaterThan(0);
      release();
      await slow;
      const [r1, r2] = await Promise.all([rollup(deps, deps.clock.now(), { batchSize: 1 }), rollup(deps, deps.clock.now(), { batchSize: 1 })]);
      expect(r1.events + r2.events).toBe(1);
      await expectRollupsMatch();
    },
    120_000,
  ); // the oracle reads every event of the random journeys: generous on a loaded machine
});

describe('the subtree grain when units move', () => {
  /** Moves a unit and everything below it under another parent, in one transaction, as an admin's SQL would. */
  async function move(unit: { id: number }, to: { id: number; path: string }) {
    await deps.db.transaction(async (tx) => {
      const [u] = await tx.select({ path: units.path }).from(units).where(eq(units.id, unit.id));
      const newPath = `${to.path}${unit.id}/`;
      await tx.update(units).set({ parentId: to.id }).where(eq(units.id, unit.id));
      await tx.execute(sql`update units set path = ${newPath} || substr(path, ${u!.path.length + 1}) where path like ${`${u!.path}%`}`);
    });
  }

  it('follows a street (with its community) to another district, in the moving transaction, and the rollup goes on from there', async () => {
    await rollup(deps, deps.clock.now());
    const districtBefore = await deps.db.select().from(metricsSubtreeMonthly).where(eq(metricsSubtreeMonthly.unitId, w.units.districtA.id));
    expect(districtBefore.length).toBeGreaterThan(0);
    const community = await deps.db.select({ path: units.path }).from(units).where(eq(units.id, w.units.communityA.id));
    expect(community[0]!.path.startsWith(w.units.streetA.path)).toBe(true);
    await move(w.units.streetA, w.units.districtB);
    await expectRollupsMatch();
    // New counts after the move go to the new district (and the centre), not the old one.
    await d.create();
    await rollup(deps, deps.clock.now());
    await expectRollupsMatch();
    await move(w.units.streetA, w.units.districtA);
    await expectRollupsMatch();
  }, 120_000); // the oracle reads every event of the random journeys: generous on a loaded machine
});
