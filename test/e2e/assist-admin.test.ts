/**
 * The system administrator's 智能辅助 screen in Chromium: the model versions trained from closed tickets with their
 * held-out figures, the threshold saved, the switch turned off (and the status follows), a word added and removed.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { assistSettings, categories, units } from '../../db/schema/index.ts';
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

describe('智能辅助 (assisted intake administration)', () => {
  it('shows the trained versions, saves the threshold and the switch, and edits the words', async () => {
    const trained = await trainOnHistory();
    expect(trained.models).toHaveLength(2);
    const u = s.keep(await signIn(s.browser, s.app, 'admin', '/wallboard'));
    const p = u.page;
    p.setDefaultTimeout(8000);
    await p.goto('/assist');
    await p.getByRole('heading', { name: '智能辅助', level: 1 }).waitFor();

    const rows = p.locator('#assist-models tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await p.locator('#assist-models tr[data-target="category"][data-version="1"]').textContent()).toContain('v1');

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
