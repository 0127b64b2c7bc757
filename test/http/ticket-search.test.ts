/**
 * GET /api/tickets as search: every filter, the sorts with their keyset cursor, and scope — a unit sees only its
 * subtree's tickets whatever it asks for, may not search by the caller, and sees the list masked.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { assignments, supervisionItems, tickets } from '../../db/schema/index.ts';
import { api, deps, flow, useApiWorld, w } from './api-world.ts';
import { leadOf, type View } from '../setup/ticket-flow.ts';
import type { TestUser } from '../setup/world.ts';

const T0 = '2026-03-10T02:00:00.000Z';
useApiWorld({ now: T0 });

type Item = { id: number; number: string; title: string; caller: { name: string | null; phone: string | null }; leadUnit: { id: number } | null };
const list = async (user: TestUser, query: string): Promise<{ items: Item[]; nextCursor: string | null }> => {
  const r = await api.call('GET', `/api/tickets?${query}`, { token: user.token });
  expect(r.status, `${query} ${JSON.stringify(r.body)}`).toBe(200);
  return r.body;
};
const ids = async (user: TestUser, query: string) => (await list(user, `limit=200&${query}`)).items.map((i) => i.id).sort((a, b) => a - b);
const sorted = (...vs: View[]) => vs.map((v) => v.id).sort((a, b) => a - b);

let noise: View; // street A, received 03-10, caller 王小明
let lamp: View; // community A (below street A), urgent, received 03-12, caller 李女士
let rubbish: View; // street B, received 03-14
let waiting: View; // not dispatched
let closed: View; // street A, closed

async function made(at: string, content: string, caller: { name: string; phone: string }, over: Record<string, unknown> = {}) {
  deps.clock.set(at);
  return flow.create({ content, caller, title: undefined, ...over });
}
const dispatch = (v: View, unitId: number) => flow.ticket(w.dispatcher, v, 'dispatch', { leadUnitId: unitId });

beforeAll(async () => {
  noise = await dispatch(await made(T0, '幸福里小区夜间施工噪音扰民，邻居电话13655559999', { name: '王小明', phone: '13812340001' }), w.units.streetA.id);
  lamp = await dispatch(
    await made('2026-03-12T02:00:00.000Z', '光明路路灯不亮已经三天', { name: '李女士', phone: '13912340002' }, { urgency: 'urgent' }),
    w.units.communityA.id,
  );
  rubbish = await dispatch(await made('2026-03-14T02:00:00.000Z', '乙街道垃圾清运不及时', { name: '张先生', phone: '13712340003' }), w.units.streetB.id);
  waiting = await made('2026-03-14T03:00:00.000Z', '公园长椅损坏需要维修', { name: '赵先生', phone: '13612340004' });
  deps.clock.set('2026-03-15T02:00:00.000Z');
  closed = await flow.closed();
  deps.clock.set(T0);
});

describe('filters', () => {
  it('free text in Chinese: bigrams AND-ed over title, demand and address; one character by substring', async () => {
    expect(await ids(w.dispatcher, `q=${encodeURIComponent('路灯不亮')}`)).toEqual(sorted(lamp));
    expect(await ids(w.dispatcher, `q=${encodeURIComponent('灯')}`)).toEqual(sorted(lamp));
    expect(await ids(w.dispatcher, `q=${encodeURIComponent('路灯 噪音')}`)).toEqual([]);
    expect(await ids(w.dispatcher, `q=${encodeURIComponent('长椅')}`)).toEqual(sorted(waiting));
    // the address is searched too (every test ticket has the default address)
    expect((await ids(w.dispatcher, `q=${encodeURIComponent('幸福里3号楼')}`)).length).toBe(5);
    // the centre may search numbers in the text (prefix); a unit may not
    expect(await ids(w.dispatcher, 'q=1365555')).toEqual(sorted(noise));
    const r = await api.call('GET', '/api/tickets?q=1365555', { token: w.handlerA.token });
    expect([r.status, r.body.code]).toEqual([422, 'search_digits_refused']);
  });

  it('the number with or without its dash, or a prefix of 8+ digits', async () => {
    expect(await ids(w.dispatcher, `number=${lamp.number}`)).toEqual(sorted(lamp));
    expect(await ids(w.dispatcher, `number=${lamp.number.replace('-', '')}`)).toEqual(sorted(lamp));
    expect(await ids(w.dispatcher, `number=${lamp.number.slice(0, 8)}`)).toEqual(sorted(lamp));
    const bad = await api.call('GET', '/api/tickets?number=2026', { token: w.dispatcher.token });
    expect([bad.status, bad.body.code]).toEqual([400, 'validation_failed']);
  });

  it('caller phone (whole or its last 4 digits) and exact name for the centre; 403 search_field_forbidden for units', async () => {
    expect(await ids(w.dispatcher, 'phone=13912340002')).toEqual(sorted(lamp));
    expect(await ids(w.dispatcher, `phone=${encodeURIComponent('139 1234 0002')}`)).toEqual(sorted(lamp));
    expect(await ids(w.dispatcher, 'phone=0002')).toEqual(sorted(lamp));
    expect(await ids(w.dispatcher, `name=${encodeURIComponent('王小明')}`)).toEqual(sorted(noise));
    // Names and numbers are encrypted at rest: a part of a name matches nothing, a part of a number is refused.
    expect(await ids(w.dispatcher, `name=${encodeURIComponent('小明')}`)).toEqual([]);
    const partial = await api.call('GET', '/api/tickets?phone=12340002', { token: w.dispatcher.token });
    expect([partial.status, partial.body.code]).toEqual([422, 'phone_filter_partial']);
    for (const q of ['phone=0002', `name=${encodeURIComponent('李女士')}`]) {
      for (const user of [w.handlerA, w.leaderA, w.portal]) {
        const r = await api.call('GET', `/api/tickets?${q}`, { token: user.token });
        expect([r.status, r.body.code], `${user.role} ${q}`).toEqual([403, 'search_field_forbidden']);
      }
    }
  });

  it('status, channel, urgency, unit with or without its subtree, category with its descendants', async () => {
    expect(await ids(w.dispatcher, 'status=awaiting_dispatch')).toEqual(sorted(waiting));
    expect(await ids(w.dispatcher, 'status=closed,awaiting_dispatch')).toEqual(sorted(waiting, closed));
    expect(await ids(w.dispatcher, 'urgency=urgent')).toEqual(sorted(lamp));
    expect(await ids(w.dispatcher, 'channel=window')).toEqual([]);
    expect((await ids(w.dispatcher, 'channel=phone')).length).toBe(5);
    expect(await ids(w.dispatcher, `unitId=${w.units.districtA.id}`)).toEqual(sorted(noise, lamp, closed));
    expect(await ids(w.dispatcher, `unitId=${w.units.streetA.id}&subtree=false`)).toEqual(sorted(noise, closed));
    expect(await ids(w.dispatcher, `unitId=${w.units.streetB.id}`)).toEqual(sorted(rubbish));
    expect((await ids(w.dispatcher, `categoryId=${w.parentCategory.id}`)).length).toBe(5);
    const bad = await api.call('GET', '/api/tickets?status=nonsense', { token: w.dispatcher.token });
    expect(bad.status).toBe(400);
  });

  it('received and closed days (Asia/Shanghai, inclusive), due days, warning level, supervision, overdue', async () => {
    expect(await ids(w.dispatcher, 'receivedFrom=2026-03-12&receivedTo=2026-03-14')).toEqual(sorted(lamp, rubbish, waiting));
    expect(await ids(w.dispatcher, 'receivedTo=2026-03-10')).toEqual(sorted(noise));
    expect(await ids(w.dispatcher, 'closedFrom=2026-03-15&closedTo=2026-03-15')).toEqual(sorted(closed));
    // 2026-03-20T17:00Z is 03-21 in Shanghai
    await deps.db
      .update(assignments)
      .set({ completeDueAt: new Date('2026-03-20T17:00:00Z') })
      .where(eq(assignments.id, leadOf(lamp).id));
    await deps.db
      .update(assignments)
      .set({ completeDueAt: new Date('2026-03-11T02:00:00Z') })
      .where(eq(assignments.id, leadOf(noise).id));
    expect(await ids(w.dispatcher, 'dueFrom=2026-03-21&dueTo=2026-03-21')).toEqual(sorted(lamp));
    deps.clock.set('2026-03-12T00:00:00.000Z');
    expect(await ids(w.dispatcher, 'overdue=true')).toEqual(sorted(noise));
    deps.clock.set(T0);
    await deps.db.update(tickets).set({ warningLevel: 'red' }).where(eq(tickets.id, rubbish.id));
    expect(await ids(w.dispatcher, 'warningLevel=red,overdue')).toEqual(sorted(rubbish));
    await deps.db.insert(supervisionItems).values({ ticketId: rubbish.id, kind: 'supervision', reason: '请尽快办理' });
    await deps.db.insert(supervisionItems).values({ ticketId: lamp.id, kind: 'reminder', reason: '催办' });
    expect(await ids(w.dispatcher, 'supervised=true')).toEqual(sorted(rubbish));
  });
});

describe('sorting and paging', () => {
  const walk = async (user: TestUser, query: string, limit: number) => {
    const seen: number[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 50; i++) {
      const page: { items: Item[]; nextCursor: string | null } = await list(user, `limit=${limit}&${query}${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((x) => x.id));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    return seen;
  };

  it.each(['-received', 'received', 'due', '-due', 'closed', '-closed', 'warning', '-warning'])(
    'sort=%s pages through every row once, in the order of the whole list',
    async (sort) => {
      const whole = (await list(w.dispatcher, `limit=200&sort=${sort}`)).items.map((i) => i.id);
      expect(whole.length).toBe(5);
      for (const limit of [1, 2, 3]) expect(await walk(w.dispatcher, `sort=${sort}`, limit)).toEqual(whole);
    },
  );

  it('orders by the key: received newest first by default, missing deadlines last either way', async () => {
    const byReceived = (await list(w.dispatcher, 'limit=200')).items.map((i) => i.id);
    expect(byReceived).toEqual([closed.id, waiting.id, rubbish.id, lamp.id, noise.id]);
    const due = (await list(w.dispatcher, 'limit=200&sort=due')).items.map((i) => i.id);
    expect(due.slice(0, 2)).toEqual([noise.id, lamp.id]);
    expect((await list(w.dispatcher, 'limit=200&sort=-due')).items.slice(0, 2).map((i) => i.id)).toEqual([lamp.id, noise.id]);
    expect((await list(w.dispatcher, 'limit=200&sort=-closed')).items[0]!.id).toBe(closed.id);
  });

  it('refuses a cursor of another sort or a forged one (400), and keeps the older ?before=<id>', async () => {
    const first = await list(w.dispatcher, 'limit=1&sort=due');
    const forged = (k: string) => Buffer.from(JSON.stringify({ s: '-received', k, i: 1 })).toString('base64url');
    for (const q of [`sort=received&cursor=${first.nextCursor}`, 'cursor=bm9wZQ', `cursor=${forged('abc')}`, `cursor=${forged('2026-02-30 00:00:00+00')}`]) {
      const r = await api.call('GET', `/api/tickets?${q}`, { token: w.dispatcher.token });
      expect([r.status, r.body.code], q).toEqual([400, 'validation_failed']);
    }
    const older = await api.call('GET', `/api/tickets?limit=2&before=${closed.id}`, { token: w.dispatcher.token });
    expect(older.body.items.map((i: Item) => i.id)).toEqual([waiting.id, rubbish.id]);
    expect(older.body.nextBefore).toBe(rubbish.id);
  });
});

describe('scope and masking', () => {
  it('a unit sees its subtree only, whatever it filters by; a sibling community sees nothing of the street', async () => {
    expect(await ids(w.handlerA, '')).toEqual(sorted(noise, lamp, closed));
    expect(await ids(w.handlerA, `unitId=${w.units.streetB.id}`)).toEqual([]);
    expect(await ids(w.handlerA, `q=${encodeURIComponent('垃圾清运')}`)).toEqual([]);
    expect(await ids(w.handlerCommunityA, '')).toEqual(sorted(lamp));
    expect(await ids(w.handlerB, '')).toEqual(sorted(rubbish));
    expect(await ids(w.handlerB, `number=${noise.number}`)).toEqual([]);
    expect(await ids(w.handlerDept, '')).toEqual([]);
    expect(await ids(w.handlerDistrictA, 'status=awaiting_dispatch')).toEqual([]);
  });

  it('list items carry the lead unit, category and dates, with the caller and the numbers in the title masked', async () => {
    await deps.db.update(tickets).set({ title: '13655559999反映噪音' }).where(eq(tickets.id, noise.id));
    for (const user of [w.dispatcher, w.handlerA]) {
      const item = (await list(user, `number=${noise.number}`)).items[0] as Item & Record<string, unknown>;
      expect(item.caller.phone).toBe('138****0001');
      expect(item.title).toBe('136****9999反映噪音');
      expect(item.leadUnit).toEqual({ id: w.units.streetA.id, name: '甲街道' });
      expect(item.category).toEqual({ id: w.category.id, name: w.category.name });
      expect(item.receivedAt).toBe(T0);
      expect(JSON.stringify(item)).not.toContain('13812340001');
      expect(item).not.toHaveProperty('searchTerms');
    }
  });
});

describe('a number prefix is its Asia/Shanghai day', () => {
  it('finds the tickets received at either end of that day and none of the next; a prefix that is no date finds nothing', async () => {
    // 23:59:30 and 00:00:30 in Asia/Shanghai: the same UTC day (03-20), two numbering days (0320 and 0321)
    const late = await made('2026-03-20T15:59:30.000Z', '深夜来电反映楼道灯不亮', { name: '钱先生', phone: '13512340005' });
    const early = await made('2026-03-20T16:00:30.000Z', '凌晨来电反映水管漏水', { name: '孙女士', phone: '13412340006' });
    const first = await made('2026-03-19T16:00:00.000Z', '零点整来电反映路面塌陷', { name: '周先生', phone: '13312340007' });
    deps.clock.set(T0);
    expect([late.number.slice(0, 8), early.number.slice(0, 8), first.number.slice(0, 8)]).toEqual(['20260320', '20260321', '20260320']);
    expect(await ids(w.dispatcher, 'number=20260320')).toEqual(sorted(late, first));
    expect(await ids(w.dispatcher, 'number=20260321')).toEqual(sorted(early));
    expect(await ids(w.dispatcher, 'number=2026032000000')).toEqual(sorted(late, first));
    expect(await ids(w.dispatcher, 'number=20261399')).toEqual([]);
    expect(await ids(w.dispatcher, 'number=20260230')).toEqual([]);
    // The prefix reads its day's received-time range: a number that does not begin with its ticket's day (no path
    // writes one) is found by the whole number only.
    await deps.db.update(tickets).set({ number: '20260320-000099' }).where(eq(tickets.id, early.id));
    expect(await ids(w.dispatcher, 'number=20260320')).toEqual(sorted(late, first));
    expect(await ids(w.dispatcher, 'number=20260320-000099')).toEqual(sorted(early));
  });
});
