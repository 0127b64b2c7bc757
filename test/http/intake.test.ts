import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { startApi, type Api } from '../setup/server.ts';
import { callBody, makeCategoryLeaf, makeKbArticle, makeUser, makeWorld, type World } from '../setup/world.ts';
import type { Database } from '../../db/client.ts';

const BASE_TIME = '2026-03-10T02:00:00Z';
const DAY = 86400_000;

let database: Database;
let deps: TestDeps;
let api: Api;
let w: World;

beforeAll(async () => {
  database = await freshDatabase();
  deps = makeDeps(database, {}, BASE_TIME);
  api = await startApi(deps);
  w = await makeWorld(deps.db);
});
afterAll(async () => {
  await api?.close();
  await database?.close();
});
// Tests that move the clock put it back, so the next test starts from the same instant.
afterEach(() => deps.clock.set(BASE_TIME));

const WINDOW = { matter: '办理居住证', hallDepartment: '公安窗口', reason: 'documents' };

/** Every ticket the dispatcher can list, walking the keyset pages. */
async function countTickets(): Promise<number> {
  let n = 0;
  let before: number | null = null;
  for (;;) {
    const r = await api.call('GET', `/api/tickets?limit=200${before ? `&before=${before}` : ''}`, { token: w.dispatcher.token });
    expect(r.status).toBe(200);
    n += r.body.items.length;
    before = r.body.nextBefore;
    if (!before) return n;
  }
}

async function rowCount(sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await database.query<{ n: number }>(sql, params);
  return Number(row!.n);
}

const ticketsOfPhone = (phone: string) => rowCount('select count(*)::int as n from tickets where caller_phone = $1', [phone]);

async function intake(token: string, body: Record<string, unknown>, headers?: Record<string, string>) {
  return api.call('POST', '/api/tickets', { token, body, headers });
}

