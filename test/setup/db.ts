import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { connect, type Database } from '../../db/client.ts';
import { testConfig, type Config } from '../../src/config.ts';
import { fixedClock } from '../../src/domain/clock.ts';
import { EventBus } from '../../src/domain/events.ts';
import { CalendarStore } from '../../src/domain/calendar/store.ts';
import type { Deps } from '../../src/deps.ts';
import { pino } from 'pino';
import { withDatabase } from './global.ts';
import { keyringOf, TEST_KEYS, useKeyring } from '../../src/domain/privacy/keyring.ts';

// Every test process encrypts callers' data with the fixed test keys (testConfig's JIESU_KEYS says the same).
useKeyring(keyringOf(TEST_KEYS));

export const driver: 'pglite' | 'postgres' = process.env.DATABASE_URL ? 'postgres' : 'pglite';

/** A fresh, migrated database of its own: a clone of the run's template (PostgreSQL) or a loaded dump (PGlite). */
export async function freshDatabase(opts: { max?: number } = {}): Promise<Database & { url?: string }> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const name = `jiesu_t_${process.ppid}_${randomBytes(6).toString('hex')}`;
    const admin = await connect({ url, max: 1 });
    await admin.query(`create database ${name} template ${inject('pgTemplate')}`);
    await admin.close();
    const dbUrl = withDatabase(url, name);
    const database = await connect({ url: dbUrl, max: opts.max ?? 10 });
    return {
      ...database,
      url: dbUrl,
      close: async () => {
        await database.close();
        const a = await connect({ url, max: 1 });
        await a.query(`drop database if exists ${name} with (force)`);
        await a.close();
      },
    };
  }
  const file = inject('pgliteTemplate');
  const blob = new Blob([fs.readFileSync(file)]);
  return connect({ loadDataDir: blob });
}

export type TestDeps = Deps & { clock: ReturnType<typeof fixedClock> };

export function makeDeps(database: Database, config: Partial<Config> = {}, now = '2026-03-10T02:00:00Z'): TestDeps {
  return {
    db: database.db,
    database,
    config: testConfig(config),
    logger: pino({ level: 'silent' }),
    clock: fixedClock(now),
    bus: new EventBus(),
    calendar: new CalendarStore(),
  };
}
