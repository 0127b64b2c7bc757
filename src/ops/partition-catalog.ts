/**
 * The tables `npm run db:partition` converts (src/ops/partition.ts), their months in Asia/Shanghai time and
 * partition names, the raw-SQL helpers the conversion and the job share, and the status report.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';

export type MonthlyTable = { table: string; column: string };

/** The tables converted, with their time column. */
export const MONTHLY_TABLES: readonly MonthlyTable[] = [
  { table: 'ticket_events', column: 'created_at' },
  { table: 'audit_log', column: 'at' },
];

/** pg_advisory_xact_lock key: one conversion or partition-creating run at a time across instances. */
export const LOCK_KEY = 7212347;
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
export const monthIndex = (m: Month) => m.year * 12 + m.month - 1;
/** The instant a month starts in Asia/Shanghai. */
export function monthStart(m: Month): Date {
  return new Date(Date.UTC(m.year, m.month - 1, 1) - SHANGHAI_OFFSET_MS);
}
export function partitionName(table: string, m: Month): string {
  return `${table}_p${m.year}${String(m.month).padStart(2, '0')}`;
}
export const legacyName = (table: string) => `${table}_legacy`;
export const PARTITION_RE = (table: string) => new RegExp(`^${table}_p(\\d{4})(\\d{2})$`);

// ─── SQL helpers ─────────────────────────────────────────────────────────────────────────────────

/** Raw SQL on a handle or transaction, rows back on either driver. Identifiers come from MONTHLY_TABLES. */
export async function q<T = Record<string, unknown>>(db: Db, text: string): Promise<T[]> {
  const r = (await db.execute(sql.raw(text))) as unknown as T[] | { rows: T[] };
  return Array.isArray(r) ? r : r.rows;
}
export const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
export const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
export const tsLit = (d: Date) => `${lit(d.toISOString())}::timestamptz`;
/** Index and constraint names stay within PostgreSQL's 63 bytes. */
export const withSuffix = (name: string, suffix: string) => `${name.slice(0, 63 - suffix.length)}${suffix}`;

export async function relkind(db: Db, table: string): Promise<string | null> {
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
