/**
 * The demo on a first start (main.ts, npm run db:seed): the city (src/seed/city.ts) and, right after it and only
 * then, its history (history.ts) — never twice, never onto a city already in use.
 *
 * Several instances starting together on one empty PostgreSQL: each takes this transaction-scoped advisory
 * lock first, so one seeds the city and its history while the others wait, then find the city there and go
 * on. Without it a second instance would start its jobs while the first still simulates the past, and its
 * SLA sweep would fire the history's warnings at the real "now". (PGlite is one process per data folder.)
 */
import { sql } from 'drizzle-orm';
import { seedDemo } from '../seed/city.ts';
import type { HistoryReport } from './history.ts';
import { seedDemoHistory, type HistoryBase } from './history.ts';
import { seedStarterModels } from './starter-models.ts';

/** pg advisory lock key of the first start's demo seeding ("jiesu demo"); 7212349 is the city's own. */
export const DEMO_SEED_LOCK_KEY = 7212350;

export async function seedDemoOnce(base: HistoryBase, opts: { historyDays: number; now?: Date }): Promise<{ seeded: boolean; history: HistoryReport | null }> {
  const run = async () => {
    const r = await seedDemo(base.db, { log: (m) => base.logger.info(m) });
    if (!r.seeded) return { seeded: false, history: null };
    base.logger.info('demo city seeded');
    const history = await seedDemoHistory(base, { days: opts.historyDays, now: opts.now });
    const models = await seedStarterModels(base.db, opts.now ?? new Date());
    base.logger.info(
      { models: models.map((m) => `${m.target} v${m.version} (${m.samples} demands, held-out top-1 ${m.evaluation.top1?.toFixed(2)})`) },
      'demo suggestion models trained on the demo corpus',
    );
    return { seeded: true, history };
  };
  if (base.database.driver !== 'postgres') return run();
  // The lock's connection waits idle in its transaction while the seeding runs on the pool's others.
  return base.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${DEMO_SEED_LOCK_KEY})`);
    return run();
  });
}
