import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { slaPolicies, systemAlerts } from '../../db/schema/index.ts';
import { freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { makeCategoryLeaf, makeWorld, seedCalendar, type World } from '../setup/world.ts';
import { HOUR, MIN, addPolicy, assignmentById, at, dispatchNew, eventsOf, ticketById, warningsOf } from '../setup/sla.ts';
import {
  contactCaller,
  recordCallback,
  replyAssignment,
  requestExtension,
  requestReturn,
  reopenTicket,
  reviewExtension,
  reviewReply,
  reviewReturn,
  signAssignment,
  dispatchTicket,
} from '../../src/domain/tickets/commands/lifecycle.ts';
import { sweep } from '../../src/domain/sla/sweep.ts';
import type { Mark } from '../../src/domain/sla/clocks.ts';

let database: Database;
let deps: TestDeps;
let w: World;

const T0 = '2026-03-10T02:00:00.000Z'; // Tuesday 10:00 in Shanghai
const local = (s: string) => new Date(`${s}+08:00`).toISOString();

beforeAll(async () => {
  database = await freshDatabase();
  deps = makeDeps(database);
  w = await makeWorld(deps.db);
  await seedCalendar(deps.db);
});
afterAll(async () => {
  await database?.close();
});
beforeEach(() => deps.clock.set(T0));

/** A category of its own for each test, so policies never leak between tests. */
async function leafWithPolicy(over: Record<string, unknown> = {}) {
  const cat = await makeCategoryLeaf(deps.db, '测试分类');
  const policy = await addPolicy(deps, w, { categoryId: cat.leaf.id, ...over });
  return { cat, policy, ticket: { categoryId: cat.leaf.id } };
}
const marksOf = (m: Mark[], clock: Mark['clock']) => m.filter((x) => x.clock === clock).map((x) => `${x.level}@${x.at}`);
const a = (id: number) => assignmentById(deps.db, id);

describe('deadlines stored on dispatch', () => {
  it('no policy fits: the dispatch succeeds without deadlines and supervisors are alerted to configure one', async () => {
    const cat = await makeCategoryLeaf(deps.db, '无策略分类');
    const {
      ticket,
      assignments: [lead],
    } = await dispatchNew(deps, w, { ticket: { categoryId: cat.leaf.id } });
    expect(ticket.status).toBe('awaiting_sign');
    expect(lead).toMatchObject({ slaPolicyId: null, signDueAt: null, responseDueAt: null, completeDueAt: null, slaMarks: [], nextCheckAt: null });
    const alerts = await deps.db.select().from(systemAlerts).where(eq(systemAlerts.kind, 'sla_no_policy'));
    expect(alerts.map((x) => x.details.categoryId)).toContain(cat.leaf.id);
  });

  it('working-time limits over Spring Festival 2026: every assignment of the dispatch gets the three deadlines and their marks', async () => {
    const { policy, ticket } = await leafWithPolicy({
      sign: { amount: 1, unit: 'working_days' },
      response: { amount: 4, unit: 'working_hours' },
      complete: { amount: 5, unit: 'working_days' },
    });
    deps.clock.set(local('2026-02-13T10:00')); // the Friday before the holiday
    const { assignments } = await dispatchNew(deps, w, { ticket, assist: [w.units.department.id] });
    expect(assignments).toHaveLength(2);
    for (const x of assignments) {
      expect(x).toMatchObject({
        slaPolicyId: policy.id,
        signDueAt: new Date(local('2026-02-14T17:30')), // the make-up Saturday
        responseDueAt: new Date(local('2026-02-13T15:30')),
        completeDueAt: new Date(local('2026-02-27T17:30')), // 2/15–2/23 off
        originalCompleteDueAt: null,
        completeStartedAt: new Date(local('2026-02-13T10:00')),
        slaCycle: 0,
        warningLevel: 'none',
      });
      expect(x.slaMarks).toHaveLength(9);
      expect(marksOf(x.slaMarks, 'complete')).toEqual([
        `yellow@${local('2026-02-26T14:15')}`,
        `red@${local('2026-02-27T11:54')}`,
        `overdue@${local('2026-02-27T17:30')}`,
      ]);
      // the earliest mark: 75 % of the 4 working hours → 14:30 on Friday
      expect(x.nextCheckAt).toEqual(new Date(local('2026-02-13T14:30')));
    }
  });

  it('the most specific policy applies: leaf over parent over the fallback; an emergency policy for the parent', async () => {
    const cat = await makeCategoryLeaf(deps.db, '分级分类');
    const fallback = await addPolicy(deps, w, { name: '兜底', complete: { amount: 5, unit: 'natural_days' } });
    try {
      await addPolicy(deps, w, { name: '父级', categoryId: cat.parent.id, complete: { amount: 3, unit: 'natural_days' } });
      await addPolicy(deps, w, { name: '父级特急', categoryId: cat.parent.id, urgency: 'emergency', sign: { amount: 15, unit: 'natural_minutes' } });
      const leaf = await addPolicy(deps, w, { name: '末级', categoryId: cat.leaf.id, complete: { amount: 1, unit: 'natural_days' } });

      const onLeaf = await dispatchNew(deps, w, { ticket: { categoryId: cat.leaf.id } });
      expect(onLeaf.assignments[0]!.slaPolicyId).toBe(leaf.id);
      // 1 natural day, 次日起: the end of 3/11
      expect(onLeaf.assignments[0]!.completeDueAt).toEqual(new Date(local('2026-03-12T00:00')));

      const emergency = await dispatchNew(deps, w, { ticket: { categoryId: cat.leaf.id, urgency: 'emergency' } });
      expect(emergency.assignments[0]!.slaPolicyId).toBe(leaf.id); // the category is more specific than the urgency

      const other = await dispatchNew(deps, w, { ticket: { categoryId: w.category.id } });
      expect(other.assignments[0]!.slaPolicyId).toBe(fallback.id);
    } finally {
      await deps.db.update(slaPolicies).set({ active: false }).where(eq(slaPolicies.id, fallback.id));
    }
  });

  it('the calendar ends before a deadline: the dispatch succeeds, that clock awaits the calendar, sla_uncomputable follows the dispatch event, supervisors are alerted', async () => {
    const { ticket } = await leafWithPolicy({
      sign: { amount: 1, unit: 'working_days' },
      response: { amount: 24, unit: 'natural_hours' },
      complete: { amount: 5, unit: 'working_days' },
    });
    deps.clock.set(local('2026-12-28T10:00'));
    const {
      ticket: t,
      assignments: [lead],
    } = await dispatchNew(deps, w, { ticket });
    expect(t.status).toBe('awaiting_sign');
    expect(lead).toMatchObject({ signDueAt: new Date(local('2026-12-29T17:30')), responseDueAt: new Date(local('2026-12-29T10:00')), completeDueAt: null });
    expect(lead!.slaMarks.filter((m) => m.clock === 'complete')).toEqual([]);
    const events = await eventsOf(deps.db, t.id);
    expect(events.map((e) => e.type).slice(-2)).toEqual(['dispatch', 'sla_uncomputable']);
    expect(events.at(-1)).toMatchObject({ assignmentId: lead!.id, actorId: null, version: t.version, payload: { clocks: ['complete'], date: '2027-01-01' } });
    expect(lead!.slaWaiting).toEqual([{ clock: 'complete', date: '2027-01-01', start: local('2026-12-28T10:00') }]);
    const alerts = await deps.db.select().from(systemAlerts).where(eq(systemAlerts.dedupeKey, 'calendar_not_covered:2027'));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.details).toMatchObject({ date: '2027-01-01', year: 2027, clocks: 1, tickets: 1, sample: [{ ticketId: t.id, number: t.number }] });
  });
});

