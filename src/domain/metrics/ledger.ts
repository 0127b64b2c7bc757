/**
 * The drill-down ledger's writes (metrics_ticket_ledger): the rollup's deltas per ticket, netted per
 * (counter, day, unit, appeal side, ticket) and added to the table in the rollup's transaction, keys in sorted
 * order as the grains are (concurrent writers cannot deadlock). A key that nets to zero in a batch is not
 * written; one that nets to zero over several batches stays with value 0, which every reader skips.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { metricsTicketLedger } from '../../../db/schema/index.ts';
import type { Delta } from './stream.ts';

export type LedgerRow = { counter: string; day: string; unitId: number; appealed: boolean; ticketId: number; value: number };

const CHUNK = 1000;

export function ledgerRows(deltas: readonly (Delta & { ticketId: number })[]): LedgerRow[] {
  const out = new Map<string, LedgerRow>();
  for (const d of deltas) {
    const key = `${d.counter}|${d.day}|${String(d.unitId).padStart(10, '0')}|${d.appealed}|${String(d.ticketId).padStart(16, '0')}`;
    const row = out.get(key);
    if (row) row.value += d.delta;
    else out.set(key, { counter: d.counter, day: d.day, unitId: d.unitId, appealed: d.appealed, ticketId: d.ticketId, value: d.delta });
  }
  return [...out.entries()]
    .filter(([, r]) => r.value !== 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, r]) => r);
}

export async function applyLedger(tx: Db, rows: LedgerRow[]) {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await tx
      .insert(metricsTicketLedger)
      .values(rows.slice(i, i + CHUNK))
      .onConflictDoUpdate({
        target: [metricsTicketLedger.counter, metricsTicketLedger.day, metricsTicketLedger.ticketId, metricsTicketLedger.unitId, metricsTicketLedger.appealed],
        set: { value: sql`${metricsTicketLedger.value} + excluded.value` },
      });
  }
}
