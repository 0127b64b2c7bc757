/**
 * The SLA sweep: fires every warning mark whose time has come, exactly once (what fires and what it writes:
 * the escalation rule, ./escalation.ts). The scheduled job (src/jobs/sla-sweep.ts) and the demo's history
 * call `sweep` with the instant to sweep for.
 *
 * Each batch is one transaction. It takes the assignments whose earliest mark is due (the partial index on
 * next_check_at), locking each with its ticket FOR UPDATE SKIP LOCKED: two instances sweeping at the
 * same moment take disjoint rows and never wait for each other or for a unit acting on the ticket (so
 * the sweep cannot deadlock with the lifecycle, which locks ticket then assignment). A level fires by
 * inserting its sla_alerts row (unique per assignment, clock, level and cycle) — only a row actually
 * inserted writes the event, the reminder and the message, so even a mark processed twice fires once.
 * Fired marks leave the assignment and next_check_at moves to the next one; events are published after
 * the commit. A pass with nothing due reads the index and writes nothing.
 *
 * The batch is set-based: whatever its size, it is two statements — the claim (plain columns, no row
 * mapping), then one statement of data-modifying CTEs that inserts the alerts and, only for the alerts
 * actually inserted, the reminders and supervision items, the events, the messages and the notification
 * centre's rows, updates the assignments and the tickets, and returns the events with their audience (rows
 * passed as jsonb parameters). Which marks are due, and every text written, are computed in TypeScript between the two.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import type { Deps, TxDeps, WithConfig } from '../../deps.ts';
import type { PublishedEvent } from '../events.ts';
import { recordEvents, toPublished, type EventRow } from '../tickets/audience.ts';
import { rowsOf } from '../tickets/queries.ts';
import { isoText, jsonRows } from './batch-sql.ts';
import { escalate, type ClaimedAssignment, type Firing, type MarksLeft } from './escalation.ts';

export type SweepResult = {
  /** Assignments taken (each had a mark due) */
  assignments: number;
  /** Levels fired: one sla_alerts row and one 'sla_warning' event each */
  fired: number;
  /** Of which overdue: each opened a reminder (催办) and a supervision item (督办) */
  overdue: number;
  batches: number;
};

export type SweepOptions = {
  batchSize?: number;
  /** Batches per run, so one run cannot go on forever (the next run continues); default 200 */
  maxBatches?: number;
  /** Batches at once on PostgreSQL (default 2: the batch is server work, and two use both cores — docs/benchmarks.md); always 1 on PGlite */
  concurrency?: number;
};

/**
 * Takes up to `batchSize` assignments with a mark due at `now`, with their tickets. By next_check_at alone, the
 * partial index's order: a tie-break on id would sort every due row before the LIMIT (measured: 0.5 s for
 * 100,000 assignments due at one instant, against 6 ms without).
 */
const claim = (now: Date, batchSize: number) => sql`
  select a.id, a.ticket_id, a.unit_id, a.status::text as status, a.role::text as role, t.status::text as ticket_status,
    a.clocks_stopped_at is not null as stopped, a.sla_cycle, a.sla_marks::text as marks,
    ${isoText('a.sign_due_at')} as sign_due, ${isoText('a.response_due_at')} as response_due, ${isoText('a.complete_due_at')} as complete_due, t.number, t.version, u.notify_phone as phone,
    (select body from message_templates where key = 'unit_warning') as template
  from assignments a
  join tickets t on t.id = a.ticket_id
  join units u on u.id = a.unit_id
  where a.next_check_at <= ${now.toISOString()}::timestamptz
  order by a.next_check_at
  limit ${batchSize}
  for update of a, t skip locked`;

/**
 * Writes what the escalation rule decided, in one statement of data-modifying CTEs: the alerts (the
 * exactly-once gate), and only for the alerts actually inserted the reminders and supervision items, the
 * events, the messages, the notification centre's rows; moves the assignments' marks and raises the tickets;
 * returns the events with their audience and level, and the users notified.
 */
