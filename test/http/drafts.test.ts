/**
 * Drafts: each user keeps, reads and drops only their own half-typed forms, by validated key, within the
 * size and count limits; a system's intake token keeps none.
 */
import { describe, expect, it } from 'vitest';
import { DRAFT_MAX_PER_USER } from '../../src/domain/drafts/drafts.ts';
import { drafts } from '../../db/schema/index.ts';
import { api, deps, useApiWorld, w } from './api-world.ts';

useApiWorld({ now: '2026-03-10T02:00:00Z' });

const put = (token: string, key: string, body: unknown) => api.call('PUT', `/api/drafts/${key}`, { token, body: { body } });
const get = (token: string, key: string) => api.call('GET', `/api/drafts/${key}`, { token });

describe('drafts', () => {
  it('a user keeps a draft, reads it back after it is replaced, and drops it', async () => {
    const none = await get(w.operator.token, 'intake');
    expect(none.status).toBe(200);
    expect(none.body).toEqual({ key: 'intake', body: null, updatedAt: null });

    const first = await put(w.operator.token, 'intake', { phone: '1381234', content: '楼上' });
    expect(first.status).toBe(200);
    const second = await put(w.operator.token, 'intake', { phone: '13812345678', content: '楼上装修噪音' });
    expect(second.body).toMatchObject({ key: 'intake', body: { phone: '13812345678' } });
    const read = await get(w.operator.token, 'intake');
    expect(read.body).toEqual({ key: 'intake', body: { phone: '13812345678', content: '楼上装修噪音' }, updatedAt: '2026-03-10T02:00:00.000Z' });

    const del = await api.call('DELETE', '/api/drafts/intake', { token: w.operator.token });
    expect(del.status).toBe(204);
    expect((await get(w.operator.token, 'intake')).body.body).toBeNull();
    // dropping a draft that is not there is fine (a form saved twice, two tabs)
    expect((await api.call('DELETE', '/api/drafts/intake', { token: w.operator.token })).status).toBe(204);
  });

  it("nobody reads, replaces or drops another user's draft under the same key", async () => {
    await put(w.handlerA.token, 'reply:42', { content: '甲街道的回复草稿' });
    for (const other of [w.leaderA, w.admin, w.supervisor]) {
      expect((await get(other.token, 'reply:42')).body.body).toBeNull();
      await put(other.token, 'reply:42', { content: `${other.role} 的草稿` });
      await api.call('DELETE', '/api/drafts/reply:42', { token: other.token });
    }
    expect((await get(w.handlerA.token, 'reply:42')).body.body).toEqual({ content: '甲街道的回复草稿' });
  });

  it('keys must name a known form (and a positive id); bodies must be objects', async () => {
    for (const key of ['notes', 'intake:', 'reply:0', 'reply:abc', 'reply:1:2', 'INTAKE', 'x'.repeat(80)]) {
      const r = await put(w.operator.token, encodeURIComponent(key), { a: 1 });
      expect(r.status, key).toBe(400);
      expect(r.body.code).toBe('validation_failed');
      expect(r.body.issues[0].path).toBe('params.key');
    }
    for (const key of ['window', 'reply:123', 'callback:45', 'review:67', 'contact:8', 'dispatch:9', 'request:10', 'sub:11']) {
      expect((await put(w.operator.token, key, { a: 1 })).status, key).toBe(200);
    }
    for (const body of [null, 'text', [1, 2], 5]) {
      const r = await put(w.operator.token, 'intake', body);
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('validation_failed');
    }
    const extra = await api.call('PUT', '/api/drafts/intake', { token: w.operator.token, body: { body: {}, userId: w.admin.id } });
    expect(extra.status).toBe(400);
  });

  it('a draft over 64 KB is refused with 413 draft_too_large and the previous one is kept', async () => {
    await put(w.dispatcher.token, 'review:1', { reason: '短理由' });
    const big = await put(w.dispatcher.token, 'review:1', { reason: '长'.repeat(22_000) });
    expect(big.status).toBe(413);
    expect(big.body.code).toBe('draft_too_large');
    expect(big.body.detail).toContain('64');
    expect((await get(w.dispatcher.token, 'review:1')).body.body).toEqual({ reason: '短理由' });
    expect((await put(w.dispatcher.token, 'review:1', { reason: '长'.repeat(20_000) })).status).toBe(200);
  });

  it('a user keeps at most 200 drafts; replacing one at the limit still works', async () => {
    const user = w.callbackAgent;
    await deps.db.insert(drafts).values(Array.from({ length: DRAFT_MAX_PER_USER }, (_, i) => ({ userId: user.id, key: `callback:${i + 1}`, body: { n: i } })));
    const over = await put(user.token, 'callback:9999', { n: 'one more' });
    expect(over.status).toBe(422);
    expect(over.body.code).toBe('draft_limit_reached');
    expect((await put(user.token, 'callback:1', { n: 'replaced' })).status).toBe(200);
  });

  it('a system intake token and an anonymous caller keep no drafts', async () => {
    expect((await get(w.portal.token, 'intake')).status).toBe(403);
    expect((await api.call('GET', '/api/drafts/intake')).status).toBe(401);
  });
});
