/** The centre's side of the lifecycle: review of the reply, callback (回访), decline (不予受理) and merge (并单). */
import { describe, expect, it } from 'vitest';
import { expectProblem, leadOf } from '../setup/ticket-flow.ts';
import { flow, w } from './api-world.ts';
import { events, post, useLifecycleWorld } from './lifecycle-fixtures.ts';

useLifecycleWorld();

describe('review of the reply', () => {
  it('a rejected reply goes back to the lead unit, which replies again', async () => {
    let v = await flow.awaitingReview();
    expect((await flow.get(w.dispatcher, v.id)).abilities).toEqual(['approve_reply', 'reject_reply']);
    v = await flow.ticket(w.dispatcher, v, 'reply/reject', { reason: '答复内容不完整，请补充处理结果' });
    expect(v.status).toBe('in_progress');
    expect(leadOf(v).status).toBe('in_progress');
    expect(leadOf(await flow.get(w.handlerA, v.id)).abilities).toContain('reply');
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'reply', { content: '补充：施工单位已签订承诺书，夜间不再施工。' });
    expect(v.status).toBe('awaiting_review');
    expect(leadOf(v)).toMatchObject({ status: 'replied', replyContent: '补充：施工单位已签订承诺书，夜间不再施工。' });
  });
});

describe('callback (回访)', () => {
  it('dissatisfied: disputed; a supervisor reopens it for the lead unit (redo +1)', async () => {
    let v = await flow.awaitingCallback();
    expect((await flow.get(w.callbackAgent, v.id)).abilities).toEqual(['callback']);
    v = await flow.ticket(w.callbackAgent, v, 'callback', { reached: true, solved: 'partly', satisfaction: 'dissatisfied' });
    expect(v.status).toBe('callback_disputed');
    expect(v.close).toBeNull();
    expect((await flow.get(w.supervisor, v.id)).abilities).toEqual(['reopen', 'close']);
    v = await flow.ticket(w.supervisor, v, 'reopen', { reason: '诉求人反映问题仍未解决，请重新办理' });
    expect(v).toMatchObject({ status: 'in_progress', redoCount: 1 });
    expect(leadOf(v).status).toBe('in_progress');
    // and round again
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'reply', { content: '已再次上门处理，施工已完全停止。' });
    expect(v.status).toBe('awaiting_review');
  });

  it('unsolved: disputed; a supervisor may close it instead', async () => {
    let v = await flow.awaitingCallback();
    v = await flow.ticket(w.callbackAgent, v, 'callback', { reached: true, solved: 'unsolved', satisfaction: 'basically_satisfied' });
    expect(v.status).toBe('callback_disputed');
    v = await flow.ticket(w.supervisor, v, 'close', { note: '诉求超出政策范围，已解释说明' });
    expect(v.status).toBe('closed');
    expect(v.close).toMatchObject({ reason: 'supervisor_closed', note: '诉求超出政策范围，已解释说明' });
    expect(v.assignments.map((a) => a.status)).toEqual(['closed']);
    expect(v.redoCount).toBe(0);
  });

  it('unreached: attempts below CALLBACK_MAX_ATTEMPTS keep it waiting, the last one closes it', async () => {
    let v = await flow.awaitingCallback();
    for (const attempt of [1, 2]) {
      v = await flow.ticket(w.callbackAgent, v, 'callback', { reached: false, comment: `第${attempt}次未接通` });
      expect(v).toMatchObject({ status: 'awaiting_callback', callbackAttempts: attempt, close: null });
    }
    v = await flow.ticket(w.callbackAgent, v, 'callback', { reached: false });
    expect(v).toMatchObject({ status: 'closed', callbackAttempts: 3, close: { reason: 'unreached' } });
    expect(v.assignments.map((a) => a.status)).toEqual(['closed']);
    const types = (await events(w.dispatcher.token, v.id)).slice(-3).map((e) => e.type);
    expect(types).toEqual(['callback_retry', 'callback_retry', 'callback_unreached']);
  });

  it('reached needs the solved and satisfaction answers', async () => {
    const v = await flow.awaitingCallback();
    const r = await post(w.callbackAgent.token, `/api/tickets/${v.id}/callback`, { version: v.version, reached: true });
    expectProblem(r, 400, 'validation_failed');
    expect(r.body.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'body.satisfaction' })]));
  });
});

describe('decline and merge', () => {
  it('decline (不予受理) closes an undispatched ticket as not accepted', async () => {
    let v = await flow.create();
    v = await flow.ticket(w.dispatcher, v, 'decline', { reason: '诉求属于司法程序范围，不予受理' });
    expect(v).toMatchObject({ status: 'closed', close: { reason: 'not_accepted', note: '诉求属于司法程序范围，不予受理' }, assignments: [] });
  });

  it('merge (并单) closes the ticket into the target, which gains its contact', async () => {
    const target = await flow.create();
    let v = await flow.create({ caller: { name: '李女士', phone: '13987654321' } });
    v = await flow.ticket(w.dispatcher, v, 'merge', { intoTicketId: target.id });
    expect(v).toMatchObject({ status: 'closed', close: { reason: 'merged', mergedIntoTicketId: target.id }, contacts: 0 });

    const t = await flow.get(w.dispatcher, target.id);
    expect(t).toMatchObject({ status: 'awaiting_dispatch', contacts: 2, version: target.version + 1 });
    expect((await events(w.dispatcher.token, target.id)).at(-1)).toMatchObject({
      type: 'ticket_merged_in',
      version: t.version,
      payload: { fromTicketId: v.id },
    });

    // Only into another open ticket.
    const other = await flow.create();
    expectProblem(await post(w.dispatcher.token, `/api/tickets/${other.id}/merge`, { version: 1, intoTicketId: v.id }), 422, 'merge_target_invalid');
    expectProblem(await post(w.dispatcher.token, `/api/tickets/${other.id}/merge`, { version: 1, intoTicketId: other.id }), 422, 'merge_target_invalid');
    expect((await flow.get(w.dispatcher, other.id)).status).toBe('awaiting_dispatch');
  });
});
