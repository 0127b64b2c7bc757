/**
 * A caller's data requests (PIPL), carried out by the security administrator: the export finds every ticket of
 * the number by its blind index (as caller and as repeat caller) with what was said and answered, audited as a
 * read of personal data; the erasure anonymises the closed ones at once and refuses the open ones, listing them;
 * nobody else may call either.
 */
import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, contacts, ticketEvents, tickets } from '../../db/schema/index.ts';
import { phoneIndex } from '../../src/domain/privacy/caller-index.ts';
import { expectProblem, leadOf, type View } from '../setup/ticket-flow.ts';
import type { TestUser } from '../setup/world.ts';
import { callBody } from '../setup/world.ts';
import { api, flow, deps, useApiWorld, w } from './api-world.ts';

useApiWorld();

const request = (user: TestUser, what: 'export' | 'erase', body: Record<string, unknown>) =>
  api.call('POST', `/api/privacy/subject-requests/${what}`, {
    token: user.token,
    body: { reference: '个人信息申请-2026-001', note: '本人到窗口，已核验身份证', ...body },
  });

let seq = 0;
const nextPhone = () => `1370000${String(++seq).padStart(4, '0')}`;
async function open(phone: string, name = '李女士'): Promise<View> {
  const v = await flow.ok(w.operator, 'POST', '/api/tickets', callBody(w.category.id, { content: `楼道堆放杂物，请联系我 ${phone}`, caller: { name, phone } }));
  return flow.ticket(w.dispatcher, v, 'dispatch', { leadUnitId: w.units.streetA.id });
}
async function close(v: View): Promise<View> {
  v = await flow.assignment(w.handlerA, v, leadOf(v), 'sign');
  v = await flow.assignment(w.handlerA, v, leadOf(v), 'reply', { content: '已安排物业清理楼道杂物并告知诉求人。' });
  v = await flow.ticket(w.dispatcher, v, 'reply/approve');
  return flow.ticket(w.callbackAgent, v, 'callback', { reached: true, solved: 'solved', satisfaction: 'satisfied' });
}
const repeatCall = (phone: string, ticketId: number) =>
  flow.ok(
    w.operator,
    'POST',
    '/api/tickets',
    callBody(w.category.id, { content: `我也反映这件事 ${phone}`, caller: { name: '赵先生', phone }, disposition: { kind: 'repeat', ticketId } }),
  );

