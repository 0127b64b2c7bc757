import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { startApi, type Api } from '../setup/server.ts';
import { makeWorld, type World } from '../setup/world.ts';
import { assistOf, expectProblem, leadOf, ticketFlow, type View } from '../setup/ticket-flow.ts';
import type { Database } from '../../db/client.ts';

const T0 = '2026-03-10T02:00:00.000Z';
const HOUR = 3600_000;

let database: Database;
let deps: TestDeps;
let api: Api;
let w: World;
let flow: ReturnType<typeof ticketFlow>;

beforeAll(async () => {
  database = await freshDatabase();
  deps = makeDeps(database, { CALLBACK_MAX_ATTEMPTS: 3 });
  api = await startApi(deps);
  w = await makeWorld(deps.db);
  flow = ticketFlow(api, w);
});
afterAll(async () => {
  await api?.close();
  await database?.close();
});
// Units and users are only read; every test makes its own tickets, with the clock back at T0.
beforeEach(() => deps.clock.set(T0));

const post = (token: string, path: string, body: unknown) => api.call('POST', path, { token, body });
const events = async (token: string, id: number) => {
  const r = await api.call('GET', `/api/tickets/${id}/events`, { token });
  expect(r.status).toBe(200);
  return r.body.items as {
    id: number;
    type: string;
    actor: { id: number; role: string } | null;
    from: string | null;
    to: string;
    version: number;
    assignmentId: number | null;
    payload: Record<string, unknown>;
    at: string;
  }[];
};

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
    expect(leadOf(v).abilities).toEqual(ALL_UNIT_WORK);
    v = await flow.assignment(w.handlerDept, v, assistOf(v, w.units.department.id), 'sign');
    // An assisting unit may not return, extend or terminate: that is the lead's business.
    expect(assistOf(v, w.units.department.id).abilities).toEqual(['contact', 'note', 'reply']);
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
