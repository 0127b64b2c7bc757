/** Suggestions at intake (POST /api/assist/suggest): the lists, confidences, weighed words, the record, the switch, no model, who may ask. */
import { desc, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { assistSuggestions, categories, units } from '../../db/schema/index.ts';
import type { AssistSuggestion } from '../../src/contract/assist.ts';
import { forgetModels } from '../../src/domain/assist/models.ts';
import { updateAssistSettings } from '../../src/domain/assist/settings.ts';
import { api, deps, useApiWorld, w } from '../http/api-world.ts';
import { storeModels } from './model-fixture.ts';

useApiWorld();

const LAMP = '小区门口的路灯坏了好几天不亮，晚上黑漆漆的';
const ask = (token: string, body: unknown) => api.call('POST', '/api/assist/suggest', { token, body });

const leaf = async (name: string) => {
  const [c] = await deps.db
    .insert(categories)
    .values({ code: `as-${name}`, name, level: 3, parentId: w.parentCategory.id })
    .returning();
  return c!;
};

let cats: { lamp: number; noise: number; rubbish: number; stall: number };

describe('before any model is trained', () => {
  it('answers with empty lists and records nothing', async () => {
    forgetModels();
    const r = await ask(w.operator.token, { content: LAMP });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ id: null, categories: [], units: [], models: { category: null, unit: null } });
    expect(await deps.db.select().from(assistSuggestions)).toHaveLength(0);
  });
});

describe('with models trained', () => {
  beforeAll(async () => {
    cats = { lamp: (await leaf('路灯不亮')).id, noise: w.category.id, rubbish: (await leaf('垃圾清运')).id, stall: (await leaf('占道经营')).id };
    const demands = [
      ['小区路灯不亮晚上很黑', cats.lamp, w.units.streetA.id],
      ['路灯坏了一直不亮请维修', cats.lamp, w.units.streetA.id],
      ['楼下工地夜间施工噪音很大', cats.noise, w.units.department.id],
      ['广场舞音响噪音扰民', cats.noise, w.units.streetB.id],
      ['垃圾桶满了没人清运发臭', cats.rubbish, w.units.streetB.id],
      ['小区垃圾堆放好几天没清运', cats.rubbish, w.units.streetB.id],
      ['流动摊贩占道经营堵路', cats.stall, w.units.department.id],
      ['商户占道摆摊经营', cats.stall, w.units.department.id],
    ] as const;
    await storeModels(deps.db, demands);
  });

  it('ranks the top 3 categories and units, confidences falling and summing to at most 1, with the words that weighed', async () => {
    const r = await ask(w.operator.token, { title: '路灯', content: LAMP, channel: 'phone' });
    expect(r.status).toBe(200);
    const s = r.body as AssistSuggestion;
    expect(s.models).toEqual({ category: 1, unit: 1 });
    expect(s.categories).toHaveLength(3);
    expect(s.units).toHaveLength(3);
    expect(s.categories[0]).toMatchObject({ id: cats.lamp, name: '路灯不亮' });
    expect(s.categories[0]!.words).toContain('路灯');
    expect(s.units[0]).toMatchObject({ id: w.units.streetA.id, name: '甲街道' });
    for (const list of [s.categories, s.units]) {
      const c = list.map((x) => x.confidence);
      expect(c.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1);
      expect([...c].sort((a, b) => b - a)).toEqual(c);
      for (const x of c) expect(x).toBeGreaterThan(0);
      expect(new Set(list.map((x) => x.id)).size).toBe(3);
    }
  });

  it("records the suggestion: who asked, the models and the lists shown, not the demand's text", async () => {
    const r = await ask(w.clerk.token, { content: '工地夜间施工噪音，翠苑的张阿姨说吵得睡不着' });
    expect(r.status).toBe(200);
    expect(r.body.id).toEqual(expect.any(Number));
    const [row] = await deps.db.select().from(assistSuggestions).where(eq(assistSuggestions.id, r.body.id));
    expect(row).toMatchObject({ userId: w.clerk.id, ticketId: null, chosenCategoryId: null, acceptedCategoryRank: null, appliedAutomatically: false });
    expect(row!.categoryModelId).toEqual(expect.any(Number));
    expect(row!.unitModelId).toEqual(expect.any(Number));
    expect(row!.categories).toEqual(r.body.categories);
    expect(row!.units).toEqual(r.body.units);
    expect(r.body.categories[0].id).toBe(cats.noise);
    // only words the model learned from closed tickets are kept (as weighed words), never the demand itself
    expect(JSON.stringify(row)).not.toMatch(/翠苑|张阿姨|睡不着/);
  });

  it('skips a category no longer active, or no longer a leaf, and a unit no longer active, taking the next', async () => {
    await deps.db.update(categories).set({ active: false }).where(eq(categories.id, cats.lamp));
    await deps.db.update(units).set({ active: false }).where(eq(units.id, w.units.streetA.id));
    const child = await deps.db.insert(categories).values({ code: 'as-child', name: '子类', level: 4, parentId: cats.rubbish }).returning();
    try {
      const r = await ask(w.operator.token, { content: LAMP });
      const ids = r.body.categories.map((c: { id: number }) => c.id);
      expect(ids).toHaveLength(2); // four classes trained, two no longer choosable
      expect(ids).not.toContain(cats.lamp);
      expect(ids).not.toContain(cats.rubbish);
      expect(r.body.units.map((u: { id: number }) => u.id)).not.toContain(w.units.streetA.id);
      expect(r.body.units).toHaveLength(2);
    } finally {
      await deps.db.delete(categories).where(eq(categories.id, child[0]!.id));
      await deps.db.update(categories).set({ active: true }).where(eq(categories.id, cats.lamp));
      await deps.db.update(units).set({ active: true }).where(eq(units.id, w.units.streetA.id));
    }
  });

  it('reads the street from an address when none is given', async () => {
    const r = await ask(w.operator.token, { content: LAMP, address: '甲区甲街道幸福里3号楼' });
    expect(r.status).toBe(200);
    expect(r.body.categories[0].id).toBe(cats.lamp);
  });

  it('switched off by the administrator: empty lists, id null, nothing recorded', async () => {
    const before = await deps.db.select({ id: assistSuggestions.id }).from(assistSuggestions).orderBy(desc(assistSuggestions.id)).limit(1);
    await updateAssistSettings(deps, w.admin.actor, { enabled: false });
    try {
      const r = await ask(w.operator.token, { content: LAMP });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ id: null, categories: [], units: [], models: { category: null, unit: null } });
      const after = await deps.db.select({ id: assistSuggestions.id }).from(assistSuggestions).orderBy(desc(assistSuggestions.id)).limit(1);
      expect(after).toEqual(before);
    } finally {
      await updateAssistSettings(deps, w.admin.actor, { enabled: true });
    }
    expect((await ask(w.operator.token, { content: LAMP })).body.id).toEqual(expect.any(Number));
  });

  it('validates the body', async () => {
    for (const body of [{}, { content: '' }, { content: 'x'.repeat(4001) }, { content: LAMP, channel: 'fax' }, { content: LAMP, extra: 1 }]) {
      const r = await ask(w.operator.token, body);
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('validation_failed');
    }
  });

  it('is for the intake desk only', async () => {
    for (const user of [w.dispatcher, w.portal, w.handlerA, w.admin]) {
      const r = await ask(user.token, { content: LAMP });
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('forbidden');
    }
    const anon = await api.call('POST', '/api/assist/suggest', { body: { content: LAMP } });
    expect(anon.status).toBe(401);
    expect(anon.body.code).toBe('unauthenticated');
  });
});
