/**
 * Audit retention: rows older than AUDIT_RETENTION_DAYS (never under 180 days — the Cybersecurity Law asks six
 * months of logs; the configuration refuses less and so does the database trigger) are deleted, sealed rows only,
 * from the head of the chain: the rows removed are always seq 1…n of what remains, so what is left is still one
 * chain. Before deleting, the purge writes its own audit row (`audit_purged`: the cut-off, the count and the last
 * purged seq and mac), so the new first row's prevMac is anchored by a record that is itself chained
 * (src/domain/audit-chain.ts verifyChain). The delete says so for its own transaction only
 * (`set local jiesu.audit_purge = 'on'`), which is the one way past the trigger.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { audit } from './audit.ts';
import { lockChain, PURGE_ACTION } from './audit-chain.ts';
import { rowsOf } from './tickets/queries.ts';

/** The floor the database trigger also enforces (migration 0023). */
export const AUDIT_RETENTION_FLOOR_DAYS = 180;
const DAY_MS = 86_400_000;

export type PurgeResult = { before: string; rows: number; batches: number; lastPurgedSeq: number | null };

/**
 * Deletes the sealed rows older than `retentionDays` before `now`, from the oldest, `batchSize` a transaction
 * (each with its own `audit_purged` row). A row younger than the floor by the database's own clock is never
 * chosen, whatever `now` says.
 */
export async function purgeAudit(db: Db, now: Date, retentionDays: number, opts: { batchSize?: number } = {}): Promise<PurgeResult> {
  if (!Number.isInteger(retentionDays) || retentionDays < AUDIT_RETENTION_FLOOR_DAYS) {
    throw new Error(`audit retention must be at least ${AUDIT_RETENTION_FLOOR_DAYS} days (got ${retentionDays})`);
  }
  const batchSize = opts.batchSize ?? 10_000;
  const before = new Date(now.getTime() - retentionDays * DAY_MS);
  const out: PurgeResult = { before: before.toISOString(), rows: 0, batches: 0, lastPurgedSeq: null };
  for (;;) {
    const n = await db.transaction(async (tx) => {
      await lockChain(tx);
      // The head of the chain up to (not including) its first row that must stay: younger than the cut-off (by
      // either clock). A late-committed old row behind a younger one waits for the next run.
      const [head] = rowsOf<{ first: string | null; keep: string | null }>(
        await tx.execute(sql`select (select min(seq) from audit_log where seq is not null)::text as first,
          (select min(seq) from audit_log where seq is not null
              and (at >= ${before.toISOString()}::timestamptz or at >= now() - ${sql.raw(`interval '${AUDIT_RETENTION_FLOOR_DAYS} days'`)}))::text as keep`),
      );
      if (!head?.first) return 0;
      const first = Number(head.first);
      const [end] = rowsOf<{ seq: string; mac: string }>(
        await tx.execute(sql`select seq::text as seq, mac from audit_log
           where seq >= ${first} and seq < ${Math.min(head.keep === null ? Number.POSITIVE_INFINITY : Number(head.keep), first + batchSize)}
           order by audit_log.seq desc limit 1`),
      );
      if (!end) return 0;
      const last = Number(end.seq);
      const rows = last - first + 1;
      await audit(
        tx,
        null,
        PURGE_ACTION,
        { type: 'audit_log', id: `${first}-${last}` },
        {
          before: before.toISOString(),
          rows,
          firstPurgedSeq: first,
          lastPurgedSeq: last,
          lastPurgedMac: end.mac,
        },
      );
      await tx.execute(sql`set local jiesu.audit_purge = 'on'`);
      const deleted = rowsOf<{ id: string }>(await tx.execute(sql`delete from audit_log where seq >= ${first} and seq <= ${last} returning id::text as id`));
      if (deleted.length !== rows) throw new Error(`audit purge: seq ${first}…${last} should be ${rows} rows, found ${deleted.length}`);
      out.lastPurgedSeq = last;
      return rows;
    });
    if (n === 0) return out;
    out.rows += n;
    out.batches += 1;
  }
}
