/** A ticket's whole journey through the HTTP API, one event per change, and the abilities each actor is shown on the way. */
import { describe, expect, it } from 'vitest';
import { assistOf, expectProblem, leadOf } from '../setup/ticket-flow.ts';
import { api, deps, flow, w } from './api-world.ts';
import { events, HOUR, post, T0, useLifecycleWorld } from './lifecycle-fixtures.ts';

useLifecycleWorld();

describe('the whole journey', () => {
  it('goes from intake through lead and assisting units, review and callback to closed, with one event per change', async () => {
    const { streetA, department } = w.units;
    let v = await flow.create();
    expect(v).toMatchObject({ status: 'awaiting_dispatch', version: 1, assignments: [] });

    deps.clock.advance(HOUR);
    v = await flow.ticket(w.dispatcher, v, 'dispatch', { leadUnitId: streetA.id, assistUnitIds: [department.id], note: '请甲街道主办，城管委协办' });
    expect(v.status).toBe('awaiting_sign');
    expect(v.assignments.map((a) => [a.unit.id, a.role, a.status])).toEqual([
      [streetA.id, 'lead', 'awaiting_sign'],
      [department.id, 'assist', 'awaiting_sign'],
    ]);
    const lead = leadOf(v);
    const assist = assistOf(v, department.id);

    deps.clock.advance(HOUR);
    v = await flow.assignment(w.handlerA, v, lead, 'sign');
    expect(v.status).toBe('in_progress');
    expect(leadOf(v)).toMatchObject({ status: 'in_progress', signedAt: deps.clock.now().toISOString() });
    expect(assistOf(v, department.id).status).toBe('awaiting_sign');

    deps.clock.advance(HOUR);
    v = await flow.assignment(w.handlerA, v, lead, 'contact', { method: 'phone', summary: '已电话联系王先生，约定明日上门查看' });
    expect(v.status).toBe('in_progress');
    expect(leadOf(v).firstContactAt).toBe(deps.clock.now().toISOString());

    v = await flow.assignment(w.handlerA, v, lead, 'note', { text: '已现场查看，施工单位为某建筑公司' });
    expect(v.status).toBe('in_progress');

    v = await flow.assignment(w.handlerDept, v, assist, 'sign');
    expect(v.status).toBe('in_progress');
    expect(assistOf(v, department.id).status).toBe('in_progress');

    v = await flow.assignment(w.handlerDept, v, assist, 'reply', { content: '城管委已对施工单位下达整改通知书。' });
    expect(v.status).toBe('in_progress'); // an assisting unit's reply does not move the ticket
    expect(assistOf(v, department.id)).toMatchObject({ status: 'replied', replyContent: '城管委已对施工单位下达整改通知书。' });

    const leadReply = '经协调，施工单位承诺夜间22时后停止施工，已向诉求人反馈。';
    v = await flow.assignment(w.handlerA, v, lead, 'reply', { content: leadReply });
    expect(v.status).toBe('awaiting_review');
    expect(leadOf(v).status).toBe('replied');

    v = await flow.ticket(w.dispatcher, v, 'reply/approve');
    expect(v.status).toBe('awaiting_callback');
    expect(v.publicReply).toBe(leadReply);

    v = await flow.ticket(w.callbackAgent, v, 'callback', { reached: true, solved: 'solved', satisfaction: 'satisfied', comment: '诉求人表示满意' });
    expect(v.status).toBe('closed');
    expect(v.close).toMatchObject({ reason: 'completed' });
    expect(v.callbackAttempts).toBe(1);
    expect(v.assignments.map((a) => a.status)).toEqual(['closed', 'closed']);
    expect(v.abilities).toEqual([]);

    const items = await events(w.dispatcher.token, v.id);
    expect(items.map((e) => [e.type, e.actor?.id ?? null])).toEqual([
      ['ticket_created', w.operator.id],
      ['dispatch', w.dispatcher.id],
      ['sign', w.handlerA.id],
      ['contact', w.handlerA.id],
      ['note', w.handlerA.id],
      ['sign', w.handlerDept.id],
      ['reply', w.handlerDept.id],
      ['reply', w.handlerA.id],
      ['approve_reply', w.dispatcher.id],
      ['callback_close', w.callbackAgent.id],
    ]);
    expect(items.map((e) => e.version)).toEqual(items.map((_, i) => i + 1));
    expect(items.at(-1)!.version).toBe(v.version);
    for (let i = 1; i < items.length; i++) {
      expect(items[i]!.id).toBeGreaterThan(items[i - 1]!.id);
      expect(items[i]!.from, `event ${i} (${items[i]!.type}) starts where event ${i - 1} ended`).toBe(items[i - 1]!.to);
      expect(Date.parse(items[i]!.at)).toBeGreaterThanOrEqual(Date.parse(items[i - 1]!.at));
    }
    expect(items[0]).toMatchObject({ from: null, to: 'awaiting_dispatch', at: T0 });
    expect(items.map((e) => e.to)).toEqual([
      'awaiting_dispatch',
      'awaiting_sign',
      'in_progress',
      'in_progress',
      'in_progress',
      'in_progress',
      'in_progress',
      'awaiting_review',
      'awaiting_callback',
      'closed',
    ]);
    // Unit events name their assignment and say what happened to it.
    expect(items[6]).toMatchObject({ assignmentId: assist.id, payload: { role: 'assist', assignmentFrom: 'in_progress', assignmentTo: 'replied' } });
    expect(items[1]!.payload).toMatchObject({ leadUnitId: streetA.id, assistUnitIds: [department.id] });
  });
});

