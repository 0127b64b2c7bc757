/**
 * Metrics and appeals along the chain of levels, hand-computed (docs/metrics.md, "The chain of levels"): 甲区 (D)
 * leads T1 and hands it down to 甲街道 (S); the centre dispatches T2 straight to S. Each clock counts for the unit
 * that owned it; D's figures are shown for itself (本级) and with S (含下级); the ticket's outcomes stay with the
 * top-level lead; the report's ticket count leaves the hand-down out; S's appeal on its sub-assignment is decided
 * by D, not the centre. The hand-down and the sub-unit's steps are written as the chain's commands write them
 * (rows and events: HandDownPayload, SubDecisionPayloads); the centre's and D's steps go through the real commands.
 * Natural-hour clocks: sign 2 h, response 4 h, completion 48 h, from 3/10 10:00 Asia/Shanghai.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { assignments, ticketEvents, tickets } from '../../db/schema/index.ts';
import type { TicketEventPayloads, TicketEventType } from '../../src/contract/events.ts';
import { decideAppeal, fileAppeal } from '../../src/domain/appeals/commands.ts';
import { listAppeals } from '../../src/domain/appeals/queries.ts';
import { ForbiddenError } from '../../src/domain/errors.ts';
import { DEFAULT_METRIC_SETTINGS, type MetricKey } from '../../src/domain/metrics/definitions.ts';
import { metricsReport, type MetricsFilter } from '../../src/domain/metrics/queries.ts';
import { rankings } from '../../src/domain/metrics/rankings.ts';
import { rollup } from '../../src/domain/metrics/rollup.ts';
import { computeMonthlyFigures } from '../../src/domain/reports/figures.ts';
import { freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { makeWorld, seedCalendar, type World } from '../setup/world.ts';
import { journeyDriver, naturalHoursPolicy, type JourneyDriver } from './metrics-journeys.ts';

const T0 = Date.parse('2026-03-10T02:00:00.000Z'); // Tuesday 3/10 10:00 in Shanghai
const HOUR = 3600_000;
let database: Database;
let deps: TestDeps;
let w: World;
let d: JourneyDriver;
let subId: number;
let t1: number;
let t2: number;
const at = (h: number) => deps.clock.set(new Date(T0 + h * HOUR));
const iso = (h: number) => new Date(T0 + h * HOUR).toISOString();

/** An event as the chain's commands record it (same ticket version, the ticket's status unchanged). */
async function chainEvent<K extends TicketEventType>(ticketId: number, assignmentId: number, type: K, payload: Partial<TicketEventPayloads[K]>) {
  const [t] = await deps.db.select().from(tickets).where(eq(tickets.id, ticketId));
  await deps.db.insert(ticketEvents).values({
    ticketId,
    assignmentId,
    type,
    fromStatus: t!.status,
    toStatus: t!.status,
    version: t!.version,
    payload: payload as Record<string, unknown>,
    createdAt: deps.clock.now(),
  });
}
const setSub = (status: 'in_progress' | 'replied' | 'completed') => deps.db.update(assignments).set({ status }).where(eq(assignments.id, subId));

const MARCH: MetricsFilter = { period: 'month', from: '2026-03', includeAppealed: false };
const fractions = (m: Record<MetricKey, { numerator: number; denominator: number }>, keys: MetricKey[]) =>
  Object.fromEntries(keys.map((k) => [k, `${m[k].numerator}/${m[k].denominator}`]));
const KEYS: MetricKey[] = [
  'timely_sign_rate',
  'response_rate',
  'completion_rate',
  'on_time_completion_rate',
  'solved_rate',
  'satisfaction_rate',
  'return_rate',
];
async function unitRow(unitId: number, f: Partial<MetricsFilter> = {}) {
  const r = await metricsReport(deps.db, w.supervisor.actor, { ...MARCH, groupBy: 'unit', ...f }, DEFAULT_METRIC_SETTINGS, 'zh-CN');
  return r.rows.find((x) => x.group?.id === unitId)!;
}