/** A dispatched-ready ticket from the operator; fails the test if intake does. */
async function newTicket(over: Record<string, unknown> = {}) {
  const r = await intake(w.operator.token, callBody(w.category.id, over));
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

const counterOf = (number: string) => Number(number.split('-')[1]);

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

describe('repeat contacts (并单 at intake)', () => {
  it('links the contact to the open ticket instead of opening a new one', async () => {
    const target = await newTicket({ caller: { name: '赵女士', phone: '13900000031' } });
    const before = await countTickets();
    const r = await intake(
      w.operator.token,
      callBody(w.category.id, { caller: { name: '钱先生', phone: '13900000032' }, disposition: { kind: 'repeat', ticketId: target.id } }),
    );
    expect(r.status).toBe(200);
    expect(r.body.linked).toBe(true);
    expect(r.body.id).toBe(target.id);
    expect(r.body.number).toBe(target.number);
    expect(r.body.contacts).toBe(target.contacts + 1);
    expect(r.body.version).toBe(target.version + 1);
    expect(await countTickets()).toBe(before);
    expect(await ticketsOfPhone('13900000032')).toBe(0);

    const events = await api.call('GET', `/api/tickets/${target.id}/events`, { token: w.dispatcher.token });
    const linked = events.body.items.filter((e: { type: string }) => e.type === 'contact_linked');
    expect(linked).toHaveLength(1);
    expect(linked[0].payload.contactId).toBe(r.body.contactId);
    expect(linked[0].actor.id).toBe(w.operator.id);
  });

  it('refuses to link to a closed ticket or one that does not exist (422 merge_target_invalid)', async () => {
    const closed = await newTicket({ caller: { phone: '13900000033' }, disposition: { kind: 'not_accepted', reason: '属于信访事项' } });
    expect(closed.status).toBe('closed');
    for (const ticketId of [closed.id, 99_999_999]) {
      const r = await intake(w.operator.token, callBody(w.category.id, { caller: { phone: '13900000034' }, disposition: { kind: 'repeat', ticketId } }));
      expect(r.status).toBe(422);
      expect(r.body.code).toBe('merge_target_invalid');
    }
    const detail = await api.call('GET', `/api/tickets/${closed.id}`, { token: w.dispatcher.token });
    expect(detail.body.contacts).toBe(1);
  });
});

describe('Idempotency-Key', () => {
  it('replays the first result for the same key and body', async () => {
    const body = callBody(w.category.id, { caller: { phone: '13900000041' } });
    const first = await intake(w.operator.token, body, { 'Idempotency-Key': 'idem-same-1' });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    // Same request, keys in another order: still the same request.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const second = await intake(w.operator.token, reordered, { 'Idempotency-Key': 'idem-same-1' });
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.number).toBe(first.body.number);
    expect(await ticketsOfPhone('13900000041')).toBe(1);
  });

  it('refuses the same key with a different body (422 idempotency_key_reused)', async () => {
    const first = await intake(w.operator.token, callBody(w.category.id, { caller: { phone: '13900000042' } }), { 'Idempotency-Key': 'idem-reused' });
    expect(first.status).toBe(201);
    const other = await intake(
      w.operator.token,
      callBody(w.category.id, { caller: { phone: '13900000042' }, content: '另一件事情：路灯坏了很久没人修，晚上走路很危险' }),
      { 'Idempotency-Key': 'idem-reused' },
    );
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('idempotency_key_reused');
    expect(await ticketsOfPhone('13900000042')).toBe(1);
  });

  it('keys belong to one user: another user with the same key gets a ticket of their own', async () => {
    const operator2 = await makeUser(deps.db, 'operator', w.units.centre);
    const body = callBody(w.category.id, { caller: { phone: '13900000043' } });
    const a = await intake(w.operator.token, body, { 'Idempotency-Key': 'idem-shared' });
    const b = await intake(operator2.token, body, { 'Idempotency-Key': 'idem-shared' });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.headers.get('idempotent-replayed')).toBeNull();
    expect(b.body.id).not.toBe(a.body.id);
    expect(await ticketsOfPhone('13900000043')).toBe(2);
  });

  it('a repeat replays as the same link, not a second contact', async () => {
    const target = await newTicket({ caller: { phone: '13900000044' } });
    const body = callBody(w.category.id, { caller: { phone: '13900000045' }, disposition: { kind: 'repeat', ticketId: target.id } });
    const first = await intake(w.operator.token, body, { 'Idempotency-Key': 'idem-repeat' });
    const second = await intake(w.operator.token, body, { 'Idempotency-Key': 'idem-repeat' });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body).toMatchObject({ id: target.id, linked: true, contactId: first.body.contactId, contacts: 2 });
  });

  it('10 concurrent requests with one key make exactly one ticket and all answer with it', async () => {
    const body = callBody(w.category.id, { caller: { phone: '13900000046' } });
    const rs = await Promise.all(Array.from({ length: 10 }, () => intake(w.operator.token, body, { 'Idempotency-Key': 'idem-concurrent' })));
    expect(
      rs.map((r) => r.status),
      JSON.stringify(rs.find((r) => r.status !== 201)?.body),
    ).toEqual(Array(10).fill(201));
    expect(new Set(rs.map((r) => r.body.id)).size).toBe(1);
    expect(rs.filter((r) => r.headers.get('idempotent-replayed') !== 'true')).toHaveLength(1);
    expect(await ticketsOfPhone('13900000046')).toBe(1);
    expect(await rowCount('select count(*)::int as n from contacts where caller_phone = $1', ['13900000046'])).toBe(1);
    expect(await rowCount("select count(*)::int as n from ticket_events where ticket_id = $1 and type = 'ticket_created'", [rs[0]!.body.id])).toBe(1);
  });

  it('concurrent repeats with one key link exactly one contact', async () => {
    const target = await newTicket({ caller: { phone: '13900000047' } });
    const body = callBody(w.category.id, { caller: { phone: '13900000048' }, disposition: { kind: 'repeat', ticketId: target.id } });
    const rs = await Promise.all(Array.from({ length: 6 }, () => intake(w.operator.token, body, { 'Idempotency-Key': 'idem-concurrent-repeat' })));
    expect(
      rs.map((r) => r.status),
      JSON.stringify(rs.find((r) => r.status !== 200)?.body),
    ).toEqual(Array(6).fill(200));
    expect(new Set(rs.map((r) => r.body.contactId)).size).toBe(1);
    expect(await rowCount('select count(*)::int as n from contacts where ticket_id = $1', [target.id])).toBe(2);
    expect(await rowCount("select count(*)::int as n from ticket_events where ticket_id = $1 and type = 'contact_linked'", [target.id])).toBe(1);
  });
});

