/**
 * Sign-in activity from the audit log: what the account owner sees (failed attempts since the last sign-in, the
 * recent sign-ins and failures) and what the security administrator sees (every recent failure, with the keys
 * the throttle currently holds back). Failures are audited under the user they named when it exists
 * (src/domain/auth/login.ts), so the owner's view needs no username matching.
 */
import { and, desc, eq, gt, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { auditLog, loginFailures } from '../../../db/schema/index.ts';
import type { Db } from '../../../db/client.ts';
import type { Actor } from './actor.ts';
import { sessionRef } from './login.ts';

export const FAILURE_ACTIONS = ['login_failed', 'second_factor_failed', 'login_throttled'] as const;
const OWN_ACTIONS = [
  'login',
  'logout',
  'logout_everywhere',
  'login_failed',
  'second_factor_failed',
  'password_changed',
  'password_reset',
  'second_factor_enabled',
  'second_factor_disabled',
  'second_factor_reset',
];

/**
 * Failed attempts on the account since the sign-in before this session's (so a session opened after someone
 * tried shows those tries, and so does every later request of it): count, last time, the addresses.
 */
export async function failuresSinceLastSignIn(db: Db, actor: Pick<Actor, 'userId' | 'sessionId'>) {
  const mine = and(eq(auditLog.userId, actor.userId), eq(auditLog.action, 'login'));
  // This session's own sign-in row (a token has none: the latest sign-in stands in).
  const own = actor.sessionId
    ? sql`(select max(${auditLog.id}) from ${auditLog} where ${mine} and ${auditLog.details}->>'session' = ${sessionRef(actor.sessionId)})`
    : sql`(select max(${auditLog.id}) from ${auditLog} where ${mine})`;
  const previous = sql`coalesce((select max(${auditLog.id}) from ${auditLog} where ${mine} and ${auditLog.id} < coalesce(${own}, 9223372036854775807)), 0)`;
  const [row] = await db
    .select({
      count: sql<number>`count(*)::int`,
      lastAt: sql<string | null>`max(${auditLog.at})`,
      addresses: sql<string[] | null>`array_agg(distinct ${auditLog.ip}) filter (where ${auditLog.ip} is not null)`,
    })
    .from(auditLog)
    .where(and(eq(auditLog.userId, actor.userId), inArray(auditLog.action, ['login_failed', 'second_factor_failed']), gt(auditLog.id, previous)));
  return {
    count: row?.count ?? 0,
    lastAt: row?.lastAt ? new Date(row.lastAt).toISOString() : null,
    addresses: (row?.addresses ?? []).slice(0, 20),
  };
}

/** The owner's recent sign-ins, sign-outs, failures and credential changes, newest first. */
export async function signInActivity(db: Db, actor: Pick<Actor, 'userId'>, limit = 50) {
  const rows = await db
    .select({ id: auditLog.id, at: auditLog.at, action: auditLog.action, ip: auditLog.ip, details: auditLog.details })
    .from(auditLog)
    .where(and(eq(auditLog.userId, actor.userId), inArray(auditLog.action, OWN_ACTIONS)))
    .orderBy(desc(auditLog.id))
    .limit(limit);
  return rows.map((r) => ({
    id: r.id,
    at: r.at.toISOString(),
    action: r.action,
    ip: r.ip,
    ...(typeof r.details.reason === 'string' ? { reason: r.details.reason } : {}),
    ...(typeof r.details.secondFactor === 'string' ? { secondFactor: r.details.secondFactor } : {}),
  }));
}

export type FailureQuery = { username?: string; ip?: string; since?: string; before?: number; limit: number };

/** Every recent failed or throttled sign-in (any username, known or not), and the keys blocked right now. */
export async function loginFailureReport(db: Db, now: Date, q: FailureQuery) {
  const where: SQL[] = [inArray(auditLog.action, [...FAILURE_ACTIONS])];
  if (q.username) where.push(sql`lower(${auditLog.targetId}) = lower(${q.username})`);
  if (q.ip) where.push(eq(auditLog.ip, q.ip));
  if (q.since) where.push(gte(auditLog.at, new Date(q.since)));
  if (q.before) where.push(lt(auditLog.id, q.before));
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(...where))
    .orderBy(desc(auditLog.id))
    .limit(q.limit);
  const blocked = await db.select().from(loginFailures).where(gt(loginFailures.blockedUntil, now)).orderBy(desc(loginFailures.blockedUntil)).limit(100);
  return {
    items: rows.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      action: r.action,
      username: r.targetId,
      userId: r.userId,
      ip: r.ip,
      reason: typeof r.details.reason === 'string' ? r.details.reason : null,
      failures: r.details.failures ?? null,
      blockedUntil: typeof r.details.blockedUntil === 'string' ? r.details.blockedUntil : null,
    })),
    blocked: blocked.map((b) => ({
      kind: b.kind,
      key: b.key,
      failures: b.failures,
      blockedUntil: b.blockedUntil!.toISOString(),
      lastFailedAt: b.lastFailedAt.toISOString(),
    })),
  };
}
