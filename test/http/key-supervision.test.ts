/**
 * Key supervision (重点督办) by kind over HTTP: the counts of each kind the setting tracks and each kind's list —
 * overdue (one row per overdue assignment, assisting units included), repeated calls ≥ N, dissatisfied after a
 * redo, returned ≥ N — with tickets that almost qualify beside each, and who may read them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { callBody, seedCalendar } from '../setup/world.ts';
import { expectProblem, leadOf, userOfRole, type View } from '../setup/ticket-flow.ts';
import { MIN, at } from '../setup/sla.ts';
import { ROLES } from '../../src/domain/vocab.ts';
import { api, deps, flow, useApiWorld, w } from './api-world.ts';

const T0 = '2026-03-10T02:00:00.000Z'; // Tuesday 10:00 in Shanghai
const LATER = at(T0, 450 * MIN).toISOString(); // the other kinds' tickets are made here: not overdue at NOW
const NOW = at(T0, 500 * MIN).toISOString(); // the first tickets' completion clocks (400 min) are 100 min overdue

useApiWorld({ now: T0 });

const get = (path: string, token = w.supervisor.token) => api.call('GET', path, { token });
const ids = (r: { body: { items: { ticket: { id: number } }[] } }) => r.body.items.map((i) => i.ticket.id);

const made: Record<string, View> = {};
async function repeatCalls(v: View, n: number) {
  for (let i = 0; i < n; i++) {
    const r = await api.call('POST', '/api/tickets', {
      token: w.operator.token,
      body: callBody(w.category.id, { caller: { phone: `1390000010${i}` }, disposition: { kind: 'repeat', ticketId: v.id } }),
    });
    expect(r.status).toBe(200);
  }
}
async function returned(v: View) {
  v = await flow.ticket(w.dispatcher, v, 'dispatch', { leadUnitId: w.units.streetA.id, assistUnitIds: [] });
  v = await flow.assignment(w.handlerA, v, leadOf(v), 'sign');
  v = await flow.assignment(w.handlerA, v, leadOf(v), 'return', { reason: '该地址不属于本街道管辖范围' });
  return flow.ticket(w.dispatcher, v, 'return/approve');
}
/** Reply approved, then the callback: unsolved either way, so the ticket stays open for a supervisor (回访不满意/未解决). */
async function calledBack(v: View, satisfaction: 'satisfied' | 'dissatisfied') {
  v = await flow.ticket(w.dispatcher, v, 'reply/approve');
  return flow.ticket(w.callbackAgent, v, 'callback', { reached: true, solved: 'unsolved', satisfaction });
}
async function redone(v: View, satisfaction: 'satisfied' | 'dissatisfied') {
  v = await flow.ticket(w.supervisor, v, 'reopen', { reason: '诉求人不满意，要求重办' });
  v = await flow.assignment(w.handlerA, v, leadOf(v), 'reply', { content: '已再次到现场处理，施工已经停止。' });
  return calledBack(v, satisfaction);
}

beforeAll(async () => {
  await seedCalendar(deps.db);
  const policy = {
    name: '重点督办测试',
    categoryId: w.category.id,
    sign: { amount: 100, unit: 'natural_minutes' },
    response: { amount: 200, unit: 'natural_minutes' },
    complete: { amount: 400, unit: 'natural_minutes' },
  };
  expect((await api.call('POST', '/api/sla/policies', { token: w.admin.token, body: policy })).status).toBe(201);
  // At T0: overdue at NOW — a lead that signed, and a lead with an assisting unit (two rows); one replied in time (not overdue).
  made.overdue = await flow.inProgress();
  made.overdueTwice = await flow.dispatched([w.units.streetB.id]);
  made.replied = await flow.awaitingReview();
  deps.clock.set(LATER);
  // Three calls (the first and two repeats); two calls only; three calls but closed since.
  made.repeat = await flow.create();
  await repeatCalls(made.repeat, 2);
  made.twoCalls = await flow.create();
  await repeatCalls(made.twoCalls, 1);
  made.closedRepeat = await flow.create();
  await repeatCalls(made.closedRepeat, 2);
  made.closedRepeat = await flow.get(w.dispatcher, made.closedRepeat.id);
  made.closedRepeat = await flow.ticket(w.dispatcher, made.closedRepeat, 'decline', { reason: '属于信访事项，已告知诉求人' });
  // Dissatisfied after a redo; satisfied (though unsolved) after a redo; dissatisfied once, never redone — all three still open.
  made.redoDissatisfied = await redone(await calledBack(await flow.awaitingReview(), 'dissatisfied'), 'dissatisfied');
  made.redoSatisfied = await redone(await calledBack(await flow.awaitingReview(), 'dissatisfied'), 'satisfied');
  made.dissatisfiedOnce = await calledBack(await flow.awaitingReview(), 'dissatisfied');
  // Redone after a dissatisfied callback, not called back since: the dissatisfaction was before the redo.
  made.redoPending = await flow.ticket(w.supervisor, await calledBack(await flow.awaitingReview(), 'dissatisfied'), 'reopen', {
    reason: '诉求人不满意，要求重办',
  });
  // Returned twice (back with the centre); returned once.
  made.returnedTwice = await returned(await returned(await flow.create()));
  made.returnedOnce = await returned(await flow.create());
  deps.clock.set(NOW);
});

