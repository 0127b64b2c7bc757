/** What the generator's parts share: the dataset's year and "now", the draws' weights, and time expressions in SQL. */
import os from 'node:os';
import postgres from 'postgres';
import { testConfig } from '../../../src/config.ts';

export const DATASET_NOW = '2026-01-01T00:00:00+08:00';
export const YEAR_START = '2025-01-01T00:00:00+08:00';
export const CHANNELS = ['phone', 'online', 'window', 'open311', 'bad_review'] as const;
/** The product's default limits (src/config.ts): the centre's clocks, the callback day, the attempts. */
export const CONFIG = testConfig();

export const NOW = `'${DATASET_NOW}'::timestamptz`;
export const day = (col: string) => `((${col}) at time zone 'Asia/Shanghai')::date`;
/** An instant as the product writes it in payloads (Date.toISOString()). */
export const iso = (col: string) => `to_char((${col}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
/** The sweep's first run at or after an instant (it runs every minute). */
export const ceilMinute = (col: string) =>
  `(date_trunc('minute', ${col}) + case when ${col} > date_trunc('minute', ${col}) then interval '1 minute' else interval '0' end)`;

/**
 * Runs a bulk-load statement over ranges of ticket ids at once, each on a connection of its own (as a session
 * of the load: no triggers or foreign-key checks): INSERT … SELECT never runs in parallel by itself, and the
 * events' payloads are CPU-bound. One range per core, at most 4.
 */
export async function inParallel(url: string, n: number, statement: (lo: number, hi: number) => string) {
  const ways = Math.max(1, Math.min(4, os.availableParallelism(), Math.ceil(n / 50_000)));
  const conns = Array.from({ length: ways }, () => postgres(url, { max: 1, onnotice: () => {} }));
  try {
    await Promise.all(
      conns.map(async (c, i) => {
        await c.unsafe(`set session_replication_role = replica; set jit = off`);
        await c.unsafe(statement(Math.floor((n * i) / ways) + 1, Math.floor((n * (i + 1)) / ways)));
      }),
    );
  } finally {
    await Promise.all(conns.map((c) => c.end()));
  }
}
