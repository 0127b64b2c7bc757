/**
 * Suggestions never sent with a ticket (every pause in the typing leaves one) are deleted by the nightly job after
 * 30 days; those a ticket was created with stay, whatever their age (the weekly accuracy is read from them).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { assistSuggestions } from '../../db/schema/index.ts';
import { UNLINKED_SUGGESTION_DAYS } from '../../src/domain/assist/suggestion-retention.ts';
import { retrainNightly } from '../../src/domain/assist/scheduled-training.ts';
import { freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { makeWorld, type World } from '../setup/world.ts';
import { writeClosedHistory } from './closed-history.ts';

let database: Database;
let deps: TestDeps;
let w: World;
const NOW = new Date('2026-03-10T02:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);

beforeAll(async () => {
  database = await freshDatabase();
  deps = makeDeps(database, {}, NOW.toISOString());
  w = await makeWorld(deps.db);
});
afterAll(async () => {
  await database?.close();
});

it(`the nightly job deletes suggestions never sent with a ticket after ${UNLINKED_SUGGESTION_DAYS} days, and keeps the ones a ticket was made with`, async () => {
  const c = w.category.id;
  const u = w.units.streetA.id;
  const { ids } = await writeClosedHistory(deps.db, {
    count: 2,
    category: { lamp: c, noise: c, rubbish: c, water: c },
    unit: { lamp: u, noise: u, rubbish: u, water: u },
    streets: [u, w.units.streetB.id],
    returnedUnit: w.units.districtB.id,
    start: daysAgo(60),
    prefix: 'SR',
  });
  const rows = await deps.db
    .insert(assistSuggestions)
    .values([
      { userId: w.operator.id, createdAt: daysAgo(UNLINKED_SUGGESTION_DAYS + 10) }, // a pause in an old call: goes
      { userId: w.operator.id, createdAt: daysAgo(UNLINKED_SUGGESTION_DAYS - 1) }, // recent: stays
      { userId: w.operator.id, createdAt: daysAgo(UNLINKED_SUGGESTION_DAYS + 20), ticketId: ids[0]!, chosenCategoryId: c }, // linked: stays
    ])
    .returning({ id: assistSuggestions.id });
  // Two closed tickets: the job purges, then leaves the models alone (fewer than a first model waits for).
  expect(await retrainNightly(deps, NOW)).toBeNull();
  const left = (await deps.db.select({ id: assistSuggestions.id }).from(assistSuggestions)).map((r) => r.id).sort((a, b) => a - b);
  expect(left).toEqual([rows[1]!.id, rows[2]!.id]);
});
