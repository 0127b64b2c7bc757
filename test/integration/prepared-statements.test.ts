/**
 * PostgreSQL: drizzle's queries go out as named prepared statements (db/client.ts), so postgres.js does not
 * ask the server to describe each one before sending it (two round trips, nothing pipelined behind it).
 * `prepare: false` (pgbouncer in transaction mode) turns it off. PGlite has no wire protocol: nothing to check.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Database } from '../../db/client.ts';
import { categories } from '../../db/schema/index.ts';
import { rowsOf } from '../../src/domain/tickets/queries.ts';
import { driver, freshDatabase } from '../setup/db.ts';

describe.runIf(driver === 'postgres')('prepared statements (PostgreSQL)', () => {
  let database: Database & { url?: string };
  beforeAll(async () => {
    database = await freshDatabase({ max: 2 });
  });
  afterAll(async () => {
    await database?.close();
  });

  /** Statements this session holds prepared, after a parameterised select and a parameterised raw query in one transaction. */
  async function preparedIn(db: Database['db']) {
    return db.transaction(async (tx) => {
      await tx.select({ id: categories.id }).from(categories).where(eq(categories.id, 424242));
      await tx.execute(sql`select ${'probe'}::text as probe`);
      const rows = rowsOf<{ statement: string }>(
        await tx.execute(
          sql`select statement from pg_prepared_statements where statement like ${'%424242%'} or statement like ${'%probe%'} or statement like ${'%"categories"%'}`,
        ),
      );
      return rows.map((r) => r.statement);
    });
  }

  it('are named and kept by the connection, for query builders and raw SQL alike', async () => {
    const statements = await preparedIn(database.db);
    expect(statements.some((s) => s.includes('from "categories"'))).toBe(true);
    expect(statements.some((s) => s.includes('as probe'))).toBe(true);
  });

  it('are off with prepare: false', async () => {
    const plain = await connect({ url: database.url!, max: 1, prepare: false });
    try {
      expect(await preparedIn(plain.db)).toEqual([]);
    } finally {
      await plain.close();
    }
  });
});
