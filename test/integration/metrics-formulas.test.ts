/**
 * Due-based rates, 按时办结率 and the centre's own clocks on 社区C, and clocks awaiting the calendar on 社区D
 * (hand-computed, the worked examples of docs/metrics.md), on top of the March fixture
 * (./metrics-formulas-fixtures.ts), whose dispatches the centre's figures include.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { makeCategoryLeaf } from '../setup/world.ts';
import { rollup } from '../../src/domain/metrics/rollup.ts';
import { sweep } from '../../src/domain/sla/sweep.ts';
import { createPolicy } from '../../src/domain/sla/policies.ts';
import { policyInput } from '../../src/domain/sla/inputs.ts';
import { makeUnit, makeUser } from '../setup/world.ts';
import { importCalendarYear } from '../../src/domain/calendar/commands.ts';
import { assignments as assignmentsTable, ticketEvents } from '../../db/schema/index.ts';
import { and, eq } from 'drizzle-orm';
import { d, deps, fractions, HOUR, unitRow, useMarchFixture, w } from './metrics-formulas-fixtures.ts';

useMarchFixture();

/**
 * Due-based rates and the centre clocks, on a unit of their own (社区C) dispatched on Monday 3/30 with the same natural-hour clocks
 * (sign 2 h, response 4 h, completion 48 h: due Wednesday 4/1 10:00), so the due-based rates land in April while
 * the dispatch-day figures stay in March. Each expectation names what the old definition would have read.
 */
