/**
 * Monthly RANGE partitions for the big append-mostly tables (issue 7 §3), converted in place.
 *
 * `npm run db:partition` turns `ticket_events` (by created_at) and `audit_log` (by at) into partitioned
 * parents, month by month in Asia/Shanghai time, without copying a row:
 *
 *   1. a unique index on (id, time) is built next to the old primary key (CONCURRENTLY on PostgreSQL);
 *   2. a CHECK (time < cutoff) is added NOT VALID and then validated — a scan that lets writes go on — where
 *      the cutoff is the first month start after the newest row and after `now`;
 *   3. one short transaction, under an ACCESS EXCLUSIVE lock: the old table becomes `<table>_legacy`; a
 *      partitioned parent takes its name, columns, defaults, CHECKs, indexes, foreign keys and triggers; the
 *      old table is attached as the partition FROM (MINVALUE) TO (cutoff) — the validated CHECK proves the
 *      bound, so the attach does not scan, and its indexes and foreign keys are adopted, not rebuilt; then a
 *      partition per month from the cutoff up to PARTITION_AHEAD_MONTHS ahead.
 *
 * What changes for the application: nothing (same table names, columns and indexes). What changes for the
 * schema: the primary key becomes (id, time), as PostgreSQL requires the partition key in every unique
 * constraint; `id` draws from a plain sequence of the same name (identity columns are not allowed on a
 * partitioned table before PostgreSQL 17), so it is no longer GENERATED ALWAYS. Row triggers (the metrics
 * queue) move to the parent, which clones them onto every partition; statement triggers (audit_log's
 * append-only guard) stay on the old table and are copied to the parent and to every new partition, since
 * PostgreSQL does not clone statement triggers.
 *
 * `tickets` is deliberately not converted: a dozen foreign keys reference tickets(id), and a partitioned
 * parent can only be referenced through a unique key that includes the partition key — each of them would
 * need a ticket_created_at column, or lose its foreign key. Ticket lookups by id (the hot path) would also
 * probe one index per month. See docs/scaling.md for the sizing that makes this the right call.
 *
 * Idempotent: a partitioned table is left alone (only months ahead are added). Works on PostgreSQL and on
 * PGlite (the embedded PostgreSQL 17+ partitions just the same).
 */
import { sql } from 'drizzle-orm';
import type { Database, Db } from '../../db/client.ts';

export type MonthlyTable = { table: string; column: string };

/** The tables converted, with their time column. */
export const MONTHLY_TABLES: readonly MonthlyTable[] = [
  { table: 'ticket_events', column: 'created_at' },
  { table: 'audit_log', column: 'at' },
];

/** pg_advisory_xact_lock key: one conversion or partition-creating run at a time across instances. */
const LOCK_KEY = 7212347;
const SHANGHAI_OFFSET_MS = 8 * 3600_000;

// ─── months (Asia/Shanghai: UTC+8 all year, no daylight saving) ──────────────────────────────────────

export type Month = { year: number; month: number };

export function monthOf(d: Date): Month {
  const s = new Date(d.getTime() + SHANGHAI_OFFSET_MS);
  return { year: s.getUTCFullYear(), month: s.getUTCMonth() + 1 };
}
export function addMonths(m: Month, n: number): Month {
  const i = m.year * 12 + (m.month - 1) + n;
  return { year: Math.floor(i / 12), month: (i % 12) + 1 };
}
const monthIndex = (m: Month) => m.year * 12 + m.month - 1;
/** The instant a month starts in Asia/Shanghai. */
export function monthStart(m: Month): Date {
  return new Date(Date.UTC(m.year, m.month - 1, 1) - SHANGHAI_OFFSET_MS);
}
export function partitionName(table: string, m: Month): string {
  return `${table}_p${m.year}${String(m.month).padStart(2, '0')}`;
}
export const legacyName = (table: string) => `${table}_legacy`;
const PARTITION_RE = (table: string) => new RegExp(`^${table}_p(\\d{4})(\\d{2})$`);

// ─── SQL helpers ─────────────────────────────────────────────────────────────────────────────────

/** Raw SQL on a handle or transaction, rows back on either driver. Identifiers come from MONTHLY_TABLES. */
async function q<T = Record<string, unknown>>(db: Db, text: string): Promise<T[]> {
  const r = (await db.execute(sql.raw(text))) as unknown as T[] | { rows: T[] };
  return Array.isArray(r) ? r : r.rows;
}
const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const tsLit = (d: Date) => `${lit(d.toISOString())}::timestamptz`;
/** Index and constraint names stay within PostgreSQL's 63 bytes. */
const withSuffix = (name: string, suffix: string) => `${name.slice(0, 63 - suffix.length)}${suffix}`;

