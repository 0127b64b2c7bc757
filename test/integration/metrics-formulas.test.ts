/**
 * Every rate against a hand-computed fixture: a small March at street A, street B and the department,
 * with an approved appeal, a reopen, a return and both 基本满意 settings. Figures are read the way
 * dashboards read them: from the rollup, after the rollup job has counted the events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { makeCategoryLeaf, makeKbArticle, makeWorld, seedCalendar, type World } from '../setup/world.ts';
import { journeyDriver, naturalHoursPolicy, type JourneyDriver } from './metrics-journeys.ts';
import { rollup } from '../../src/domain/metrics/rollup.ts';
import { metricsReport, rankings, type MetricsFilter } from '../../src/domain/metrics/queries.ts';
import { DEFAULT_METRIC_SETTINGS, type MetricKey, type MetricSettings } from '../../src/domain/metrics/definitions.ts';
import { loadMetricSettings, updateMetricSettings } from '../../src/domain/metrics/settings.ts';
import type { Actor } from '../../src/domain/auth/actor.ts';
import { sweep } from '../../src/domain/sla/sweep.ts';
import { createPolicy } from '../../src/domain/sla/policies.ts';
import { policyInput } from '../../src/domain/sla/inputs.ts';
import { makeUnit, makeUser } from '../setup/world.ts';
import { importCalendarYear } from '../../src/domain/calendar/commands.ts';
import { assignments as assignmentsTable, ticketEvents } from '../../db/schema/index.ts';
import { and, eq } from 'drizzle-orm';

const T0 = '2026-03-10T02:00:00.000Z'; // Tuesday 10:00 in Shanghai
const HOUR = 3600_000;
const DAY = 24 * HOUR;

let database: Database;
let deps: TestDeps;
let w: World;
let d: JourneyDriver;
let appealId: number;

const at = (ms: number) => deps.clock.set(new Date(new Date(T0).getTime() + ms));

beforeAll(async () => {
  database = await freshDatabase();
  deps = makeDeps(database, { CALLBACK_MAX_ATTEMPTS: 3 }, T0);
  w = await makeWorld(deps.db);
  await seedCalendar(deps.db);
  d = await journeyDriver(deps, w);
  // Natural-hour clocks: sign 2 h, response 4 h, completion 48 h (a reopen restarts completion).
  await naturalHoursPolicy(deps, w, { sign: 2, response: 4, complete: 48 });
  const { streetA, streetB, department } = w.units;
  const lead = (id: number) => d.lead(id).then((a) => a.id);

  // T1: street A leads, the department assists. All in time for A; the department signs late.
  at(0);
  const t1 = await d.create();
  await d.dispatch(t1.id, streetA.id, [department.id]);
  const dept1 = (await d.assignmentsOf(t1.id)).find((a) => a.unitId === department.id)!.id;
  at(1 * HOUR);
  await d.sign(await lead(t1.id));
  at(2 * HOUR);
  await d.contact(await lead(t1.id));
  at(3 * HOUR);
  await d.sign(dept1);
  // T7: a repeat call about T1 while it is open.
  at(3.5 * HOUR);
  await d.repeat(t1.id);
  at(5 * HOUR);
  await d.reply(await lead(t1.id));
  at(6 * HOUR);
  await d.reply(dept1);
  at(7 * HOUR);
  await d.review(t1.id, 'reply', true);
  at(1 * DAY);
  await d.callback(t1.id, { reached: true, solved: 'solved', satisfaction: 'satisfied' });

  // T2: everything late — signed after 3 h, contacted after 5 h, replied after 50 h; partly solved, basically satisfied.
  at(0);
  const t2 = await d.create();
  await d.dispatch(t2.id, streetA.id);
  at(3 * HOUR);
  await d.sign(await lead(t2.id));
  at(5 * HOUR);
  await d.contact(await lead(t2.id));
  at(50 * HOUR);
  await d.reply(await lead(t2.id));
  at(51 * HOUR);
  await d.review(t2.id, 'reply', true);
  at(3 * DAY);
  await d.callback(t2.id, { reached: true, solved: 'partly', satisfaction: 'basically_satisfied' });

  // T3: unsolved and dissatisfied → reopened (重办) → solved and satisfied.
  at(0);
  const t3 = await d.create();
  await d.dispatch(t3.id, streetA.id);
  at(1 * HOUR);
  await d.sign(await lead(t3.id));
  await d.contact(await lead(t3.id));
  at(5 * HOUR);
  await d.reply(await lead(t3.id));
  at(6 * HOUR);
  await d.review(t3.id, 'reply', true);
  at(1 * DAY);
  await d.callback(t3.id, { reached: true, solved: 'unsolved', satisfaction: 'dissatisfied' });
  at(1 * DAY + HOUR);
  await d.reopen(t3.id);
  at(1 * DAY + 2 * HOUR);
  await d.reply(await lead(t3.id));
  at(1 * DAY + 3 * HOUR);
  await d.review(t3.id, 'reply', true);
  at(2 * DAY);
  await d.callback(t3.id, { reached: true, solved: 'solved', satisfaction: 'satisfied' });

  // T4: street A appeals (approved); the callback then finds the caller dissatisfied; a supervisor closes it.
  at(0);
  const t4 = await d.create();
  await d.dispatch(t4.id, streetA.id);
  at(1 * HOUR);
  await d.sign(await lead(t4.id));
  at(2 * HOUR);
  appealId = (await d.appeal(await lead(t4.id))).id;
  at(3 * HOUR);
  await d.decideAppeal(appealId, true);
  await d.contact(await lead(t4.id));
  at(4 * HOUR);
  await d.reply(await lead(t4.id));
  at(5 * HOUR);
  await d.review(t4.id, 'reply', true);
  at(1 * DAY);
  await d.callback(t4.id, { reached: true, solved: 'unsolved', satisfaction: 'dissatisfied' });
  at(1 * DAY + HOUR);
  await d.close(t4.id);

  // T5: street B signs and returns it (退单); street A takes it and the caller is never reached.
  at(0);
  const t5 = await d.create();
  await d.dispatch(t5.id, streetB.id);
  at(1 * HOUR);
  await d.sign(await lead(t5.id));
  at(2 * HOUR);
  await d.requestReturn(await lead(t5.id));
  at(3 * HOUR);
  await d.review(t5.id, 'return', true);
  at(4 * HOUR);
  await d.dispatch(t5.id, streetA.id);
  at(5 * HOUR);
  await d.sign(await lead(t5.id));
  at(6 * HOUR);
  await d.contact(await lead(t5.id));
  at(7 * HOUR);
  await d.reply(await lead(t5.id));
  at(8 * HOUR);
  await d.review(t5.id, 'reply', true);
  for (const h of [0, 1, 2]) {
    at(1 * DAY + h * HOUR);
    await d.callback(t5.id, { reached: false });
  }

  // T6 answered directly from the knowledge base; T8 not accepted.
  at(0);
  const kb = await makeKbArticle(deps.db, '居住证办理', '携带身份证到派出所办理');
  await d.create({ type: 'consult', disposition: { kind: 'direct_answer', kbArticleId: kb.id, answer: '请携带身份证到户籍所在地派出所办理。' } });
  await d.create({ disposition: { kind: 'not_accepted', reason: '属于诉讼程序，告知诉求人依法起诉' } });

  // Counted in odd batch sizes, as a running system would.
  at(5 * DAY);
  await rollup(deps, deps.clock.now(), { batchSize: 7 });
});
afterAll(async () => {
  await database?.close();
});

const MARCH: MetricsFilter = { period: 'month', from: '2026-03', includeAppealed: false };

async function rowsFor(actor: Actor, f: Partial<MetricsFilter> = {}, settings: MetricSettings = DEFAULT_METRIC_SETTINGS) {
  return (await metricsReport(deps.db, actor, { ...MARCH, ...f }, settings, 'zh-CN')).rows;
}
async function unitRow(unitId: number, f: Partial<MetricsFilter> = {}, settings?: MetricSettings) {
  const rows = await rowsFor(w.supervisor.actor, { groupBy: 'unit', ...f }, settings);
  return rows.find((r) => r.group?.id === unitId)!;
}
/** numerator/denominator of each metric, as "n/d". */
const fractions = (row: { metrics: Record<MetricKey, { numerator: number; denominator: number }> }, keys: MetricKey[]) =>
  Object.fromEntries(keys.map((k) => [k, `${row.metrics[k].numerator}/${row.metrics[k].denominator}`]));