describe('caller history', () => {
  it("lists the caller's tickets, open ones first then newest, with the phone masked, and audits the read", async () => {
    const phone = '13700000101';
    const older = await newTicket({ caller: { phone } });
    deps.clock.advance(60_000);
    const closed = await newTicket({ caller: { phone }, disposition: { kind: 'not_accepted', reason: '属于诉讼事项' } });
    deps.clock.advance(60_000);
    const newer = await newTicket({ caller: { phone } });
    await newTicket({ caller: { phone: '13700000102' } });

    const r = await api.call('GET', `/api/intake/caller-history?phone=${phone}`, { token: w.operator.token });
    expect(r.status).toBe(200);
    expect(r.body.items.map((t: { id: number }) => t.id)).toEqual([newer.id, older.id, closed.id]);
    for (const t of r.body.items) {
      expect(t.caller.phone).toBe('137****0101');
      expect(t.caller.masked).toBe(true);
    }
    expect(JSON.stringify(r.body)).not.toContain(phone);

    const audit = await api.call('GET', '/api/admin/audit?action=read_caller_history&targetId=13700000101', { token: w.admin.token });
    expect(audit.status).toBe(200);
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({ action: 'read_caller_history', userId: w.operator.id, targetType: 'caller', targetId: '13700000101' });
    expect(audit.body.items[0].details.results).toBe(3);
  });

  it('accepts the number with +86 and separators', async () => {
    const t = await newTicket({ caller: { phone: '13700000103' } });
    const r = await api.call('GET', `/api/intake/caller-history?phone=${encodeURIComponent('+86 137 0000 0103')}`, { token: w.operator.token });
    expect(r.status).toBe(200);
    expect(r.body.items.map((i: { id: number }) => i.id)).toEqual([t.id]);
  });

  it('is closed to unit roles and intake clients (403)', async () => {
    for (const user of [w.handlerA, w.leaderA, w.portal]) {
      const r = await api.call('GET', '/api/intake/caller-history?phone=13700000101', { token: user.token });
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('forbidden');
    }
  });
});