describe('key tickets by kind', () => {
  it('counts each kind the setting tracks, with its threshold: rows and tickets', async () => {
    const r = await get('/api/supervision/key');
    expect(r.status).toBe(200);
    expect(r.body.items).toEqual([
      { kind: 'overdue', threshold: null, count: 3, tickets: 2 },
      { kind: 'repeat', threshold: 3, count: 1, tickets: 1 },
      { kind: 'redo_dissatisfied', threshold: null, count: 1, tickets: 1 },
      { kind: 'returned', threshold: 2, count: 1, tickets: 1 },
    ]);
  });

  it('overdue: one row per live assignment past its completion deadline, its unit, how late, the 督办 level', async () => {
    const r = await get('/api/supervision/key/overdue');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ kind: 'overdue', threshold: null });
    const due = at(T0, 400 * MIN).toISOString();
    expect(r.body.items).toEqual([
      expect.objectContaining({
        ticket: expect.objectContaining({ id: made.overdue!.id, number: made.overdue!.number, status: 'in_progress' }),
        assignmentId: leadOf(made.overdue!).id,
        handedDown: false,
        unit: { id: w.units.streetA.id, name: w.units.streetA.name },
        completeDueAt: due,
        overdueMinutes: 100,
        measure: 100,
        escalationLevel: null,
        openAccountability: 0,
      }),
      expect.objectContaining({ ticket: expect.objectContaining({ id: made.overdueTwice!.id }), unit: { id: w.units.streetA.id, name: w.units.streetA.name } }),
      expect.objectContaining({ ticket: expect.objectContaining({ id: made.overdueTwice!.id }), unit: { id: w.units.streetB.id, name: w.units.streetB.name } }),
    ]);
    // Still in time a minute before the deadline: nothing listed.
    deps.clock.set(at(T0, 399 * MIN));
    expect(ids(await get('/api/supervision/key/overdue'))).toEqual([]);
    deps.clock.set(NOW);
  });

  it('repeat>=3: three calls or more, open tickets only', async () => {
    const r = await get('/api/supervision/key/repeat');
    expect(r.body).toMatchObject({ kind: 'repeat', threshold: 3 });
    expect(r.body.items).toEqual([
      expect.objectContaining({ ticket: expect.objectContaining({ id: made.repeat!.id }), unit: null, measure: 3, overdueMinutes: null }),
    ]);
  });

  it('redo_dissatisfied: redone, and dissatisfied again in the round after the redo', async () => {
    const r = await get('/api/supervision/key/redo_dissatisfied');
    expect(r.body.items).toEqual([
      expect.objectContaining({
        ticket: expect.objectContaining({ id: made.redoDissatisfied!.id, status: 'callback_disputed' }),
        unit: { id: w.units.streetA.id, name: w.units.streetA.name },
        measure: 1,
        redoCount: 1,
      }),
    ]);
  });

  it('returned>=2: returns the centre approved, counted per ticket', async () => {
    const r = await get('/api/supervision/key/returned');
    expect(r.body.items).toEqual([
      expect.objectContaining({ ticket: expect.objectContaining({ id: made.returnedTwice!.id, status: 'awaiting_dispatch' }), unit: null, measure: 2 }),
    ]);
  });

  it('the thresholds and the kinds are the setting’s: returned>=1 lists both returned tickets; an untracked kind is 404', async () => {
    const before = deps.config.KEY_SUPERVISION_KINDS;
    deps.config.KEY_SUPERVISION_KINDS = 'returned>=1;repeat>=2';
    try {
      expect(ids(await get('/api/supervision/key/returned'))).toEqual([made.returnedTwice!.id, made.returnedOnce!.id]);
      expect(ids(await get('/api/supervision/key/repeat'))).toEqual([made.repeat!.id, made.twoCalls!.id]);
      expect((await get('/api/supervision/key')).body.items.map((i: { kind: string }) => i.kind)).toEqual(['returned', 'repeat']);
      expectProblem(await get('/api/supervision/key/overdue'), 404, 'key_kind_not_tracked');
    } finally {
      deps.config.KEY_SUPERVISION_KINDS = before;
    }
  });

  it('pages with limit and offset, worst first', async () => {
    const first = await get('/api/supervision/key/overdue?limit=1');
    const rest = await get('/api/supervision/key/overdue?limit=5&offset=1');
    expect([...ids(first), ...ids(rest)]).toEqual([made.overdue!.id, made.overdueTwice!.id, made.overdueTwice!.id]);
  });

  it('supervisors, dispatchers and admins read them; no one else', async () => {
    const users = userOfRole(w);
    for (const role of ROLES) {
      const r = await get('/api/supervision/key/overdue', users[role].token);
      if (['supervisor', 'dispatcher', 'admin'].includes(role)) expect(r.status, role).toBe(200);
      else expectProblem(r, 403, 'forbidden');
    }
    expectProblem(await get('/api/supervision/key/late'), 400, 'validation_failed');
  });
});