describe('clocks stop as the unit acts', () => {
  it('sign removes the sign marks, first contact the response marks, the reply the completion marks (each assignment its own)', async () => {
    const { ticket } = await leafWithPolicy();
    const {
      ticket: t,
      assignments: [lead, assist],
    } = await dispatchNew(deps, w, { ticket, assist: [w.units.department.id] });
    deps.clock.advance(10 * MIN);
    await signAssignment(deps, w.handlerA.actor, lead!.id, { version: lead!.version });
    let l = await a(lead!.id);
    expect(l.slaMarks.map((m) => m.clock)).not.toContain('sign');
    expect(l.nextCheckAt).toEqual(at(T0, 150 * MIN)); // response yellow is next
    expect((await a(assist!.id)).slaMarks.filter((m) => m.clock === 'sign')).toHaveLength(3); // untouched

    await contactCaller(deps, w.handlerA.actor, lead!.id, { version: l.version, method: 'phone', summary: '已电话联系' });
    l = await a(lead!.id);
    expect(l.slaMarks.map((m) => m.clock)).toEqual(['complete', 'complete', 'complete']);
    expect(l.nextCheckAt).toEqual(at(T0, 300 * MIN));

    // the assisting unit's reply stops only its own clocks: completion, and response too (no contact before it: a miss)
    const s = await signAssignment(deps, w.handlerDept.actor, assist!.id, { version: assist!.version });
    await replyAssignment(deps, w.handlerDept.actor, assist!.id, { version: s.assignment.version, content: '协办意见：已配合处理。' });
    expect(await a(assist!.id)).toMatchObject({ slaMarks: [], nextCheckAt: null });
    expect((await a(lead!.id)).slaMarks.map((m) => m.clock)).toEqual(['complete', 'complete', 'complete']);

    await replyAssignment(deps, w.handlerA.actor, lead!.id, { version: l.version, content: '已处理完毕。' });
    l = await a(lead!.id);
    expect(l).toMatchObject({ slaMarks: [], nextCheckAt: null });
    expect((await ticketById(deps.db, t.id)).status).toBe('awaiting_review');
  });

  it('a rejected reply sends the completion clock back to its deadline; one that passed meanwhile fires at the next sweep', async () => {
    const { ticket } = await leafWithPolicy();
    const {
      ticket: t,
      assignments: [lead],
    } = await dispatchNew(deps, w, { ticket });
    const s = await signAssignment(deps, w.handlerA.actor, lead!.id, { version: lead!.version });
    const r = await replyAssignment(deps, w.handlerA.actor, lead!.id, { version: s.assignment.version, content: '已处理。' });
    expect((await a(lead!.id)).slaMarks.filter((m) => m.clock === 'complete')).toEqual([]);
    deps.clock.set(at(T0, 380 * MIN)); // past yellow and red of the completion clock
    await reviewReply(deps, w.dispatcher.actor, t.id, false, { version: r.ticket.version, reason: '答复不完整' });
    const l = await a(lead!.id);
    expect(marksOf(l.slaMarks, 'complete')).toEqual([
      `yellow@${at(T0, 300 * MIN).toISOString()}`,
      `red@${at(T0, 360 * MIN).toISOString()}`,
      `overdue@${at(T0, 400 * MIN).toISOString()}`,
    ]);
    await sweep(deps, deps.clock.now());
    expect((await warningsOf(deps.db, t.id)).filter((x) => x.startsWith('complete'))).toEqual(['complete:yellow', 'complete:red']);
  });

  it('an approved return ends the assignment: its marks go, and the next dispatch starts the ticket afresh', async () => {
    const { ticket } = await leafWithPolicy();
    const {
      ticket: t,
      assignments: [lead],
    } = await dispatchNew(deps, w, { ticket });
    deps.clock.advance(80 * MIN);
    await sweep(deps, deps.clock.now()); // sign yellow
    expect((await ticketById(deps.db, t.id)).warningLevel).toBe('yellow');
    const s = await signAssignment(deps, w.handlerA.actor, lead!.id, { version: lead!.version });
    const rr = await requestReturn(deps, w.handlerA.actor, lead!.id, { version: s.assignment.version, reason: '不属于本街道辖区' });
    const back = await reviewReturn(deps, w.dispatcher.actor, t.id, true, { version: rr.ticket.version });
    expect(await a(lead!.id)).toMatchObject({ status: 'returned', slaMarks: [], nextCheckAt: null });
    const again = await dispatchTicket(deps, w.dispatcher.actor, t.id, {
      version: back.version,
      leadUnitId: w.units.streetB.id,
      assistUnitIds: [],
      designate: false,
    });
    expect(again.warningLevel).toBe('none');
  });
});

