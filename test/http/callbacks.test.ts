import { beforeEach, describe, expect, it } from 'vitest';
import { expectProblem, leadOf, userOfRole, type View } from '../setup/ticket-flow.ts';
import { api, deps, flow, useApiWorld, w } from './api-world.ts';
import { callbackDueAt } from '../../src/domain/callbacks/queries.ts';
import { ROLES } from '../../src/domain/vocab.ts';

const T0 = '2026-03-10T02:00:00.000Z'; // 10:00 in Shanghai
const HOUR = 3600_000;

useApiWorld({ config: { CALLBACK_MAX_ATTEMPTS: 3 }, now: T0 });
beforeEach(() => {
  deps.clock.set(T0);
  deps.config.CALLBACK_DUE_DAYS = 1;
});

const get = (path: string, token: string) => api.call('GET', path, { token });
type QueueItem = {
  ticket: { id: number; number: string; status: string };
  approvedAt: string;
  callbackDueAt: string;
  overdue: boolean;
  round: number;
  attempts: number;
  attemptsLeft: number;
  lastAttemptAt: string | null;
};
async function queue(query = '', token = w.callbackAgent.token): Promise<{ items: QueueItem[]; nextCursor: string | null }> {
  const r = await get(`/api/callbacks/queue${query}`, token);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}
const itemOf = (q: { items: QueueItem[] }, id: number) => q.items.find((i) => i.ticket.id === id);

/** A ticket whose reply is approved at the given instant. */
async function approvedAt(iso: string): Promise<View> {
  const v = await flow.awaitingReview();
  deps.clock.set(iso);
  return flow.ticket(w.dispatcher, v, 'reply/approve');
}

describe('callback due dates', () => {
  it('pure: the start of the Asia/Shanghai day N days after the approval', () => {
    expect(callbackDueAt(new Date('2026-03-10T02:00:00Z'), 1).toISOString()).toBe('2026-03-10T16:00:00.000Z'); // 3/11 00:00 CST
    expect(callbackDueAt(new Date('2026-03-10T15:59:59Z'), 1).toISOString()).toBe('2026-03-10T16:00:00.000Z'); // 23:59 on 3/10 CST
    expect(callbackDueAt(new Date('2026-03-10T16:00:00Z'), 1).toISOString()).toBe('2026-03-11T16:00:00.000Z'); // already 3/11 CST
    expect(callbackDueAt(new Date('2026-03-31T17:00:00Z'), 1).toISOString()).toBe('2026-04-01T16:00:00.000Z'); // April 1st CST → due April 2nd
    expect(callbackDueAt(new Date('2026-03-10T02:00:00Z'), 0).toISOString()).toBe('2026-03-09T16:00:00.000Z');
    expect(callbackDueAt(new Date('2026-03-10T02:00:00Z'), 3).toISOString()).toBe('2026-03-12T16:00:00.000Z');
  });

  it('the queue lists tickets awaiting callback by due time with their attempts; CALLBACK_DUE_DAYS moves the due day', async () => {
    const late = await approvedAt('2026-03-10T17:00:00.000Z'); // 01:00 on 3/11 in Shanghai → due 3/12 00:00 CST
    const early = await approvedAt('2026-03-10T03:00:00.000Z'); // 11:00 on 3/10 → due 3/11 00:00 CST
    deps.clock.set('2026-03-10T20:00:00.000Z');
    let q = await queue();
    const ids = q.items.map((i) => i.ticket.id);
    expect(ids.indexOf(early.id)).toBeLessThan(ids.indexOf(late.id));
    expect(itemOf(q, early.id)).toMatchObject({
      approvedAt: '2026-03-10T03:00:00.000Z',
      callbackDueAt: '2026-03-10T16:00:00.000Z',
      overdue: true,
      round: 1,
      attempts: 0,
      attemptsLeft: 3,
      lastAttemptAt: null,
      ticket: { status: 'awaiting_callback' },
    });
    expect(itemOf(q, late.id)).toMatchObject({ callbackDueAt: '2026-03-11T16:00:00.000Z', overdue: false });
    // Due items only.
    const due = await queue('?overdue=true');
    expect(itemOf(due, early.id)).toBeDefined();
    expect(itemOf(due, late.id)).toBeUndefined();

    // An unreached attempt counts; the ticket stays in the queue.
    deps.clock.set('2026-03-11T01:00:00.000Z');
    await flow.ticket(w.callbackAgent, await flow.get(w.dispatcher, early.id), 'callback', { reached: false });
    q = await queue();
    expect(itemOf(q, early.id)).toMatchObject({ attempts: 1, attemptsLeft: 2, lastAttemptAt: '2026-03-11T01:00:00.000Z' });

    // Configured to two days: both move a day later.
    deps.config.CALLBACK_DUE_DAYS = 2;
    q = await queue();
    expect(itemOf(q, early.id)!.callbackDueAt).toBe('2026-03-11T16:00:00.000Z');
    expect(itemOf(q, late.id)!.callbackDueAt).toBe('2026-03-12T16:00:00.000Z');

    // Closed by a callback: out of the queue.
    await flow.ticket(w.callbackAgent, await flow.get(w.dispatcher, early.id), 'callback', { reached: true, solved: 'solved', satisfaction: 'satisfied' });
    expect(itemOf(await queue(), early.id)).toBeUndefined();
  });

  it('pages by (due time, id) with nextCursor; a malformed cursor is a 400', async () => {
    for (let i = 0; i < 3; i++) await approvedAt(new Date(new Date(T0).getTime() + i * HOUR).toISOString());
    const all = (await queue('?limit=500')).items.map((i) => i.ticket.id);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: QueueItem[]; nextCursor: string | null } = await queue(`?limit=2${cursor ? `&after=${encodeURIComponent(cursor)}` : ''}`);
      seen.push(...page.items.map((i) => i.ticket.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
    const due = (await queue('?limit=500')).items.map((i) => i.callbackDueAt);
    expect([...due].sort()).toEqual(due);
    expectProblem(await get('/api/callbacks/queue?after=yesterday', w.callbackAgent.token), 400, 'validation_failed');
  });

  it('after a reopen, the new approval sets a new due time', async () => {
    let v = await approvedAt(T0);
    v = await flow.ticket(w.callbackAgent, v, 'callback', { reached: true, solved: 'unsolved', satisfaction: 'dissatisfied' });
    v = await flow.ticket(w.supervisor, v, 'reopen', { reason: '诉求人反映问题仍未解决' });
    expect(itemOf(await queue(), v.id)).toBeUndefined();
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'reply', { content: '已再次到现场处理，施工已停止。' });
    deps.clock.set('2026-03-12T03:00:00.000Z');
    v = await flow.ticket(w.dispatcher, v, 'reply/approve');
    // The reopen started a new callback round: no attempts in it yet.
    expect(itemOf(await queue(), v.id)).toMatchObject({
      approvedAt: '2026-03-12T03:00:00.000Z',
      callbackDueAt: '2026-03-12T16:00:00.000Z',
      round: 2,
      attempts: 0,
      attemptsLeft: 3,
      lastAttemptAt: null,
    });
  });

  it('callback agents and supervisors only', async () => {
    const users = userOfRole(w);
    for (const role of ROLES.filter((r) => r !== 'callback_agent' && r !== 'supervisor')) {
      expectProblem(await get('/api/callbacks/queue', users[role].token), 403, 'forbidden');
    }
    expect((await get('/api/callbacks/queue', w.supervisor.token)).status).toBe(200);
    expectProblem(await api.call('GET', '/api/callbacks/queue'), 401, 'unauthenticated');
  });
});

