/**
 * The system administrator's 智能辅助 screen in Chromium: the model versions trained from closed tickets with their
 * held-out figures, the weekly accuracy of what operators chose against what was suggested, the threshold saved, the
 * switch turned off (and the status follows), a word added and removed.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { assistSettings, assistSuggestions, categories, units, users } from '../../db/schema/index.ts';
import { retrain } from '../../src/domain/assist/training.ts';
import { MATTERS, type Matter, writeClosedHistory } from '../assist/closed-history.ts';
import { browserSuite, expectAccessible, signIn } from './harness.ts';

const s = browserSuite();
const setting = async (key: string) => (await s.app.deps.db.select().from(assistSettings).where(eq(assistSettings.key, key)))[0]?.value;

async function trainOnHistory() {
  const db = s.app.deps.db;
  const leaves = (await db.select({ id: categories.id, parentId: categories.parentId, level: categories.level }).from(categories)).filter((c) => c.level === 3);
  const streets = (await db.select({ id: units.id, kind: units.kind }).from(units)).filter((u) => u.kind === 'street');
  const pick = <T>(xs: T[]) => Object.fromEntries(MATTERS.map((m, i) => [m, xs[i]])) as Record<Matter, T>;
  await writeClosedHistory(db, {
    count: 200,
    category: pick(leaves.map((c) => c.id)),
    unit: pick(streets.map((u) => u.id)),
    streets: [streets[0]!.id, streets[1]!.id],
    returnedUnit: streets[5]!.id,
    start: new Date('2026-02-01T00:00:00Z'),
    prefix: 'E2E',
  });
  const now = s.app.deps.clock.now();
  return retrain(db, { now, days: 365, trainedBy: null });
}

/**
 * Suggestions recorded this week and the week before, with what was chosen. This week: four shown, categories chosen
 * at ranks 1, 2, 1, 1 (top-1 75 %, top-3 100 %), lead units chosen for two of them, one the first suggestion and one
 * none of the three (50 %, 50 %), and one dispatch the model made by itself. The week before: one, its category third.
 */
async function recordChoices() {
  const db = s.app.deps.db;
  const now = s.app.deps.clock.now().getTime();
  const [operator] = await db.select({ id: users.id }).from(users).where(eq(users.username, 'operator1'));
  const leaves = (await db.select({ id: categories.id, level: categories.level }).from(categories)).filter((c) => c.level === 3).map((c) => c.id);
  const streets = (await db.select({ id: units.id, kind: units.kind }).from(units)).filter((u) => u.kind === 'street').map((u) => u.id);
  const [a, b, c] = leaves as [number, number, number];
  const [u1, u2, u3, other] = streets as [number, number, number, number];
  const choices = (ids: number[]) => ids.map((id, i) => ({ id, name: `#${id}`, confidence: 0.6 - i * 0.2, words: [] }));
  const row = (hoursAgo: number, cats: number[], chosenCategoryId: number, units: number[] = [], chosenUnitId: number | null = null) => ({
    createdAt: new Date(now - hoursAgo * 3_600_000),
    userId: operator!.id,
    categories: choices(cats),
    units: choices(units),
    chosenCategoryId,
    chosenUnitId,
  });
  await db
    .insert(assistSuggestions)
    .values([
      row(1, [a, b, c], a, [u1, u2, u3], u1),
      row(1, [a, b, c], b, [u1, u2, u3], other),
      row(1, [b, a, c], b),
      row(1, [c, a, b], c),
      { ...row(1, [], a, [u1, u2, u3], u1), appliedAutomatically: true },
      row(7 * 24 + 1, [a, b, c], c),
    ]);
}

describe('智能辅助 (assisted intake administration)', () => {
  it('shows the trained versions, saves the threshold and the switch, and edits the words', async () => {
    const trained = await trainOnHistory();
    expect(trained.models).toHaveLength(2);
    await recordChoices();
    const u = s.keep(await signIn(s.browser, s.app, 'admin', '/wallboard'));
    const p = u.page;
    p.setDefaultTimeout(8000);
    await p.goto('/assist');
    await p.getByRole('heading', { name: '智能辅助', level: 1 }).waitFor();

    const rows = p.locator('#assist-models tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await p.locator('#assist-models tr[data-target="category"][data-version="1"]').textContent()).toContain('v1');

    // The weekly accuracy, newest week first: suggestions shown, category and unit top-1 (with how many were chosen) and top-3, the model's own dispatches.
    const weeks = p.locator('#assist-accuracy tbody tr');
    await expect.poll(() => weeks.count()).toBe(2);
    const cells = async (i: number) => (await weeks.nth(i).locator('td').allInnerTexts()).map((x) => x.trim());
    const [thisWeek, weekBefore] = [await cells(0), await cells(1)];
    expect(thisWeek[0]).toMatch(/^\d{4}-W\d{2}$/);
    expect(thisWeek.slice(1)).toEqual(['4', '75.0% (4)', '100.0%', '50.0% (2)', '50.0%', '1']);
    expect(weekBefore[0]! < thisWeek[0]!).toBe(true);
    expect(weekBefore.slice(1)).toEqual(['1', '0.0% (1)', '100.0%', '— (0)', '—', '0']);

    await p.locator('#as-threshold').fill('0.9');
    await p.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => setting('autoDispatchThreshold')).toBe(0.9);

    await p.locator('#as-enabled').uncheck();
    await expect.poll(() => setting('enabled')).toBe(false);

    await p.locator('#as-word').fill('接诉即办');
    await p.getByRole('button', { name: '添加' }).click();
    await p.locator('.assist-words li', { hasText: '接诉即办' }).waitFor();
    await p.getByRole('button', { name: '删除 接诉即办' }).click();
    await expect.poll(() => p.locator('.assist-words li', { hasText: '接诉即办' }).count()).toBe(0);

    await expectAccessible(p, 'assist-admin');
    expect(u.errors).toEqual([]);
  }, 120_000);
});
