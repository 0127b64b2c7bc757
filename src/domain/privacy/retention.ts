/**
 * Retention of callers' personal data (PIPL): tickets closed more than PII_RETENTION_DAYS days ago lose their
 * caller's name and number (src/domain/privacy/anonymise.ts); 0 keeps them for ever. Run by the privacy job
 * (RETENTION_CRON). Each batch is one transaction that takes a transaction-scoped advisory lock — another
 * instance running at the same moment stops — and walks the closed tickets in (closed_at, id) order from where
 * the last batch stopped, so a ticket locked by a change in progress is passed over (the next run takes it),
 * never waited on or walked again. A run is audited once, with its counts. Open tickets are never touched:
 * a reopened ticket is no longer closed, and its clock starts again at its next close.
 */
import { and, asc, eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { auditLog, tickets } from '../../../db/schema/index.ts';
import type { Config } from '../../config.ts';
import type { TxDeps, WithConfig } from '../../deps.ts';
import { audit } from '../audit.ts';
import { systemActor } from '../auth/actor.ts';
import { inTransaction } from '../tickets/record.ts';
import { rowsOf } from '../tickets/queries.ts';
import { anonymiseTickets, type AnonymiseCounts } from './anonymise.ts';

/** pg advisory lock key of the retention run ("jiesu retention"). */
export const RETENTION_LOCK_KEY = 7212352;
/** Tickets per transaction: short enough not to hold locks long, large enough to finish a backlog. */
export const RETENTION_BATCH = 200;
/** The audit action of a run: the privacy screen shows the last one. */
export const RETENTION_AUDIT_ACTION = 'pii_retention_run';

const DAY_MS = 86_400_000;

export type RetentionResult = AnonymiseCounts & {
  /** Tickets closed before this instant were due (null: retention off) */
  cutoff: string | null;
  batches: number;
  /** Another instance held the lock: this run stopped */
  skipped: boolean;
};

/** The instant before which a close makes a ticket's caller data due for removal; null when retention is off. */
export function retentionCutoff(config: Pick<Config, 'PII_RETENTION_DAYS'>, now: Date): Date | null {
  return config.PII_RETENTION_DAYS > 0 ? new Date(now.getTime() - config.PII_RETENTION_DAYS * DAY_MS) : null;
}

export async function runRetention(deps: TxDeps & WithConfig<'PII_RETENTION_DAYS'>, now: Date, batchSize = RETENTION_BATCH): Promise<RetentionResult> {
  const cutoff = retentionCutoff(deps.config, now);
  const result: RetentionResult = {
    tickets: 0,
    contacts: 0,
    notifications: 0,
    textsMasked: 0,
    cutoff: cutoff?.toISOString() ?? null,
    batches: 0,
    skipped: false,
  };
  if (!cutoff) return result;
  const actor = systemActor('security_admin');
  let after: { closedAt: Date; id: number } | null = null;
  for (;;) {
    const batch = await inTransaction(deps, async (tx, record) => {
      const got = rowsOf<{ ok: boolean }>(await tx.execute(sql`select pg_try_advisory_xact_lock(${RETENTION_LOCK_KEY}) as ok`));
      if (got[0]?.ok !== true) return null;
      const due = await tx
        .select({ id: tickets.id, closedAt: tickets.closedAt })
        .from(tickets)
        .where(
          and(
            eq(tickets.status, 'closed'),
            lt(tickets.closedAt, cutoff),
            sql`${tickets.callerAnonymisedAt} is null`,
            after ? sql`(${tickets.closedAt}, ${tickets.id}) > (${after.closedAt.toISOString()}::timestamptz, ${after.id})` : undefined,
          ),
        )
        .orderBy(asc(tickets.closedAt), asc(tickets.id))
        .limit(batchSize)
        .for('update', { skipLocked: true });
      const counts = await anonymiseTickets(
        tx,
        record,
        actor,
        due.map((t) => t.id),
        'retention',
        now,
      );
      return { counts, last: due.at(-1) ?? null, full: due.length === batchSize };
    });
    if (!batch) {
      result.skipped = true;
      break;
    }
    result.batches++;
    for (const k of ['tickets', 'contacts', 'notifications', 'textsMasked'] as const) result[k] += batch.counts[k];
    if (!batch.full || !batch.last) break;
    // A JS Date drops microseconds: the cursor can only fall behind the row, never past one; rows seen again are done.
    after = { closedAt: batch.last.closedAt!, id: batch.last.id };
  }
  if (!result.skipped || result.batches > 0) {
    await audit(deps.db, null, RETENTION_AUDIT_ACTION, null, { ...result, days: deps.config.PII_RETENTION_DAYS, ranAt: now.toISOString() });
  }
  return result;
}

/** What the privacy screen shows: the retention in force and the last run's audit row. */
export async function retentionStatus(db: Db, config: Pick<Config, 'PII_RETENTION_DAYS' | 'RETENTION_CRON'>, now: Date) {
  const [last] = await db
    .select({ at: auditLog.at, details: auditLog.details })
    .from(auditLog)
    .where(eq(auditLog.action, RETENTION_AUDIT_ACTION))
    .orderBy(sql`${auditLog.id} desc`)
    .limit(1);
  const cutoff = retentionCutoff(config, now);
  const [pending] = cutoff
    ? await db
        .select({ n: sql<number>`count(*)::int` })
        .from(tickets)
        .where(and(eq(tickets.status, 'closed'), lt(tickets.closedAt, cutoff), sql`${tickets.callerAnonymisedAt} is null`))
    : [{ n: 0 }];
  return {
    days: config.PII_RETENTION_DAYS,
    cron: config.RETENTION_CRON,
    cutoff: cutoff?.toISOString() ?? null,
    /** Closed tickets past the cut-off still carrying caller data (the next run takes them) */
    due: Number(pending?.n ?? 0),
    lastRun: last ? { at: last.at.toISOString(), ...(last.details as Record<string, unknown>) } : null,
  };
}
