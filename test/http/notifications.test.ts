import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { and, asc, eq } from 'drizzle-orm';
import { auditLog, notifications, units } from '../../db/schema/index.ts';
import { makeKbArticle } from '../setup/world.ts';
import { api, deps, flow, useApiWorld, w } from './api-world.ts';
import { expectProblem, leadOf, userOfRole } from '../setup/ticket-flow.ts';
import { RecordingGateway } from '../../src/adapters/sms-gateway.ts';
import { DEFAULT_TEMPLATES } from '../../src/domain/notifications/outbox.ts';
import { deliver } from '../../src/domain/notifications/delivery.ts';
import { ROLES } from '../../src/domain/vocab.ts';

const T0 = '2026-03-10T02:00:00.000Z';
const BASE = 'https://12345.example.gov.cn';
const STREET_A_PHONE = '13700000001';
const DEPT_PHONE = '13700000002';

useApiWorld({ config: { PUBLIC_BASE_URL: `${BASE}/` } });
beforeAll(async () => {
  // Street A and the department take SMS; street B has no notify phone.
  await deps.db.update(units).set({ notifyPhone: STREET_A_PHONE }).where(eq(units.id, w.units.streetA.id));
  await deps.db.update(units).set({ notifyPhone: DEPT_PHONE }).where(eq(units.id, w.units.department.id));
});
beforeEach(() => deps.clock.set(T0));

const outboxOf = (ticketId: number) =>
  deps.db
    .select({
      audience: notifications.audience,
      unitId: notifications.unitId,
      recipient: notifications.recipient,
      template: notifications.template,
      body: notifications.body,
      status: notifications.status,
    })
    .from(notifications)
    .where(eq(notifications.ticketId, ticketId))
    .orderBy(asc(notifications.id));

const receipt = (number: string) => `【12345热线】您的诉求已受理，工单号${number}。查询进度：${BASE}/lookup?n=${number}`;

