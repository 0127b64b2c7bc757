/**
 * Phone numbers typed into free text are masked for every role that may not see the caller's
 * contact — in the ticket's detail, lists, history, appeals, reminders, the units' SMS, the look-up and
 * Open311 — and shown whole to the centre on the ticket itself. Masking happens where text is presented:
 * what is stored stays as typed. (The PII scan, test/security/pii-scan.test.ts, checks every route for leaks;
 * this file pins down what each reader sees.)
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { supervisionItems, tickets, units } from '../../db/schema/index.ts';
import { api, deps, flow, useApiWorld, w } from './api-world.ts';
import { leadOf, type View } from '../setup/ticket-flow.ts';

const T0 = '2026-03-10T02:00:00.000Z';
const MOBILE = '13655559999';
const LANDLINE = '0531-86668888';
const MOBILE_MASKED = '136****9999';
const LANDLINE_MASKED = '****-****8888';

useApiWorld({ now: T0 });
beforeAll(async () => {
  await deps.db.update(units).set({ notifyPhone: '13900009999' }).where(eq(units.id, w.units.streetA.id));
});
beforeEach(() => deps.clock.set(T0));

const get = async (token: string, path: string) => {
  const r = await api.call('GET', path, { token });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};
const text = (x: unknown) => JSON.stringify(x);

/** A ticket with numbers in its title and demand, dispatched to street A, signed, contacted, noted and replied to. */
async function worked(over: Record<string, unknown> = {}): Promise<View> {
  let v = await flow.create({ title: `${MOBILE}反映夜间噪音`, content: `小区夜间施工噪音扰民，邻居电话${MOBILE}，物业座机${LANDLINE}`, ...over });
  v = await flow.ticket(w.dispatcher, v, 'dispatch', { leadUnitId: w.units.streetA.id });
  v = await flow.assignment(w.handlerA, v, leadOf(v), 'sign');
  v = await flow.assignment(w.handlerA, v, leadOf(v), 'contact', { method: 'phone', summary: `已拨打${MOBILE}联系` });
  v = await flow.assignment(w.handlerA, v, leadOf(v), 'note', { text: `物业经理 ${LANDLINE}` });
  return flow.assignment(w.handlerA, v, leadOf(v), 'reply', { content: `已协调物业（${LANDLINE}）处理完毕。` });
}

describe('the ticket itself', () => {
  it('a unit sees every number masked — detail, list and history; the centre sees them whole on the ticket, masked in lists; the database keeps them as typed', async () => {
    const v = await worked();
    const unitView = await get(w.handlerA.token, `/api/tickets/${v.id}`);
    expect(unitView.title).toBe(`${MOBILE_MASKED}反映夜间噪音`);
    expect(unitView.content).toBe(`小区夜间施工噪音扰民，邻居电话${MOBILE_MASKED}，物业座机${LANDLINE_MASKED}`);
    expect(leadOf(unitView).replyContent).toBe(`已协调物业（${LANDLINE_MASKED}）处理完毕。`);
    const unitEvents = await get(w.handlerA.token, `/api/tickets/${v.id}/events`);
    const payloadOf = (body: any, type: string) => body.items.find((e: { type: string }) => e.type === type).payload;
    expect(payloadOf(unitEvents, 'contact').summary).toBe(`已拨打${MOBILE_MASKED}联系`);
    expect(payloadOf(unitEvents, 'note').text).toBe(`物业经理 ${LANDLINE_MASKED}`);
    expect(payloadOf(unitEvents, 'reply').content).toBe(`已协调物业（${LANDLINE_MASKED}）处理完毕。`);
    const unitList = await get(w.handlerA.token, '/api/tickets');
    expect(unitList.items.find((i: { id: number }) => i.id === v.id).title).toBe(`${MOBILE_MASKED}反映夜间噪音`);
    for (const body of [unitView, unitEvents, unitList]) {
      expect(text(body)).not.toContain(MOBILE);
      expect(text(body)).not.toContain(LANDLINE);
    }
    // The district above street A reads it as street A does.
    expect(text(await get(w.handlerDistrictA.token, `/api/tickets/${v.id}`))).not.toContain(MOBILE);

    const centreView = await get(w.dispatcher.token, `/api/tickets/${v.id}`);
    expect(centreView.title).toBe(`${MOBILE}反映夜间噪音`);
    expect(centreView.content).toContain(`邻居电话${MOBILE}，物业座机${LANDLINE}`);
    expect(leadOf(centreView).replyContent).toContain(LANDLINE);
    expect(payloadOf(await get(w.supervisor.token, `/api/tickets/${v.id}/events`), 'contact').summary).toBe(`已拨打${MOBILE}联系`);
    expect((await get(w.dispatcher.token, '/api/tickets')).items.find((i: { id: number }) => i.id === v.id).title).toBe(`${MOBILE_MASKED}反映夜间噪音`);

    const [stored] = await deps.db.select({ title: tickets.title, content: tickets.content }).from(tickets).where(eq(tickets.id, v.id));
    expect(stored).toEqual({ title: `${MOBILE}反映夜间噪音`, content: `小区夜间施工噪音扰民，邻居电话${MOBILE}，物业座机${LANDLINE}` });
  });

  it('a pending request’s reason and the reviewer’s note: masked for the unit, whole for the centre', async () => {
    let v = await flow.inProgress();
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'return', { reason: `不属本街道，请联系${LANDLINE}` });
    expect((await get(w.handlerA.token, `/api/tickets/${v.id}`)).pendingRequests[0].reason).toBe(`不属本街道，请联系${LANDLINE_MASKED}`);
    expect((await get(w.dispatcher.token, `/api/tickets/${v.id}`)).pendingRequests[0].reason).toBe(`不属本街道，请联系${LANDLINE}`);
    v = await flow.ticket(w.dispatcher, await flow.get(w.dispatcher, v.id), 'return/reject', { note: `请先联系 ${MOBILE}` });
    const events = await get(w.handlerA.token, `/api/tickets/${v.id}/events`);
    expect(events.items.find((e: { type: string }) => e.type === 'reject_return').payload.note).toBe(`请先联系 ${MOBILE_MASKED}`);
  });

  it('a caller who allowed direct contact: the unit sees the numbers whole on the ticket, still masked in its list', async () => {
    const v = await worked({ allowDirectContact: true });
    const view = await get(w.handlerA.token, `/api/tickets/${v.id}`);
    expect(view.caller.masked).toBe(false);
    expect(view.content).toContain(MOBILE);
    expect((await get(w.handlerA.token, '/api/tickets')).items.find((i: { id: number }) => i.id === v.id).title).toBe(`${MOBILE_MASKED}反映夜间噪音`);
  });

  it('a confidential ticket: units see no trace of the numbers (not even masked), the centre sees them whole', async () => {
    const v = await worked({ confidential: true, type: 'report' });
    const view = await get(w.handlerA.token, `/api/tickets/${v.id}`);
    expect(view.content).toBe('小区夜间施工噪音扰民，邻居电话****，物业座机****');
    expect(view.title).toBe('****反映夜间噪音');
    const listed = (await get(w.handlerA.token, '/api/tickets')).items.find((i: { id: number }) => i.id === v.id);
    const all = text([view, await get(w.handlerA.token, `/api/tickets/${v.id}/events`), listed]);
    for (const s of [MOBILE, LANDLINE, MOBILE_MASKED, LANDLINE_MASKED, '9999', '8888']) expect(all).not.toContain(s);
    expect((await get(w.dispatcher.token, `/api/tickets/${v.id}`)).content).toContain(MOBILE);
  });
});

