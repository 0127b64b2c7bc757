/**
 * Monthly RANGE partitions for the big append-mostly tables, converted in place.
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
import type { Database, Db } from '../../db/client.ts';
import { createMonths, ensurePartitionsAhead } from './partition-ahead.ts';
import {
  addMonths,
  ident,
  LOCK_KEY,
  legacyName,
  lit,
  type MonthlyTable,
  MONTHLY_TABLES,
  monthIndex,
  monthOf,
  monthStart,
  PARTITION_RE,
  partitionName,
  partitionStatus,
  q,
  relkind,
  tsLit,
  withSuffix,
} from './partition-catalog.ts';
import { isEntry } from '../runtime.ts';

export { type AheadResult, ensurePartitionsAhead } from './partition-ahead.ts';
export {
  addMonths,
  legacyName,
  type Month,
  type MonthlyTable,
  MONTHLY_TABLES,
  monthOf,
  monthStart,
  partitionName,
  partitionStatus,
  type TableStatus,
} from './partition-catalog.ts';

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
    if (i.uniq && !i.cols.includes(t.column) && !isWidened(i.name, idx))
      throw new Error(`${t.table}: unique index ${i.name} lacks the partition key ${t.column}`);
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
  // A unique index without the partition key (audit_log's seq) goes to the parent widened by it, under its own
  // name; the widened twin built beforehand (step 1) is what the old table's partition brings to it.
  const parentDefs = idx
    .filter((i) => !i.name.endsWith(WIDE))
    .map(({ name, def, uniq, cols }) => ({ name, def: uniq && !cols.includes(t.column) ? widen(def, t.column) : def }));
  return { pkName: pk.name, indexes: parentDefs, checks, fks, triggers };
}

const WIDE = '_wide';
const isWidened = (name: string, idx: { name: string }[]) => idx.some((i) => i.name === withSuffix(name, WIDE));

/** `CREATE UNIQUE INDEX n ON t USING btree (a)` → `… (a, <column>)`; refuses partial or expression indexes. */
function widen(def: string, column: string): string {
  const m = /^(CREATE UNIQUE INDEX \S+ ON \S+ USING btree \()([\w", ]+)\)$/.exec(def);
  if (!m) throw new Error(`cannot add the partition key ${column} to: ${def}`);
  return `${m[1]}${m[2]}, ${ident(column)})`;
}

/**
 * Step 1 for unique indexes that lack the partition key: the widened twin (columns + the key), built next to the
 * original, CONCURRENTLY on PostgreSQL, so the attach adopts it instead of building one under the swap's lock.
 * Their uniqueness across partitions then rests with the writer: audit_log's seq is handed out by the sealer
 * alone, under an advisory lock, and verification would show a repeated seq (src/domain/audit-chain.ts).
 */
async function buildWidened(database: Database, t: MonthlyTable, uniqueIdx: string): Promise<void> {
  const idx = await q<{ name: string; def: string; valid: boolean }>(
    database.db,
    `select c.relname as name, pg_get_indexdef(i.indexrelid) as def, i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid
      where i.indrelid = ${lit(t.table)}::regclass and i.indisunique and not i.indisprimary and c.relname <> ${lit(uniqueIdx)}
        and not exists (select 1 from unnest(i.indkey) k join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k where a.attname = ${lit(t.column)})`,
  );
  const have = new Map(idx.map((i) => [i.name, i.valid]));
  for (const i of idx.filter((x) => !x.name.endsWith(WIDE))) {
    const twin = withSuffix(i.name, WIDE);
    if (have.get(twin) === false) await database.query(`drop index ${ident(twin)}`);
    const def = widen(i.def, t.column).replace(
      /^CREATE UNIQUE INDEX \S+ ON /,
      `CREATE UNIQUE INDEX ${database.driver === 'postgres' ? 'CONCURRENTLY ' : ''}IF NOT EXISTS ${ident(twin)} ON `,
    );
    await database.query(def);
  }
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
  await buildWidened(database, t, uniqueIdx);

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

if (isEntry(import.meta.url)) {
  cli().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
