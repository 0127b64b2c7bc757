/**
 * The drill-down ledger (metrics_ticket_ledger) the rollup job would write for the generated events: the same
 * contributions as the rollup rows (rollups.ts), per ticket instead of summed — each ticket's value per
 * (counter, day, unit, appeal side), netted, zeros left out (the rollup writes no key that nets to zero in its
 * batch). Computed in SQL from bench.t, one scan per range of ticket ids: each ticket's contributions unpivoted
 * and netted in a lateral subquery.
 */
import type { Sql } from 'postgres';
import { CONTRIBUTIONS } from './rollups.ts';
import { inParallel } from './sql.ts';

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** (counter, day, unit, value) of every contribution of a bench.t row `t`; a value outside its contribution's rows is 0. */
const UNPIVOT = CONTRIBUTIONS.flatMap((k) =>
  Object.entries(k.counts).map(([counter, value]) => `(${quote(counter)}, ${k.day}, (${k.unit})::int, case when ${k.where} then (${value})::int else 0 end)`),
).join(',\n        ');

/** The INSERT of the ledger rows of tickets lo..hi (bench.t must exist). */
export const ledgerSql = (lo: number, hi: number) => `
  insert into metrics_ticket_ledger (counter, day, unit_id, appealed, ticket_id, value)
  select x.counter, x.day, x.unit_id, false, t.id, x.value
  from bench.t t cross join lateral (
    select v.counter, v.day, v.unit_id, sum(v.value)::int as value
    from (values
        ${UNPIVOT}) as v(counter, day, unit_id, value)
    where v.value <> 0 group by 1, 2, 3 having sum(v.value) <> 0) x
  where t.id between ${lo} and ${hi}`;

/** The ledger's key and indexes dropped for a bulk load; returns what rebuilds them (one sorted build each). */
export async function withoutLedgerIndexes(sql: Sql): Promise<() => Promise<void>> {
  const keys = await sql<{ name: string; def: string }[]>`
    select conname as name, pg_get_constraintdef(oid) as def from pg_constraint where conrelid = 'metrics_ticket_ledger'::regclass and contype = 'p'`;
  const indexes = await sql<{ name: string; def: string }[]>`
    select indexname as name, indexdef as def from pg_indexes where schemaname = 'public' and tablename = 'metrics_ticket_ledger'
      and indexname not in (select conname from pg_constraint where contype in ('p', 'u', 'x'))`;
  for (const ix of indexes) await sql.unsafe(`drop index ${ix.name}`);
  for (const k of keys) await sql.unsafe(`alter table metrics_ticket_ledger drop constraint ${k.name}`);
  return async () => {
    for (const k of keys) await sql.unsafe(`alter table metrics_ticket_ledger add constraint ${k.name} ${k.def}`);
    for (const ix of indexes) await sql.unsafe(ix.def);
  };
}

/** The whole ledger afresh on one connection (small datasets: the smoke test's check). */
export async function computeLedger(sql: Sql): Promise<number> {
  const [r] = await sql`select coalesce(max(id), 0)::bigint as n from bench.t`;
  await sql.unsafe(`truncate metrics_ticket_ledger; set jit = off`);
  await sql.unsafe(ledgerSql(1, Number(r!.n)));
  const [c] = await sql`select count(*)::int as n from metrics_ticket_ledger`;
  return c!.n;
}

/**
 * The drill-down ledger of the generated tickets (`n`, in bench.t), replacing what the table held: its key and
 * indexes dropped, the rows written over ranges of tickets at once, the key and indexes built once after.
 */
export async function fillLedger(sql: Sql, url: string, n: number): Promise<number> {
  await sql.unsafe(`truncate metrics_ticket_ledger`);
  const rebuild = await withoutLedgerIndexes(sql);
  await inParallel(url, n, ledgerSql);
  await rebuild();
  await sql.unsafe(`update metrics_rollup_state set ledger_built = true, ledger_cursor = 0`);
  await sql.unsafe(`vacuum analyze metrics_ticket_ledger`);
  const [r] = await sql`select count(*)::bigint as n from metrics_ticket_ledger`;
  return Number(r!.n);
}