describe('extension and reopen recompute the completion clock', () => {
  it('an approved extension moves the deadline, keeps the first, and starts a new cycle so the unit is warned again', async () => {
    const { ticket } = await leafWithPolicy();
    const {
      ticket: t,
      assignments: [lead],
    } = await dispatchNew(deps, w, { ticket });
    const s = await signAssignment(deps, w.handlerA.actor, lead!.id, { version: lead!.version });
    const c = await contactCaller(deps, w.handlerA.actor, lead!.id, { version: s.assignment.version, method: 'phone', summary: '已联系' });
    deps.clock.set(at(T0, 310 * MIN));
    await sweep(deps, deps.clock.now()); // completion yellow (75 % of 400 min)
    expect((await a(lead!.id)).warningLevel).toBe('yellow');

    const newDue = at(T0, 1000 * MIN);
    const req = await requestExtension(deps, w.handlerA.actor, lead!.id, {
      version: c.assignment.version,
      reason: '需要协调',
      requestedDueAt: newDue.toISOString(),
    });
    await reviewExtension(deps, w.dispatcher.actor, t.id, true, { version: req.ticket.version });
    const l = await a(lead!.id);
    expect(l).toMatchObject({ completeDueAt: newDue, originalCompleteDueAt: at(T0, 400 * MIN), slaCycle: 1, warningLevel: 'none' });
    // 75 % / 90 % of the clock from its start (dispatch) to the new deadline
    expect(marksOf(l.slaMarks, 'complete')).toEqual([
      `yellow@${at(T0, 750 * MIN).toISOString()}`,
      `red@${at(T0, 900 * MIN).toISOString()}`,
      `overdue@${newDue.toISOString()}`,
    ]);
    expect(l.nextCheckAt).toEqual(at(T0, 750 * MIN));
    expect((await ticketById(deps.db, t.id)).warningLevel).toBe('none');

    deps.clock.set(at(T0, 760 * MIN));
    await sweep(deps, deps.clock.now());
    expect(await warningsOf(deps.db, t.id)).toEqual(['complete:yellow', 'complete:yellow']);
    const cycles = (await eventsOf(deps.db, t.id, 'sla_warning')).map((e) => e.payload.cycle);
    expect(cycles).toEqual([0, 1]);

    // a second extension keeps the very first deadline as the original
    const l2 = await a(lead!.id);
    const req2 = await requestExtension(deps, w.handlerA.actor, lead!.id, {
      version: l2.version,
      reason: '仍需协调',
      requestedDueAt: at(T0, 2000 * MIN).toISOString(),
    });
    await reviewExtension(deps, w.dispatcher.actor, t.id, true, { version: req2.ticket.version });
    expect(await a(lead!.id)).toMatchObject({ completeDueAt: at(T0, 2000 * MIN), originalCompleteDueAt: at(T0, 400 * MIN), slaCycle: 2 });
  });

  async function toDisputed(policyOver: Record<string, unknown> = {}) {
    const { ticket } = await leafWithPolicy(policyOver);
    const {
      ticket: t,
      assignments: [lead],
    } = await dispatchNew(deps, w, { ticket });
    const s = await signAssignment(deps, w.handlerA.actor, lead!.id, { version: lead!.version });
    const c = await contactCaller(deps, w.handlerA.actor, lead!.id, { version: s.assignment.version, method: 'phone', summary: '已联系' });
    deps.clock.set(at(T0, 500 * MIN));
    await sweep(deps, deps.clock.now()); // completion yellow, red and overdue
    const r = await replyAssignment(deps, w.handlerA.actor, lead!.id, { version: c.assignment.version, content: '已处理。' });
    const approved = await reviewReply(deps, w.dispatcher.actor, t.id, true, { version: r.ticket.version });
    const disputed = await recordCallback(deps, w.callbackAgent.actor, t.id, {
      version: approved.version,
      reached: true,
      solved: 'unsolved',
      satisfaction: 'dissatisfied',
    });
    expect(disputed.status).toBe('callback_disputed');
    return { t: disputed, lead: lead! };
  }

  it('a reopen starts a new completion clock from the reopen, in a new cycle, so every level can fire again', async () => {
    const { t, lead } = await toDisputed();
    expect((await ticketById(deps.db, t.id)).warningLevel).toBe('overdue');
    deps.clock.set(at(T0, 24 * HOUR));
    const reopenedAt = deps.clock.now();
    const r = await reopenTicket(deps, w.supervisor.actor, t.id, { version: t.version, reason: '诉求人不满意，请重新办理' });
    expect(r.warningLevel).toBe('none'); // the old clock's overdue no longer stands
    const l = await a(lead.id);
    expect(l).toMatchObject({
      status: 'in_progress',
      slaCycle: 1,
      completeStartedAt: reopenedAt,
      completeDueAt: at(reopenedAt.toISOString(), 400 * MIN),
      originalCompleteDueAt: null,
      warningLevel: 'none',
    });
    expect(l.slaMarks.map((m) => `${m.clock}:${m.level}`)).toEqual(['complete:yellow', 'complete:red', 'complete:overdue']);

    deps.clock.set(at(reopenedAt.toISOString(), 401 * MIN));
    await sweep(deps, deps.clock.now());
    expect((await warningsOf(deps.db, t.id)).filter((x) => x.startsWith('complete'))).toEqual([
      'complete:yellow',
      'complete:red',
      'complete:overdue',
      'complete:yellow',
      'complete:red',
      'complete:overdue',
    ]);
    expect((await ticketById(deps.db, t.id)).reminderCount).toBe(2);
  });

  it('under a policy that does not restart the clock, a reopen keeps the old deadline (already overdue: nothing new fires)', async () => {
    const { t, lead } = await toDisputed({ reopenRestartsClock: false });
    deps.clock.set(at(T0, 24 * HOUR));
    await reopenTicket(deps, w.supervisor.actor, t.id, { version: t.version, reason: '诉求人不满意，请重新办理' });
    const l = await a(lead.id);
    expect(l).toMatchObject({ slaCycle: 0, completeDueAt: at(T0, 400 * MIN), completeStartedAt: new Date(T0) });
    expect(l.slaMarks.map((m) => m.level)).toEqual(['yellow', 'red', 'overdue']);
    const before = await warningsOf(deps.db, t.id);
    await sweep(deps, deps.clock.now());
    expect(await warningsOf(deps.db, t.id)).toEqual(before); // each level fires once per cycle
    expect(await a(lead.id)).toMatchObject({ slaMarks: [], nextCheckAt: null, warningLevel: 'overdue' });
  });
});
