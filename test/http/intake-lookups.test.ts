/** What the operator looks up while taking a call: the caller's history, duplicate hints, the knowledge base. */
import { describe, expect, it } from 'vitest';
import { makeCategoryLeaf, makeKbArticle } from '../setup/world.ts';
import { api, deps, w } from './api-world.ts';
import { DAY, newTicket, useIntakeWorld } from './intake-fixtures.ts';
import { phoneIndex } from '../../src/domain/privacy/caller-index.ts';
import { and, eq } from 'drizzle-orm';
import { auditLog } from '../../db/schema/index.ts';

useIntakeWorld();

/** The audit rows of look-ups of a caller's number (their target: the number's blind index). */
const auditOf = (phone: string) =>
  deps.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, 'read_caller_history'), eq(auditLog.targetId, phoneIndex(phone))));

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

    const audit = await auditOf(phone);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'read_caller_history', userId: w.operator.id, targetType: 'caller', details: { results: 3 } });
    // The number itself, whole or masked, stays out of the audit log: its blind index tells callers apart.
    expect(JSON.stringify(audit)).not.toContain(phone.slice(-4));
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
    const audit = await auditOf('13600000208');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ userId: w.operator.id, details: { via: 'duplicate_hints' } });
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