describe('searching', () => {
  it('a unit cannot search ticket text by 4 or more digits (the hidden ones would come out one by one); the centre can', async () => {
    const v = await worked();
    for (const q of ['1365', '136 5', MOBILE, '8888']) {
      const r = await api.call('GET', `/api/tickets?q=${encodeURIComponent(q)}`, { token: w.handlerA.token });
      expect(r.status, q).toBe(422);
      expect(r.body.code).toBe('search_digits_refused');
    }
    expect((await get(w.handlerA.token, `/api/tickets?q=${encodeURIComponent('夜间噪音')}`)).items.some((i: { id: number }) => i.id === v.id)).toBe(true);
    expect((await get(w.handlerA.token, '/api/tickets?q=136')).items.some((i: { id: number }) => i.id === v.id)).toBe(true);
    expect((await get(w.dispatcher.token, `/api/tickets?q=${MOBILE}`)).items.some((i: { id: number }) => i.id === v.id)).toBe(true);
  });
});

describe('around the ticket', () => {
  it('appeals and reminders mask the ticket’s title and their own texts, for the unit and the supervisor alike', async () => {
    const v = await worked();
    const r = await api.call('POST', `/api/assignments/${leadOf(v).id}/appeal`, {
      token: w.leaderA.token,
      body: { reasonCode: 'unreasonable_demand', reason: `诉求人要求超出范围，已请物业（${LANDLINE}）说明` },
    });
    expect(r.status).toBe(201);
    for (const token of [w.leaderA.token, w.supervisor.token]) {
      const mine = (await get(token, '/api/appeals')).items.find((a: { ticket: { id: number } }) => a.ticket.id === v.id);
      expect(mine.ticket.title).toBe(`${MOBILE_MASKED}反映夜间噪音`);
      expect(mine.reason).toBe(`诉求人要求超出范围，已请物业（${LANDLINE_MASKED}）说明`);
    }
    await deps.db.insert(supervisionItems).values({
      ticketId: v.id,
      assignmentId: leadOf(v).id,
      unitId: w.units.streetA.id,
      kind: 'reminder',
      reason: `请联系诉求人 ${MOBILE}`,
      clock: 'complete',
    });
    const reminder = (await get(w.handlerA.token, '/api/sla/reminders')).items.find((i: { ticket: { id: number } }) => i.ticket.id === v.id);
    expect(reminder).toMatchObject({ ticket: { title: `${MOBILE_MASKED}反映夜间噪音` }, reason: `请联系诉求人 ${MOBILE_MASKED}` });
  });

  it('the SMS telling a unit of a new ticket carries the title with the number removed', async () => {
    const v = await worked();
    const outbox = await get(w.admin.token, `/api/admin/notifications?ticketId=${v.id}&audience=unit`);
    const sms = outbox.items.find((n: { template: string }) => n.template === 'unit_dispatch');
    expect(sms.body).toContain('****反映夜间噪音');
    expect(sms.body).not.toContain('9999');
  });

  it('the citizen look-up masks numbers in the public reply; Open311 removes them from everything it publishes', async () => {
    let v = await worked();
    v = await flow.ticket(w.dispatcher, v, 'reply/approve', { publicReply: `已处理，如有疑问请致电${LANDLINE}` });
    deps.clock.advance(61_000);
    const lookup = await api.call('GET', `/api/public/lookup?number=${v.number}&last4=5678`);
    expect(lookup.status).toBe(200);
    expect(lookup.body.publicReply).toBe(`已处理，如有疑问请致电${LANDLINE_MASKED}`);
    const open311 = await api.call('GET', `/open311/v2/requests/${v.number}.json`);
    expect(open311.status).toBe(200);
    expect(open311.body[0].description).toBe('小区夜间施工噪音扰民，邻居电话****，物业座机****');
    expect(open311.body[0].status_notes).toContain('如有疑问请致电****');
  });
});
