/**
 * GET /api/tickets?awaitingReview=true (待我审核): the centre sees its review queues — replies, returns,
 * terminations and top-level extension requests — and a unit sees what its sub-units sent up for its decision
 * (a sub-reply, a sub-unit's return or extension request), nothing else; a saved view counts the same.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { leadOf, type View } from '../setup/ticket-flow.ts';
import { seedCalendar, type TestUser } from '../setup/world.ts';
import { api, flow, useApiWorld, w } from './api-world.ts';

useApiWorld({ now: '2026-03-10T02:00:00.000Z', prepare: (fresh) => seedCalendar(fresh.db) });

const ids = async (user: TestUser, query: string) => {
  const r = await api.call('GET', `/api/tickets?limit=200&${query}`, { token: user.token });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return (r.body.items as { id: number }[]).map((i) => i.id).sort((a, b) => a - b);
};
const sorted = (...vs: View[]) => vs.map((v) => v.id).sort((a, b) => a - b);
const subOf = (v: View, unitId: number) => v.assignments.findLast((a) => a.unit.id === unitId && a.parentId)!;

let reply: View; // lead's reply waiting for the centre
let returned: View; // return requested
let extension: View; // extension requested (the ticket stays in progress)
let termination: View; // termination requested
let working: View; // in progress, nothing to review
let subReply: View; // street A handed down to community A, which replied: waiting for street A
let subExtension: View; // community A asks street A for more time
let subWorking: View; // community A still working

async function handedDown() {
  const v = await flow.inProgress();
  const r = await api.call('POST', `/api/assignments/${leadOf(v).id}/hand-down`, {
    token: w.handlerA.token,
    body: { version: leadOf(v).version, leadUnitId: w.units.communityA.id, note: '请社区上门核实' },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return flow.assignment(w.handlerCommunityA, r.body, subOf(r.body, w.units.communityA.id), 'sign');
}

beforeAll(async () => {
  reply = await flow.awaitingReview();
  const a = await flow.inProgress();
  returned = await flow.assignment(w.handlerA, a, leadOf(a), 'return', { reason: '不属于本街道管辖范围' });
  const b = await flow.inProgress();
  extension = await flow.assignment(w.handlerA, b, leadOf(b), 'extension', { reason: '需协调多个部门', requestedDueAt: '2026-03-30T02:00:00.000Z' });
  const c = await flow.inProgress();
  termination = await flow.assignment(w.handlerA, c, leadOf(c), 'termination', { reason: '诉求人已撤回诉求' });
  working = await flow.inProgress();
  const d = await handedDown();
  subReply = await flow.assignment(w.handlerCommunityA, d, subOf(d, w.units.communityA.id), 'reply', { content: '社区已上门核实处理。' });
  const e = await handedDown();
  subExtension = await flow.assignment(w.handlerCommunityA, e, subOf(e, w.units.communityA.id), 'extension', {
    reason: '需协调物业',
    requestedDueAt: '2026-03-13T09:00:00.000Z',
  });
  subWorking = await handedDown();
});

describe('awaitingReview=true (待我审核)', () => {
  it('for the centre: replies, returns, terminations and top-level extension requests waiting for its review', async () => {
    expect(extension.status).toBe('in_progress');
    expect(await ids(w.dispatcher, 'awaitingReview=true')).toEqual(sorted(reply, returned, extension, termination));
    // combined with other filters (AND), and false is no filter
    expect(await ids(w.dispatcher, 'awaitingReview=true&status=awaiting_review')).toEqual(sorted(reply));
    expect(await ids(w.dispatcher, 'awaitingReview=false')).toEqual(expect.arrayContaining(sorted(reply, working, subReply, subExtension, subWorking)));
  });

  it("for a unit: its sub-units' replies and requests waiting for its decision, not its own to the centre", async () => {
    expect(await ids(w.handlerA, 'awaitingReview=true')).toEqual(sorted(subReply, subExtension));
    expect(await ids(w.leaderA, 'awaitingReview=true')).toEqual(sorted(subReply, subExtension));
    // the community itself has nothing below it to review; another street sees nothing of street A's
    expect(await ids(w.handlerCommunityA, 'awaitingReview=true')).toEqual([]);
    expect(await ids(w.handlerB, 'awaitingReview=true')).toEqual([]);
    expect(await ids(w.portal, 'awaitingReview=true')).toEqual([]);
  });

  it('a saved view with the filter counts what the list shows, per user', async () => {
    for (const [user, n] of [
      [w.dispatcher, 4],
      [w.handlerA, 2],
    ] as const) {
      const made = await api.call('POST', '/api/views', { token: user.token, body: { name: '待我审核', filters: { awaitingReview: 'true' } } });
      expect(made.status, JSON.stringify(made.body)).toBe(201);
      const views = await api.call('GET', '/api/views', { token: user.token });
      expect(views.body.items.find((v: { name: string }) => v.name === '待我审核').count).toBe(n);
    }
    const bad = await api.call('GET', '/api/tickets?awaitingReview=yes', { token: w.dispatcher.token });
    expect([bad.status, bad.body.code]).toEqual([400, 'validation_failed']);
  });
});
