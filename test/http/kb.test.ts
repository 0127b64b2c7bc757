/**
 * The knowledge base as admins keep it: create, read, replace, retire; each write audited; search and
 * direct answers see only active articles.
 */
import { describe, expect, it } from 'vitest';
import { callBody } from '../setup/world.ts';
import { api, useApiWorld, w } from './api-world.ts';

useApiWorld({ now: '2026-03-10T02:00:00Z' });

const article = { title: '住房公积金提取条件', body: '购买、建造、翻建、大修自住住房的，可申请提取住房公积金。', keywords: '公积金 提取' };
const search = async (q: string) => {
  const r = await api.call('GET', `/api/kb/search?q=${encodeURIComponent(q)}`, { token: w.operator.token });
  expect(r.status).toBe(200);
  return r.body.items.map((a: { id: number }) => a.id) as number[];
};

describe('knowledge-base articles', () => {
  it('an admin creates an article (audited); staff read it and find it by search', async () => {
    const created = await api.call('POST', '/api/kb', { token: w.admin.token, body: article });
    expect(created.status).toBe(201);
    const id = created.body.id as number;
    expect(created.body).toEqual({ id });

    const read = await api.call('GET', `/api/kb/${id}`, { token: w.handlerA.token });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id, ...article, categoryId: null, active: true });
    expect(read.body).not.toHaveProperty('searchTerms');
    expect(await search('公积金怎么提取')).toContain(id);

    const audit = await api.call('GET', `/api/audit?action=kb_created&targetId=${id}`, { token: w.auditAdmin.token });
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({ userId: w.admin.id, targetType: 'kb_article' });
  });

  it('replacing an article re-indexes it; retiring it hides it from search and direct answers (audited)', async () => {
    const { body } = await api.call('POST', '/api/kb', { token: w.admin.token, body: article });
    const id = body.id as number;
    const replaced = await api.call('PUT', `/api/kb/${id}`, {
      token: w.admin.token,
      body: { ...article, title: '医保异地备案', body: '异地就医前请先办理备案。', keywords: '' },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toEqual({ id });
    expect(await search('异地备案')).toContain(id);
    expect(await search('公积金怎么提取')).not.toContain(id);

    const retired = await api.call('PUT', `/api/kb/${id}`, { token: w.admin.token, body: { ...article, active: false } });
    expect(retired.status).toBe(200);
    expect(await search('公积金怎么提取')).not.toContain(id);
    expect((await api.call('GET', `/api/kb/${id}`, { token: w.operator.token })).body.active).toBe(false);
    const answer = await api.call('POST', '/api/tickets', {
      token: w.operator.token,
      body: callBody(w.category.id, { type: 'consult', disposition: { kind: 'direct_answer', kbArticleId: id, answer: '请咨询公积金中心。' } }),
    });
    expect(answer.status).toBe(422);
    expect(answer.body.code).toBe('kb_article_unknown');

    const audit = await api.call('GET', `/api/audit?action=kb_updated&targetId=${id}`, { token: w.auditAdmin.token });
    expect(audit.body.items).toHaveLength(2);
  });

  it('answers 404 for an unknown article, and 403 to anyone but an admin writing', async () => {
    expect((await api.call('GET', '/api/kb/987654', { token: w.operator.token })).status).toBe(404);
    const missing = await api.call('PUT', '/api/kb/987654', { token: w.admin.token, body: article });
    expect(missing.status).toBe(404);
    expect((await api.call('GET', '/api/audit?action=kb_updated&targetId=987654', { token: w.auditAdmin.token })).body.items).toHaveLength(0);
    const refused = await api.call('POST', '/api/kb', { token: w.operator.token, body: article });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('forbidden');
  });
});
