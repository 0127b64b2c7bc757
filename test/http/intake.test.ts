/** Intake through the HTTP API: the channels, validation, ticket numbers and dispositions that close a ticket at once. */
import { describe, expect, it } from 'vitest';
import { callBody, makeKbArticle } from '../setup/world.ts';
import { api, deps, w } from './api-world.ts';
import { countTickets, counterOf, intake, newTicket, rowCount, ticketsOfPhone, useIntakeWorld, WINDOW } from './intake-fixtures.ts';

useIntakeWorld();

describe('intake channels', () => {
  it('an operator logs a phone call', async () => {
    const r = await intake(w.operator.token, callBody(w.category.id, { caller: { name: '王先生', phone: '13900000001' } }));
    expect(r.status).toBe(201);
    expect(r.body.channel).toBe('phone');
    expect(r.body.status).toBe('awaiting_dispatch');
    expect(r.body.window).toBeNull();
    expect(r.body.contacts).toBe(1);
    expect(r.headers.get('location')).toBe(`/api/tickets/${r.body.id}`);
  });

  it('a window clerk logs a "办不成事" complaint with the window fields shown on the ticket', async () => {
    const r = await intake(w.clerk.token, callBody(w.category.id, { caller: { phone: '13900000002' }, window: WINDOW }));
    expect(r.status).toBe(201);
    expect(r.body.channel).toBe('window');
    expect(r.body.window).toEqual(WINDOW);

    const again = await api.call('GET', `/api/tickets/${r.body.id}`, { token: w.dispatcher.token });
    expect(again.body.window).toEqual(WINDOW);
    expect(again.body.channel).toBe('window');
  });

  it('a window clerk must fill in the window fields', async () => {
    const r = await intake(w.clerk.token, callBody(w.category.id, { caller: { phone: '13900000003' } }));
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('validation_failed');
    expect(r.body.issues.map((i: { path: string }) => i.path)).toContain('body.window');
    expect(await ticketsOfPhone('13900000003')).toBe(0);
  });

  it('an operator may not send window fields', async () => {
    const r = await intake(w.operator.token, callBody(w.category.id, { caller: { phone: '13900000004' }, window: WINDOW }));
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('validation_failed');
    expect(r.body.issues.map((i: { path: string }) => i.path)).toContain('body.window');
    expect(await ticketsOfPhone('13900000004')).toBe(0);
  });

  it('an intake client (online portal) submits through the online channel', async () => {
    const r = await intake(w.portal.token, callBody(w.category.id, { caller: { phone: '13900000005' } }));
    expect(r.status).toBe(201);
    expect(r.body.channel).toBe('online');
  });

  it('roles that do not take intake are refused', async () => {
    for (const user of [w.dispatcher, w.handlerA, w.admin]) {
      const r = await intake(user.token, callBody(w.category.id, { caller: { phone: '13900000006' } }));
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('forbidden');
    }
    expect(await ticketsOfPhone('13900000006')).toBe(0);
  });
});

describe('intake validation', () => {
  it.each([
    ['a bad phone number', { caller: { name: '王先生', phone: '12345' } }, 'body.caller.phone'],
    ['content shorter than 10 characters', { content: '太吵了' }, 'body.content'],
    ['an unknown ticket type', { type: 'gossip' }, 'body.type'],
    ['lat without lng', { lat: 39.9 }, 'body.lng'],
    ['confidential together with direct contact', { confidential: true, allowDirectContact: true }, 'body.allowDirectContact'],
  ])('rejects %s with 400 naming the field, and writes nothing', async (_what, over, path) => {
    const before = await countTickets();
    const r = await intake(w.operator.token, callBody(w.category.id, over));
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body.code).toBe('validation_failed');
    expect(r.body.issues.map((i: { path: string }) => i.path)).toContain(path);
    expect(await countTickets()).toBe(before);
  });

  it('rejects an unknown category and a non-leaf category with 422 category_unknown, and writes nothing', async () => {
    const before = await countTickets();
    const contactsBefore = await rowCount('select count(*)::int as n from contacts');
    const unknown = await intake(w.operator.token, callBody(999_999));
    expect(unknown.status).toBe(422);
    expect(unknown.body.code).toBe('category_unknown');
    const parent = await intake(w.operator.token, callBody(w.parentCategory.id));
    expect(parent.status).toBe(422);
    expect(parent.body.code).toBe('category_unknown');
    expect(await countTickets()).toBe(before);
    expect(await rowCount('select count(*)::int as n from contacts')).toBe(contactsBefore);
  });
});

