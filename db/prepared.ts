/**
 * Statements drizzle builds once and runs many times, on any handle of the same driver — the pool or a
 * transaction.
 *
 * Building a statement is most of drizzle's cost on the hot path (intake's profile in docs/benchmarks.md: for
 * each insert it walks every column, wraps every value and renders the SQL text). drizzle's own `.prepare()`
 * builds once with `sql.placeholder`s, but binds the result to the handle it was built on, and a transaction's
 * handle lasts one request. Here the built statement is kept per driver and each run hands it the client of the
 * handle it runs on (the transaction's connection), so a command's statements still travel in its transaction.
 * The values still pass through each column's encoder (timestamps, jsonb, the encrypted columns), and the rows
 * back through its decoder, exactly as an ordinary drizzle query does.
 */
import { is, sql, SQL, type Column } from 'drizzle-orm';
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import type { Db } from './client.ts';

type Prepared<R = unknown> = { execute(values?: Record<string, unknown>): Promise<R> };
type Session = { client: unknown; constructor: unknown };

/** Statement shapes kept per driver; a shape past the bound is built afresh each time (still correct). */
const MAX_SHAPES = 2_000;
const shapes = new Map<unknown, Map<string, Prepared<never>>>();

function sessionOf(db: Db): Session {
  return (db as unknown as { _: { session: Session } })._.session;
}

/**
 * Runs the statement `build` makes (a drizzle query with `sql.placeholder`s, `.prepare(key)`d), built on first use
 * per driver and kept under `key`, on `db`'s connection with these placeholder values. A placeholder compared
 * with a column skips the column's encoder: pass what the driver takes (a timestamp as an ISO string, cast).
 */
export function runPrepared<R>(db: Db, key: string, build: (db: Db) => Prepared<R>, values: Record<string, unknown>): Promise<R> {
  const session = sessionOf(db);
  let byKey = shapes.get(session.constructor);
  if (!byKey) shapes.set(session.constructor, (byKey = new Map()));
  let prepared = byKey.get(key) as Prepared<R> | undefined;
  if (!prepared) {
    prepared = build(db);
    if (byKey.size < MAX_SHAPES) byKey.set(key, prepared as Prepared<never>);
  }
  // The kept statement, run on this handle's client (a transaction's reserved connection, or the pool).
  const run = Object.create(prepared) as Prepared<R> & { client: unknown };
  run.client = session.client;
  return run.execute(values);
}

/**
 * A raw SQL statement (what `db.execute(sql\`…\`)` runs), built once per driver under `key`: its values as
 * `sql.placeholder(name)`, given in `values`. Rows come back as the driver gives them (`rowsOf`).
 */
export function executePrepared(db: Db, key: string, build: () => SQL, values: Record<string, unknown>): Promise<unknown> {
  return runPrepared(
    db,
    key,
    (d) => {
      const { dialect, _ } = d as unknown as { dialect: { sqlToQuery(s: SQL): unknown }; _: { session: PreparingSession } };
      return _.session.prepareQuery(dialect.sqlToQuery(build()), undefined, key, false);
    },
    values,
  );
}
type PreparingSession = { prepareQuery(q: unknown, fields: undefined, name: string, arrayMode: boolean): Prepared };

type Returning = Record<string, Column | SQL> | true | undefined;

function returningKey(r: Returning): string {
  if (r === undefined) return '-';
  if (r === true) return '*';
  return Object.entries(r)
    .map(([k, v]) => (is(v, SQL) ? `${k}=sql` : `${k}=${(v as Column).name}`))
    .join(',');
}

/**
 * `insert into table (…) values (…), … [returning …]`, built once per shape: the table, the columns each row
 * sets (a value left `undefined` takes the column's default; a `null` is written as null), the number of rows and
 * what is returned (SQL in it: name the statement with `key`). Plain values become placeholders. A value that is an SQL expression is built into the kept
 * statement, so it must be the same on every call (its own values as `sql.placeholder(name)`, given in
 * `params`), and the call must name the statement (`key`). `overriding`: the row brings its identity value.
 */
export function insertRows<R = unknown>(
  db: Db,
  table: PgTable,
  rows: Record<string, unknown>[],
  opts: { returning?: Returning; key?: string; params?: Record<string, unknown>; overriding?: boolean } = {},
): Promise<R[]> {
  const name = getTableConfig(table).name;
  const cols = rows.map((row) =>
    Object.keys(row)
      .filter((k) => row[k] !== undefined)
      .map((k) => (row[k] === null ? `${k}:null` : is(row[k], SQL) ? `${k}:sql` : k))
      .join(','),
  );
  const rk = returningKey(opts.returning);
  if (!opts.key && (rk.includes('=sql') || cols.some((c) => c.includes(':sql'))))
    throw new Error(`insertRows(${name}): SQL values or SQL in returning need a statement key`);
  const key = `insert ${name}${opts.overriding ? ' overriding' : ''} ${opts.key ?? ''} ${cols.join('|')} returning ${rk}`;
  const values: Record<string, unknown> = { ...opts.params };
  rows.forEach((row, i) => {
    for (const k in row) {
      const v = row[k];
      if (v !== undefined && v !== null && !is(v, SQL)) values[`${i}.${k}`] = v;
    }
  });
  const build = (db: Db) => {
    const placeholders = rows.map((row, i) => {
      const out: Record<string, unknown> = {};
      for (const k in row) {
        const v = row[k];
        if (v === undefined) continue;
        out[k] = v === null || is(v, SQL) ? v : sql.placeholder(`${i}.${k}`);
      }
      return out;
    });
    const q = (opts.overriding ? db.insert(table).overridingSystemValue() : db.insert(table)).values(placeholders as never);
    const r = opts.returning;
    return (r === undefined ? q : r === true ? q.returning() : q.returning(r as never)).prepare(key) as unknown as Prepared<R[]>;
  };
  return runPrepared(db, key, build, values);
}