describe('messages queued with the change that causes them', () => {
  it('intake: a receipt with the number and look-up link goes to a mobile caller', async () => {
    const v = await flow.create({ caller: { name: '王先生', phone: '+86 138-1234-5678' } });
    expect(await outboxOf(v.id)).toEqual([
      { audience: 'citizen', unitId: null, recipient: '13812345678', template: 'intake_receipt', body: receipt(v.number), status: 'pending' },
    ]);
  });

  it('intake: a confidential caller gets the receipt too (it goes to the caller only)', async () => {
    const v = await flow.create({ confidential: true, caller: { phone: '13900001111' } });
    expect((await outboxOf(v.id)).map((n) => [n.recipient, n.template])).toEqual([['13900001111', 'intake_receipt']]);
  });

  it('intake: no SMS to a landline, nor for a matter settled on the call (direct answer, emergency transfer, not accepted)', async () => {
    const landline = await flow.create({ caller: { phone: '010-65123456' } });
    expect(await outboxOf(landline.id)).toEqual([]);
    const article = await makeKbArticle(deps.db, '公积金提取', '公积金提取须携带身份证到管理中心办理。');
    const answered = await flow.create({
      type: 'consult',
      disposition: { kind: 'direct_answer', kbArticleId: article.id, answer: '请携带身份证到公积金管理中心办理。' },
    });
    expect(answered.status).toBe('closed');
    expect(await outboxOf(answered.id)).toEqual([]);
    const declined = await flow.create({ disposition: { kind: 'not_accepted', reason: '不属于热线受理范围' } });
    expect(await outboxOf(declined.id)).toEqual([]);
  });

  it('dispatch: each assigned unit with a notify phone gets the new-dispatch SMS; the caller is never in it', async () => {
    const v = await flow.create({ confidential: true, title: '夜间施工噪音', caller: { name: '李女士', phone: '13900002222' } });
    await flow.ticket(w.dispatcher, v, 'dispatch', { leadUnitId: w.units.streetA.id, assistUnitIds: [w.units.department.id, w.units.streetB.id] });
    const units = (await outboxOf(v.id)).filter((n) => n.audience === 'unit');
    expect(units).toEqual([
      {
        audience: 'unit',
        unitId: w.units.streetA.id,
        recipient: STREET_A_PHONE,
        template: 'unit_dispatch',
        body: `【12345热线】贵单位有新派单${v.number}（夜间施工噪音），请及时签收办理。`,
        status: 'pending',
      },
      {
        audience: 'unit',
        unitId: w.units.department.id,
        recipient: DEPT_PHONE,
        template: 'unit_dispatch',
        body: `【12345热线】贵单位有新派单${v.number}（夜间施工噪音），请及时签收办理。`,
        status: 'pending',
      },
    ]);
    for (const n of units) expect(n.body).not.toMatch(/13900002222|李女士/);
  });

  it('a dispatch that fails queues nothing (same transaction)', async () => {
    const v = await flow.create();
    const r = await api.call('POST', `/api/tickets/${v.id}/dispatch`, {
      token: w.dispatcher.token,
      body: { version: v.version, leadUnitId: w.units.streetA.id, assistUnitIds: [999_999] },
    });
    expectProblem(r, 422, 'unit_unknown');
    expect((await outboxOf(v.id)).map((n) => n.template)).toEqual(['intake_receipt']);
  });

  it('reply approval: the caller gets the reply notice; a rejected reply sends nothing', async () => {
    let v = await flow.awaitingReview();
    v = await flow.ticket(w.dispatcher, v, 'reply/reject', { reason: '答复内容不完整' });
    expect((await outboxOf(v.id)).map((n) => n.template)).toEqual(['intake_receipt', 'unit_dispatch']);
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'reply', { content: '经协调，施工单位承诺夜间22时后停止施工。' });
    v = await flow.ticket(w.dispatcher, v, 'reply/approve');
    const last = (await outboxOf(v.id)).at(-1)!;
    expect(last).toEqual({
      audience: 'citizen',
      unitId: null,
      recipient: '13812345678',
      template: 'reply_notice',
      body: expect.stringMatching(
        new RegExp(
          `^【12345热线】您的工单${v.number}已有答复：经协调，施工单位承诺夜间22时后停止施工。 查询详情：${BASE}/lookup\\?n=${v.number} 请为办理结果评价：${BASE}/rate\\?t=rt_[\\w-]+$`,
        ),
      ),
      status: 'pending',
    });
  });

  it('a long reply is cut short in the SMS; the look-up link carries the rest', async () => {
    let v = await flow.inProgress();
    const long = '经调查核实，'.repeat(30);
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'reply', { content: long });
    v = await flow.ticket(w.dispatcher, v, 'reply/approve');
    const body = (await outboxOf(v.id)).at(-1)!.body;
    const reply = body.slice(body.indexOf('已有答复：') + 5, body.indexOf(' 查询详情'));
    expect([...reply]).toHaveLength(70);
    expect(reply.endsWith('…')).toBe(true);
    expect(long.startsWith(reply.slice(0, -1))).toBe(true);
  });
});

describe('admin: the outbox', () => {
  it('lists messages newest first, filtered by status, audience and ticket; a citizen number is masked', async () => {
    const v = await flow.dispatched();
    const r = await api.call('GET', `/api/admin/notifications?ticketId=${v.id}`, { token: w.admin.token });
    expect(r.status).toBe(200);
    expect(r.body.items.map((n: any) => [n.template, n.audience, n.recipient, n.status, n.ticketNumber])).toEqual([
      ['unit_dispatch', 'unit', STREET_A_PHONE, 'pending', v.number],
      ['intake_receipt', 'citizen', '138****5678', 'pending', v.number],
    ]);
    const units = await api.call('GET', `/api/admin/notifications?ticketId=${v.id}&audience=unit`, { token: w.admin.token });
    expect(units.body.items.map((n: any) => n.template)).toEqual(['unit_dispatch']);

    // The recording gateway "sends" them: they stay in the outbox, as sent, for the admin to read.
    await deliver(deps, deps.clock.now(), { batchSize: 100, gateway: new RecordingGateway() });
    const sent = await api.call('GET', `/api/admin/notifications?ticketId=${v.id}&status=sent`, { token: w.admin.token });
    expect(sent.body.items.map((n: any) => [n.template, n.status, n.attempts, n.sentAt])).toEqual([
      ['unit_dispatch', 'sent', 1, T0],
      ['intake_receipt', 'sent', 1, T0],
    ]);
    expect(sent.body.items[1].body).toBe(receipt(v.number));
    const pending = await api.call('GET', `/api/admin/notifications?ticketId=${v.id}&status=pending`, { token: w.admin.token });
    expect(pending.body.items).toEqual([]);

    const page = await api.call('GET', `/api/admin/notifications?limit=1`, { token: w.admin.token });
    expect(page.body.items).toHaveLength(1);
    const next = await api.call('GET', `/api/admin/notifications?limit=1&before=${page.body.nextBefore}`, { token: w.admin.token });
    expect(next.body.items[0].id).toBeLessThan(page.body.items[0].id);
    expectProblem(await api.call('GET', '/api/admin/notifications?status=lost', { token: w.admin.token }), 400, 'validation_failed');
  });
});