describe('duplicate hints', () => {
  const hintFor = (items: { ticket: { id: number }; reasons: string[] }[], id: number) => items.find((h) => h.ticket.id === id);

  it('hints an open ticket from the same phone', async () => {
    const t = await newTicket({ caller: { phone: '13600000201' } });
    const r = await api.call('GET', '/api/intake/duplicates?phone=13600000201', { token: w.operator.token });
    expect(r.status).toBe(200);
    expect(hintFor(r.body.items, t.id)?.reasons).toContain('same_phone');
    expect(r.body.items.every((h: { ticket: { caller: { masked: boolean } } }) => h.ticket.caller.masked)).toBe(true);
  });

  it('hints the same category at a similar address, not a different address', async () => {
    const { leaf } = await makeCategoryLeaf(deps.db, '占道经营');
    const near = await newTicket({ categoryId: leaf.id, address: '甲区甲街道幸福里3号楼', caller: { phone: '13600000202' } });
    const far = await newTicket({ categoryId: leaf.id, address: '乙区乙街道光明路88号', caller: { phone: '13600000203' } });
    const q = new URLSearchParams({ categoryId: String(leaf.id), address: '甲区甲街道幸福里3号楼东侧' });
    const r = await api.call('GET', `/api/intake/duplicates?${q}`, { token: w.operator.token });
    expect(r.status).toBe(200);
    expect(hintFor(r.body.items, near.id)?.reasons).toEqual(['same_category_similar_address']);
    expect(hintFor(r.body.items, far.id)).toBeUndefined();
  });

  it('hints the same category within 300 m by coordinates, not 1 km away', async () => {
    const { leaf } = await makeCategoryLeaf(deps.db, '井盖缺失');
    const close = await newTicket({ categoryId: leaf.id, lat: 39.9, lng: 116.4, caller: { phone: '13600000204' } });
    const distant = await newTicket({ categoryId: leaf.id, lat: 39.91, lng: 116.4, caller: { phone: '13600000205' } });
    const other = await newTicket({ lat: 39.9, lng: 116.4, caller: { phone: '13600000206' } }); // another category
    // about 111 m north of `close`
    const r = await api.call('GET', `/api/intake/duplicates?categoryId=${leaf.id}&lat=39.901&lng=116.4`, { token: w.operator.token });
    expect(r.status).toBe(200);
    expect(hintFor(r.body.items, close.id)?.reasons).toEqual(['same_category_nearby']);
    expect(hintFor(r.body.items, distant.id)).toBeUndefined();
    expect(hintFor(r.body.items, other.id)).toBeUndefined();
  });

  it('forgets a closed ticket older than DUPLICATE_WINDOW_DAYS but keeps an old open one', async () => {
    const phone = '13600000207';
    const closed = await newTicket({ caller: { phone }, disposition: { kind: 'not_accepted', reason: '属于信访事项' } });
    const open = await newTicket({ caller: { phone } });
    const ids = async () => {
      const r = await api.call('GET', `/api/intake/duplicates?phone=${phone}`, { token: w.operator.token });
      expect(r.status).toBe(200);
      expect(r.body.windowDays).toBe(deps.config.DUPLICATE_WINDOW_DAYS);
      return r.body.items.map((h: { ticket: { id: number } }) => h.ticket.id);
    };
    expect(await ids()).toEqual([open.id, closed.id]); // open ones first
    deps.clock.advance((deps.config.DUPLICATE_WINDOW_DAYS - 1) * DAY);
    expect(await ids()).toEqual([open.id, closed.id]);
    deps.clock.advance(2 * DAY);
    expect(await ids()).toEqual([open.id]);
  });

  it('audits the phone look-up and is closed to unit roles', async () => {
    await api.call('GET', '/api/intake/duplicates?phone=13600000208', { token: w.operator.token });
    const audit = await api.call('GET', '/api/admin/audit?action=read_caller_history&targetId=13600000208', { token: w.admin.token });
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({ userId: w.operator.id, details: { via: 'duplicate_hints' } });
    const r = await api.call('GET', '/api/intake/duplicates?phone=13600000208', { token: w.handlerA.token });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('forbidden');
  });
});

describe('knowledge-base search', () => {
  it('ranks the article that matches the question first', async () => {
    const unrelated = await makeKbArticle(deps.db, '居住证办理指南', '持本市居住登记满半年，可到派出所申请居住证。');
    const match = await makeKbArticle(deps.db, '社保卡挂失补办流程', '社保卡丢失后请先拨打热线挂失，再携带身份证到网点补办。', '社保卡 挂失 补办');
    const r = await api.call('GET', `/api/kb/search?q=${encodeURIComponent('社保卡丢了')}`, { token: w.operator.token });
    expect(r.status).toBe(200);
    const ids = r.body.items.map((a: { id: number }) => a.id);
    expect(ids[0]).toBe(match.id);
    const u = ids.indexOf(unrelated.id);
    expect(u === -1 || u > 0).toBe(true);
    expect(r.body.items[0].title).toBe('社保卡挂失补办流程');
  });

  it.each(["' | & ! ( ) :*", "社保' | & ! ( ) :*", 'a:* & !b | (c', "\\'; drop table kb_articles; --", '<->', "''''"])(
    'survives tsquery and SQL metacharacters: %s',
    async (q) => {
      const r = await api.call('GET', `/api/kb/search?q=${encodeURIComponent(q)}`, { token: w.operator.token });
      expect(r.status).toBe(200);
      expect(Array.isArray(r.body.items)).toBe(true);
    },
  );
});
