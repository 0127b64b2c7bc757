/**
 * Assisted intake's administration over HTTP: status, settings, retraining, live accuracy per week, who may; and
 * where suggestions meet tickets: the operator's final choice recorded at intake and dispatch, and the unit
 * model's auto-dispatch above the administrator's threshold (only for auto-dispatch categories).
 */
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { assistSuggestions, auditLog, categories } from '../../db/schema/index.ts';
import { demandFeatures } from '../../src/domain/assist/classifier.ts';
import { segmenterFor } from '../../src/domain/assist/lexicon.ts';
import { forgetModels, modelFor } from '../../src/domain/assist/models.ts';
import { releaseRetrainLease, takeRetrainLease } from '../../src/domain/assist/training.ts';
import { api, deps, useApiWorld, w } from '../http/api-world.ts';
import { callBody, makeCategoryLeaf, type TestUser } from '../setup/world.ts';
import { demand, type Matter, MATTERS, writeClosedHistory } from './closed-history.ts';

useApiWorld();

const call = (user: TestUser, method: string, path: string, body?: unknown) => api.call(method, path, { token: user.token, body });
const category = {} as Record<Matter, number>;
const unit = {} as Record<Matter, number>;
const NOW = new Date('2026-03-10T02:00:00Z');

async function waitForModels(n: number) {
  for (let i = 0; i < 200; i++) {
    const r = await call(w.admin, 'GET', '/api/assist/models');
    if (r.body.items.length >= n && !r.body.retraining) return r.body;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error('retraining did not finish');
}

beforeAll(async () => {
  for (const m of MATTERS) {
    const [c] = await deps.db
      .insert(categories)
      .values({ code: `ad-${m}`, name: `测试${m}`, level: 3, parentId: w.parentCategory.id })
      .returning();
    category[m] = c!.id;
  }
  Object.assign(unit, { lamp: w.units.streetA.id, noise: w.units.department.id, rubbish: w.units.streetB.id, water: w.units.districtA.id });
});

describe('status, settings and who may', () => {
  it('any signed-in user reads the status; no model yet, on, no language model', async () => {
    for (const u of [w.operator, w.handlerA, w.admin]) {
      const r = await call(u, 'GET', '/api/assist/status');
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ enabled: true, llm: false, models: { category: null, unit: null } });
    }
    expect((await api.call('GET', '/api/assist/status')).status).toBe(401);
  });

  it('only the system administrator reads and changes the rest', async () => {
    for (const u of [w.operator, w.dispatcher, w.securityAdmin, w.handlerA]) {
      expect((await call(u, 'GET', '/api/assist/models')).status).toBe(403);
      expect((await call(u, 'GET', '/api/assist/settings')).status).toBe(403);
      expect((await call(u, 'PUT', '/api/assist/settings', { enabled: false })).status).toBe(403);
      expect((await call(u, 'POST', '/api/assist/models/retrain')).status).toBe(403);
      expect((await call(u, 'GET', '/api/assist/accuracy')).status).toBe(403);
    }
  });

  it('settings: defaults, validated changes, audited, and the status follows', async () => {
    expect((await call(w.admin, 'GET', '/api/assist/settings')).body).toEqual({ enabled: true, autoDispatchThreshold: null });
    const bad = await call(w.admin, 'PUT', '/api/assist/settings', { autoDispatchThreshold: 0.3 });
    expect(bad.status).toBe(400);
    const off = await call(w.admin, 'PUT', '/api/assist/settings', { enabled: false });
    expect(off.body).toEqual({ enabled: false, autoDispatchThreshold: null });
    expect((await call(w.operator, 'GET', '/api/assist/status')).body.enabled).toBe(false);
    const on = await call(w.admin, 'PUT', '/api/assist/settings', { enabled: true, autoDispatchThreshold: 0.8 });
    expect(on.body).toEqual({ enabled: true, autoDispatchThreshold: 0.8 });
    const audits = await deps.db.select().from(auditLog).where(eq(auditLog.action, 'assist_settings_changed'));
    expect(audits).toHaveLength(2);
    expect(audits[1]!.details).toMatchObject({ after: { autoDispatchThreshold: 0.8 }, before: { enabled: false } });
    const cleared = await call(w.admin, 'PUT', '/api/assist/settings', { autoDispatchThreshold: null });
    expect(cleared.body).toEqual({ enabled: true, autoDispatchThreshold: null });
  });
});