beforeAll(async () => {
  database = await freshDatabase();
  deps = makeDeps(database, {}, new Date(T0).toISOString());
  w = await makeWorld(deps.db);
  await seedCalendar(deps.db);
  d = await journeyDriver(deps, w);
  await naturalHoursPolicy(deps, w, { sign: 2, response: 4, complete: 48 });
  const { districtA: D, streetA: S } = w.units;

  // T1: the centre dispatches to 甲区, which signs and contacts in time, then hands it down to 甲街道.
  at(0);
  t1 = (await d.create()).id;
  await d.dispatch(t1, D.id);
  const top = (await d.assignmentsOf(t1))[0]!;
  at(0.5);
  await d.sign(top.id);
  at(1);
  await d.contact(top.id);
  at(1.5);
  // Its own clocks from the hand-down (sign 3:30 h, response 5:30 h); completion 49:30 h clamped to D's 48 h.
  const [sub] = await deps.db
    .insert(assignments)
    .values({
      ticketId: t1,
      unitId: S.id,
      parentId: top.id,
      role: 'lead',
      status: 'awaiting_sign',
      dispatchedAt: deps.clock.now(),
      signDueAt: new Date(T0 + 3.5 * HOUR),
      responseDueAt: new Date(T0 + 5.5 * HOUR),
      completeDueAt: new Date(T0 + 48 * HOUR),
      clampedClocks: ['complete'],
    })
    .returning();
  subId = sub!.id;
  await chainEvent(t1, top.id, 'hand_down', {
    subAssignmentIds: [subId],
    leadUnitId: S.id,
    assistUnitIds: [],
    note: '请街道落实',
    deadlines: { sign: iso(3.5), response: iso(5.5), complete: iso(48) },
    clamped: ['complete'],
    awaitingCalendar: [],
  });
  // 甲街道 signs (in time), contacts (in time), replies; 甲区 approves: its 办结 at its level.
  at(2);
  await setSub('in_progress');
  await chainEvent(t1, subId, 'sign', {});
  at(3);
  await chainEvent(t1, subId, 'contact', { contactedAt: iso(3) });
  at(4);
  await setSub('replied');
  await chainEvent(t1, subId, 'reply', { content: '已现场处理' });
  at(5);
  await setSub('completed');
  await chainEvent(t1, subId, 'approve_sub_reply', { subUnitId: S.id, parentAssignmentId: top.id, parentUnitId: D.id, note: null, reply: '已现场处理' });
  // 甲区 replies upward; the centre approves; the caller is satisfied and the matter solved.
  at(6);
  await d.reply(top.id);
  at(7);
  await d.review(t1, 'reply', true);
  at(30);
  await d.callback(t1, { reached: true, solved: 'solved', satisfaction: 'satisfied' });

  // T2: the centre dispatches straight to 甲街道, which signs late (3 h), contacts in time, is solved but only basically satisfied.
  at(0);
  t2 = (await d.create()).id;
  await d.dispatch(t2, S.id);
  const s2 = (await d.assignmentsOf(t2))[0]!.id;
  at(3);
  await d.sign(s2);
  at(3.5);
  await d.contact(s2);
  at(5);
  await d.reply(s2);
  at(6);
  await d.review(t2, 'reply', true);
  at(30);
  await d.callback(t2, { reached: true, solved: 'solved', satisfaction: 'dissatisfied' });
  await d.close(t2);

  at(72);
  await rollup(deps, deps.clock.now(), { batchSize: 5 });
});
afterAll(async () => {
  await database?.close();
});

