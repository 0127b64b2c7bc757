import type { Db } from '../../db/client.ts';
import { auditLog } from '../../db/schema/index.ts';
import type { Actor } from './auth/actor.ts';

/** Append a row to the audit log (who, when, what, from which address). */
export async function audit(
  db: Db,
  actor: Pick<Actor, 'userId' | 'role' | 'ip' | 'requestId'> | null,
  action: string,
  target: { type: string; id: string | number } | null,
  details: Record<string, unknown> = {},
): Promise<void> {
  await db.insert(auditLog).values({
    userId: actor?.userId || null,
    role: actor?.role ?? null,
    ip: actor?.ip ?? null,
    requestId: actor?.requestId ?? null,
    action,
    targetType: target?.type ?? null,
    targetId: target ? String(target.id) : null,
    details,
  });
}
