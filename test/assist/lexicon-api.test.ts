/**
 * The segmentation words' admin API: only the system administrator lists, adds and removes them; a word is
 * validated (2–30 characters, no spaces) with stable codes; every write is audited; an added word is kept whole by
 * the segmenter on its next use, and the count of words read from categories, units and places is reported.
 */
import { describe, expect, it } from 'vitest';
import { cut } from '../../src/domain/assist/segment.ts';
import { ensureLexicon } from '../../src/domain/assist/lexicon.ts';
import { api, deps, useApiWorld, w } from '../http/api-world.ts';

useApiWorld({ now: '2026-03-10T02:00:00Z' });

const list = async () => {
  const r = await api.call('GET', '/api/assist/lexicon', { token: w.admin.token });
  expect(r.status).toBe(200);
  return r.body as { words: { word: string; addedBy: number | null; createdAt: string }[]; derived: number };
};

describe('the lexicon API', () => {
  it('the system administrator adds a word (audited); it is listed, and the segmenter keeps it whole', async () => {
    const before = await list();
    expect(before.words).toEqual([]);
    // the small test city's category and unit names
    expect(before.derived).toBeGreaterThan(3);

    const added = await api.call('POST', '/api/assist/lexicon', { token: w.admin.token, body: { word: ' 幸福里七区 ' } });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ word: '幸福里七区', addedBy: w.admin.id });
    const after = await list();
    expect(after.words).toEqual([{ word: '幸福里七区', addedBy: w.admin.id, createdAt: expect.any(String) }]);
    expect(after.derived).toBe(before.derived);

    await ensureLexicon(deps.db);
    expect(cut('幸福里七区门口堆满垃圾')).toContain('幸福里七区');

    const audit = await api.call('GET', '/api/audit?action=assist_lexicon_added', { token: w.auditAdmin.token });
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({ userId: w.admin.id, targetType: 'assist_lexicon', targetId: '幸福里七区' });
  });

  it('refuses a duplicate (409 lexicon_word_exists) and an invalid word (422 lexicon_word_invalid)', async () => {
    await api.call('POST', '/api/assist/lexicon', { token: w.admin.token, body: { word: '和平里医院' } });
    const again = await api.call('POST', '/api/assist/lexicon', { token: w.admin.token, body: { word: '和平里医院' } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('lexicon_word_exists');
    for (const word of ['路', '', '两个 词', 'x'.repeat(31), '换行\n词']) {
      const r = await api.call('POST', '/api/assist/lexicon', { token: w.admin.token, body: { word } });
      expect(r.status, JSON.stringify(word)).toBe(422);
      expect(r.body.code).toBe('lexicon_word_invalid');
    }
    const wrongShape = await api.call('POST', '/api/assist/lexicon', { token: w.admin.token, body: { word: 12 } });
    expect(wrongShape.status).toBe(400);
  });

  it('removes a word (audited); removing it again is 404 lexicon_word_not_found; the segmenter forgets it', async () => {
    await api.call('POST', '/api/assist/lexicon', { token: w.admin.token, body: { word: '青龙集市东门' } });
    await ensureLexicon(deps.db);
    expect(cut('青龙集市东门有人占道')).toContain('青龙集市东门');

    const removed = await api.call('DELETE', `/api/assist/lexicon/${encodeURIComponent('青龙集市东门')}`, { token: w.admin.token });
    expect(removed.status).toBe(204);
    expect((await list()).words.map((x) => x.word)).not.toContain('青龙集市东门');
    await ensureLexicon(deps.db);
    expect(cut('青龙集市东门有人占道')).not.toContain('青龙集市东门');

    const again = await api.call('DELETE', `/api/assist/lexicon/${encodeURIComponent('青龙集市东门')}`, { token: w.admin.token });
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('lexicon_word_not_found');
    const audit = await api.call('GET', '/api/audit?action=assist_lexicon_removed', { token: w.auditAdmin.token });
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({ userId: w.admin.id, targetId: '青龙集市东门' });
  });

  it('is for the system administrator only', async () => {
    for (const user of [w.operator, w.supervisor, w.securityAdmin, w.auditAdmin, w.handlerA]) {
      expect((await api.call('GET', '/api/assist/lexicon', { token: user.token })).status).toBe(403);
      const post = await api.call('POST', '/api/assist/lexicon', { token: user.token, body: { word: '越权添加' } });
      expect(post.status).toBe(403);
      expect((await api.call('DELETE', `/api/assist/lexicon/${encodeURIComponent('和平里医院')}`, { token: user.token })).status).toBe(403);
    }
    expect((await api.call('GET', '/api/assist/lexicon')).status).toBe(401);
    expect((await list()).words.map((x) => x.word)).not.toContain('越权添加');
  });
});
