/**
 * Bad reviews from the 好差评 system arrive as tickets (POST /api/bad-reviews): channel bad_review, the review's
 * facts in the text, idempotent on the review's reference, refused with a clear code when the reference is reused
 * for another review or no category can be found; then dispatched and handled like any ticket.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { tickets } from '../../db/schema/index.ts';
import { expectProblem, leadOf, type View } from '../setup/ticket-flow.ts';
import { api, deps, flow, useApiWorld, w } from './api-world.ts';

// The test city's leaf category is 噪音扰民: bad reviews without a categoryId go there.
useApiWorld({ config: { BAD_REVIEW_CATEGORY: '噪音扰民' } });

const review = (over: Record<string, unknown> = {}) => ({
  reference: 'HCP-2026-000123',
  rating: 'very_dissatisfied',
  comment: '窗口工作人员态度冷淡，材料齐全却让我跑了三趟还没办成。',
  service: '不动产登记',
  department: '区政务服务中心不动产窗口',
  ratedAt: '2026-03-09T10:15:00+08:00',
  caller: { name: '刘女士', phone: '13912345678' },
  ...over,
});
const post = (body: unknown, token = w.portal.token) => api.call('POST', '/api/bad-reviews', { token, body });

describe('POST /api/bad-reviews', () => {
  it('a 差评 becomes a ticket on channel bad_review, awaiting dispatch, the review in its text; the same review again is the same ticket', async () => {
    const r = await post(review());
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ channel: 'bad_review', status: 'awaiting_dispatch', type: 'complaint', category: { id: w.category.id } });
    expect(r.body.title).toBe('好差评差评：不动产登记');
    expect(r.body.content).toContain('评价等级：非常不满意');
    expect(r.body.content).toContain('评价编号：HCP-2026-000123');
    expect(r.body.content).toContain('市民评价：窗口工作人员态度冷淡');
    const again = await post(review());
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(r.body.id);
    const rows = await deps.db.select({ id: tickets.id }).from(tickets).where(eq(tickets.channel, 'bad_review'));
    expect(rows).toHaveLength(1);
  });

  it('then handled like any ticket: dispatched, signed, replied', async () => {
    const r = await post(review({ reference: 'HCP-2026-000124', categoryId: w.category.id }));
    expect(r.status).toBe(201);
    const v = await flow.get(w.dispatcher, r.body.id);
    const d = await flow.ticket(w.dispatcher, v, 'dispatch', { leadUnitId: w.units.streetA.id });
    const s = await flow.assignment(w.handlerA, d, leadOf(d), 'sign');
    const replied: View = await flow.assignment(w.handlerA, s, leadOf(s), 'reply', { content: '已约谈窗口负责人，当日为市民办结登记并致歉。' });
    expect(replied.status).toBe('awaiting_review');
    // The list finds it by its channel.
    const list = await api.call('GET', '/api/tickets?channel=bad_review', { token: w.dispatcher.token });
    expect(list.body.items.map((t: { id: number }) => t.id)).toContain(r.body.id);
  });

  it('the same reference with a different review is 409; bad input is 400; no category found is 422', async () => {
    expectProblem(await post(review({ comment: '换了一段完全不同的评价内容，想再建一张工单。' })), 409, 'bad_review_reference_reused');
    const bad = await post(review({ reference: 'HCP-X', rating: 'satisfied' }));
    expectProblem(bad, 400, 'validation_failed');
    expect(bad.body.issues.map((i: { path: string }) => i.path)).toContain('body.rating');
    expectProblem(await post(review({ reference: 'HCP-Y', caller: { phone: '12' } })), 400, 'validation_failed');
    expectProblem(await post(review({ reference: 'HCP-Z', categoryId: 999999 })), 422, 'category_unknown');
    const count = async () => (await deps.db.select({ id: tickets.id }).from(tickets).where(eq(tickets.channel, 'bad_review'))).length;
    expect(await count()).toBe(2);
  });

  it('only intake clients may post: staff are 403, nobody signed in 401', async () => {
    expectProblem(await post(review({ reference: 'HCP-S' }), w.operator.token), 403, 'forbidden');
    expectProblem(await post(review({ reference: 'HCP-S' }), w.dispatcher.token), 403, 'forbidden');
    expectProblem(await api.call('POST', '/api/bad-reviews', { body: review({ reference: 'HCP-S' }) }), 401, 'unauthenticated');
  });
});

describe('without a category of the configured name', () => {
  it('422 bad_review_category_unset names what to do', async () => {
    const saved = deps.config.BAD_REVIEW_CATEGORY;
    (deps.config as { BAD_REVIEW_CATEGORY: string }).BAD_REVIEW_CATEGORY = '没有这个分类';
    try {
      const r = await post(review({ reference: 'HCP-NOCAT' }));
      expectProblem(r, 422, 'bad_review_category_unset');
      expect(r.body.detail ?? r.body.title ?? JSON.stringify(r.body)).toMatch(/没有这个分类|categoryId/);
    } finally {
      (deps.config as { BAD_REVIEW_CATEGORY: string }).BAD_REVIEW_CATEGORY = saved;
    }
  });
});
