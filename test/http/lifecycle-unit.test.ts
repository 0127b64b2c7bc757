/** What a unit asks for while it handles a ticket: contact (联系诉求人), return (退单), extension (延期), termination (终止办理). */
import { describe, expect, it } from 'vitest';
import { expectProblem, leadOf, type View } from '../setup/ticket-flow.ts';
import { database, deps, flow, w } from './api-world.ts';
import { events, HOUR, post, T0, useLifecycleWorld } from './lifecycle-fixtures.ts';

useLifecycleWorld();

describe('contact (联系诉求人): the time claimed beside the time recorded', () => {
  const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();
  const contact = (v: View, body: Record<string, unknown>) =>
    post(w.handlerA.token, `/api/assignments/${leadOf(v).id}/contact`, { version: leadOf(v).version, method: 'phone', summary: '已电话联系诉求人', ...body });

  it('keeps the claim and the recording time; the event carries both and the reason', async () => {
    const v = await flow.inProgress(); // dispatched and signed at T0
    deps.clock.set(at(30 * HOUR));
    const claimed = at(2 * HOUR);
    // 28 hours before recording: a late entry (补录) needs its reason.
    const refused = await contact(v, { contactedAt: claimed });
    expectProblem(refused, 422, 'contact_backdate_reason_required');
    expect(refused.body.title).toContain('补录原因');
    expect(refused.body).toMatchObject({ backdateHours: 24 });
    expect(leadOf(await flow.get(w.handlerA, v.id))).toMatchObject({ firstContactAt: null, firstContactRecordedAt: null, version: leadOf(v).version });

    const ok = await contact(v, { contactedAt: claimed, backdateReason: '当时在现场处置，未能登录系统' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(leadOf(ok.body)).toMatchObject({ firstContactAt: claimed, firstContactRecordedAt: at(30 * HOUR) });
    const e = (await events(w.dispatcher.token, v.id)).at(-1)!;
    expect(e).toMatchObject({ type: 'contact', at: at(30 * HOUR) });
    expect(e.payload).toMatchObject({ contactedAt: claimed, recordedAt: at(30 * HOUR), backdateReason: '当时在现场处置，未能登录系统' });

    // A later contact is history; the first contact's times stay.
    deps.clock.set(at(31 * HOUR));
    const again = await flow.assignment(w.handlerA, ok.body, leadOf(ok.body), 'contact', { method: 'visit', summary: '上门回复处理进展' });
    expect(leadOf(again)).toMatchObject({ firstContactAt: claimed, firstContactRecordedAt: at(30 * HOUR) });
    expect((await events(w.dispatcher.token, v.id)).at(-1)!.payload).toMatchObject({
      contactedAt: at(31 * HOUR),
      recordedAt: at(31 * HOUR),
      backdateReason: null,
    });
  });

  it('up to CONTACT_BACKDATE_HOURS before recording needs no reason; the limit is configurable', async () => {
    let v = await flow.inProgress();
    deps.clock.set(at(30 * HOUR));
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'contact', { method: 'phone', summary: '已联系', contactedAt: at(6 * HOUR) }); // exactly 24 h
    expect(leadOf(v)).toMatchObject({ firstContactAt: at(6 * HOUR), firstContactRecordedAt: at(30 * HOUR) });

    deps.config.CONTACT_BACKDATE_HOURS = 2;
    try {
      deps.clock.set(T0);
      const w2 = await flow.inProgress();
      deps.clock.set(at(3 * HOUR));
      expectProblem(await contact(w2, { contactedAt: at(30 * 60_000) }), 422, 'contact_backdate_reason_required');
      expect((await contact(w2, { contactedAt: at(HOUR + 60_000) })).status).toBe(200);
    } finally {
      deps.config.CONTACT_BACKDATE_HOURS = 24;
    }
  });

  it('a contact recorded after the reply is history: a claim dated before the reply does not undo the missed response', async () => {
    let v = await flow.inProgress();
    deps.clock.set(at(2 * HOUR));
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'reply', { content: '已处理完毕，问题已解决。' });
    deps.clock.set(at(3 * HOUR));
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'contact', { method: 'phone', summary: '补记：答复前已电话联系', contactedAt: at(HOUR) });
    const lead = leadOf(v) as (typeof v.assignments)[number] & { sla: { clocks: { response: { state: string } } } };
    expect(lead).toMatchObject({ firstContactAt: null, firstContactRecordedAt: null });
    expect(lead.sla.clocks.response.state).toBe('missed');
    expect((await events(w.dispatcher.token, v.id)).at(-1)!.payload).toMatchObject({ contactedAt: at(HOUR), recordedAt: at(3 * HOUR) });
  });

  it('without a time it is now; a claim a few seconds ahead of the server is taken as now', async () => {
    let v = await flow.inProgress();
    deps.clock.set(at(HOUR));
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'contact', { method: 'phone', summary: '已联系', contactedAt: at(HOUR + 30_000) });
    expect(leadOf(v)).toMatchObject({ firstContactAt: at(HOUR), firstContactRecordedAt: at(HOUR) });
  });
});

