import { and, desc, eq, isNull } from 'drizzle-orm';
import { systemAlerts } from '../../db/schema/index.ts';
import type { Db } from '../../db/client.ts';
import type { Deps } from '../deps.ts';
import type { Actor } from './auth/actor.ts';
import { audit } from './audit.ts';
import { NotFoundError } from './errors.ts';

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

/** Open alerts (not resolved), newest first. */
export function openSystemAlerts(db: Db, opts: { kind?: string; limit: number }) {
  const open = isNull(systemAlerts.resolvedAt);
  return db
    .select()
    .from(systemAlerts)
    .where(opts.kind ? and(open, eq(systemAlerts.kind, opts.kind)) : open)
    .orderBy(desc(systemAlerts.createdAt), desc(systemAlerts.id))
    .limit(opts.limit);
}

/** A supervisor has dealt with it. Resolving twice keeps the first resolution. */
export async function resolveSystemAlert(deps: Deps, actor: Actor, id: number) {
  return deps.db.transaction(async (tx) => {
    const [resolved] = await tx
      .update(systemAlerts)
      .set({ resolvedAt: deps.clock.now() })
      .where(and(eq(systemAlerts.id, id), isNull(systemAlerts.resolvedAt)))
      .returning();
    if (resolved) {
      await audit(tx, actor, 'system_alert_resolved', { type: 'system_alert', id }, { kind: resolved.kind, dedupeKey: resolved.dedupeKey });
      return resolved;
    }
    const [existing] = await tx.select().from(systemAlerts).where(eq(systemAlerts.id, id));
    if (!existing) throw new NotFoundError('alert_not_found', { id });
    return existing;
  });
}