describe('street A in March (hand-computed)', () => {
  it('every rate, without the appealed ticket', async () => {
    const row = await unitRow(w.units.streetA.id);
    expect(row.bucket).toBe('2026-03');
    expect(
      fractions(row, [
        'timely_sign_rate',
        'response_rate',
        'reply_rate',
        'completion_rate',
        'on_time_completion_rate',
        'solved_rate',
        'satisfaction_rate',
        'valid_callback_rate',
        'return_rate',
        'redo_rate',
      ]),
    ).toEqual({
      timely_sign_rate: '3/4', // T1, T3, T5 in time; T2 late
      response_rate: '3/4', // T2 contacted after the 4 h limit
      reply_rate: '4/4',
      completion_rate: '4/4',
      on_time_completion_rate: '3/4', // T2 replied after 50 h of 48
      solved_rate: '2/4', // T1, T3 (second callback) solved; T2 partly; T3 (first) unsolved
      satisfaction_rate: '3/4', // 满意 T1, T3; 基本满意 T2 counts by default
      valid_callback_rate: '4/7', // every attempt counts: T5's three calls never reached the caller, T3 was called in two rounds
      return_rate: '0/4',
      redo_rate: '1/4', // T3
    });
    expect(row.metrics.satisfaction_rate.value).toBe(0.75);
    expect(row.metrics.redo_rate.value).toBe(0.25);
    expect(row.metrics.direct_answer_rate).toMatchObject({ value: null, numerator: 0, denominator: 0 });
    expect(row.metrics.satisfaction_rate.definition).toContain('基本满意');
  });

  it('the approved appeal (免考) is what keeps T4 out: with it counted, every figure of street A moves', async () => {
    const row = await unitRow(w.units.streetA.id, { includeAppealed: true });
    expect(
      fractions(row, [
        'timely_sign_rate',
        'response_rate',
        'completion_rate',
        'on_time_completion_rate',
        'solved_rate',
        'satisfaction_rate',
        'valid_callback_rate',
        'redo_rate',
      ]),
    ).toEqual({
      timely_sign_rate: '4/5',
      response_rate: '4/5',
      completion_rate: '5/5',
      on_time_completion_rate: '4/5',
      solved_rate: '2/5',
      satisfaction_rate: '3/5',
      valid_callback_rate: '5/8',
      redo_rate: '1/5',
    });
  });

  it('基本满意 and 部分解决 follow the settings, for past figures too', async () => {
    const strict = { ...DEFAULT_METRIC_SETTINGS, satisfiedIncludesBasic: false, solvedIncludesPartly: true };
    const row = await unitRow(w.units.streetA.id, {}, strict);
    expect(fractions(row, ['satisfaction_rate', 'solved_rate'])).toEqual({ satisfaction_rate: '2/4', solved_rate: '3/4' });
    expect(row.metrics.satisfaction_rate.definition).toContain('基本满意不计入');
    expect(row.metrics.solved_rate.definition).toContain('部分解决');

    // Stored by an admin, the choice is what every reader gets.
    await updateMetricSettings(deps, w.admin.actor, { satisfiedIncludesBasic: false });
    const stored = await loadMetricSettings(deps.db);
    expect(stored).toMatchObject({ satisfiedIncludesBasic: false, solvedIncludesPartly: false });
    expect((await unitRow(w.units.streetA.id, {}, stored)).metrics.satisfaction_rate.value).toBe(0.5);
    await updateMetricSettings(deps, w.admin.actor, { satisfiedIncludesBasic: true });
  });

  it('the district reads its subtree: the same figures as its only busy street', async () => {
    const street = await unitRow(w.units.streetA.id);
    const district = await unitRow(w.units.districtA.id);
    expect(district.counters).toEqual(street.counters);
    expect(district.group).toMatchObject({ type: 'unit', id: w.units.districtA.id, kind: 'district' });
  });
});