describe('return (退单)', () => {
  it('a rejected return designates the unit, which may not return the ticket again', async () => {
    let v = await flow.inProgress();
    const lead = leadOf(v);
    v = await flow.assignment(w.handlerA, v, lead, 'return', { reason: '该问题不属于本街道管辖范围' });
    expect(v.status).toBe('return_requested');
    expect(v.pendingRequests).toMatchObject([{ kind: 'return', assignmentId: lead.id, reason: '该问题不属于本街道管辖范围' }]);

    const forDispatcher = await flow.get(w.dispatcher, v.id);
    expect(forDispatcher.abilities).toEqual(['approve_return', 'reject_return']);

    v = await flow.ticket(w.dispatcher, v, 'return/reject', { note: '经核实属于本街道管辖' });
    expect(v.status).toBe('in_progress');
    expect(leadOf(v)).toMatchObject({ id: lead.id, status: 'in_progress', designated: true });
    expect(v.pendingRequests).toEqual([]);
    expect(leadOf(v).abilities).not.toContain('request_return');

    const again = await post(w.handlerA.token, `/api/assignments/${lead.id}/return`, { version: leadOf(v).version, reason: '仍然认为不属于本单位' });
    expectProblem(again, 409, 'designated_cannot_return');
    const after = await flow.get(w.handlerA, v.id);
    expect(after).toMatchObject({ status: 'in_progress', version: v.version, pendingRequests: [] });
  });

  it('an approved return sends the ticket back to dispatch, and it can go to another unit', async () => {
    let v = await flow.inProgress();
    const first = leadOf(v);
    v = await flow.assignment(w.handlerA, v, first, 'return', { reason: '该地址属于乙街道辖区' });
    v = await flow.ticket(w.dispatcher, v, 'return/approve');
    expect(v.status).toBe('awaiting_dispatch');
    expect(v.assignments).toMatchObject([{ id: first.id, status: 'returned' }]);
    expect(v.pendingRequests).toEqual([]);

    v = await flow.ticket(w.dispatcher, v, 'dispatch', { leadUnitId: w.units.streetB.id });
    expect(v.status).toBe('awaiting_sign');
    const second = leadOf(v);
    expect(second.id).not.toBe(first.id);
    expect(second).toMatchObject({ unit: { id: w.units.streetB.id }, status: 'awaiting_sign' });

    v = await flow.assignment(w.handlerB, v, second, 'sign');
    expect(v.status).toBe('in_progress');
    // The unit that returned it holds nothing any more.
    const stale = await post(w.handlerA.token, `/api/assignments/${first.id}/sign`, { version: v.assignments[0]!.version });
    expectProblem(stale, 409, 'invalid_transition');
    expect(stale.body.assignmentStatus).toBe('returned');
  });
});

