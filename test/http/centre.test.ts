/**
 * The centre's own clocks: every decision records how long its item waited against its limit
 * (the `centre` payload the metrics count), and GET /api/centre/waiting shows what waits now, per clock and
 * warning level, for the dispatcher's, reviewer's and callback agent's screens and the wallboard.
 */
import { describe, expect, it } from 'vitest';
import { and, desc, eq } from 'drizzle-orm';
import { expectProblem, leadOf, type View } from '../setup/ticket-flow.ts';
import { api, deps, flow, useApiWorld, w } from './api-world.ts';
import { ticketEvents } from '../../db/schema/index.ts';
import type { TicketEventType } from '../../src/contract/events.ts';
import { callbackDueAt } from '../../src/domain/callbacks/queries.ts';

const T0 = '2026-03-10T02:00:00.000Z'; // Tuesday 10:00 in Shanghai
const MIN = 60_000;

useApiWorld({ now: T0 });

const advanceMinutes = (minutes: number) => deps.clock.advance(minutes * MIN);
async function centreOf(ticketId: number, type: TicketEventType) {
  const [e] = await deps.db
    .select({ payload: ticketEvents.payload })
    .from(ticketEvents)
    .where(and(eq(ticketEvents.ticketId, ticketId), eq(ticketEvents.type, type)))
    .orderBy(desc(ticketEvents.id))
    .limit(1);
  return e?.payload.centre;
}
type Waiting = {
  clock: string;
  limitMinutes: number | null;
  total: number;
  levels: Record<string, number>;
  oldest: { ticketId: number; since: string; yellowAt: string; redAt: string; dueAt: string; waitedMinutes: number; level: string }[];
};
const waiting = async (query = '') => {
  const r = await api.call('GET', `/api/centre/waiting${query}`, { token: w.dispatcher.token });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.clocks as Waiting[];
};

describe('GET /api/centre/waiting', () => {
  it('tickets waiting for dispatch: counted by level against the 30-minute limit (yellow from 75 %, red from 90 %, overdue past it), oldest first with their instants', async () => {
    deps.clock.set(T0);
    const ages = [31, 28, 23, 10]; // minutes waited at T0 + 31 min
    const made: View[] = [];
    for (let i = 0; i < ages.length; i++) {
      deps.clock.set(new Date(Date.parse(T0) + (31 - ages[i]!) * MIN));
      made.push(await flow.create());
    }
    deps.clock.set(new Date(Date.parse(T0) + 31 * MIN));
    const [dispatch] = await waiting('?clock=dispatch');
    expect(dispatch).toMatchObject({ clock: 'dispatch', limitMinutes: 30, total: 4, levels: { none: 1, yellow: 1, red: 1, overdue: 1 } });
    expect(dispatch!.oldest.map((x) => [x.ticketId, x.waitedMinutes, x.level])).toEqual([
      [made[0]!.id, 31, 'overdue'],
      [made[1]!.id, 28, 'red'],
      [made[2]!.id, 23, 'yellow'],
      [made[3]!.id, 10, 'none'],
    ]);
    expect(dispatch!.oldest[3]).toMatchObject({
      since: new Date(Date.parse(T0) + 21 * MIN).toISOString(),
      yellowAt: new Date(Date.parse(T0) + 21 * MIN + 22.5 * MIN).toISOString(),
      redAt: new Date(Date.parse(T0) + 21 * MIN + 27 * MIN).toISOString(),
      dueAt: new Date(Date.parse(T0) + 51 * MIN).toISOString(),
    });
    // Dispatched: no longer waiting.
    for (const v of made) await flow.ticket(w.dispatcher, v, 'dispatch', { leadUnitId: w.units.streetA.id });
    expect((await waiting('?clock=dispatch'))[0]).toMatchObject({ total: 0, oldest: [] });
  });

  it('every clock: reviews from when the ticket entered its status, an extension from its request, a callback due by the end of its callback day', async () => {
    deps.clock.set('2026-03-11T02:00:00.000Z'); // Wednesday 10:00
    const review = await flow.awaitingReview();
    const inProgress = await flow.inProgress();
    const ext = await flow.assignment(w.handlerA, inProgress, leadOf(inProgress), 'extension', {
      reason: '需协调多个部门',
      requestedDueAt: '2026-03-20T02:00:00.000Z',
    });
    const callback = await flow.awaitingCallback(); // approved Wednesday 10:00: falls due Thursday 00:00, late from Friday 00:00
    advanceMinutes(60);
    const clocks = await waiting('?limit=10');
    expect(clocks.map((c) => c.clock)).toEqual(['dispatch', 'reply_review', 'return_review', 'extension_review', 'termination_review', 'callback']);
    const of = (clock: string, id: number) => clocks.find((c) => c.clock === clock)!.oldest.find((x) => x.ticketId === id)!;
    expect(of('reply_review', review.id)).toMatchObject({
      since: '2026-03-11T02:00:00.000Z',
      waitedMinutes: 60,
      level: 'none',
      dueAt: '2026-03-11T06:00:00.000Z',
    });
    expect(of('extension_review', ext.id)).toMatchObject({ since: '2026-03-11T02:00:00.000Z', dueAt: '2026-03-11T06:00:00.000Z' });
    const approvedAt = new Date('2026-03-11T02:00:00.000Z');
    expect(of('callback', callback.id)).toMatchObject({ dueAt: new Date(callbackDueAt(approvedAt, 1).getTime() + 24 * 60 * MIN).toISOString(), level: 'none' });
    expect(clocks.find((c) => c.clock === 'callback')!.limitMinutes).toBeNull();
    // Counted in SQL by the same deadlines the items carry: Friday 00:30, the callback is overdue in both.
    deps.clock.set('2026-03-12T16:30:00.000Z');
    const later = await waiting('?clock=callback');
    expect(later[0]!.levels.overdue).toBe(1);
    expect(later[0]!.oldest.find((x) => x.ticketId === callback.id)!.level).toBe('overdue');
  });

  it('for the centre only: units and operators are refused', async () => {
    expectProblem(await api.call('GET', '/api/centre/waiting', { token: w.handlerA.token }), 403, 'forbidden');
    expectProblem(await api.call('GET', '/api/centre/waiting', { token: w.operator.token }), 403, 'forbidden');
    expect((await api.call('GET', '/api/centre/waiting', { token: w.callbackAgent.token })).status).toBe(200);
    expectProblem(await api.call('GET', '/api/centre/waiting?clock=lunch', { token: w.supervisor.token }), 400, 'validation_failed');
  });
});

