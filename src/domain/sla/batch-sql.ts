/**
 * SQL pieces the set-based SLA statements (the sweep, the calendar recompute) share: timestamps read as ISO
 * text, so a claim returns plain columns that need no row mapping and read the same on both drivers; and rows
 * sent as one jsonb parameter, read back with jsonb_to_recordset — one statement whatever the batch's size.
 */
import { sql, type SQL } from 'drizzle-orm';

/** `col` as 'YYYY-MM-DDTHH:MI:SS.MSZ' (what Date#toISOString writes), null stays null. */
export const isoText = (col: string): SQL => sql.raw(`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

/** Rows as one jsonb parameter. */
export const jsonRows = (rows: unknown[]): SQL => sql`${JSON.stringify(rows)}::jsonb`;