describe('each clock counts for the unit that owned it (hand-computed)', () => {
  it('甲街道 本级: its sub-assignment on T1 and its own T2 — every clock; the callbacks only of the ticket it led', async () => {
    const s = await unitRow(w.units.streetA.id);
    expect(s.scope).toBe('subtree');
    expect(s.own!.scopeName).toBe('本级');
    expect(fractions(s.own!.metrics, KEYS)).toEqual({
      timely_sign_rate: '1/2', // T1 sub in time (2 h ≤ 3:30), T2 late (3 h > 2 h)
      response_rate: '2/2',
      completion_rate: '2/2', // T1's sub completed by 甲区's approval, T2 closed; both due 3/12
      on_time_completion_rate: '2/2', // T1 sub judged at the approval (reply 4 h ≤ 48 h), T2 at the close
      solved_rate: '1/1', // T2 only: T1's callback is 甲区's
      satisfaction_rate: '0/1',
      return_rate: '0/2',
    });
    // 甲街道 has nothing beneath it with data: 含下级 = 本级.
    expect(fractions(s.metrics, KEYS)).toEqual(fractions(s.own!.metrics, KEYS));
    expect(s.own!.counters).toMatchObject({ dispatched: 2, handedDown: 1, leadDispatched: 2, leadHandedDown: 1, completed: 2, subCompletionJudged: 1 });
  });

  it('甲区 本级 is its own assignment only; 含下级 adds 甲街道 once — no clock counted twice, the ticket’s callbacks once', async () => {
    const dRow = await unitRow(w.units.districtA.id);
    expect(fractions(dRow.own!.metrics, KEYS)).toEqual({
      timely_sign_rate: '1/1',
      response_rate: '1/1',
      completion_rate: '1/1',
      on_time_completion_rate: '1/1',
      solved_rate: '1/1',
      satisfaction_rate: '1/1',
      return_rate: '0/1',
    });
    expect(dRow.own!.counters.handedDown).toBe(0);
    expect(fractions(dRow.metrics, KEYS)).toEqual({
      timely_sign_rate: '2/3',
      response_rate: '3/3',
      completion_rate: '3/3',
      on_time_completion_rate: '3/3',
      solved_rate: '2/2',
      satisfaction_rate: '1/2',
      return_rate: '0/3',
    });
  });

  it('by unit level, each level has its units’ own figures: the street level holds the hand-down, the district level does not', async () => {
    const rows = (await metricsReport(deps.db, w.supervisor.actor, { ...MARCH, groupBy: 'level' }, DEFAULT_METRIC_SETTINGS, 'zh-CN')).rows;
    const level = (k: string) => rows.find((r) => r.group?.id === k)!;
    expect(level('district').counters).toMatchObject({ dispatched: 1, leadDispatched: 1, handedDown: 0, closed: 1 });
    expect(level('street').counters).toMatchObject({ dispatched: 2, leadDispatched: 2, handedDown: 1, closed: 1 });
  });

  it('rankings per level: streets by their subtree with 本级 beside; the district not inflated by its street twice', async () => {
    const streets = await rankings(
      deps.db,
      w.supervisor.actor,
      { level: 'street', period: 'month', from: '2026-03', includeAppealed: false },
      DEFAULT_METRIC_SETTINGS,
      'zh-CN',
    );
    const s = streets.ranked.find((r) => r.unit.id === w.units.streetA.id)!;
    // 30 × 100 % + 35 × 100 % + 35 × 0 % = 65
    expect(s.composite).toBe(65);
    expect(s.own.composite).toBe(65);
    const districts = await rankings(
      deps.db,
      w.supervisor.actor,
      { level: 'district', period: 'month', from: '2026-03', includeAppealed: false },
      DEFAULT_METRIC_SETTINGS,
      'zh-CN',
    );
    const dRank = districts.ranked.find((r) => r.unit.id === w.units.districtA.id)!;
    // 含下级 30 × 3/3 + 35 × 2/2 + 35 × 1/2 = 82.5; 本级 100
    expect(dRank.composite).toBe(82.5);
    expect(dRank.own.composite).toBe(100);
  });

  it('the monthly report counts tickets the centre dispatched (2), not the hand-down; 超期办结 stays ticket-level', async () => {
    const f = await computeMonthlyFigures(deps.db, '2026-03', { settings: DEFAULT_METRIC_SETTINGS, now: deps.clock.now() });
    expect(f.overview.dispatched.current).toBe(2);
    expect(f.daily.find((x) => x.day === '2026-03-10')!.dispatched).toBe(2);
    expect(f.overview.closed.current).toBe(2);
    expect(f.overdue.closedLate).toBe(0);
    const street = f.units.levels.find((l) => l.level === 'street')!.units.find((u) => u.unit.id === w.units.streetA.id)!;
    expect(street.own).toMatchObject({ dispatched: 2, handedDown: 1 });
  });
});