const write = (firings: Firing[], left: MarksLeft[], at: string, createdAt: string) =>
  recordEvents(
    // One 'sla_warning' event per level fired, by the system, in the order fired.
    {
      ticket_id: sql`f.t`,
      assignment_id: sql`f.a`,
      type: sql`'sla_warning'`,
      version: sql`f.v`,
      payload: sql`f.p || jsonb_build_object('reminderId', item_ids.m -> (f.a || ':' || f.c || ':reminder'), 'supervisionId', item_ids.m -> (f.a || ':' || f.c || ':supervision'))`,
      public: sql`false`,
      created_at: sql`${createdAt}::timestamptz`,
    },
    {
      from: sql`f, item_ids`,
      orderBy: sql`f.i`,
      returning: sql`payload->>'level' as level, (payload->>'unitId')::int as unit_id, payload->'clock' as clock`,
      before: sql`
  x as (
    select * from jsonb_to_recordset(${jsonRows(firings)})
      as x(i int, a bigint, t bigint, u int, c text, l text, r int, y int, v int, p jsonb, why text, ph text, b text)
  ),
  -- Fire: the rows inserted are the levels firing now; a conflict means it fired before in this cycle: never twice.
  fired as (
    insert into sla_alerts (assignment_id, clock, level, cycle, fired_at)
    select x.a, x.c, x.l::warning_level, x.y, ${at}::timestamptz from x order by x.i
    on conflict do nothing
    returning assignment_id, clock, level::text as level
  ),
  -- Joins between CTEs are lookups in one jsonb object each: the planner has no row counts for a CTE and
  -- would loop (measured: 3.6 s for a batch of 1,000 with plain joins); the real tables are joined by index.
  fired_keys as materialized (select coalesce(jsonb_object_agg(assignment_id || ':' || clock || ':' || level, true), '{}') as m from fired),
  f as (select x.* from x, fired_keys where fired_keys.m ? (x.a || ':' || x.c || ':' || x.l)),
  -- Each overdue level opens a reminder (催办, to the unit) and a supervision item (督办).
  items as (
    insert into supervision_items (ticket_id, assignment_id, unit_id, kind, reason, clock, created_at)
    select f.t, f.a, f.u, k.kind, k.prefix || f.why, f.c, ${at}::timestamptz
    from f cross join (values (1, 'reminder', '催办：'), (2, 'supervision', '督办：')) as k(o, kind, prefix)
    where f.l = 'overdue'
    order by f.i, k.o
    returning id, assignment_id, clock, kind
  ),
  item_ids as materialized (select coalesce(jsonb_object_agg(assignment_id || ':' || clock || ':' || kind, id), '{}') as m from items)`,
      after: sql`
  -- The notification centre's rows (消息中心), as src/domain/inbox/write.ts writes them for a 'sla_warning': each
  -- warning to the active handlers and leaders of its unit, once. Here, in this statement, one join on the unit by
  -- its index: the general statement over every kind of event cost more than the rest of the batch (docs/benchmarks.md).
  inbox as (
    insert into user_notifications (user_id, kind, ticket_id, event_id, payload, created_at)
    select us.id, 'warning', ev.ticket_id, ev.id, jsonb_build_object('event', 'sla_warning', 'unitId', ev.unit_id, 'clock', ev.clock, 'level', ev.level),
      ${createdAt}::timestamptz
    from ev join users us on us.unit_id = ev.unit_id and us.active and us.role in ('unit_handler', 'unit_leader')
    on conflict do nothing
    returning user_id
  ),
  -- One message per clock and pass, naming the worst level fired: after downtime the unit hears the worst news once.
  sms as (
    insert into notifications (ticket_id, audience, unit_id, recipient, template, body)
    select w.t, 'unit', w.u, w.ph, 'unit_warning', w.b
    from (select distinct on (f.a, f.c) f.t, f.u, f.ph, f.b, min(f.i) over (partition by f.a, f.c) as first
          from f where f.ph is not null order by f.a, f.c, f.r desc) w
    order by w.first
  ),
  -- Fired marks leave the assignments; next_check_at moves to the next mark; the level is the highest fired.
  fired_levels as materialized (
    select coalesce(jsonb_object_agg(a, jsonb_build_object('l', l, 'o', o)), '{}') as m
    from (select f.a, max(f.l::warning_level)::text as l, count(*) filter (where f.l = 'overdue') as o from f group by f.a) g
  ),
  moved as (
    update assignments set sla_marks = u.m, next_check_at = u.n::timestamptz,
      warning_level = greatest(assignments.warning_level, coalesce((fl.m -> u.id::text ->> 'l')::warning_level, 'none'))
    from jsonb_to_recordset(${jsonRows(left)}) as u(id bigint, m jsonb, n text), fired_levels fl
    where assignments.id = u.id
    returning assignments.ticket_id, assignments.warning_level, coalesce((fl.m -> u.id::text ->> 'o')::int, 0) as o
  ),
  -- The ticket's level only rises here; each overdue clock adds one 催办 and one 督办 level.
  per_ticket as (select ticket_id, max(warning_level) as l, sum(o)::int as o from moved group by ticket_id),
  raised as (
    update tickets set warning_level = greatest(tickets.warning_level, pt.l),
      reminder_count = tickets.reminder_count + pt.o, supervision_level = tickets.supervision_level + pt.o
    from per_ticket pt
    where tickets.id = pt.ticket_id and (pt.l > tickets.warning_level or pt.o > 0)
  )`,
      // With each event its level, and (on every row) the users whose notification centre changed.
      select: sql`ev.level, (select coalesce(array_agg(distinct user_id), '{}') from inbox)::text as notified`,
    },
  );

