import { and, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
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

/** What the audit log is filtered by; `before` pages back from an id, newest first. */
export type AuditQuery = {
  action?: string;
  userId?: number;
  targetType?: string;
  targetId?: string;
  /** client address, exact */
  ip?: string;
  /** time range [from, to) */
  from?: string;
  to?: string;
  before?: number;
  limit: number;
};

/** The audit log, newest first, filtered. */
export function queryAudit(db: Db, q: AuditQuery) {
  const where: SQL[] = [];
  if (q.action) where.push(eq(auditLog.action, q.action));
  if (q.userId) where.push(eq(auditLog.userId, q.userId));
  if (q.targetType) where.push(eq(auditLog.targetType, q.targetType));
  if (q.targetId) where.push(eq(auditLog.targetId, q.targetId));
  if (q.ip) where.push(eq(auditLog.ip, q.ip));
  if (q.from) where.push(gte(auditLog.at, new Date(q.from)));
  if (q.to) where.push(lt(auditLog.at, new Date(q.to)));
  if (q.before) where.push(lt(auditLog.id, q.before));
  return db
    .select()
    .from(auditLog)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(q.limit);
}