async function relkind(db: Db, table: string): Promise<string | null> {
  const [r] = await q<{ relkind: string }>(
    db,
    `select c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = current_schema() and c.relname = ${lit(table)}`,
  );
  return r?.relkind ?? null;
}

export type TableStatus = { table: string; partitioned: boolean; partitions: { name: string; bound: string; rows: number }[] };

/** Which tables are partitioned, their partitions, bounds and (estimated, from statistics) row counts. */
export async function partitionStatus(db: Db): Promise<TableStatus[]> {
  const out: TableStatus[] = [];
  for (const t of MONTHLY_TABLES) {
    const kind = await relkind(db, t.table);
    if (kind !== 'p') {
      out.push({ table: t.table, partitioned: false, partitions: [] });
      continue;
    }
    const parts = await q<{ name: string; bound: string; rows: number }>(
      db,
      `select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound, greatest(c.reltuples, 0)::float8 as rows
         from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = ${lit(t.table)}::regclass order by c.relname`,
    );
    out.push({ table: t.table, partitioned: true, partitions: parts.map((p) => ({ ...p, rows: Number(p.rows) })) });
  }
  return out;
}

// ─── partitions ahead ────────────────────────────────────────────────────────────────────────────

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
async function createMonths(db: Db, t: MonthlyTable, from: Month, to: Month): Promise<string[]> {
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

// ─── conversion ──────────────────────────────────────────────────────────────────────────────────

export type ConvertResult = {
  table: string;
  /** false: it was already partitioned (only months ahead were added) */
  converted: boolean;
  /** the old table, now the partition holding every row before `cutoff` */
  legacy?: string;
  cutoff?: string;
  created: string[];
};

export type ConvertOptions = { now: Date; aheadMonths: number; log?: (msg: string) => void };

/** Converts every table of MONTHLY_TABLES that is not partitioned yet; see the file comment. */
export async function partitionByMonth(database: Database, opts: ConvertOptions): Promise<ConvertResult[]> {
  const out: ConvertResult[] = [];
  for (const t of MONTHLY_TABLES) out.push(await convertTable(database, t, opts));
  return out;
}

type Captured = {
  pkName: string;
  indexes: { name: string; def: string }[];
  checks: { name: string; def: string }[];
  fks: { name: string; def: string }[];
  triggers: { name: string; def: string; row: boolean }[];
};

/** Refuses what an in-place conversion cannot carry over; returns what the parent must get. */
async function inspect(db: Db, t: MonthlyTable, uniqueIdx: string, boundCheck: string): Promise<Captured> {
  const T = lit(t.table);
  const refs = await q<{ name: string; tbl: string }>(
    db,
    `select conname as name, conrelid::regclass::text as tbl from pg_constraint where confrelid = ${T}::regclass and contype = 'f'`,
  );
  if (refs.length)
    throw new Error(
      `${t.table}: referenced by foreign keys (${refs.map((r) => `${r.tbl}.${r.name}`).join(', ')}); a partitioned table can only be referenced through a key that includes ${t.column}`,
    );
  const views = await q<{ name: string }>(
    db,
    `select distinct v.oid::regclass::text as name from pg_depend d join pg_rewrite r on r.oid = d.objid join pg_class v on v.oid = r.ev_class
      where d.refobjid = ${T}::regclass and v.oid <> ${T}::regclass`,
  );
  if (views.length) throw new Error(`${t.table}: views depend on it (${views.map((v) => v.name).join(', ')}); drop and recreate them around the conversion`);
  const [pk] = await q<{ name: string; cols: string[] }>(
    db,
    `select c.conname as name, array(select a.attname::text from unnest(c.conkey) k join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k) as cols
       from pg_constraint c where c.conrelid = ${T}::regclass and c.contype = 'p'`,
  );
  if (!pk) throw new Error(`${t.table}: no primary key`);
  if (pk.cols.join(',') !== 'id') throw new Error(`${t.table}: expected primary key (id), found (${pk.cols.join(', ')})`);
  const idx = await q<{ name: string; def: string; uniq: boolean; cols: string[] }>(
    db,
    `select c.relname as name, pg_get_indexdef(i.indexrelid) as def, i.indisunique as uniq,
            array(select a.attname::text from unnest(i.indkey) k join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k) as cols
       from pg_index i join pg_class c on c.oid = i.indexrelid
      where i.indrelid = ${T}::regclass and not i.indisprimary and c.relname <> ${lit(uniqueIdx)}`,
  );
  for (const i of idx) {
    if (i.uniq && !i.cols.includes(t.column)) throw new Error(`${t.table}: unique index ${i.name} lacks the partition key ${t.column}`);
  }
  const checks = await q<{ name: string; def: string }>(
    db,
    `select conname as name, pg_get_constraintdef(oid) as def from pg_constraint where conrelid = ${T}::regclass and contype = 'c' and conname <> ${lit(boundCheck)}`,
  );
  const fks = await q<{ name: string; def: string }>(
    db,
    `select conname as name, pg_get_constraintdef(oid) as def from pg_constraint where conrelid = ${T}::regclass and contype = 'f'`,
  );
  const triggers = await q<{ name: string; def: string; row: boolean }>(
    db,
    `select tgname as name, pg_get_triggerdef(oid) as def, (tgtype & 1) = 1 as row from pg_trigger where tgrelid = ${T}::regclass and not tgisinternal order by tgname`,
  );
  return { pkName: pk.name, indexes: idx.map(({ name, def }) => ({ name, def })), checks, fks, triggers };
}

async function convertTable(database: Database, t: MonthlyTable, opts: ConvertOptions): Promise<ConvertResult> {
  const log = opts.log ?? (() => {});
  const db = database.db;
  const kind = await relkind(db, t.table);
  if (kind === null) throw new Error(`${t.table}: no such table (run the migrations first)`);
  if (kind === 'p') {
    const r = await ensurePartitionsAhead(database, opts.now, opts.aheadMonths);
    log(`${t.table}: already partitioned`);
    return { table: t.table, converted: false, created: r.created.filter((n) => PARTITION_RE(t.table).test(n)) };
  }
  const T = ident(t.table);
  const C = ident(t.column);
  const legacy = legacyName(t.table);
  const uniqueIdx = withSuffix(`${t.table}_id_${t.column}`, '_uq');
  const boundCheck = withSuffix(t.table, '_legacy_bound');

  // The cutoff: the first month start after both the newest row and now (rows keep arriving until then).
  const [{ newest, dbnow } = { newest: null, dbnow: 0 }] = await q<{ newest: number | null; dbnow: number }>(
    db,
    `select extract(epoch from max(${C}))::float8 as newest, extract(epoch from now())::float8 as dbnow from ${T}`,
  );
  const latest = Math.max(opts.now.getTime(), newest === null ? 0 : Number(newest) * 1000);
  const cutoffMonth = addMonths(monthOf(new Date(latest)), 1);
  const cutoff = monthStart(cutoffMonth);
  // Rows stamped by the database (defaults) past the cutoff would be refused between the validation and the swap.
  if (Number(dbnow) * 1000 >= cutoff.getTime())
    log(`${t.table}: warning: the database clock is past ${cutoff.toISOString()}, the clock passed in is behind it`);
  log(`${t.table}: rows before ${cutoff.toISOString()} stay in ${legacy}; monthly partitions from ${partitionName(t.table, cutoffMonth)}`);

  // 1. (id, time) unique index beside the primary key; an invalid leftover of a failed concurrent build is redone.
  const [existing] = await q<{ valid: boolean }>(
    db,
    `select i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid where c.relname = ${lit(uniqueIdx)}`,
  );
  if (existing && !existing.valid) await database.query(`drop index ${ident(uniqueIdx)}`);
  const concurrently = database.driver === 'postgres' ? 'concurrently ' : '';
  await database.query(`create unique index ${concurrently}if not exists ${ident(uniqueIdx)} on ${T} (id, ${C})`);

  // 2. The bound as a validated CHECK: the validation scans under a lock that lets writes go on.
  await database.query(`alter table ${T} drop constraint if exists ${ident(boundCheck)}`);
  await database.query(`alter table ${T} add constraint ${ident(boundCheck)} check (${C} < ${tsLit(cutoff)}) not valid`);
  try {
    await database.query(`alter table ${T} validate constraint ${ident(boundCheck)}`);
    // 3. The swap.
    const created = await db.transaction(async (tx) => {
      await q(tx, `select pg_advisory_xact_lock(${LOCK_KEY})`);
      await q(tx, `lock table ${T} in access exclusive mode`);
      if ((await relkind(tx, t.table)) === 'p') return null; // converted meanwhile by another run
      const cap = await inspect(tx, t, uniqueIdx, boundCheck);

      // id: the identity's sequence becomes a plain one of the same name, continuing where it was.
      const [seq] = await q<{ seq: string | null; identity: string }>(
        tx,
        `select pg_get_serial_sequence(${lit(t.table)}, 'id') as seq, a.attidentity as identity from pg_attribute a where a.attrelid = ${lit(t.table)}::regclass and a.attname = 'id'`,
      );
      if (!seq?.seq) throw new Error(`${t.table}.id: no sequence behind it`);
      const [state] = await q<{ last: string; called: boolean }>(tx, `select last_value::text as last, is_called as called from ${seq.seq}`);
      const seqName = seq.seq.replace(/^.*\./, '').replace(/"/g, '');
      if (seq.identity) await q(tx, `alter table ${T} alter column id drop identity`);
      else await q(tx, `alter table ${T} alter column id drop default`);

      // The old table: its indexes, primary key and row triggers make way for the parent's.
      for (const i of cap.indexes) await q(tx, `alter index ${ident(i.name)} rename to ${ident(withSuffix(i.name, '_legacy'))}`);
      await q(tx, `alter table ${T} drop constraint ${ident(cap.pkName)}`);
      await q(tx, `alter table ${T} add constraint ${ident(withSuffix(legacy, '_pkey'))} primary key using index ${ident(uniqueIdx)}`);
      for (const tr of cap.triggers.filter((x) => x.row)) await q(tx, `drop trigger ${ident(tr.name)} on ${T}`);
      await q(tx, `alter table ${T} rename to ${ident(legacy)}`);

      // The parent, under the old name.
      await q(tx, `create table ${T} (like ${ident(legacy)} including defaults including storage including comments) partition by range (${C})`);
      if (seq.identity) {
        await q(tx, `create sequence ${ident(seqName)} as bigint`);
        if (state) await q(tx, `select setval(${lit(seqName)}, ${state.last}, ${state.called})`);
      }
      await q(tx, `alter sequence ${ident(seqName)} owned by ${T}.id`);
      await q(tx, `alter table ${T} alter column id set default nextval(${lit(seqName)}::regclass)`);
      await q(tx, `alter table ${T} add constraint ${ident(cap.pkName)} primary key (id, ${C})`);
      for (const c of cap.checks) await q(tx, `alter table ${T} add constraint ${ident(c.name)} ${c.def}`);
      for (const i of cap.indexes) await q(tx, i.def); // CREATE INDEX <name> ON <table> …: the parent now
      for (const f of cap.fks) await q(tx, `alter table ${T} add constraint ${ident(f.name)} ${f.def}`);
      for (const tr of cap.triggers) await q(tx, tr.def);

      // The old rows as one partition: the validated CHECK proves the bound, so nothing is scanned; its
      // matching indexes, primary key and foreign keys are adopted; row triggers are cloned onto it.
      await q(tx, `alter table ${T} attach partition ${ident(legacy)} for values from (minvalue) to (${tsLit(cutoff)})`);
      await q(tx, `alter table ${ident(legacy)} drop constraint ${ident(boundCheck)}`);
      const until = addMonths(monthOf(opts.now), opts.aheadMonths);
      return createMonths(tx, t, cutoffMonth, monthIndex(until) > monthIndex(cutoffMonth) ? until : cutoffMonth);
    });
    if (created === null) {
      log(`${t.table}: converted by another run meanwhile`);
      return { table: t.table, converted: false, created: [] };
    }
    await database.query(`analyze ${T}`);
    log(`${t.table}: partitioned; created ${created.join(', ')}`);
    return { table: t.table, converted: true, legacy, cutoff: cutoff.toISOString(), created };
  } catch (err) {
    // Never leave the bound behind on an unconverted table: at the month change it would refuse every insert.
    if ((await relkind(db, t.table)) === 'r') await database.query(`alter table ${T} drop constraint if exists ${ident(boundCheck)}`).catch(() => {});
    throw err;
  }
}

// ─── command line: npm run db:partition [-- --status] ─────────────────────────────────────────────

async function cli() {
  const { connect } = await import('../../db/client.ts');
  const { loadConfig } = await import('../config.ts');
  const config = loadConfig();
  const database = await connect({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, max: 2 });
  try {
    if (!process.argv.includes('--status')) {
      const results = await partitionByMonth(database, { now: new Date(), aheadMonths: config.PARTITION_AHEAD_MONTHS, log: (m) => console.log(m) });
      for (const r of results)
        console.log(
          `${r.table}: ${r.converted ? `converted (old rows in ${r.legacy}, before ${r.cutoff})` : 'already partitioned'}; new partitions: ${r.created.join(', ') || 'none'}`,
        );
    }
    for (const s of await partitionStatus(database.db)) {
      console.log(`${s.table}: ${s.partitioned ? 'partitioned' : 'not partitioned'}`);
      for (const p of s.partitions) console.log(`  ${p.name}  ${p.bound}  ~${p.rows} rows`);
    }
  } finally {
    await database.close();
  }
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  cli().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
