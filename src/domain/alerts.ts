import { systemAlerts } from '../../db/schema/index.ts';
import type { Db } from '../../db/client.ts';

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
