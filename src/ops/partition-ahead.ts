/** The partitions-ahead job's work: monthly partitions created before their month begins. */
import type { Database, Db } from '../../db/client.ts';
import {
  addMonths,
  ident,
  LOCK_KEY,
  lit,
  MONTHLY_TABLES,
  type Month,
  type MonthlyTable,
  monthIndex,
  monthOf,
  monthStart,
  PARTITION_RE,
  partitionName,
  q,
  relkind,
  tsLit,
} from './partition-catalog.ts';

/** Statement-level triggers of a table (PostgreSQL clones row triggers to partitions, not these). */
async function statementTriggers(db: Db, table: string): Promise<{ name: string; def: string }[]> {
  return q<{ name: string; def: string }>(
    db,
    `select tgname as name, pg_get_triggerdef(oid) as def from pg_trigger
      where tgrelid = ${lit(table)}::regclass and not tgisinternal and (tgtype & 1) = 0 order by tgname`,
  );
}

/** A trigger definition re-aimed at another table: `… ON [schema.]from …` → `… ON to …`. */
function retarget(def: string, from: string, to: string): string {
  const re = new RegExp(` ON (?:[\\w"]+\\.)?"?${from}"? `);
  if (!re.test(def)) throw new Error(`cannot re-aim trigger definition at ${to}: ${def}`);
  return def.replace(re, ` ON ${ident(to)} `);
}

/** Copies the parent's statement triggers onto a partition that lacks them. */
async function copyStatementTriggers(db: Db, parent: string, partition: string) {
  const have = new Set((await statementTriggers(db, partition)).map((t) => t.name));
  for (const t of await statementTriggers(db, parent)) {
    if (!have.has(t.name)) await q(db, retarget(t.def, parent, partition));
  }
}

/** Creates the monthly partitions `from`..`to` (inclusive) that do not exist yet; returns the names created. */
export async function createMonths(db: Db, t: MonthlyTable, from: Month, to: Month): Promise<string[]> {
  const created: string[] = [];
  for (let m = from; monthIndex(m) <= monthIndex(to); m = addMonths(m, 1)) {
    const name = partitionName(t.table, m);
    if ((await relkind(db, name)) !== null) continue;
    await q(
      db,
      `create table ${ident(name)} partition of ${ident(t.table)} for values from (${tsLit(monthStart(m))}) to (${tsLit(monthStart(addMonths(m, 1)))})`,
    );
    await copyStatementTriggers(db, t.table, name);
    created.push(name);
  }
  return created;
}

/** The newest monthly partition of a partitioned table, if any. */
async function latestMonth(db: Db, table: string): Promise<Month | null> {
  const rows = await q<{ name: string }>(
    db,
    `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = ${lit(table)}::regclass`,
  );
  let best: Month | null = null;
  for (const { name } of rows) {
    const m = PARTITION_RE(table).exec(name);
    if (!m) continue;
    const month = { year: Number(m[1]), month: Number(m[2]) };
    if (!best || monthIndex(month) > monthIndex(best)) best = month;
  }
  return best;
}

export type AheadResult = { locked: boolean; created: string[] };

/**
 * Keeps `aheadMonths` months of partitions ready after `now`'s month, for every partitioned table; tables
 * not partitioned are left alone (a no-op until `npm run db:partition` has run). One instance at a time: a
 * run that finds another holding the lock does nothing. A gap (the job stopped for months) is filled too.
 */
export async function ensurePartitionsAhead(database: Database, now: Date, aheadMonths: number): Promise<AheadResult> {
  return database.db.transaction(async (tx) => {
    const [got] = await q<{ ok: boolean }>(tx, `select pg_try_advisory_xact_lock(${LOCK_KEY}) as ok`);
    if (!got?.ok) return { locked: false, created: [] };
    const created: string[] = [];
    const until = addMonths(monthOf(now), aheadMonths);
    for (const t of MONTHLY_TABLES) {
      if ((await relkind(tx, t.table)) !== 'p') continue;
      const latest = await latestMonth(tx, t.table);
      const from = latest ? addMonths(latest, 1) : monthOf(now);
      created.push(...(await createMonths(tx, t, from, until)));
    }
    return { locked: true, created };
  });
}