describe('retraining by hand', () => {
  it('is refused with too few closed tickets, then runs in the background, one at a time', async () => {
    const few = await call(w.admin, 'POST', '/api/assist/models/retrain');
    expect(few.status).toBe(422);
    expect(few.body.code).toBe('assist_too_few_tickets');
    await writeClosedHistory(deps.db, {
      count: 240,
      category,
      unit,
      streets: [w.units.streetA.id, w.units.streetB.id],
      returnedUnit: w.units.districtB.id,
      start: new Date('2026-01-10T00:00:00Z'),
      prefix: 'AD',
    });
    expect(await takeRetrainLease(deps.db, NOW, null)).toBe(true);
    const busy = await call(w.admin, 'POST', '/api/assist/models/retrain');
    expect(busy.status).toBe(409);
    expect(busy.body.code).toBe('assist_retrain_running');
    await releaseRetrainLease(deps.db);
    const r = await call(w.admin, 'POST', '/api/assist/models/retrain');
    expect(r.status).toBe(202);
    const models = await waitForModels(2);
    expect(models.items.map((m: { target: string; version: number }) => [m.target, m.version]).sort()).toEqual([
      ['category', 1],
      ['unit', 1],
    ]);
    expect(models.items[0].trainedBy).toBe(w.admin.id);
    expect(models.items[0].evaluation.top1).toBeGreaterThan(0.8);
    expect(models.items[0]).not.toHaveProperty('model');
    const status = await call(w.operator, 'GET', '/api/assist/status');
    expect(status.body.models.category).toMatchObject({ version: 1, samples: 240 });
    expect(status.body.models.unit).toMatchObject({ version: 1, samples: 216 });
  });
});

describe('the final choice, recorded beside the suggestion', () => {
  const suggestion = async (user: TestUser) => {
    const choice = (id: number) => ({ id, name: 'x', confidence: 0.5, words: [] });
    const [row] = await deps.db
      .insert(assistSuggestions)
      .values({ userId: user.id, createdAt: NOW, categories: [choice(category.noise), choice(w.category.id)], units: [choice(w.units.streetB.id)] })
      .returning();
    return row!;
  };
  const row = async (id: number) => (await deps.db.select().from(assistSuggestions).where(eq(assistSuggestions.id, id)))[0]!;

  it('intake links the operator’s own suggestion (category and rank); the first dispatch adds the lead unit', async () => {
    const s = await suggestion(w.operator);
    const t = await call(w.operator, 'POST', '/api/tickets', callBody(w.category.id, { assistSuggestionId: s.id, assistAcceptedRank: 2 }));
    expect(t.status, JSON.stringify(t.body)).toBe(201);
    expect(await row(s.id)).toMatchObject({ ticketId: t.body.id, chosenCategoryId: w.category.id, acceptedCategoryRank: 2, chosenUnitId: null });
    const d = await call(w.dispatcher, 'POST', `/api/tickets/${t.body.id}/dispatch`, {
      version: t.body.version,
      leadUnitId: w.units.streetA.id,
      assistUnitIds: [],
      designate: false,
    });
    expect(d.status, JSON.stringify(d.body)).toBe(200);
    expect((await row(s.id)).chosenUnitId).toBe(w.units.streetA.id);
    // used once: a second ticket naming it leaves it as it was
    const again = await call(w.operator, 'POST', '/api/tickets', callBody(category.noise, { assistSuggestionId: s.id, assistAcceptedRank: 1 }));
    expect(again.status).toBe(201);
    expect(await row(s.id)).toMatchObject({ ticketId: t.body.id, chosenCategoryId: w.category.id, acceptedCategoryRank: 2 });
  });

  it('someone else’s suggestion is ignored (the intake goes through); a rank outside 1–3 is refused', async () => {
    const s = await suggestion(w.clerk);
    const t = await call(w.operator, 'POST', '/api/tickets', callBody(w.category.id, { assistSuggestionId: s.id, assistAcceptedRank: null }));
    expect(t.status).toBe(201);
    expect((await row(s.id)).ticketId).toBeNull();
    const bad = await call(w.operator, 'POST', '/api/tickets', callBody(w.category.id, { assistSuggestionId: s.id, assistAcceptedRank: 4 }));
    expect(bad.status).toBe(400);
  });
});