describe('other units and the centre', () => {
  it('street B: signed in time, then returned (回退率 100 %, nothing left due for 办结率)', async () => {
    const row = await unitRow(w.units.streetB.id);
    expect(fractions(row, ['timely_sign_rate', 'response_rate', 'reply_rate', 'return_rate', 'completion_rate'])).toEqual({
      timely_sign_rate: '1/1',
      response_rate: '0/1',
      reply_rate: '0/1',
      return_rate: '1/1',
      completion_rate: '0/0',
    });
    expect(row.metrics.completion_rate.value).toBeNull();
  });

  it('the assisting department: signed late, replied; 响应率 counts lead units only unless configured', async () => {
    const row = await unitRow(w.units.department.id);
    expect(fractions(row, ['timely_sign_rate', 'reply_rate', 'response_rate'])).toEqual({ timely_sign_rate: '0/1', reply_rate: '1/1', response_rate: '0/0' });
    const all = await unitRow(w.units.department.id, {}, { ...DEFAULT_METRIC_SETTINGS, responseLeadOnly: false });
    expect(fractions(all, ['response_rate'])).toEqual({ response_rate: '0/1' });
  });

  it('intake: 直接答复率 and 重复来电率 belong to the centre (unit 0)', async () => {
    const intake = await unitRow(0);
    expect(intake.group).toMatchObject({ id: 0, name: '热线中心' });
    // contacts: T1–T6 and T8 logged as tickets, T7 linked to T1 = 8; T8 not accepted
    expect(fractions(intake, ['direct_answer_rate', 'repeat_contact_rate'])).toEqual({ direct_answer_rate: '1/7', repeat_contact_rate: '1/8' });
  });

  it('centre totals sum every unit and the intake', async () => {
    const [total] = await rowsFor(w.supervisor.actor);
    expect(total!.group).toBeNull();
    expect(fractions(total!, ['timely_sign_rate', 'reply_rate', 'return_rate', 'direct_answer_rate'])).toEqual({
      timely_sign_rate: '4/6', // A 3/4, B 1/1, department 0/1
      reply_rate: '5/6',
      return_rate: '1/5',
      direct_answer_rate: '1/7',
    });
  });

  it('a unit user reads only its subtree: no intake, no other street', async () => {
    const [own] = await rowsFor(w.handlerA.actor);
    const street = await unitRow(w.units.streetA.id);
    expect(own!.counters).toEqual(street.counters);
    const byUnit = await rowsFor(w.handlerDistrictA.actor, { groupBy: 'unit' });
    expect(byUnit.map((r) => r.group!.id).sort()).toEqual([w.units.districtA.id, w.units.streetA.id].sort());
  });

  it('by level, channel and category', async () => {
    const levels = await rowsFor(w.supervisor.actor, { groupBy: 'level' });
    const street = levels.find((r) => r.group!.id === 'street')!;
    expect(fractions(street, ['timely_sign_rate'])).toEqual({ timely_sign_rate: '4/5' }); // A 3/4 + B 1/1
    expect(levels.find((r) => r.group!.id === 'department')!.counters.dispatched).toBe(1);
    const channels = await rowsFor(w.supervisor.actor, { groupBy: 'channel' });
    expect(channels.map((r) => r.group!.id)).toEqual(['phone']);
    const cats = await rowsFor(w.supervisor.actor, { groupBy: 'category', categoryId: w.parentCategory.id });
    expect(cats.map((r) => r.group!.id)).toEqual([w.category.id]);
  });
});

