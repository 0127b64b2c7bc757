import { and, desc, eq, isNull } from 'drizzle-orm';
import { systemAlerts } from '../../db/schema/index.ts';
import type { Db } from '../../db/client.ts';
import type { DbClockDeps } from '../deps.ts';
import type { Actor } from './auth/actor.ts';
import { audit } from './audit.ts';
import { NotFoundError } from './errors.ts';
import { AWAITING_KIND, syncAwaitingCalendarAlerts, withCurrentCounts } from './sla/awaiting-calendar.ts';

/**
 * Raise an alert for supervisors that belongs to no single ticket (calendar coverage ending, a deadline
 * the calendar cannot compute). Raising the same dedupeKey again is a no-op; returns whether it was new.
 */
export async function raiseSystemAlert(
  db: Db,
  a: { kind: string; dedupeKey: string; message: string; details?: Record<string, unknown>; at?: Date },
): Promise<boolean> {
  const rows = await db
    .insert(systemAlerts)
    .values({ kind: a.kind, dedupeKey: a.dedupeKey, message: a.message, details: a.details ?? {}, createdAt: a.at ?? new Date() })
    .onConflictDoNothing()
    .returning({ id: systemAlerts.id });
  return rows.length > 0;
}

/** Open alerts (not resolved), newest first; an alert about clocks awaiting the calendar carries its counts as of now. */
export async function openSystemAlerts(db: Db, opts: { kind?: string; limit: number }) {
  const open = isNull(systemAlerts.resolvedAt);
  const rows = await db
    .select()
    .from(systemAlerts)
    .where(opts.kind ? and(open, eq(systemAlerts.kind, opts.kind)) : open)
    .orderBy(desc(systemAlerts.createdAt), desc(systemAlerts.id))
    .limit(opts.limit);
  return withCurrentCounts(db, rows);
}

/**
 * A supervisor has dealt with it. Resolving twice keeps the first resolution. An alert that clocks are
 * awaiting the calendar cannot be resolved while they still wait: it is raised again at once (open, with
 * `reraisedAt` in its details), and resolves itself when the year is imported.
 */
export async function resolveSystemAlert(deps: DbClockDeps, actor: Actor, id: number) {
  return deps.db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const now = deps.clock.now();
    const [resolved] = await tx
      .update(systemAlerts)
      .set({ resolvedAt: now })
      .where(and(eq(systemAlerts.id, id), isNull(systemAlerts.resolvedAt)))
      .returning();
    if (resolved) {
      await audit(tx, actor, 'system_alert_resolved', { type: 'system_alert', id }, { kind: resolved.kind, dedupeKey: resolved.dedupeKey });
      if (resolved.kind !== AWAITING_KIND) return resolved;
      await syncAwaitingCalendarAlerts(tx, now, { reraised: Number(resolved.details.year) });
      const [after] = await tx.select().from(systemAlerts).where(eq(systemAlerts.id, id));
      return after!;
    }
    const [existing] = await tx.select().from(systemAlerts).where(eq(systemAlerts.id, id));
    if (!existing) throw new NotFoundError('alert_not_found', { id });
    return existing;
  });
}