describe('appeals go to the level above the unit', () => {
  let appealId: number;
  it('甲街道 appeals its sub-assignment: 甲区’s leader sees it in its queue and decides; the centre may not', async () => {
    at(80);
    const appeal = await fileAppeal(deps, d.leaders.get(w.units.streetA.id)!.actor, subId, {
      reasonCode: 'outside_duties',
      reason: '该事项不属于街道职责范围',
    });
    appealId = appeal.id;
    const dLeader = d.leaders.get(w.units.districtA.id)!.actor;
    const queue = await listAppeals(deps.db, dLeader, { toDecide: true, limit: 50 });
    expect(queue.items.map((a) => a.id)).toEqual([appealId]);
    expect(queue.items[0]).toMatchObject({ decider: { id: w.units.districtA.id }, abilities: ['approve', 'reject'] });
    const centreQueue = await listAppeals(deps.db, w.supervisor.actor, { toDecide: true, limit: 50 });
    expect(centreQueue.items.map((a) => a.id)).not.toContain(appealId);
    const asSupervisor = (await listAppeals(deps.db, w.supervisor.actor, { limit: 50 })).items.find((a) => a.id === appealId)!;
    expect(asSupervisor.abilities).toEqual([]);
    await expect(decideAppeal(deps, w.supervisor.actor, appealId, true, { note: '同意' })).rejects.toBeInstanceOf(ForbiddenError);
    // A handler of the parent unit, or the appealing unit's own leader, may not either.
    await expect(decideAppeal(deps, d.handlers.get(w.units.districtA.id)!.actor, appealId, true, { note: '同意' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(decideAppeal(deps, d.leaders.get(w.units.streetA.id)!.actor, appealId, true, { note: '同意' })).rejects.toBeInstanceOf(ForbiddenError);
    const decided = await decideAppeal(deps, dLeader, appealId, true, { note: '经核实属实，同意免考' });
    expect(decided.status).toBe('approved');
  });

  it('an appeal on a top-level assignment stays the centre’s; the approved one takes T1’s sub-assignment out of 甲街道’s figures and 甲区’s 含下级 only', async () => {
    const top2 = (await d.assignmentsOf(t2))[0]!.id;
    const appeal = await fileAppeal(deps, d.leaders.get(w.units.streetA.id)!.actor, top2, { reasonCode: 'other', reason: '诉求人诉求不合理，多次解释' });
    expect((await listAppeals(deps.db, w.supervisor.actor, { toDecide: true, limit: 50 })).items.map((a) => a.id)).toEqual([appeal.id]);
    expect((await listAppeals(deps.db, d.leaders.get(w.units.districtA.id)!.actor, { toDecide: true, limit: 50 })).items).toEqual([]);
    await expect(decideAppeal(deps, d.leaders.get(w.units.districtA.id)!.actor, appeal.id, false, { note: '不同意' })).rejects.toBeInstanceOf(ForbiddenError);
    expect((await decideAppeal(deps, w.supervisor.actor, appeal.id, false, { note: '理由不充分' })).status).toBe('rejected');

    await rollup(deps, deps.clock.now());
    const s = await unitRow(w.units.streetA.id);
    expect(fractions(s.own!.metrics, ['timely_sign_rate', 'response_rate', 'on_time_completion_rate'])).toEqual({
      timely_sign_rate: '0/1',
      response_rate: '1/1',
      on_time_completion_rate: '1/1',
    });
    const dRow = await unitRow(w.units.districtA.id);
    expect(fractions(dRow.own!.metrics, ['timely_sign_rate', 'solved_rate'])).toEqual({ timely_sign_rate: '1/1', solved_rate: '1/1' });
    expect(fractions(dRow.metrics, ['timely_sign_rate', 'solved_rate'])).toEqual({ timely_sign_rate: '1/2', solved_rate: '2/2' });
  });
});
