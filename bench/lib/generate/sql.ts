/** What the generator's parts share: the dataset's year and "now", the draws' weights, and time expressions in SQL. */
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