describe('abilities', () => {
  const ALL_UNIT_WORK = ['contact', 'note', 'reply', 'request_return', 'request_extension', 'request_termination'];

  it('list exactly what the actor can do now', async () => {
    let v = await flow.create();
    expect((await flow.get(w.dispatcher, v.id)).abilities).toEqual(['dispatch', 'decline', 'merge']);
    expect((await flow.get(w.operator, v.id)).abilities).toEqual([]);
    expect((await flow.get(w.supervisor, v.id)).abilities).toEqual([]);

    v = await flow.ticket(w.dispatcher, v, 'dispatch', { leadUnitId: w.units.streetA.id, assistUnitIds: [w.units.department.id] });
    const lead = leadOf(v);
    const forA = await flow.get(w.handlerA, v.id);
    expect(forA.abilities).toEqual([]);
    expect(leadOf(forA).abilities).toEqual(['sign', 'note']);
    expect(assistOf(forA, w.units.department.id).abilities).toEqual([]);
    expect((await flow.get(w.dispatcher, v.id)).abilities).toEqual([]);

    // A unit that can read the ticket but holds no assignment of its own (the parent district) can do nothing.
    const forDistrict = await flow.get(w.handlerDistrictA, v.id);
    expect(forDistrict.abilities).toEqual([]);
    expect(forDistrict.assignments.map((a) => a.abilities)).toEqual([[], []]);
    // The assisting unit sees only its own buttons.
    const forDept = await flow.get(w.handlerDept, v.id);
    expect(leadOf(forDept).abilities).toEqual([]);
    expect(assistOf(forDept, w.units.department.id).abilities).toEqual(['sign', 'note']);

    // What is not listed fails; what is listed works.
    const early = await post(w.handlerA.token, `/api/assignments/${lead.id}/contact`, { version: lead.version, method: 'phone', summary: '尚未签收就联系' });
    expectProblem(early, 409, 'invalid_transition');
    const parent = await post(w.handlerDistrictA.token, `/api/assignments/${lead.id}/sign`, { version: lead.version });
    expectProblem(parent, 403, 'forbidden');
    v = await flow.assignment(w.handlerA, v, lead, 'sign');
    // A street hands down to its communities, a department to the communities beneath it (HAND_DOWN_LEVELS).
    expect(leadOf(v).abilities).toEqual([...ALL_UNIT_WORK, 'hand_down']);
    v = await flow.assignment(w.handlerDept, v, assistOf(v, w.units.department.id), 'sign');
    // An assisting unit may not return, extend or terminate: that is the lead's business.
    expect(assistOf(v, w.units.department.id).abilities).toEqual(['contact', 'note', 'reply', 'hand_down']);
    const assistReturn = await post(w.handlerDept.token, `/api/assignments/${assistOf(v, w.units.department.id).id}/return`, {
      version: assistOf(v, w.units.department.id).version,
      reason: '不属于本部门职责',
    });
    expectProblem(assistReturn, 409, 'invalid_transition');
  });

  it('a handler of an unrelated unit cannot even see the ticket', async () => {
    const v = await flow.dispatched();
    expectProblem(await api.call('GET', `/api/tickets/${v.id}`, { token: w.handlerB.token }), 404, 'ticket_not_found');
    expectProblem(await api.call('GET', `/api/tickets/${v.id}/events`, { token: w.handlerB.token }), 404, 'ticket_not_found');
  });
});
