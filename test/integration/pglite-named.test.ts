/**
 * PGlite: statements with parameters run as named prepared statements (db/pglite-named.ts), parsed and planned
 * once per instance, with the same values, rows, errors, transactions and locks as PGlite's own `query`.
 * Against in-memory PGlite instances (real engines), one wrapped and one plain, compared; and drizzle on the
 * migrated database as the app runs it. PostgreSQL has its own test (prepared-statements.test.ts).
 */
import { PGlite, types } from '@electric-sql/pglite';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Database } from '../../db/client.ts';
import { withNamedStatements } from '../../db/pglite-named.ts';
import { categories } from '../../db/schema/index.ts';
import { rowsOf } from '../../src/domain/tickets/queries.ts';
import { driver, freshDatabase } from '../setup/db.ts';

const TABLE = `create table t (
  id int primary key, name text, at timestamptz, doc jsonb, tags text[], n numeric, big bigint, ok boolean, raw bytea)`;

async function named(pg: PGlite, text: string): Promise<string[]> {
  const { rows } = await pg.query<{ name: string }>(`select name from pg_prepared_statements where statement = $1 and name like 'jiesu\\_%'`, [text]);
  return rows.map((r) => r.name);
}

describe.runIf(driver === 'pglite')('named statements on PGlite', () => {
  let raw: PGlite;
  let pg: PGlite;
  let plain: PGlite;
  beforeAll(async () => {
    raw = await PGlite.create();
    pg = withNamedStatements(raw, { max: 20 });
    plain = await PGlite.create();
    for (const db of [raw, plain]) await db.exec(TABLE);
  });
  afterAll(async () => {
    await raw?.close();
    await plain?.close();
  });

  it('run a statement’s first call unnamed, prepare it on the second and run it by name after that', async () => {
    const text = 'select id from t where id = $1';
    await pg.query(text, [1]);
    expect(await named(raw, text)).toEqual([]);
    await pg.query(text, [2]);
    await pg.query(text, [3]);
    expect(await named(raw, text)).toHaveLength(1);
  });

  /** Runs `text` once to pass its first (unnamed) call, then as a named statement; the second result. */
  async function byName<T>(text: string, params: unknown[], options?: Parameters<PGlite['query']>[2]) {
    await pg.query(text, params, options);
    const result = await pg.query<T>(text, params, options);
    expect(await named(raw, text)).toHaveLength(1);
    return result;
  }

  it('write and read every kind of value as PGlite does, with the caller’s parsers and row mode', async () => {
    const row = [
      7,
      '名字 ü',
      new Date('2026-12-07T10:00:00.123Z'),
      { a: [1, '二'] },
      ['x', 'y,z', null],
      '12.50',
      9007199254740993n,
      true,
      new Uint8Array([0, 1, 255]),
    ];
    const insert = 'insert into t values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning *';
    await pg.query(insert, [6, ...row.slice(1)]);
    await plain.query(insert, [6, ...row.slice(1)]);
    const mine = await pg.query(insert, row);
    expect(await named(raw, insert)).toHaveLength(1);
    const theirs = await plain.query(insert, row);
    expect(mine).toEqual(theirs);
    expect(mine.affectedRows).toBe(1);
    const update = 'update t set ok = $1 where id >= $2';
    expect(await byName(update, [false, 0])).toEqual(await plain.query(update, [false, 0]));
    const none = 'select id, name from t where id < $1';
    expect(await byName(none, [0])).toEqual(await plain.query(none, [0]));
    const options = { rowMode: 'array' as const, parsers: { [types.TIMESTAMPTZ]: (v: string) => `at ${v}` } };
    const select = 'select at, name, doc from t where id = $1 and name = $2';
    const got = await byName(select, [7, '名字 ü'], options);
    expect(got).toEqual(await plain.query(select, [7, '名字 ü'], options));
    expect(String((got.rows[0] as unknown[])[0])).toMatch(/^at 2026-12-07/);
    const nulls = await byName<{ name: string | null }>('select $1::text as name, $2::int as n', [null, undefined]);
    expect(nulls.rows).toEqual([{ name: null, n: null }]);
  });

  it('throw the database’s error with its code and the query, and carry on after it', async () => {
    const insert = 'insert into t (id, name) values ($1, $2)';
    await pg.query(insert, [100, 'a']);
    await pg.query(insert, [101, 'b']);
    expect(await named(raw, insert)).toHaveLength(1);
    const e = await pg.query(insert, [100, 'c']).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: '23505', query: insert, params: [100, 'c'] });
    for (let i = 0; i < 2; i++) {
      const bad = await pg.query('select nothing_here from t where id = $1', [1]).catch((x: unknown) => x);
      expect(bad).toMatchObject({ code: '42703' });
    }
    await pg.query(insert, [102, 'd']);
    expect((await byName('select count(*)::int as n from t where id >= $1', [100])).rows).toEqual([{ n: 3 }]);
  });

  it('keep a transaction’s statements in it: rolled back on error, invisible to others until commit', async () => {
    const insert = 'insert into t (id, name) values ($1, $2)';
    expect(await named(raw, insert)).toHaveLength(1);
    await expect(
      pg.transaction(async (tx) => {
        await tx.query(insert, [200, 'in tx']);
        await tx.query(insert, [200, 'again']);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect((await pg.query('select id from t where id = $1', [200])).rows).toEqual([]);
    const order: string[] = [];
    await Promise.all([
      pg.transaction(async (tx) => {
        await tx.query(insert, [201, 'first']);
        await new Promise((r) => setTimeout(r, 20));
        order.push('tx');
      }),
      pg.query('select id from t where id = $1', [201]).then(({ rows }) => order.push(`outside saw ${rows.length}`)),
    ]);
    expect(order).toEqual(['tx', 'outside saw 1']);
    const closed = await pg.transaction(async (tx) => tx);
    await expect(closed.query('select $1::int', [1])).rejects.toThrow('Transaction is closed');
  });

  it('prepare again when a table change makes a statement’s result type stale: at once outside a transaction, next time inside', async () => {
    await raw.exec('create table s (a int)');
    await pg.query('insert into s values ($1)', [1]);
    const text = 'select * from s where a = $1';
    expect((await byName(text, [1])).rows).toEqual([{ a: 1 }]);
    await raw.exec('alter table s add column b text default $$x$$');
    expect((await pg.query(text, [1])).rows).toEqual([{ a: 1, b: 'x' }]);
    await raw.exec('alter table s add column c int default 3');
    await expect(pg.transaction((tx) => tx.query(text, [1]))).rejects.toMatchObject({ code: '0A000' });
    expect((await pg.query(text, [1])).rows).toEqual([{ a: 1, b: 'x', c: 3 }]);
  });

  it('keep at most the set number of statements, closing the least recently used', async () => {
    const text = (i: number) => `select $1::int + ${i} as n`;
    for (let i = 0; i < 30; i++) for (let k = 0; k < 2; k++) await pg.query(text(i), [i]);
    const kept = async () =>
      (await raw.query<{ statement: string }>(`select statement from pg_prepared_statements where name like 'jiesu\\_%'`)).rows.map((r) => r.statement);
    expect(await kept()).toHaveLength(20);
    expect(await kept()).toContain(text(29));
    expect(await kept()).not.toContain(text(9));
    await pg.query(text(10), [1]); // the oldest now used again: the next to go is 11
    await pg.query(text(30), [1]);
    await pg.query(text(30), [1]);
    expect(await kept()).toEqual(expect.arrayContaining([text(10), text(30)]));
    expect(await kept()).not.toContain(text(11));
    expect((await pg.query(text(9), [1])).rows).toEqual([{ n: 10 }]);
    const once = 'select $1::int * 2 as n';
    await pg.query(once, [2]);
    expect(await kept()).not.toContain(once);
  });
});

describe.runIf(driver === 'pglite')('drizzle on the app’s PGlite', () => {
  let database: Database;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('runs the query builder’s and raw SQL’s statements by name, in and out of transactions', async () => {
    for (let i = 0; i < 2; i++) {
      await database.db.select({ id: categories.id }).from(categories).where(eq(categories.id, 424242));
      await database.db.transaction((tx) => tx.execute(sql`select ${'probe'}::text as probe`));
    }
    const rows = rowsOf<{ statement: string }>(await database.db.execute(sql`select statement from pg_prepared_statements where name like ${'jiesu\\_%'}`));
    expect(rows.some((r) => r.statement.includes('from "categories"'))).toBe(true);
    expect(rows.some((r) => r.statement.includes('as probe'))).toBe(true);
  });

  it('runs every statement unnamed with prepare: false (DATABASE_PREPARE=false)', async () => {
    const plain = await connect({ prepare: false });
    try {
      await plain.db
        .select({ id: categories.id })
        .from(categories)
        .where(eq(categories.id, 424242))
        .catch(() => []);
      for (let i = 0; i < 2; i++) await plain.db.execute(sql`select ${'probe'}::text as probe`);
      expect(rowsOf(await plain.db.execute(sql`select name from pg_prepared_statements`))).toEqual([]);
    } finally {
      await plain.close();
    }
  });
});
