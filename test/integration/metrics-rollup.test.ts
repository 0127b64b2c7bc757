/**
 * The rollup against a full recomputation. Random journeys run through the real commands with an injected
 * clock (intake, dispatch, sign, contact, reply, returns, extensions, terminations, review, callbacks,
 * reopen, close, merges, appeals), the rollup job runs between steps in random batch sizes, and at the
 * end every counter of every (day, unit, category, channel, appealed) key — and of every coarser grain —
 * must equal what the oracle (./metrics-rollup-fixtures.ts) recomputes in one SQL statement from the raw tables — mostly the resulting state (tickets, assignments,
 * callbacks, appeals), the event rows only where state does not keep the fact (a contact's order, a reopen, the deadline a reply
 * or a termination request was judged against, the centre's waits). The SLA sweep runs between steps too, so completion clocks go
 * overdue while open. Natural-hour clocks never await the calendar: the pending counters are covered by the unit and formula tests.
 * The tests run in order on the journeys' data: exactly-once and moving units are checked over everything they made.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { metricsDaily, metricsSubtreeMonthly, ticketEvents, units } from '../../db/schema/index.ts';
import { driver as dbDriver } from '../setup/db.ts';
import { ROLLUP_LOCK_KEY, rollup } from '../../src/domain/metrics/rollup.ts';
import { sweep } from '../../src/domain/sla/sweep.ts';
import { GRAINS } from '../../src/domain/metrics/grains.ts';
import { DomainError } from '../../src/domain/errors.ts';
import { d, database, deps, expectRollupsMatch, MIN, rolledUp, sorted, useRollupWorld, w } from './metrics-rollup-fixtures.ts';
import { prelude, run, step } from './metrics-rollup-steps.ts';

useRollupWorld();

describe('the rollup equals a full recomputation', () => {
  it('after random journeys through the real commands, counted in random batches between the steps', async () => {
    await prelude();
    const seen = new Map<string, number>();
    const ROADS = ['dispatch', 'sign', 'contact', 'reply', 'approve reply', 'callback', 'appeal'];
    // A round of random journeys may, by chance, never reach a rare road (a callback needs dispatch, sign, reply and
    // approval first): another round, at most three in all, before the check below says the journeys went nowhere.
    for (let round = 0; round < 3 && ROADS.some((name) => !seen.get(name)); round++) {
      await fc.assert(
        fc.asyncProperty(
          fc.array(step, { minLength: 25, maxLength: 70 }),
          fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 }),
          async (steps, batches) => {
            const own: number[] = [];
            let b = 0;
            const nextBatch = () => batches[b++ % batches.length]!;
            for (const s of steps) {
              deps.clock.advance(s.advance * MIN);
              if (s.rollupFirst && s.pick % 3 === 0) await rollup(deps, deps.clock.now(), { batchSize: nextBatch(), maxBatches: 1 + (s.variant % 3) });
              // The sweep fires what fell due: completion clocks go overdue while their tickets are open.
              if (s.pick % 4 === 1) await sweep(deps, deps.clock.now());
              try {
                const name = await run(s, own);
                seen.set(name, (seen.get(name) ?? 0) + 1);
              } catch (err) {
                // A random pick can still be refused (e.g. an extension date the engine rejects): refused is fine, anything else is not.
                if (!(err instanceof DomainError)) throw err;
                seen.set(`refused ${err.code}`, (seen.get(`refused ${err.code}`) ?? 0) + 1);
              }
            }
            await rollup(deps, deps.clock.now(), { batchSize: nextBatch(), maxBatches: 10_000 });
            await expectRollupsMatch();
          },
        ),
        { numRuns: dbDriver === 'postgres' ? 25 : 8, endOnFailure: true },
      );
    }
    // The random journeys did go places (the prelude covers the rare roads).
    for (const name of ROADS) expect(seen.get(name) ?? 0, name).toBeGreaterThan(0);
    const appealed = await deps.db.select({ n: sql<number>`count(*)::int` }).from(metricsDaily).where(eq(metricsDaily.appealed, true));
    expect(appealed[0]!.n).toBeGreaterThan(0);
    // …and so did the new judgements: misses (overdue while open, late replies), the centre's decisions.
    const [t] = await deps.db
      .select({
        judged: sql<number>`sum(${metricsDaily.completionJudged})::int`,
        onTime: sql<number>`sum(${metricsDaily.closedOnTime})::int`,
        reviews: sql<number>`sum(${metricsDaily.reviewsDecided})::int`,
        rounds: sql<number>`sum(${metricsDaily.callbackRounds})::int`,
        waited: sql<number>`sum(${metricsDaily.dispatchWaitMinutes})::int`,
      })
      .from(metricsDaily);
    expect(t!.judged).toBeGreaterThan(t!.onTime);
    expect(t!.onTime).toBeGreaterThan(0);
    for (const k of ['reviews', 'rounds', 'waited'] as const) expect(t![k], k).toBeGreaterThan(0);
  }, 600_000);
});

describe('exactly once', () => {
  it('running again with nothing queued changes nothing', async () => {
    await rollup(deps, deps.clock.now());
    const before = await Promise.all(GRAINS.map((g) => rolledUp(g).then(sorted)));
    const r = await rollup(deps, deps.clock.now());
    expect(r.events).toBe(0);
    expect(await Promise.all(GRAINS.map((g) => rolledUp(g).then(sorted)))).toEqual(before);
  });

  it('an instance that finds the lock taken skips its turn and counts nothing', async () => {
    await d.create();
    await deps.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${ROLLUP_LOCK_KEY})`);
      if (dbDriver === 'postgres') {
        const r = await rollup(deps, deps.clock.now());
        expect(r).toMatchObject({ skipped: true, events: 0 });
      }
    });
    const queued = await database.query<{ n: string | number }>(`select count(*) as n from metrics_queue`);
    expect(Number(queued[0]!.n)).toBeGreaterThan(0);
    await rollup(deps, deps.clock.now());
    await expectRollupsMatch();
  }, 120_000); // the oracle reads every event of the random journeys: generous on a loaded machine

  it.runIf(dbDriver === 'postgres')(
    'an event committed after a later-numbered one is still counted, once; two instances never double-count',
    async () => {
      const x = await d.create();
      const y = await d.create();
      await rollup(deps, deps.clock.now());
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let inserted!: () => void;
      const insertedX = new Promise<void>((r) => (inserted = r));
      // A slow transaction takes the lower event id and commits last.
      const slow = deps.db.transaction(async (tx) => {
        await tx.execute(sql`select id from tickets where id = ${x.id} for update`);
        await tx
          .insert(ticketEvents)
          .values({ ticketId: x.id, type: 'contact_linked', version: x.version, payload: { channel: 'phone' }, createdAt: deps.clock.now() });
        inserted();
        await held;
      });
      await insertedX;
      await d.repeat(y.id); // a higher event id, committed first
      const first = await rollup(deps, deps.clock.now());
      expect(first.events).toBeGreaterThan(0);
      release();
      await slow;
      const [r1, r2] = await Promise.all([rollup(deps, deps.clock.now(), { batchSize: 1 }), rollup(deps, deps.clock.now(), { batchSize: 1 })]);
      expect(r1.events + r2.events).toBe(1);
      await expectRollupsMatch();
    },
    120_000,
  ); // the oracle reads every event of the random journeys: generous on a loaded machine
});

describe('the subtree grain when units move', () => {
  /** Moves a unit and everything below it under another parent, in one transaction, as an admin's SQL would. */
  async function move(unit: { id: number }, to: { id: number; path: string }) {
    await deps.db.transaction(async (tx) => {
      const [u] = await tx.select({ path: units.path }).from(units).where(eq(units.id, unit.id));
      const newPath = `${to.path}${unit.id}/`;
      await tx.update(units).set({ parentId: to.id }).where(eq(units.id, unit.id));
      await tx.execute(sql`update units set path = ${newPath} || substr(path, ${u!.path.length + 1}) where path like ${`${u!.path}%`}`);
    });
  }

  it('follows a street (with its community) to another district, in the moving transaction, and the rollup goes on from there', async () => {
    await rollup(deps, deps.clock.now());
    const districtBefore = await deps.db.select().from(metricsSubtreeMonthly).where(eq(metricsSubtreeMonthly.unitId, w.units.districtA.id));
    expect(districtBefore.length).toBeGreaterThan(0);
    const community = await deps.db.select({ path: units.path }).from(units).where(eq(units.id, w.units.communityA.id));
    expect(community[0]!.path.startsWith(w.units.streetA.path)).toBe(true);
    await move(w.units.streetA, w.units.districtB);
    await expectRollupsMatch();
    // New counts after the move go to the new district (and the centre), not the old one.
    await d.create();
    await rollup(deps, deps.clock.now());
    await expectRollupsMatch();
    await move(w.units.streetA, w.units.districtA);
    await expectRollupsMatch();
  }, 120_000); // the oracle reads every event of the random journeys: generous on a loaded machine
});
