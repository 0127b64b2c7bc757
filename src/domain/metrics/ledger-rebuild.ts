/** Rebuilding the drill-down ledger of a database that counted events before the ledger existed (see ledger.ts). */
import { eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { metricsRollupState, metricsTicketLedger } from '../../../db/schema/index.ts';
import { rowsOf } from '../tickets/queries.ts';
import { applyLedger, ledgerRows } from './ledger.ts';
import { deltasForEvents, ROLLUP_LOCK_KEY } from './rollup.ts';
/**
 * One step of rebuilding the ledger of a database that counted events before the ledger existed: the next
 * `tickets` tickets after the cursor, in one transaction under the rollup's lock — their rows deleted and written
 * again from the events already counted (those still queued are the rollup's to add). Idempotent: a step
 * repeated after a crash writes the same rows. Returns whether the ledger is complete.
 */
export async function rebuildLedgerStep(db: Db, tickets = 500): Promise<boolean> {
  return db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const [state] = await tx.select().from(metricsRollupState).where(eq(metricsRollupState.id, 1));
    if (!state || state.ledgerBuilt) return true;
    if (!rowsOf<{ ok: boolean }>(await tx.execute(sql`select pg_try_advisory_xact_lock(${ROLLUP_LOCK_KEY}) as ok`))[0]?.ok) return false;
    const ids = rowsOf<{ id: string | number }>(
      await tx.execute(sql`select id from tickets where id > ${state.ledgerCursor} order by id limit ${tickets}`),
    ).map((r) => Number(r.id));
    if (!ids.length) {
      await tx.update(metricsRollupState).set({ ledgerBuilt: true }).where(eq(metricsRollupState.id, 1));
      return true;
    }
    const idList = `{${ids.join(',')}}`;
    const counted = rowsOf<{ id: string | number }>(
      await tx.execute(sql`select e.id from ticket_events e where e.ticket_id = any(${idList}::bigint[])
        and not exists (select 1 from metrics_queue q where q.event_id = e.id)`),
    ).map((r) => Number(r.id));
    await tx.delete(metricsTicketLedger).where(inArray(metricsTicketLedger.ticketId, ids));
    await applyLedger(tx, ledgerRows(await deltasForEvents(tx, counted)));
    await tx
      .update(metricsRollupState)
      .set({ ledgerCursor: ids.at(-1)! })
      .where(eq(metricsRollupState.id, 1));
    return false;
  });
}