/** One batch, one transaction, two statements: the claim, then the write; the events are published after the commit. */
async function sweepBatch(deps: TxDeps, now: Date, batchSize: number): Promise<Omit<SweepResult, 'batches'>> {
  let pending: PublishedEvent[] = [];
  let notified: number[] = [];
  const result = await deps.db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const rows = rowsOf<ClaimedAssignment>(await tx.execute(claim(now, batchSize)));
    const result = { assignments: rows.length, fired: 0, overdue: 0 };
    if (!rows.length) return result;
    const { firings, left } = escalate(rows, now);
    const createdAt = deps.clock.now().toISOString();
    const written = rowsOf<EventRow & { level: string; notified: string }>(await tx.execute(write(firings, left, now.toISOString(), createdAt)));
    pending = written.map((e) => toPublished(e, 'sla_warning', createdAt));
    notified = (written[0]?.notified ?? '{}').slice(1, -1).split(',').filter(Boolean).map(Number);
    result.fired = written.length;
    result.overdue = written.filter((e) => e.level === 'overdue').length;
    return result;
  });
  deps.bus.publish(pending);
  deps.bus.inboxChanged(notified);
  return result;
}

/**
 * Runs batches until nothing is due (or maxBatches). Idempotent: a second pass at the same instant fires nothing.
 * On PostgreSQL `concurrency` batches run at once on separate connections (SKIP LOCKED gives each its own
 * rows, as it does two instances); PGlite is one session, so there they run one after another.
 */
export async function sweep(
  deps: TxDeps & Pick<Deps, 'database' | 'logger'> & WithConfig<'SLA_SWEEP_BATCH_SIZE'>,
  now: Date,
  opts: SweepOptions = {},
): Promise<SweepResult> {
  const batchSize = opts.batchSize ?? deps.config.SLA_SWEEP_BATCH_SIZE;
  const maxBatches = opts.maxBatches ?? 200;
  const workers = deps.database.driver === 'postgres' ? Math.max(1, opts.concurrency ?? 2) : 1;
  const total: SweepResult = { assignments: 0, fired: 0, overdue: 0, batches: 0 };
  let started = 0;
  let drained = false;
  const worker = async () => {
    while (!drained && started < maxBatches) {
      started++;
      const r = await sweepBatch(deps, now, batchSize);
      total.batches++;
      total.assignments += r.assignments;
      total.fired += r.fired;
      total.overdue += r.overdue;
      if (r.assignments < batchSize) drained = true;
    }
  };
  // The first batch alone: a pass with nothing (or little) due stays one claim query on one connection.
  started = maxBatches > 0 ? 1 : 0;
  if (started) {
    const r = await sweepBatch(deps, now, batchSize);
    Object.assign(total, { batches: 1, assignments: r.assignments, fired: r.fired, overdue: r.overdue });
    drained = r.assignments < batchSize;
  }
  await Promise.all(Array.from({ length: workers }, worker));
  if (total.fired) deps.logger.info({ ...total }, 'sla sweep fired warnings');
  return total;
}
