/**
 * Checks the generator's SQL rollups against the product's rollup job: compute them (`computeRollups`, so
 * the check never compares what an earlier check left in the tables), queue every generated event, run the
 * real `rollup()` into emptied rollup tables and compare every grain row by row, and the drill-down ledger the
 * generator writes (generate/ledger.ts) with the one the job wrote, ticket by ticket. Used by `--quick` (and
 * the smoke test); at millions of tickets the job itself would take too long to be part of a run.
 */
import type { Sql } from 'postgres';
import { connect } from '../../db/client.ts';
import { testConfig } from '../../src/config.ts';
import { systemClock } from '../../src/domain/clock.ts';
import { EventBus } from '../../src/domain/events.ts';
import { CalendarStore } from '../../src/domain/calendar/store.ts';
import { rollup } from '../../src/domain/metrics/rollup.ts';
import { GRAINS } from '../../src/domain/metrics/grains.ts';
import { COUNTERS, counterColumn, type Counter } from '../../src/domain/metrics/counters.ts';
import { computeRollups } from './generate/rollups.ts';
import { computeLedger } from './generate/ledger.ts';
import { silentLogger } from './datasets.ts';

const TABLES = GRAINS.map((g) => g.tableName);
const LEDGER = 'metrics_ticket_ledger';
/** A ledger's rows as readers see them (a key netted to zero over several batches stays with value 0, and every reader skips it). */
const LEDGER_ROWS = (t: string) => `select counter, day, unit_id, appealed, ticket_id, value from ${t} where value <> 0`;

export type RollupCheck = {
  ok: boolean;
  rows: number;
  mismatches: number;
  /** The drill-down ledger: the generator's rows (non-zero) against those the rollup job wrote */
  ledger: { rows: number; mismatches: number };
  rollupSeconds: number;
  /** Each counter summed over the finest grain, as the rollup job counted it: what the generated data exercise */
  totals: Record<Counter, number>;
};

export async function verifyRollups(sql: Sql, url: string): Promise<RollupCheck> {
  await computeRollups(sql);
  await computeLedger(sql);
  for (const t of [...TABLES, LEDGER]) await sql.unsafe(`drop table if exists bench.expected_${t}; create table bench.expected_${t} as select * from ${t}`);
  await sql.unsafe(`truncate ${TABLES.join(', ')}, ${LEDGER}, metrics_queue; insert into metrics_queue (event_id) select id from ticket_events`);
  const database = await connect({ url, max: 2 });
  const t0 = performance.now();
  try {
    const deps = {
      db: database.db,
      database,
      config: testConfig(),
      logger: silentLogger,
      clock: systemClock,
      bus: new EventBus(),
      calendar: new CalendarStore(),
    };
    await rollup(deps, new Date(), { batchSize: 2000, maxBatches: 1_000_000 });
  } finally {
    await database.close();
  }
  const rollupSeconds = (performance.now() - t0) / 1000;
  let mismatches = 0;
  let rows = 0;
  for (const t of TABLES) {
    const [r] = await sql.unsafe(`select
      (select count(*) from (select * from ${t} except all select * from bench.expected_${t}) a)::int
      + (select count(*) from (select * from bench.expected_${t} except all select * from ${t}) b)::int as n,
      (select count(*) from ${t})::int as rows`);
    mismatches += r!.n;
    rows += r!.rows;
  }
  const [l] = await sql.unsafe(`select
    (select count(*) from (${LEDGER_ROWS(LEDGER)} except all ${LEDGER_ROWS(`bench.expected_${LEDGER}`)}) a)::int
    + (select count(*) from (${LEDGER_ROWS(`bench.expected_${LEDGER}`)} except all ${LEDGER_ROWS(LEDGER)}) b)::int as n,
    (select count(*) from ${LEDGER} where value <> 0)::int as rows`);
  const ledger = { rows: l!.rows, mismatches: l!.n };
  const [sums] = await sql.unsafe(`select ${COUNTERS.map((c) => `coalesce(sum(${counterColumn(c)}), 0)::bigint as "${c}"`).join(', ')} from metrics_daily`);
  const totals = Object.fromEntries(COUNTERS.map((c) => [c, Number(sums![c])])) as Record<Counter, number>;
  return { ok: mismatches === 0 && ledger.mismatches === 0 && ledger.rows > 0, rows, mismatches, ledger, rollupSeconds, totals };
}
