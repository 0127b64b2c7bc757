/**
 * Migration 0026: every new session of a migrated database runs without JIT compilation (docs/search.md, "JIT").
 * PostgreSQL: a database of its own, migrated from empty (a clone of the run's template would not carry the
 * database's settings). PGlite: the run's migrated template, loaded as every test's database is, holds the setting.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { connect, migrate } from '../../db/client.ts';
import { withDatabase } from '../setup/global.ts';
import { driver, freshDatabase } from '../setup/db.ts';

describe('migrations turn JIT off for the database', () => {
  it.runIf(driver === 'postgres')(
    'a new session of a freshly migrated PostgreSQL database has jit = off',
    async () => {
      const url = process.env.DATABASE_URL!;
      const name = `jiesu_jit_${randomBytes(5).toString('hex')}`;
      const admin = await connect({ url, max: 1 });
      await admin.query(`create database ${name}`);
      try {
        const dbUrl = withDatabase(url, name);
        const db = await connect({ url: dbUrl, max: 1 });
        expect((await db.query<{ jit: string }>('show jit'))[0]!.jit).toBe('on');
        await migrate(db, dbUrl);
        await db.close();
        const again = await connect({ url: dbUrl, max: 1 });
        expect((await again.query<{ jit: string }>('show jit'))[0]!.jit).toBe('off');
        await again.close();
      } finally {
        await admin.query(`drop database if exists ${name} with (force)`);
        await admin.close();
      }
    },
    120_000,
  );

  it.runIf(driver === 'pglite')('on PGlite, which has no JIT, the migrated database still records jit = off', async () => {
    // PGlite is built without LLVM, and a loaded data folder's first session does not read the database's
    // settings: what the migration leaves there is the recorded setting.
    const db = await freshDatabase();
    try {
      expect((await db.query<{ a: boolean }>('select pg_jit_available() as a'))[0]!.a).toBe(false);
      const rows = await db.query<{ setconfig: string[] }>(
        'select s.setconfig from pg_db_role_setting s join pg_database d on d.oid = s.setdatabase where d.datname = current_database() and s.setrole = 0',
      );
      expect(rows.flatMap((r) => r.setconfig)).toContain('jit=off');
    } finally {
      await db.close();
    }
  });
});
