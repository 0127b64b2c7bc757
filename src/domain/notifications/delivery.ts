/**
 * The outbox deliverer: sends the due messages of the notifications table through an SMS gateway, batch by
 * batch, at least once. A batch is claimed (FOR UPDATE SKIP LOCKED, a lease) and committed before anything is
 * sent, so instances running at the same moment take disjoint messages and no transaction waits on the
 * network. A retryable failure is tried again after a back-off; a permanent one, or the last allowed
 * attempt, fails the message. The notify job (src/jobs/notify.ts) runs it every minute with the configured
 * gateway; the demo's history runs it as the schedule would.
 */
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import { notifications } from '../../../db/schema/index.ts';
import type { Deps, DbDeps, WithConfig } from '../../deps.ts';
import type { SendResult, SmsGateway } from '../../adapters/sms-gateway.ts';

/**
 * How long a claimed message belongs to the instance that claimed it. Claiming moves nextAttemptAt this
 * far ahead, so another instance skips the row while it is being sent; if the claimer dies mid-send the
 * message becomes due again after the lease (at-least-once: a crash between send and commit can repeat one).
 */
export const LEASE_MS = 5 * 60_000;

/** Back-off after the n-th failed attempt (retryable failures only). */
export const BACKOFF_MS = [60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000] as const;
export const backoff = (attempt: number) => BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length) - 1]!;

export type DeliverOptions = {
  batchSize: number;
  gateway: SmsGateway;
  /** Attempts before a message is failed for good (default: NOTIFY_MAX_ATTEMPTS) */
  maxAttempts?: number;
  /** Batches per run, so one run cannot go on forever behind a large backlog (default 20) */
  maxBatches?: number;
};

export type DeliverReport = { sent: number; retrying: number; failed: number };

type Claimed = typeof notifications.$inferSelect;

/**
 * Claim a batch of due messages: FOR UPDATE SKIP LOCKED, so instances running at the same moment take
 * disjoint rows; the claim (attempts + 1, nextAttemptAt + lease) commits before anything is sent, so no
 * transaction stays open while the gateway talks to the network.
 */
async function claim(deps: DbDeps, now: Date, batchSize: number): Promise<Claimed[]> {
  return deps.db.transaction(async (tx) => {
    const due = await tx
      .select({ id: notifications.id })
      .from(notifications)
      .where(and(eq(notifications.status, 'pending'), lte(notifications.nextAttemptAt, now)))
      .orderBy(asc(notifications.nextAttemptAt), asc(notifications.id))
      .limit(batchSize)
      .for('update', { skipLocked: true });
    if (!due.length) return [];
    return tx
      .update(notifications)
      .set({ attempts: sql`${notifications.attempts} + 1`, nextAttemptAt: new Date(now.getTime() + LEASE_MS) })
      .where(
        inArray(
          notifications.id,
          due.map((d) => d.id),
        ),
      )
      .returning();
  });
}

async function send(gateway: SmsGateway, n: Claimed): Promise<SendResult> {
  try {
    return await gateway.send(n.recipient, n.body);
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err), retryable: true };
  }
}

/**
 * The deliverer: sends due outbox messages through the gateway, batch by batch. A retryable failure is
 * tried again after a back-off; a permanent one, or the last allowed attempt, marks the message failed.
 * Each outcome is written only if the row is still as claimed (same attempt, still pending).
 */
export async function deliver(deps: Pick<Deps, 'db' | 'logger'> & WithConfig<'NOTIFY_MAX_ATTEMPTS'>, now: Date, opts: DeliverOptions): Promise<DeliverReport> {
  const maxAttempts = opts.maxAttempts ?? deps.config.NOTIFY_MAX_ATTEMPTS;
  const report: DeliverReport = { sent: 0, retrying: 0, failed: 0 };
  for (let batch = 0; batch < (opts.maxBatches ?? 20); batch++) {
    const claimed = await claim(deps, now, opts.batchSize);
    for (const n of claimed) {
      const r = await send(opts.gateway, n);
      const mine = and(eq(notifications.id, n.id), eq(notifications.attempts, n.attempts), eq(notifications.status, 'pending'));
      if (r.ok) {
        await deps.db.update(notifications).set({ status: 'sent', sentAt: now, lastError: null }).where(mine);
        deps.logger.debug({ notificationId: n.id, gateway: opts.gateway.name, messageId: r.id }, 'notification sent');
        report.sent++;
      } else if (r.retryable && n.attempts < maxAttempts) {
        await deps.db
          .update(notifications)
          .set({ lastError: r.error.slice(0, 500), nextAttemptAt: new Date(now.getTime() + backoff(n.attempts)) })
          .where(mine);
        report.retrying++;
      } else {
        await deps.db
          .update(notifications)
          .set({ status: 'failed', lastError: r.error.slice(0, 500) })
          .where(mine);
        deps.logger.warn({ notificationId: n.id, gateway: opts.gateway.name, attempts: n.attempts, error: r.error }, 'notification failed');
        report.failed++;
      }
    }
    if (claimed.length < opts.batchSize) break;
  }
  return report;
}