describe("due-based rates, 按时办结率 and the centre's clocks (hand-computed)", () => {
  const MON = Date.parse('2026-03-30T02:00:00.000Z'); // Monday 3/30 10:00 in Shanghai
  const on = (h: number) => deps.clock.set(new Date(MON + h * HOUR));
  let unitC: Awaited<ReturnType<typeof makeUnit>>;

  beforeAll(async () => {
    unitC = await makeUnit(deps.db, 'community', '社区C', w.units.districtB);
    d.handlers.set(unitC.id, await makeUser(deps.db, 'unit_handler', unitC));
    d.leaders.set(unitC.id, await makeUser(deps.db, 'unit_leader', unitC));
    const lead = (id: number) => d.lead(id).then((a) => a.id);
    const contacted = async (id: number) => {
      await d.sign(await lead(id));
      await d.contact(await lead(id));
    };

    // U1: waited an hour for dispatch (limit 30 min); replied in time on 4/1, called back on 4/2.
    on(-1);
    const u1 = await d.create();
    on(0);
    await d.dispatch(u1.id, unitC.id);
    const [u2, u3, u4, u5] = [await d.create(), await d.create(), await d.create(), await d.create()];
    for (const u of [u2, u3, u4, u5]) await d.dispatch(u.id, unitC.id);
    on(0.5);
    for (const u of [u1, u2, u3, u4]) await contacted(u.id);
    // U5: replied without contacting the caller first — a response miss, though it records a contact right after,
    // still within the response limit; reviewed in 30 min, called back the next day.
    await d.sign(await lead(u5.id));
    on(1);
    await d.reply(await lead(u5.id));
    on(1.25);
    await d.contact(await lead(u5.id));
    on(1.5);
    await d.review(u5.id, 'reply', true);
    on(24);
    await d.callback(u5.id, { reached: true, solved: 'solved', satisfaction: 'satisfied' });
    // U3 asks for an extension on 3/31 (in time); U4 asks to terminate on 4/1 09:00 (in time).
    await d.requestExtension(await lead(u3.id), new Date(MON + 120 * HOUR)); // to 4/4 10:00
    on(47);
    await d.reply(await lead(u1.id));
    await d.requestTermination(await lead(u4.id));
    on(47.5);
    await d.review(u1.id, 'reply', true);
    // 4/1 10:30, after U3's deadline: the extension is approved, but the miss stays a miss.
    on(48.5);
    await d.review(u3.id, 'extension', true);
    // 4/1 11:00: the sweep finds U2 open and overdue.
    on(49);
    await sweep(deps, deps.clock.now());
    // 4/2 10:00: U4's termination approved, 25 h after its request (late for the centre, on time for the unit).
    on(72);
    await d.review(u4.id, 'termination', true);
    await d.callback(u1.id, { reached: true, solved: 'solved', satisfaction: 'satisfied' });
    await d.reply(await lead(u3.id));
    on(72.5);
    await d.review(u3.id, 'reply', true);
    // 4/4 10:00: U3 called back a day after its callback day (due 4/3, late from 4/4 00:00).
    on(120);
    await d.callback(u3.id, { reached: true, solved: 'solved', satisfaction: 'satisfied' });
    on(130);
    await rollup(deps, deps.clock.now(), { batchSize: 5 });
  });

  const month = (m: string, unitId: number) => unitRow(unitId, { from: m });

  it('March (dispatched): the response clocks fell due; the completion clocks did not — their rates are in April', async () => {
    const march = await month('2026-03', unitC.id);
    expect(
      fractions(march, [
        'timely_sign_rate',
        'response_rate',
        'reply_rate',
        'completion_rate',
        'reply_rate_dispatched',
        'completion_rate_dispatched',
        'on_time_completion_rate',
      ]),
    ).toEqual({
      timely_sign_rate: '5/5',
      response_rate: '4/5', // U5 replied without a contact before it
      reply_rate: '0/0', // nothing was due in March (by dispatch day it would read 3/5)
      completion_rate: '0/0', // (by dispatch day: 4/5)
      reply_rate_dispatched: '3/5', // the second, dispatch-day figure: U1, U3, U5 replied
      completion_rate_dispatched: '4/5', // U1, U3, U4, U5 closed; U2 still open
      on_time_completion_rate: '1/1', // U5, closed on 3/31 in time
    });
    expect(march.metrics.reply_rate.value).toBeNull();
  });

  it('April (due): 回复率 and 办结率 over the clocks due, U3 counted on its extended day; 按时办结率 judges the open, overdue U2 as late', async () => {
    const april = await month('2026-04', unitC.id);
    expect(fractions(april, ['response_rate', 'reply_rate', 'completion_rate', 'on_time_completion_rate', 'valid_callback_rate'])).toEqual({
      response_rate: '0/0',
      reply_rate: '3/5', // U1, U2, U4 due 4/1, U3 due 4/4, U5 due 4/1: U1, U3, U5 replied (U4 terminated, U2 open)
      completion_rate: '4/5', // U2 is due and open
      // Judged in April: U1 on time (4/2), U2 overdue while open (4/1), U3 missed before its late extension (4/1),
      // U4 on time — its request (4/1 09:00) came before the deadline, the approval (4/2) after.
      // Old definition: closed on time ÷ closed = U1, U3 ÷ U1, U3, U4 = 2/3.
      on_time_completion_rate: '2/4',
      valid_callback_rate: '2/2',
    });
    const counters = april.counters;
    expect([counters.completionJudged, counters.closedOnTime, counters.closed]).toEqual([4, 2, 3]);
  });

  it("the centre's own clocks (unit 0): dispatch wait, reviews and callbacks against their limits", async () => {
    const march = await unitRow(0, { from: '2026-03' });
    // 11 dispatches by a dispatcher in March: T5's second after 60 min and U1 after 60 min; all others at once.
    expect(march.metrics.avg_dispatch_minutes).toMatchObject({ numerator: 120, denominator: 11, unit: 'minutes' });
    expect(march.metrics.avg_dispatch_minutes.value).toBeCloseTo(120 / 11, 5);
    expect(fractions(march, ['timely_dispatch_rate'])).toEqual({ timely_dispatch_rate: '9/11' });
    const april = await unitRow(0, { from: '2026-04' });
    expect(fractions(april, ['timely_review_rate', 'timely_callback_rate'])).toEqual({
      timely_review_rate: '2/4', // U1's reply (30 min) and U3's reply (30 min) in time; U3's extension (24.5 h) and U4's termination (25 h) late
      timely_callback_rate: '1/2', // U1 called on its callback day; U3 a day after
    });
    // The handling units' rows never carry the centre's figures.
    expect((await month('2026-04', unitC.id)).metrics.timely_review_rate.denominator).toBe(0);
  });
});

/**
 * Clocks awaiting the calendar: dispatched on New Year's Eve after working hours under a
 * working-day policy, every deadline lies in 2027, which the table does not have. The metrics never count them
 * as met: they are pending — a count beside the value, out of numerator and denominator — until importing 2027
 * recomputes them, and then they are due on their new days.
 */