describe('callback rounds: a reopen (重办) starts a new round with its own attempts', () => {
  type Event = { type: string; payload: Record<string, unknown> };
  const callbackEvents = async (id: number) =>
    ((await get(`/api/tickets/${id}/events`, w.supervisor.token)).body.items as Event[]).filter((e) => e.type.startsWith('callback_'));
  const disputedItem = async (id: number) =>
    ((await get('/api/callbacks/disputed', w.supervisor.token)).body.items as { ticket: { id: number }; callback: Record<string, unknown> }[]).find(
      (i) => i.ticket.id === id,
    );
  /** Reopened, replied again and approved: awaiting the next round's callback. */
  async function nextRound(v: View, at: string) {
    v = await flow.ticket(w.supervisor, v, 'reopen', { reason: '诉求人不满意，要求重办' });
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'reply', { content: '已再次到现场处理，问题已解决。' });
    deps.clock.set(at);
    return flow.ticket(w.dispatcher, v, 'reply/approve');
  }

  it('after a reopen one unreached call does not close the ticket; the queue, the events and the disputed queue show the round', async () => {
    let v = await approvedAt(T0);
    expect(v).toMatchObject({ callbackRound: 1, callbackAttempts: 0 });
    // Round 1 uses every attempt: two unreached, the third reaches a dissatisfied caller.
    deps.clock.set('2026-03-11T01:00:00.000Z');
    v = await flow.ticket(w.callbackAgent, v, 'callback', { reached: false });
    v = await flow.ticket(w.callbackAgent, v, 'callback', { reached: false });
    deps.clock.set('2026-03-11T02:00:00.000Z');
    v = await flow.ticket(w.callbackAgent, v, 'callback', { reached: true, solved: 'unsolved', satisfaction: 'dissatisfied' });
    expect(v).toMatchObject({ status: 'callback_disputed', callbackRound: 1, callbackAttempts: 3 });
    expect((await disputedItem(v.id))!.callback).toMatchObject({ round: 1, attempt: 3, satisfaction: 'dissatisfied' });

    v = await nextRound(v, '2026-03-12T03:00:00.000Z');
    expect(v).toMatchObject({ status: 'awaiting_callback', callbackRound: 2, callbackAttempts: 0, redoCount: 1 });
    const reopen = ((await get(`/api/tickets/${v.id}/events`, w.supervisor.token)).body.items as Event[]).find((e) => e.type === 'reopen')!;
    expect(reopen.payload).toMatchObject({ callbackRound: 2 });

    // Round 2, attempt 1: not reached — the ticket waits for the next attempt (it used to close as unreached).
    deps.clock.set('2026-03-13T01:00:00.000Z');
    v = await flow.ticket(w.callbackAgent, v, 'callback', { reached: false, comment: '无人接听' });
    expect(v).toMatchObject({ status: 'awaiting_callback', close: null, callbackRound: 2, callbackAttempts: 1 });
    expect(itemOf(await queue(), v.id)).toMatchObject({ round: 2, attempts: 1, attemptsLeft: 2, lastAttemptAt: '2026-03-13T01:00:00.000Z' });

    // Round 2, attempt 2 reaches a caller still dissatisfied: the disputed queue shows that callback, not round 1's third.
    deps.clock.set('2026-03-13T02:00:00.000Z');
    v = await flow.ticket(w.callbackAgent, v, 'callback', { reached: true, solved: 'partly', satisfaction: 'dissatisfied', comment: '仍有噪音' });
    expect(v).toMatchObject({ status: 'callback_disputed', callbackRound: 2, callbackAttempts: 2 });
    expect((await disputedItem(v.id))!.callback).toMatchObject({ round: 2, attempt: 2, solved: 'partly', comment: '仍有噪音', at: '2026-03-13T02:00:00.000Z' });

    expect((await callbackEvents(v.id)).map((e) => [e.type, e.payload.round, e.payload.attempt])).toEqual([
      ['callback_retry', 1, 1],
      ['callback_retry', 1, 2],
      ['callback_dispute', 1, 3],
      ['callback_retry', 2, 1],
      ['callback_dispute', 2, 2],
    ]);
  });

  it('a round closes as unreached only after its own CALLBACK_MAX_ATTEMPTS', async () => {
    let v = await approvedAt(T0);
    v = await flow.ticket(w.callbackAgent, v, 'callback', { reached: true, solved: 'unsolved', satisfaction: 'dissatisfied' });
    v = await nextRound(v, '2026-03-12T03:00:00.000Z');
    for (const attempt of [1, 2]) {
      v = await flow.ticket(w.callbackAgent, v, 'callback', { reached: false });
      expect(v).toMatchObject({ status: 'awaiting_callback', callbackRound: 2, callbackAttempts: attempt });
    }
    v = await flow.ticket(w.callbackAgent, v, 'callback', { reached: false });
    expect(v).toMatchObject({ status: 'closed', close: { reason: 'unreached' }, callbackRound: 2, callbackAttempts: 3 });
    expect((await callbackEvents(v.id)).map((e) => [e.type, e.payload.round, e.payload.attempt])).toEqual([
      ['callback_dispute', 1, 1],
      ['callback_retry', 2, 1],
      ['callback_retry', 2, 2],
      ['callback_unreached', 2, 3],
    ]);
  });
});