describe('auto-dispatch by the unit model above the threshold', () => {
  let autoCat: number;
  let plainCat: number;
  const MIXED = '路灯不亮，家里也停水了，请尽快处理';
  const setThreshold = (t: number | null) => call(w.admin, 'PUT', '/api/assist/settings', { autoDispatchThreshold: t });
  const intake = async (categoryId: number, content: string) => {
    const r = await call(w.operator, 'POST', '/api/tickets', callBody(categoryId, { content, streetUnitId: w.units.streetA.id }));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };

  beforeAll(async () => {
    const a = await makeCategoryLeaf(deps.db, '自动派单小类');
    await deps.db.update(categories).set({ autoDispatch: true }).where(eq(categories.id, a.leaf.id));
    autoCat = a.leaf.id;
    plainCat = (await makeCategoryLeaf(deps.db, '普通小类')).leaf.id;
    forgetModels();
  });

  it('dispatches an auto-dispatch category with no rule to the model’s top unit, saying so', async () => {
    const m = (await modelFor(deps.db, 'unit', { fresh: true }))!;
    const top = m.predictor.predict(
      demandFeatures(await segmenterFor(deps.db), { content: demand('lamp', 7), streetUnitId: w.units.streetA.id, channel: 'phone' }),
      3,
    )[0]!;
    expect(top.label).toBe(unit.lamp);
    expect(top.confidence).toBeGreaterThanOrEqual(0.6);
    await setThreshold(0.6);
    const t = await intake(autoCat, demand('lamp', 7));
    expect(t.status).toBe('awaiting_sign');
    expect(t.assignments.map((a: { unit: { id: number }; role: string }) => [a.unit.id, a.role])).toEqual([[unit.lamp, 'lead']]);
    const events = await call(w.dispatcher, 'GET', `/api/tickets/${t.id}/events`);
    const e = events.body.items.find((x: { type: string }) => x.type === 'dispatch');
    expect(e.payload).toMatchObject({ auto: true, model: { version: m.version, threshold: 0.6 } });
    expect(e.payload.model.confidence).toBeGreaterThanOrEqual(0.6);
    expect(e.payload.note).toContain('智能派单模型');
    const [rec] = await deps.db.select().from(assistSuggestions).where(eq(assistSuggestions.ticketId, t.id));
    expect(rec).toMatchObject({ appliedAutomatically: true, chosenUnitId: unit.lamp, chosenCategoryId: autoCat, unitModelId: m.id });
  });

  it('leaves it to a dispatcher below the threshold, for other categories, and with the threshold off', async () => {
    const m = (await modelFor(deps.db, 'unit'))!;
    const mixed = m.predictor.predict(
      demandFeatures(await segmenterFor(deps.db), { content: MIXED, streetUnitId: w.units.streetA.id, channel: 'phone' }),
      3,
    )[0]!;
    expect(mixed.confidence).toBeLessThan(0.999); // two matters in one call: some doubt, room for a threshold above it
    await setThreshold(Math.max(0.5, Math.min(1, Math.ceil((mixed.confidence + 0.001) * 1000) / 1000)));
    expect((await intake(autoCat, MIXED)).status).toBe('awaiting_dispatch');
    await setThreshold(0.5);
    expect((await intake(plainCat, demand('lamp', 7))).status).toBe('awaiting_dispatch');
    await setThreshold(null);
    const t = await intake(autoCat, demand('lamp', 7));
    expect(t.status).toBe('awaiting_dispatch');
    const recs = await deps.db
      .select()
      .from(assistSuggestions)
      .where(and(eq(assistSuggestions.appliedAutomatically, true)));
    expect(recs).toHaveLength(1);
  });
});

describe('live accuracy per ISO week', () => {
  it('counts top-1 and top-3 of the category and the unit from what was chosen, newest week first', async () => {
    const c = (id: number) => ({ id, name: 'x', confidence: 0.3, words: [] });
    const cats = [c(category.lamp), c(category.noise), c(category.water)];
    const units = [c(unit.lamp), c(unit.noise)];
    const at = (iso: string) => new Date(iso);
    const base = { userId: w.operator.id, categories: cats, units };
    await deps.db.insert(assistSuggestions).values([
      // 2026-W09 (Monday 23 February, Asia/Shanghai): one shown, nothing chosen
      { ...base, createdAt: at('2026-02-24T03:00:00Z') },
      // 2026-W10: Sunday 8 March 23:30 in Beijing is still W10 (15:30 UTC)
      { ...base, createdAt: at('2026-03-08T15:30:00Z'), chosenCategoryId: category.lamp, chosenUnitId: unit.lamp },
      { ...base, createdAt: at('2026-03-03T01:00:00Z'), chosenCategoryId: category.lamp, chosenUnitId: unit.noise },
      { ...base, createdAt: at('2026-03-04T01:00:00Z'), chosenCategoryId: category.water },
      { ...base, createdAt: at('2026-03-05T01:00:00Z'), chosenCategoryId: category.rubbish, chosenUnitId: unit.water },
      { ...base, createdAt: at('2026-03-05T02:00:00Z'), chosenCategoryId: category.lamp, chosenUnitId: unit.lamp, appliedAutomatically: true },
    ]);
    const r = await call(w.admin, 'GET', '/api/assist/accuracy?weeks=4');
    expect(r.status).toBe(200);
    const byWeek = Object.fromEntries(r.body.items.map((x: { week: string }) => [x.week, x]));
    expect(byWeek['2026-W09']).toMatchObject({ from: '2026-02-23', suggestions: 1, category: { n: 0, top1: null, top3: null }, unit: { n: 0 } });
    expect(byWeek['2026-W10']).toMatchObject({
      from: '2026-03-02',
      suggestions: 5,
      category: { n: 5, top1: 3 / 5, top3: 4 / 5 },
      unit: { n: 3, top1: 1 / 3, top3: 2 / 3 },
      automatic: 1,
    });
    const weeks = r.body.items.map((x: { week: string }) => x.week);
    expect(weeks).toEqual([...weeks].sort().reverse());
  });
});