describe('extension (延期)', () => {
  const asked = '2026-03-20T02:00:00.000Z';

  it("a request still pending when the unit's assignment ends lapses with it", async () => {
    let v = await flow.inProgress();
    const old = leadOf(v);
    v = await flow.assignment(w.handlerA, v, old, 'extension', { reason: '需要更多时间', requestedDueAt: asked });
    v = await flow.assignment(w.handlerA, v, old, 'return', { reason: '该地址属于乙街道辖区' });
    expect(v.pendingRequests.map((r) => r.kind)).toEqual(['extension', 'return']);
    v = await flow.ticket(w.dispatcher, v, 'return/approve');
    expect(v.pendingRequests).toEqual([]);

    v = await flow.ticket(w.dispatcher, v, 'dispatch', { leadUnitId: w.units.streetB.id });
    v = await flow.assignment(w.handlerB, v, leadOf(v), 'sign');
    expect((await flow.get(w.dispatcher, v.id)).abilities).not.toContain('approve_extension');
    expectProblem(await post(w.dispatcher.token, `/api/tickets/${v.id}/extension/approve`, { version: v.version }), 409, 'no_pending_request');
    // The new unit's own request is the one that gets decided.
    v = await flow.assignment(w.handlerB, v, leadOf(v), 'extension', { reason: '需要协调物业', requestedDueAt: asked });
    v = await flow.ticket(w.dispatcher, v, 'extension/approve');
    expect(v.assignments.map((a) => [a.id, a.status, a.deadlines.complete])).toEqual([
      [old.id, 'returned', null],
      [leadOf(v).id, 'in_progress', asked],
    ]);
  });

  it('a request still pending when the reply is approved lapses (it could never be decided later)', async () => {
    let v = await flow.inProgress();
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'extension', { reason: '需要更多时间', requestedDueAt: asked });
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'reply', { content: '已协调施工单位调整作业时间，夜间停止施工。' });
    expect(v.pendingRequests.map((r) => r.kind)).toEqual(['extension']);
    v = await flow.ticket(w.dispatcher, v, 'reply/approve');
    expect(v.status).toBe('awaiting_callback');
    expect(v.pendingRequests).toEqual([]);
    const rows = await database.query<{ status: string }>('select status from assignment_requests where ticket_id = $1', [v.id]);
    expect(rows.map((r) => r.status)).toEqual(['lapsed']);
  });

  it('a pending request is listed, a duplicate is refused, approval moves the completion deadline', async () => {
    let v = await flow.inProgress();
    const lead = leadOf(v);
    expect((await flow.get(w.dispatcher, v.id)).abilities).not.toContain('approve_extension');

    v = await flow.assignment(w.handlerA, v, lead, 'extension', { reason: '需协调多个部门，时间不足', requestedDueAt: asked });
    expect(v.status).toBe('in_progress');
    expect(v.pendingRequests).toMatchObject([{ kind: 'extension', assignmentId: lead.id, requestedDueAt: asked }]);
    expect((await flow.get(w.dispatcher, v.id)).abilities).toEqual(expect.arrayContaining(['approve_extension', 'reject_extension']));

    const dup = await post(w.handlerA.token, `/api/assignments/${lead.id}/extension`, {
      version: leadOf(v).version,
      reason: '再次申请',
      requestedDueAt: '2026-03-25T02:00:00Z',
    });
    expectProblem(dup, 409, 'request_pending');
    expect((await flow.get(w.handlerA, v.id)).pendingRequests).toHaveLength(1);

    v = await flow.ticket(w.dispatcher, v, 'extension/approve', { note: '同意延期' });
    expect(v.status).toBe('in_progress');
    expect(leadOf(v).deadlines.complete).toBe(asked);
    expect(v.pendingRequests).toEqual([]);
    const last = (await events(w.dispatcher.token, v.id)).at(-1)!;
    expect(last).toMatchObject({ type: 'approve_extension', payload: { newDueAt: asked } });
  });

  it('a rejected request leaves the deadline as it was', async () => {
    let v = await flow.inProgress();
    const before = leadOf(v).deadlines.complete;
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'extension', { reason: '需要更多时间', requestedDueAt: asked });
    v = await flow.ticket(w.dispatcher, v, 'extension/reject', { note: '时间充足' });
    expect(v.status).toBe('in_progress');
    expect(leadOf(v).deadlines.complete).toBe(before);
    expect(v.pendingRequests).toEqual([]);
    // Decided: the unit may ask again.
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'extension', { reason: '情况有变，再次申请', requestedDueAt: asked });
    expect(v.pendingRequests).toHaveLength(1);
  });

  it('a deadline that is not in the future is refused (422 extension_not_later)', async () => {
    const v = await flow.inProgress();
    const r = await post(w.handlerA.token, `/api/assignments/${leadOf(v).id}/extension`, {
      version: leadOf(v).version,
      reason: '需要更多时间',
      requestedDueAt: '2026-03-09T02:00:00Z',
    });
    expectProblem(r, 422, 'extension_not_later');
    expect((await flow.get(w.handlerA, v.id)).pendingRequests).toEqual([]);
  });

  it('an approval that comes after the requested time has passed is refused', async () => {
    let v = await flow.inProgress();
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'extension', { reason: '需要更多时间', requestedDueAt: '2026-03-10T05:00:00Z' });
    deps.clock.advance(4 * HOUR);
    expectProblem(await post(w.dispatcher.token, `/api/tickets/${v.id}/extension/approve`, { version: v.version }), 422, 'extension_not_later');
    expect((await flow.get(w.dispatcher, v.id)).pendingRequests).toHaveLength(1);
  });
});

describe('termination (终止办理)', () => {
  it('approved: the ticket closes as terminated', async () => {
    let v = await flow.inProgress([w.units.department.id]);
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'termination', { reason: '诉求人已撤回诉求' });
    expect(v.status).toBe('termination_requested');
    expect(v.pendingRequests).toMatchObject([{ kind: 'termination' }]);
    expect((await flow.get(w.dispatcher, v.id)).abilities).toEqual(['approve_termination', 'reject_termination']);
    v = await flow.ticket(w.dispatcher, v, 'termination/approve');
    expect(v.status).toBe('closed');
    expect(v.close).toMatchObject({ reason: 'terminated', note: '诉求人已撤回诉求' });
    expect(v.assignments.map((a) => a.status)).toEqual(['closed', 'closed']);
  });

  it('rejected: back to in progress', async () => {
    let v = await flow.inProgress();
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'termination', { reason: '诉求人已撤回诉求' });
    v = await flow.ticket(w.dispatcher, v, 'termination/reject', { note: '诉求人未撤回' });
    expect(v.status).toBe('in_progress');
    expect(v.close).toBeNull();
    expect(leadOf(v).status).toBe('in_progress');
    expect(v.pendingRequests).toEqual([]);
  });
});