describe("a caller's data on a verified request", () => {
  it('export: every ticket of the number (as caller and as repeat caller), with what was said and answered; audited, the number not in plain text', async () => {
    const phone = nextPhone();
    const closed = await close(await open(phone));
    const rated = await api.call('POST', '/api/public/ratings', {
      body: { number: closed.number, last4: phone.slice(-4), level: 'satisfied', comment: '很满意' },
    });
    expect(rated.status, JSON.stringify(rated.body)).toBe(201);
    const pending = await open(phone);
    const someoneElses = await open(nextPhone(), '孙先生');
    await repeatCall(phone, someoneElses.id);
    await open(nextPhone()); // not theirs

    const r = await request(w.securityAdmin, 'export', { phone: `${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}` });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ phone, reference: '个人信息申请-2026-001' });
    const byNumber = new Map<string, Record<string, unknown>>(r.body.tickets.map((t: { number: string }) => [t.number, t]));
    expect([...byNumber.keys()].sort()).toEqual([closed.number, pending.number, someoneElses.number].sort());
    expect(byNumber.get(closed.number)).toMatchObject({
      as: 'caller',
      status: 'closed',
      caller: { name: '李女士', phone },
      content: `楼道堆放杂物，请联系我 ${phone}`,
      publicReply: '已安排物业清理楼道杂物并告知诉求人。',
      ratings: [{ round: 1, level: 'satisfied', comment: '很满意' }],
      callbacks: [{ reached: true, solved: 'solved', satisfaction: 'satisfied' }],
      calls: [{ phone, name: '李女士', channel: 'phone' }],
    });
    expect(byNumber.get(pending.number)).toMatchObject({ as: 'caller', status: 'awaiting_sign', closedAt: null });
    // Someone else's ticket: only the number's own call, not the other caller's identity or demand.
    const other = byNumber.get(someoneElses.number)!;
    expect(other).toMatchObject({ as: 'repeat_caller', caller: null, content: null, calls: [{ phone, name: '赵先生', content: `我也反映这件事 ${phone}` }] });
    expect(JSON.stringify(other)).not.toContain('孙先生');

    const [row] = await deps.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'read_personal_data'), eq(auditLog.userId, w.securityAdmin.id)));
    expect(row).toMatchObject({ targetType: 'caller', targetId: phoneIndex(phone) });
    expect(row!.details).toMatchObject({ reference: '个人信息申请-2026-001', via: 'subject_export' });
    expect((row!.details as { tickets: string[] }).tickets.sort()).toEqual([closed.number, pending.number, someoneElses.number].sort());
    expect(JSON.stringify(row)).not.toContain(phone);
  });

  it('erase: the closed tickets anonymised now (reason erasure), the open ones refused and listed; a second export finds only those', async () => {
    const phone = nextPhone();
    const closed = await close(await open(phone));
    const pending = await open(phone);
    const someoneElses = await open(nextPhone(), '周先生');
    await repeatCall(phone, someoneElses.id);
    await close(await flow.get(w.dispatcher, someoneElses.id));

    const r = await request(w.securityAdmin, 'erase', { phone });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({
      anonymised: [closed.number],
      repeatCallsCleared: 1,
      leftOpen: [{ number: pending.number, status: 'awaiting_sign' }],
      counts: { tickets: 1, contacts: 2 },
    });
    const t = (await deps.db.select().from(tickets).where(eq(tickets.id, closed.id)))[0]!;
    expect(t).toMatchObject({ callerName: null, callerPhone: null, callerPhoneIndex: null, callerPhoneLast4: null, content: '楼道堆放杂物，请联系我 ****' });
    expect(t.callerAnonymisedAt).not.toBeNull();
    const [ev] = await deps.db
      .select()
      .from(ticketEvents)
      .where(and(eq(ticketEvents.ticketId, closed.id), eq(ticketEvents.type, 'caller_data_anonymised')));
    expect(ev).toMatchObject({ actorId: w.securityAdmin.id, payload: { reason: 'erasure' } });
    // The open ticket keeps its caller (it is still being handled); the other caller's ticket keeps theirs, loses the repeat call's.
    expect((await deps.db.select().from(tickets).where(eq(tickets.id, pending.id)))[0]).toMatchObject({ callerPhone: phone, callerAnonymisedAt: null });
    const others = await deps.db.select().from(contacts).where(eq(contacts.ticketId, someoneElses.id));
    expect(others.map((c) => [c.callerName, c.callerPhone === null, c.content.includes(phone)])).toEqual([
      ['周先生', false, false],
      [null, true, false],
    ]);
    expect((await deps.db.select().from(tickets).where(eq(tickets.id, someoneElses.id)))[0]).toMatchObject({ callerName: '周先生', callerAnonymisedAt: null });

    const after = await request(w.securityAdmin, 'export', { phone });
    expect(after.body.tickets.map((x: { number: string }) => x.number)).toEqual([pending.number]);
    const [audited] = await deps.db.select().from(auditLog).where(eq(auditLog.action, 'erase_personal_data'));
    expect(audited!.details).toMatchObject({ reference: '个人信息申请-2026-001', anonymised: [closed.number], leftOpen: [pending.number] });
    expect(JSON.stringify(audited)).not.toContain(phone);

    // Asked again: nothing more to erase, the open one still refused.
    const again = await request(w.securityAdmin, 'erase', { phone });
    expect(again.body).toMatchObject({ anonymised: [], leftOpen: [{ number: pending.number }], counts: { tickets: 0 } });
  });

  it('only the security administrator may make either request', async () => {
    const phone = nextPhone();
    await close(await open(phone));
    for (const user of [w.admin, w.auditAdmin, w.supervisor, w.dispatcher, w.operator, w.handlerA]) {
      for (const what of ['export', 'erase'] as const) expectProblem(await request(user, what, { phone }), 403, 'forbidden');
    }
    expectProblem(await api.call('GET', '/api/privacy/retention', { token: w.admin.token }), 403, 'forbidden');
    const still = await request(w.securityAdmin, 'export', { phone });
    expect(still.body.tickets).toHaveLength(1);
    expect(still.body.tickets[0].caller.phone).toBe(phone);
  });

  it('refuses a number that is no number, and a request without its reference or verification', async () => {
    expectProblem(await request(w.securityAdmin, 'export', { phone: '12345' }), 400, 'privacy_phone_invalid');
    expectProblem(await request(w.securityAdmin, 'erase', { phone: 'abc' }), 400, 'privacy_phone_invalid');
    expectProblem(await request(w.securityAdmin, 'erase', { phone: nextPhone(), reference: '' }), 400, 'validation_failed');
    expectProblem(await request(w.securityAdmin, 'export', { phone: nextPhone(), note: '  ' }), 400, 'validation_failed');
  });
});