describe('admin: templates', () => {
  it('lists every template with its default and placeholders', async () => {
    const r = await api.call('GET', '/api/admin/templates', { token: w.admin.token });
    expect(r.status).toBe(200);
    expect(r.body.items.map((t: any) => t.key).sort()).toEqual(Object.keys(DEFAULT_TEMPLATES).sort());
    expect(r.body.items.find((t: any) => t.key === 'intake_receipt')).toMatchObject({
      body: DEFAULT_TEMPLATES.intake_receipt,
      defaultBody: DEFAULT_TEMPLATES.intake_receipt,
      placeholders: ['number', 'lookupUrl'],
    });
  });

  it('an edited template is used for later messages, not for those already queued; the edit is audited', async () => {
    const before = await flow.create();
    const body = '【某市12345】已受理您的诉求（{number}），进度请查 {lookupUrl} 。';
    const r = await api.call('PUT', '/api/admin/templates/intake_receipt', { token: w.admin.token, body: { body } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ key: 'intake_receipt', body, edited: true });
    try {
      const after = await flow.create();
      expect((await outboxOf(after.id))[0]!.body).toBe(`【某市12345】已受理您的诉求（${after.number}），进度请查 ${BASE}/lookup?n=${after.number} 。`);
      expect((await outboxOf(before.id))[0]!.body).toBe(receipt(before.number));
      const audits = await deps.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, 'message_template_updated'), eq(auditLog.targetId, 'intake_receipt')));
      expect(audits.map((a) => [a.userId, a.details])).toEqual([[w.admin.id, { before: DEFAULT_TEMPLATES.intake_receipt, after: body }]]);
      expect((await api.call('GET', '/api/admin/templates', { token: w.admin.token })).body.items.find((t: any) => t.key === 'intake_receipt').body).toBe(body);
    } finally {
      await api.call('PUT', '/api/admin/templates/intake_receipt', { token: w.admin.token, body: { body: DEFAULT_TEMPLATES.intake_receipt } });
    }
  });

  it('refuses placeholders the template does not know (422) and templates that do not exist (404)', async () => {
    const bad = await api.call('PUT', '/api/admin/templates/unit_dispatch', { token: w.admin.token, body: { body: '新派单{number}，诉求人{callerPhone}' } });
    expectProblem(bad, 422, 'template_placeholder_unknown');
    expect(bad.body.unknown).toEqual(['callerPhone']);
    expect(bad.body.title).toContain('{callerPhone}');
    expectProblem(await api.call('PUT', '/api/admin/templates/no_such', { token: w.admin.token, body: { body: '你好' } }), 404, 'template_not_found');
    expectProblem(await api.call('PUT', '/api/admin/templates/unit_dispatch', { token: w.admin.token, body: { body: '  ' } }), 400, 'validation_failed');
    const list = await api.call('GET', '/api/admin/templates', { token: w.admin.token });
    expect(list.body.items.find((t: any) => t.key === 'unit_dispatch')).toMatchObject({ body: DEFAULT_TEMPLATES.unit_dispatch, edited: false });
  });

  it.each(ROLES.filter((r) => r !== 'admin'))('%s may not read the outbox or read or edit templates (403)', async (role) => {
    const token = userOfRole(w)[role].token;
    expectProblem(await api.call('GET', '/api/admin/notifications', { token }), 403, 'forbidden');
    expectProblem(await api.call('GET', '/api/admin/templates', { token }), 403, 'forbidden');
    expectProblem(await api.call('PUT', '/api/admin/templates/intake_receipt', { token, body: { body: '受理{number}' } }), 403, 'forbidden');
  });
});