describe('each decision records its wait (payload `centre`)', () => {
  it('dispatch, return, extension (from its request), reply and termination reviews, and the callback', async () => {
    deps.clock.set('2026-03-16T02:00:00.000Z'); // Monday 10:00
    let v = await flow.create();
    advanceMinutes(45);
    v = await flow.ticket(w.dispatcher, v, 'dispatch', { leadUnitId: w.units.streetA.id });
    expect(await centreOf(v.id, 'dispatch')).toEqual({
      clock: 'dispatch',
      since: '2026-03-16T02:00:00.000Z',
      waitedMinutes: 45,
      limitMinutes: 30,
      onTime: false,
    });

    v = await flow.assignment(w.handlerA, v, leadOf(v), 'sign');
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'return', { reason: '不属于本单位职责' });
    advanceMinutes(60);
    v = await flow.ticket(w.dispatcher, v, 'return/reject', { note: '属于本单位职责' });
    expect(await centreOf(v.id, 'reject_return')).toMatchObject({ clock: 'return_review', waitedMinutes: 60, limitMinutes: 120, onTime: true });

    advanceMinutes(10);
    const requestedAt = deps.clock.now().toISOString();
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'extension', { reason: '需协调多个部门', requestedDueAt: '2026-03-30T02:00:00.000Z' });
    advanceMinutes(250);
    v = await flow.ticket(w.dispatcher, v, 'extension/approve');
    expect(await centreOf(v.id, 'approve_extension')).toEqual({
      clock: 'extension_review',
      since: requestedAt,
      waitedMinutes: 250,
      limitMinutes: 240,
      onTime: false,
    });

    v = await flow.assignment(w.handlerA, v, leadOf(v), 'reply', { content: '已处理完毕，并向诉求人反馈。' });
    advanceMinutes(10);
    v = await flow.ticket(w.dispatcher, v, 'reply/reject', { reason: '答复不完整' });
    expect(await centreOf(v.id, 'reject_reply')).toMatchObject({ clock: 'reply_review', waitedMinutes: 10, limitMinutes: 240, onTime: true });

    v = await flow.assignment(w.handlerA, v, leadOf(v), 'termination', { reason: '诉求人已撤回' });
    advanceMinutes(241);
    v = await flow.ticket(w.dispatcher, v, 'termination/reject');
    expect(await centreOf(v.id, 'reject_termination')).toMatchObject({ clock: 'termination_review', waitedMinutes: 241, limitMinutes: 240, onTime: false });

    v = await flow.assignment(w.handlerA, v, leadOf(v), 'reply', { content: '已协调处理完毕，并电话告知诉求人。' });
    v = await flow.ticket(w.dispatcher, v, 'reply/approve');
    const approvedAt = deps.clock.now(); // Monday 19:41 → falls due Tuesday 00:00, late from Wednesday 00:00
    deps.clock.set('2026-03-17T02:00:00.000Z');
    v = await flow.ticket(w.callbackAgent, v, 'callback', { reached: false });
    expect(await centreOf(v.id, 'callback_retry')).toEqual({
      clock: 'callback',
      since: approvedAt.toISOString(),
      waitedMinutes: Math.round((Date.parse('2026-03-17T02:00:00.000Z') - approvedAt.getTime()) / MIN),
      limitMinutes: Math.round((Date.parse('2026-03-17T16:00:00.000Z') - approvedAt.getTime()) / MIN),
      onTime: true,
    });
    // Actions that end no centre wait record none.
    expect(await centreOf(v.id, 'sign')).toBeUndefined();
  });
});