describe('ticket numbers', () => {
  it('use the Asia/Shanghai date: 17:30 UTC on 10 March is already 11 March', async () => {
    deps.clock.set('2026-03-10T17:30:00Z');
    const t = await newTicket({ caller: { phone: '13900000011' } });
    expect(t.number).toMatch(/^20260311-\d{6}$/);
  });

  it('change day at Shanghai midnight (16:00 UTC)', async () => {
    deps.clock.set('2026-03-20T15:59:59Z');
    const late = await newTicket({ caller: { phone: '13900000012' } });
    deps.clock.set('2026-03-20T16:00:00Z');
    const early = await newTicket({ caller: { phone: '13900000012' } });
    expect(late.number).toMatch(/^20260320-\d{6}$/);
    expect(early.number).toBe('20260321-000001');
  });

  it('count up by one per ticket within a day', async () => {
    deps.clock.set('2026-04-01T03:00:00Z');
    const numbers: string[] = [];
    for (let i = 0; i < 3; i++) numbers.push((await newTicket({ caller: { phone: '13900000013' } })).number);
    expect(numbers[0]).toBe('20260401-000001');
    expect(numbers.map(counterOf)).toEqual([1, 2, 3]);
    expect(numbers.every((n) => n.startsWith('20260401-'))).toBe(true);
  });

  it('are not used up by a request refused for its category or street', async () => {
    deps.clock.set('2026-04-03T03:00:00Z');
    const first = (await newTicket({ caller: { phone: '13900000015' } })).number;
    expect((await intake(w.operator.token, callBody(999_999))).status).toBe(422);
    expect((await intake(w.operator.token, callBody(w.category.id, { streetUnitId: 999_999 }))).status).toBe(422);
    const next = (await newTicket({ caller: { phone: '13900000015' } })).number;
    expect(counterOf(next)).toBe(counterOf(first) + 1);
  });

  it('stay unique when tickets are created at the same moment', async () => {
    deps.clock.set('2026-04-02T03:00:00Z');
    const rs = await Promise.all(Array.from({ length: 8 }, () => intake(w.operator.token, callBody(w.category.id, { caller: { phone: '13900000014' } }))));
    expect(rs.map((r) => r.status)).toEqual(Array(8).fill(201));
    const numbers = rs.map((r) => r.body.number as string);
    expect(new Set(numbers).size).toBe(8);
    expect(numbers.map(counterOf).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe('dispositions at intake', () => {
  it('a direct answer from the knowledge base closes the ticket at once', async () => {
    const article = await makeKbArticle(deps.db, '公积金提取条件', '离职、购房、租房可以申请提取住房公积金。');
    const answer = '您可以凭租房合同在公积金中心网站申请提取。';
    const r = await intake(
      w.operator.token,
      callBody(w.category.id, { type: 'consult', caller: { phone: '13900000021' }, disposition: { kind: 'direct_answer', kbArticleId: article.id, answer } }),
    );
    expect(r.status).toBe(201);
    expect(r.body.status).toBe('closed');
    expect(r.body.closeReason).toBe('direct_answer');
    expect(r.body.close).toMatchObject({ reason: 'direct_answer', kbArticleId: article.id });
    expect(r.body.publicReply).toBe(answer);
    expect(r.body.closedAt).not.toBeNull();
    expect(r.body.assignments).toEqual([]);
  });

  it('a direct answer citing an unknown article is refused with 422 kb_article_unknown', async () => {
    const r = await intake(
      w.operator.token,
      callBody(w.category.id, { caller: { phone: '13900000022' }, disposition: { kind: 'direct_answer', kbArticleId: 987_654, answer: '请拨打公积金热线。' } }),
    );
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('kb_article_unknown');
    expect(await ticketsOfPhone('13900000022')).toBe(0);
  });

  it('an emergency is transferred to 110 and closed', async () => {
    const r = await intake(
      w.operator.token,
      callBody(w.category.id, { urgency: 'emergency', caller: { phone: '13900000023' }, disposition: { kind: 'emergency_transfer', transferredTo: '110' } }),
    );
    expect(r.status).toBe(201);
    expect(r.body.status).toBe('closed');
    expect(r.body.close).toMatchObject({ reason: 'emergency_transfer', transferredTo: '110' });
  });

  it('a demand outside the hotline scope is closed as not accepted, with the reason', async () => {
    const reason = '属于诉讼事项，已告知诉求人向法院起诉';
    const r = await intake(w.operator.token, callBody(w.category.id, { caller: { phone: '13900000024' }, disposition: { kind: 'not_accepted', reason } }));
    expect(r.status).toBe(201);
    expect(r.body.status).toBe('closed');
    expect(r.body.close).toMatchObject({ reason: 'not_accepted', note: reason });
  });
});