describe('disputed callbacks', () => {
  it('lists disputed tickets with the last callback’s answers; a reopen (重办) takes the ticket off and is recorded for 重办率', async () => {
    let v = await approvedAt(T0);
    deps.clock.set('2026-03-11T02:00:00.000Z');
    v = await flow.ticket(w.callbackAgent, v, 'callback', { reached: false });
    deps.clock.set('2026-03-11T03:00:00.000Z');
    v = await flow.ticket(w.callbackAgent, v, 'callback', { reached: true, solved: 'partly', satisfaction: 'dissatisfied', comment: '噪音减少但未停止' });
    expect(v.status).toBe('callback_disputed');

    const r = await get('/api/callbacks/disputed', w.supervisor.token);
    expect(r.status).toBe(200);
    const item = r.body.items.find((i: { ticket: { id: number } }) => i.ticket.id === v.id);
    expect(item).toMatchObject({
      ticket: { status: 'callback_disputed' },
      callback: {
        round: 1,
        attempt: 2,
        reached: true,
        solved: 'partly',
        satisfaction: 'dissatisfied',
        comment: '噪音减少但未停止',
        agent: { id: w.callbackAgent.id },
        at: '2026-03-11T03:00:00.000Z',
      },
      abilities: ['reopen', 'close'],
    });

    v = await flow.ticket(w.supervisor, v, 'reopen', { reason: '诉求人不满意，要求重办' });
    expect(v).toMatchObject({ status: 'in_progress', redoCount: 1 });
    const after = await get('/api/callbacks/disputed', w.supervisor.token);
    expect(after.body.items.map((i: { ticket: { id: number } }) => i.ticket.id)).not.toContain(v.id);
    const events = (await get(`/api/tickets/${v.id}/events`, w.supervisor.token)).body.items as { type: string; payload: Record<string, unknown> }[];
    expect(events.filter((e) => e.type === 'reopen')).toEqual([
      expect.objectContaining({ payload: expect.objectContaining({ redo: 1, assignmentId: leadOf(v).id }) }),
    ]);
  });

  it('supervisors only', async () => {
    const users = userOfRole(w);
    for (const role of ROLES.filter((x) => x !== 'supervisor')) expectProblem(await get('/api/callbacks/disputed', users[role].token), 403, 'forbidden');
  });
});