describe('clocks awaiting the calendar are pending until recomputed (hand-computed)', () => {
  let unitD: Awaited<ReturnType<typeof makeUnit>>;
  let contacted: number;
  let waiting: number;

  beforeAll(async () => {
    unitD = await makeUnit(deps.db, 'community', '社区D', w.units.districtB);
    d.handlers.set(unitD.id, await makeUser(deps.db, 'unit_handler', unitD));
    const cat = await makeCategoryLeaf(deps.db, '日历分类');
    const days = (amount: number) => ({ amount, unit: 'working_days' });
    await createPolicy(
      deps,
      w.admin.actor,
      policyInput.parse({ name: '工作日 1/1/5', categoryId: cat.leaf.id, sign: days(1), response: days(1), complete: days(5) }),
    );
    deps.clock.set('2026-12-31T10:00:00.000Z'); // 18:00 on Thursday 12/31 in Shanghai, after working hours
    const t1 = await d.create({ categoryId: cat.leaf.id });
    const t2 = await d.create({ categoryId: cat.leaf.id });
    await d.dispatch(t1.id, unitD.id);
    await d.dispatch(t2.id, unitD.id);
    contacted = (await d.lead(t1.id)).id;
    waiting = (await d.lead(t2.id)).id;
    deps.clock.set('2026-12-31T10:30:00.000Z');
    await d.sign(contacted); // before 2027-01-01: in time whatever the deadline turns out to be
    deps.clock.set('2026-12-31T11:00:00.000Z');
    await d.contact(contacted);
    await rollup(deps, deps.clock.now());
  });

  it('the dispatch recorded every clock as awaiting 2027', async () => {
    const [e] = await deps.db
      .select()
      .from(ticketEvents)
      .where(and(eq(ticketEvents.assignmentId, waiting), eq(ticketEvents.type, 'sla_uncomputable')));
    expect(e?.payload).toMatchObject({ date: '2027-01-01' });
    const [a] = await deps.db.select().from(assignmentsTable).where(eq(assignmentsTable.id, waiting));
    expect(a!.slaWaiting.map((x) => x.clock).sort()).toEqual(['complete', 'response', 'sign']);
  });

  it('before the import: pending, never met', async () => {
    const dec = await unitRow(unitD.id, { from: '2026-12' });
    expect(fractions(dec, ['timely_sign_rate'])).toEqual({ timely_sign_rate: '1/1' }); // the unsigned one is pending, not late
    expect(dec.metrics.timely_sign_rate.pending).toBe(1);
    const jan = await unitRow(unitD.id, { from: '2027-01' });
    // Placed on 2027-01-01, the first day the table lacks: the contact before it was in time whatever the deadline.
    expect(fractions(jan, ['response_rate', 'reply_rate', 'completion_rate', 'on_time_completion_rate'])).toEqual({
      response_rate: '1/1',
      reply_rate: '0/0',
      completion_rate: '0/0',
      on_time_completion_rate: '0/0',
    });
    expect([
      jan.metrics.response_rate.pending,
      jan.metrics.reply_rate.pending,
      jan.metrics.completion_rate.pending,
      jan.metrics.on_time_completion_rate.pending,
    ]).toEqual([1, 2, 2, 2]);
  });

  it('importing 2027 recomputes them: due on their new days, pending no more', async () => {
    deps.clock.set('2027-01-02T02:00:00.000Z');
    await importCalendarYear(deps, w.admin.actor, { year: 2027, source: '测试', format: 'json', days: [{ day: '2027-01-01', kind: 'holiday', name: '元旦' }] });
    await rollup(deps, deps.clock.now());
    const [a] = await deps.db.select().from(assignmentsTable).where(eq(assignmentsTable.id, waiting));
    expect(a!.completeDueAt?.toISOString().slice(0, 7)).toBe('2027-01');
    const dec = await unitRow(unitD.id, { from: '2026-12' });
    expect(fractions(dec, ['timely_sign_rate'])).toEqual({ timely_sign_rate: '1/2' }); // the unsigned one is now simply not (yet) signed
    expect(dec.metrics.timely_sign_rate.pending).toBe(0);
    const jan = await unitRow(unitD.id, { from: '2027-01' });
    expect(fractions(jan, ['response_rate', 'reply_rate', 'completion_rate'])).toEqual({ response_rate: '1/2', reply_rate: '0/2', completion_rate: '0/2' });
    expect([jan.metrics.response_rate.pending, jan.metrics.reply_rate.pending, jan.metrics.completion_rate.pending]).toEqual([0, 0, 0]);
  });
});