describe('red and black lists', () => {
  it('rank streets by 30/35/35 of 响应率, 解决率, 满意率; a street with nothing to rate is unranked', async () => {
    const r = await rankings(deps.db, w.supervisor.actor, { level: 'street', month: '2026-03', includeAppealed: false }, DEFAULT_METRIC_SETTINGS, 'zh-CN');
    const a = r.ranked.find((x) => x.unit.id === w.units.streetA.id)!;
    // (30 × 0.75 + 35 × 0.5 + 35 × 0.75) ÷ 100 = 0.6625
    expect(a.composite).toBe(66.25);
    expect(r.unranked.map((u) => u.unit.id)).toContain(w.units.streetB.id); // no callbacks: 解决率 and 满意率 have nothing due
    expect(r.red.length + r.black.length).toBeLessThanOrEqual(r.ranked.length);
  });
});

describe('Asia/Shanghai buckets', () => {
  it('an event at 2026-03-31T17:00Z is counted on April 1st; weeks are ISO weeks', async () => {
    const cat = await makeCategoryLeaf(deps.db, '边界分类');
    const kb = await makeKbArticle(deps.db, '边界', '边界测试');
    const direct = { categoryId: cat.leaf.id, type: 'consult', disposition: { kind: 'direct_answer', kbArticleId: kb.id, answer: '已直接答复诉求人。' } };
    deps.clock.set('2026-03-31T15:59:59.999Z'); // 23:59:59 on March 31st in Shanghai
    await d.create(direct);
    deps.clock.set('2026-03-31T17:00:00.000Z'); // 01:00 on April 1st in Shanghai
    await d.create(direct);
    await rollup(deps, deps.clock.now());
    const days = await rowsFor(w.supervisor.actor, { period: 'day', from: '2026-03-31', to: '2026-04-01', categoryId: cat.leaf.id });
    expect(days.map((r) => [r.bucket, r.counters.contacts, r.counters.directAnswers])).toEqual([
      ['2026-03-31', 1, 1],
      ['2026-04-01', 1, 1],
    ]);
    const months = await rowsFor(w.supervisor.actor, { period: 'month', from: '2026-03', to: '2026-04', categoryId: cat.leaf.id });
    expect(months.map((r) => [r.bucket, r.counters.contacts])).toEqual([
      ['2026-03', 1],
      ['2026-04', 1],
    ]);
    const weeks = await rowsFor(w.supervisor.actor, { period: 'week', from: '2026-03-31', categoryId: cat.leaf.id });
    expect(weeks.map((r) => [r.bucket, r.start, r.end, r.counters.contacts])).toEqual([['2026-W14', '2026-03-30', '2026-04-05', 2]]);
  });
});

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
