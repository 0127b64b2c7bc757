/**
 * The demo city's starter models (src/demo/starter-models.ts): trained on a year of the demo corpus at the first
 * start, because the demo's own history is too small to learn from; marked as such; good enough that a demand about
 * a street lamp suggests 路灯故障 first; and the nightly job leaves them alone while too few tickets have closed.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { categories } from '../../db/schema/index.ts';
import { demandFeatures } from '../../src/domain/assist/classifier.ts';
import { segmenterFor } from '../../src/domain/assist/lexicon.ts';
import { forgetModels, modelFor } from '../../src/domain/assist/models.ts';
import { modelVersions } from '../../src/domain/assist/status.ts';
import { seedStarterModels } from '../../src/demo/starter-models.ts';
import { retrainNightly } from '../../src/domain/assist/scheduled-training.ts';
import { seedDemo } from '../../src/seed/city.ts';
import { freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';

let database: Database;
let deps: TestDeps;
const NOW = new Date('2026-03-10T02:00:00Z');

beforeAll(async () => {
  database = await freshDatabase();
  deps = makeDeps(database, {}, NOW.toISOString());
  await seedDemo(deps.db);
  forgetModels();
}, 120_000);
afterAll(async () => {
  forgetModels();
  await database?.close();
});

it('are version 1 of both targets, learned from the demo corpus, well above the most frequent class on its newest tenth', async () => {
  const models = await seedStarterModels(deps.db, NOW);
  expect(models.map((m) => [m.target, m.version])).toEqual([
    ['category', 1],
    ['unit', 1],
  ]);
  for (const m of models) {
    expect(m.evaluation.source).toBe('demo corpus');
    expect(m.samples).toBeGreaterThan(5000);
    expect(m.evaluation.top1!).toBeGreaterThan(m.evaluation.majorityTop1! + 0.3);
  }
}, 120_000);

it('suggest 路灯故障 first for a caller’s street lamp, in the caller’s words', async () => {
  const m = await modelFor(deps.db, 'category', { fresh: true });
  const [top] = m!.predictor.predict(
    demandFeatures(await segmenterFor(deps.db), { content: '我家楼下那个路灯都坏了一个多星期了，晚上黑灯瞎火的，老人出门不方便' }),
    3,
  );
  const [c] = await deps.db.select({ name: categories.name }).from(categories).where(eq(categories.id, top!.label));
  expect(c!.name).toBe('路灯故障');
});

it('stay in use: the nightly job does not replace them while fewer tickets have closed than a first model waits for', async () => {
  expect(await retrainNightly(deps, NOW)).toBeNull();
  expect(await modelVersions(deps.db, 'category')).toEqual([1]);
});
