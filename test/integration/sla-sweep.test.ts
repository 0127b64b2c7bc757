import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq, lte, sql } from 'drizzle-orm';
import { connect, type Database } from '../../db/client.ts';
import { assignments, notifications, slaAlerts, tickets, units } from '../../db/schema/index.ts';
import { driver, freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { makeCategoryLeaf, makeWorld, type World } from '../setup/world.ts';
import { MIN, addPolicy, alertsOf, assignmentById, at, dispatchNew, eventsOf, supervisionOf, ticketById, warningsOf } from '../setup/sla.ts';
import { requestTermination, reviewTermination, signAssignment } from '../../src/domain/tickets/commands/lifecycle.ts';
import { sweep, type SweepResult } from '../../src/domain/sla/sweep.ts';
import { startAllClocks, nextCheckAt } from '../../src/domain/sla/clocks.ts';
import { termsOf } from '../../src/domain/sla/matching.ts';
import type { PublishedEvent } from '../../src/domain/events.ts';
import { rowsOf } from '../../src/domain/tickets/queries.ts';
import { writeNotifications } from '../../src/domain/inbox/write.ts';

const T0 = '2026-03-10T02:00:00.000Z';
// The test policy (test/setup/sla.ts): natural minutes — sign 100, response 200, completion 400;
// yellow at 75 %, red at 90 %, overdue at 100 %.
const ALL_NINE = [
  'sign:yellow',
  'sign:red',
  'sign:overdue',
  'response:yellow',
  'response:red',
  'response:overdue',
  'complete:yellow',
  'complete:red',
  'complete:overdue',
];

describe('the sweep (injected clock, no sleeps)', () => {
  let database: Database;
  let deps: TestDeps;
  let w: World;
  const published: PublishedEvent[] = [];

  beforeAll(async () => {
    database = await freshDatabase();
    deps = makeDeps(database);
    w = await makeWorld(deps.db);
    deps.bus.subscribe((e) => published.push(e));
  });
  afterAll(async () => {
    await database?.close();
  });
  beforeEach(() => deps.clock.set(T0));

  /** A ticket of its own category and policy, dispatched at T0 to street A (or `lead`). */
  async function dispatched(opts: { lead?: number } = {}) {
    const cat = await makeCategoryLeaf(deps.db, '督办测试');
    await addPolicy(deps, w, { categoryId: cat.leaf.id });
    const r = await dispatchNew(deps, w, { ticket: { categoryId: cat.leaf.id }, lead: opts.lead });
    return { ticket: r.ticket, lead: r.assignments[0]! };
  }
  const run = (minutes: number) => sweep(deps, at(T0, minutes * MIN));

  it('yellow → red → overdue each fire exactly once; overdue opens a reminder and a supervision item', async () => {
    const { ticket, lead } = await dispatched();
    await run(74);
    expect(await warningsOf(deps.db, ticket.id)).toEqual([]);

    await run(75);
    await run(75); // a second pass at the same instant fires nothing
    await run(80);
    expect(await warningsOf(deps.db, ticket.id)).toEqual(['sign:yellow']);
    expect(await assignmentById(deps.db, lead.id)).toMatchObject({ warningLevel: 'yellow', nextCheckAt: at(T0, 90 * MIN) });
    expect((await ticketById(deps.db, ticket.id)).warningLevel).toBe('yellow');

    await run(90);
    await run(95);
    expect(await warningsOf(deps.db, ticket.id)).toEqual(['sign:yellow', 'sign:red']);
    expect(await supervisionOf(deps.db, ticket.id)).toEqual([]);

    await run(100);
    await run(100);
    expect(await warningsOf(deps.db, ticket.id)).toEqual(['sign:yellow', 'sign:red', 'sign:overdue']);
    const items = await supervisionOf(deps.db, ticket.id);
    expect(items.map((i) => [i.kind, i.unitId, i.clock, i.assignmentId, i.resolvedAt])).toEqual([
      ['reminder', w.units.streetA.id, 'sign', lead.id, null],
      ['supervision', w.units.streetA.id, 'sign', lead.id, null],
    ]);
    expect(items[0]!.reason).toMatch(/^催办：签收已超期/);
    expect(await ticketById(deps.db, ticket.id)).toMatchObject({ warningLevel: 'overdue', reminderCount: 1, supervisionLevel: 1 });
    expect((await alertsOf(deps.db, lead.id)).map((x) => [x.clock, x.level, x.cycle])).toEqual([
      ['sign', 'yellow', 0],
      ['sign', 'red', 0],
      ['sign', 'overdue', 0],
    ]);

    // One event per firing, by the system, with the clock, level and deadline; published after commit.
    const events = await eventsOf(deps.db, ticket.id, 'sla_warning');
    expect(events.at(-1)).toMatchObject({
      assignmentId: lead.id,
      actorId: null,
      public: false,
      payload: { clock: 'sign', level: 'overdue', dueAt: at(T0, 100 * MIN).toISOString(), cycle: 0, reminderId: items[0]!.id, supervisionId: items[1]!.id },
    });
    expect(published.filter((e) => e.ticketId === ticket.id && e.type === 'sla_warning').map((e) => e.id)).toEqual(events.map((e) => e.id));
  });

  it('catch-up after downtime: one sweep fires every missed level once, in order; a second fires nothing', async () => {
    await deps.db.update(units).set({ notifyPhone: '13900001111' }).where(eq(units.id, w.units.streetB.id));
    const { ticket, lead } = await dispatched({ lead: w.units.streetB.id });
    await run(10_000);
    expect(await warningsOf(deps.db, ticket.id)).toEqual(ALL_NINE);
    const before = await eventsOf(deps.db, ticket.id);
    const second = await run(10_000);
    expect(second).toMatchObject({ assignments: 0, fired: 0 });
    expect(await eventsOf(deps.db, ticket.id)).toEqual(before);

    expect(await assignmentById(deps.db, lead.id)).toMatchObject({ slaMarks: [], nextCheckAt: null, warningLevel: 'overdue' });
    const items = await supervisionOf(deps.db, ticket.id);
    expect(items.map((i) => `${i.kind}:${i.clock}`)).toEqual([
      'reminder:sign',
      'supervision:sign',
      'reminder:response',
      'supervision:response',
      'reminder:complete',
      'supervision:complete',
    ]);
    expect(await ticketById(deps.db, ticket.id)).toMatchObject({ reminderCount: 3, supervisionLevel: 3, warningLevel: 'overdue' });
    // The unit hears once per clock, with the worst news, not three times.
    const sms = await deps.db.select().from(notifications).where(eq(notifications.ticketId, ticket.id));
    const warnings = sms.filter((n) => n.template === 'unit_warning');
    expect(warnings.map((n) => [n.recipient, n.unitId, n.audience])).toEqual(Array(3).fill(['13900001111', w.units.streetB.id, 'unit']));
    expect(warnings.map((n) => n.body)).toEqual([
      `【12345热线】工单${ticket.number}的签收时限已超期，期限2026-03-10 11:40，请抓紧办理。`,
      `【12345热线】工单${ticket.number}的响应时限已超期，期限2026-03-10 13:20，请抓紧办理。`,
      `【12345热线】工单${ticket.number}的办结时限已超期，期限2026-03-10 16:40，请抓紧办理。`,
    ]);
  });

  it('a due mark whose level already fired in this cycle writes nothing; the unit hears the worst level that does fire', async () => {
    await deps.db.update(units).set({ notifyPhone: '13900002222' }).where(eq(units.id, w.units.streetB.id));
    const { ticket, lead } = await dispatched({ lead: w.units.streetB.id });
    await run(80); // sign:yellow
    // sign:overdue recorded as fired in this cycle already (as after a restart that restored its mark)
    await deps.db.insert(slaAlerts).values({ assignmentId: lead.id, clock: 'sign', level: 'overdue', cycle: 0, firedAt: at(T0, 80 * MIN) });
    const eventsBefore = (await eventsOf(deps.db, ticket.id, 'sla_warning')).length;
    const from = published.length;

    // At 100 min sign:red and sign:overdue are both due: only red fires.
    const r = await run(100);
    expect(r).toMatchObject({ assignments: 1, fired: 1, overdue: 0 });
    const events = await eventsOf(deps.db, ticket.id, 'sla_warning');
    expect(events.slice(eventsBefore).map((e) => [e.payload.clock, e.payload.level, e.payload.reminderId, e.payload.supervisionId])).toEqual([
      ['sign', 'red', null, null],
    ]);
    expect(published.slice(from).map((e) => e.id)).toEqual(events.slice(eventsBefore).map((e) => e.id));
    expect(await supervisionOf(deps.db, ticket.id)).toEqual([]);
    const sms = (await deps.db.select().from(notifications).where(eq(notifications.ticketId, ticket.id))).filter((n) => n.template === 'unit_warning');
    expect(sms.map((n) => n.body)).toEqual([
      `【12345热线】工单${ticket.number}的签收时限即将到期（黄色预警），期限2026-03-10 11:40，请抓紧办理。`,
      `【12345热线】工单${ticket.number}的签收时限临近超期（红色预警），期限2026-03-10 11:40，请抓紧办理。`,
    ]);
    // the sign marks are gone either way; the levels are those that fired
    expect((await assignmentById(deps.db, lead.id)).slaMarks.map((m) => m.clock)).not.toContain('sign');
    expect(await assignmentById(deps.db, lead.id)).toMatchObject({ warningLevel: 'red', nextCheckAt: at(T0, 150 * MIN) });
    expect(await ticketById(deps.db, ticket.id)).toMatchObject({ warningLevel: 'red', reminderCount: 0, supervisionLevel: 0 });
  });

  it('the notification centre hears each warning as its own rule writes it (src/domain/inbox/write.ts), and its users are told after the commit', async () => {
    const { ticket } = await dispatched();
    const told: number[][] = [];
    const off = deps.bus.onInboxChanged((ids) => told.push(ids));
    await run(10_000); // all nine levels
    off();
    const events = (await eventsOf(deps.db, ticket.id, 'sla_warning')).map((e) => Number(e.id));
    expect(events).toHaveLength(9);
    const rows = () =>
      database.query<{ row: string }>(
        `select (user_id, kind, ticket_id, event_id, payload, created_at)::text as row from user_notifications where event_id = any($1::bigint[]) order by 1`,
        [`{${events.join(',')}}`],
      );
    const bySweep = await rows();
    expect(bySweep).toHaveLength(18); // the street's handler and leader, nine warnings each
    expect(told.flat()).toEqual(expect.arrayContaining([w.handlerA.id, w.leaderA.id])); // (with those of other tests' tickets due by then)
    // the notification centre's general statement, over the same events, writes the same rows
    await database.query('delete from user_notifications where event_id = any($1::bigint[])', [`{${events.join(',')}}`]);
    await writeNotifications(deps.db, events);
    expect(await rows()).toEqual(bySweep);
  });

  it('a unit that signs before the sign deadline never hears from the sign clock', async () => {
    const { ticket, lead } = await dispatched();
    deps.clock.set(at(T0, 30 * MIN));
    await signAssignment(deps, w.handlerA.actor, lead.id, { version: lead.version });
    await run(10_000);
    expect(await warningsOf(deps.db, ticket.id)).toEqual(ALL_NINE.filter((x) => !x.startsWith('sign')));
    expect((await supervisionOf(deps.db, ticket.id)).map((i) => i.clock)).not.toContain('sign');
    expect(await alertsOf(deps.db, lead.id)).toHaveLength(6);
  });

  it('a ticket that closed fires nothing: its clocks ended with it', async () => {
    const { ticket, lead } = await dispatched();
    const s = await signAssignment(deps, w.handlerA.actor, lead.id, { version: lead.version });
    const r = await requestTermination(deps, w.handlerA.actor, lead.id, { version: s.assignment.version, reason: '诉求人已撤回' });
    await reviewTermination(deps, w.dispatcher.actor, ticket.id, true, { version: r.ticket.version });
    await run(10_000);
    expect(await warningsOf(deps.db, ticket.id)).toEqual([]);
    expect(await assignmentById(deps.db, lead.id)).toMatchObject({ status: 'closed', slaMarks: [], nextCheckAt: null });
  });

  it('steady state: with nothing due, a pass finds nothing and writes no row', async () => {
    await dispatched();
    await run(10_000); // drain everything due
    const snapshot = async () => ({
      assignments: await database.query<{ id: number; x: string }>('select id, xmin::text as x from assignments order by id'),
      tickets: await database.query<{ id: number; x: string }>('select id, xmin::text as x from tickets order by id'),
      alerts: rowsOf<{ n: number }>(await deps.db.execute(sql`select count(*)::int as n from ${slaAlerts}`)),
      events: await database.query<{ n: number }>('select count(*)::int as n from ticket_events'),
    });
    const before = await snapshot();
    const r: SweepResult = await run(10_000);
    expect(r).toEqual({ assignments: 0, fired: 0, overdue: 0, batches: 1 });
    expect(await snapshot()).toEqual(before);
    // what is left for the sweep is exactly what it will look at next: nothing at or before now
    const due = await deps.db
      .select({ id: assignments.id })
      .from(assignments)
      .where(lte(assignments.nextCheckAt, at(T0, 10_000 * MIN)));
    expect(due).toEqual([]);
  });
});

// ---------------------------------------------------------------- two instances, exactly once

describe('exactly once under concurrency', () => {
  const TICKETS = 100; // × 2 assignments (lead + assisting unit) = 200 assignments, 1,800 levels
  const title =
    driver === 'postgres'
      ? 'two instances (two connection pools) sweeping at the same moments: every (assignment, clock, level) fires once, one event each'
      : 'one embedded instance (PGlite is a single session; two pools need PostgreSQL): overlapping sweeps fire every (assignment, clock, level) once, one event each';

  it(title, async () => {
    const primary = await freshDatabase({ max: 8 });
    const second = driver === 'postgres' ? await connect({ url: primary.url!, max: 8 }) : null;
    try {
      const d1 = makeDeps(primary, {}, T0);
      const d2 = second ? makeDeps(second, {}, T0) : d1;
      const instances = driver === 'postgres' ? [d1, d2] : [d1];
      const w = await makeWorld(d1.db);
      const policy = await addPolicy(d1, w, { categoryId: w.category.id });
      const clocks = startAllClocks(await d1.calendar.get(d1.db), termsOf(policy), new Date(T0));
      const ts = await d1.db
        .insert(tickets)
        .values(
          Array.from({ length: TICKETS }, (_, i) => ({
            number: `SWEEP-${i}`,
            status: 'awaiting_sign' as const,
            channel: 'phone' as const,
            type: 'complaint' as const,
            categoryId: w.category.id,
            title: '并发督办测试',
            content: '并发督办测试工单内容',
            dispatchedAt: new Date(T0),
          })),
        )
        .returning({ id: tickets.id });
      const sla = {
        slaPolicyId: policy.id,
        signDueAt: clocks.due.sign,
        responseDueAt: clocks.due.response,
        completeDueAt: clocks.due.complete,
        completeStartedAt: new Date(T0),
        slaMarks: clocks.marks,
        nextCheckAt: nextCheckAt(clocks.marks),
        dispatchedAt: new Date(T0),
        status: 'awaiting_sign' as const,
      };
      await d1.db.insert(assignments).values(
        ts.flatMap((t) => [
          { ticketId: t.id, unitId: w.units.streetA.id, role: 'lead' as const, ...sla },
          { ticketId: t.id, unitId: w.units.department.id, role: 'assist' as const, ...sla },
        ]),
      );
      const expected = TICKETS * 2 * 9;

      const publishedBy = new Map(instances.map((d) => [d, 0]));
      for (const d of instances) d.bus.subscribe((e) => e.type === 'sla_warning' && publishedBy.set(d, publishedBy.get(d)! + 1));
      const firedBy = new Map(instances.map((d) => [d, 0]));
      await Promise.all(instances.map((d) => d.db.execute(sql`select 1`))); // both pools connected before the race

      // Each step: every instance runs three sweeps at once, small batches, so the two interleave row by row.
      for (const minutes of [76, 91, 101, 151, 181, 201, 301, 361, 401, 500]) {
        const now = at(T0, minutes * MIN);
        const results = await Promise.all(instances.flatMap((d) => [0, 1, 2].map(async () => [d, await sweep(d, now, { batchSize: 7 })] as const)));
        for (const [d, r] of results) firedBy.set(d, firedBy.get(d)! + r.fired);
      }
      // Rows skipped because the other instance held them are taken by the next pass; drain to be sure.
      for (const d of instances) firedBy.set(d, firedBy.get(d)! + (await sweep(d, at(T0, 500 * MIN))).fired);

      const q = <T>(text: string) => primary.query<T>(text);
      const [alerts] = await q<{ n: number; distinct_n: number }>(
        `select count(*)::int as n, count(distinct (assignment_id, clock, level, cycle))::int as distinct_n from sla_alerts`,
      );
      expect(alerts).toEqual({ n: expected, distinct_n: expected });
      const [events] = await q<{ n: number }>(`select count(*)::int as n from ticket_events where type = 'sla_warning'`);
      expect(events!.n).toBe(expected);
      const twice = await q(
        `select assignment_id, payload->>'clock' as clock, payload->>'level' as level, count(*) from ticket_events
         where type = 'sla_warning' group by 1, 2, 3 having count(*) <> 1`,
      );
      expect(twice).toEqual([]);
      // every event matches an alert of the same assignment, clock and level
      const [orphans] = await q<{ n: number }>(
        `select count(*)::int as n from ticket_events e where e.type = 'sla_warning' and not exists (
           select 1 from sla_alerts a where a.assignment_id = e.assignment_id and a.clock = e.payload->>'clock' and a.level::text = e.payload->>'level')`,
      );
      expect(orphans!.n).toBe(0);

      expect([...firedBy.values()].reduce((a, b) => a + b, 0)).toBe(expected);
      expect([...publishedBy.values()].reduce((a, b) => a + b, 0)).toBe(expected);
      if (driver === 'postgres') {
        // both instances really took part
        for (const [, n] of firedBy) expect(n).toBeGreaterThan(0);
      }

      const [left] = await q<{ n: number }>(`select count(*)::int as n from assignments where next_check_at is not null or jsonb_array_length(sla_marks) > 0`);
      expect(left!.n).toBe(0);
      const [items] = await q<{ reminders: number; supervision: number }>(
        `select count(*) filter (where kind = 'reminder')::int as reminders, count(*) filter (where kind = 'supervision')::int as supervision from supervision_items`,
      );
      expect(items).toEqual({ reminders: TICKETS * 2 * 3, supervision: TICKETS * 2 * 3 });
      const [counts] = await q<{ reminders: number; overdue: number }>(
        `select sum(reminder_count)::int as reminders, count(*) filter (where warning_level = 'overdue')::int as overdue from tickets`,
      );
      expect(counts).toEqual({ reminders: TICKETS * 2 * 3, overdue: TICKETS });
    } finally {
      await second?.close();
      await primary.close();
    }
  }, 180_000);
});
