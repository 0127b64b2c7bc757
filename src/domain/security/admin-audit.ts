/**
 * Every request of the three administrators is audited, reads included (三权分立: "every action of each is itself
 * audited"), in one place: the route pipeline (src/http/route.ts) notes the audit log's newest id before a route
 * runs and, once it has answered or refused, writes a generic row unless the request wrote one of its own since
 * (a command's `user_role_changed`, the audit log's `audit_read`…): `admin_read` for a GET, `admin_request`
 * otherwise. A refused or failed write's own row went with its rolled-back transaction, so the attempt is still
 * recorded. The generic row names the route, its path parameters, the names of its query parameters (never their
 * values: a filter may be a caller's number) and the outcome.
 */
import { and, eq, gt, sql } from 'drizzle-orm';
import { auditLog } from '../../../db/schema/index.ts';
import type { Db } from '../../../db/client.ts';
import { audit } from '../audit.ts';
import type { Actor } from '../auth/actor.ts';

export const ADMIN_READ = 'admin_read';
export const ADMIN_REQUEST = 'admin_request';

/** The newest audit row's id: whatever a request writes after this has a higher id (identity values only grow). */
export async function auditMark(db: Db): Promise<number> {
  const [row] = await db.select({ id: sql<string | number | null>`max(${auditLog.id})` }).from(auditLog);
  return Number(row?.id ?? 0);
}

export type AdministratorRequest = {
  method: string;
  /** the route's path pattern, e.g. /api/security/users/:id/role */
  route: string;
  params: Record<string, string>;
  queryKeys: string[];
  status: number;
  /** the problem's code when refused or failed */
  code?: string;
};

/** A request's own text, made storable: at most 64 characters, no NUL and no lone surrogate (jsonb refuses both). */
const storable = (v: unknown) =>
  String(v)
    .slice(0, 64)
    .replace(/\p{Cs}/gu, '\uFFFD')
    .replaceAll('\u0000', '\uFFFD');

/**
 * Writes the generic row for an administrator's request unless the request wrote a row of its own after `since`
 * (same user, same request id). Says which it was.
 */
export async function auditAdministratorRequest(
  db: Db,
  actor: Pick<Actor, 'userId' | 'role' | 'ip' | 'requestId'>,
  since: number,
  request: AdministratorRequest,
): Promise<'own' | 'generic'> {
  if (actor.requestId) {
    const own = await db
      .select({ id: auditLog.id })
      .from(auditLog)
      .where(and(gt(auditLog.id, since), eq(auditLog.userId, actor.userId), eq(auditLog.requestId, actor.requestId)))
      .limit(1);
    if (own.length) return 'own';
  }
  const params = Object.fromEntries(Object.entries(request.params).map(([k, v]) => [k, storable(v)]));
  await audit(db, actor, request.method.toLowerCase() === 'get' ? ADMIN_READ : ADMIN_REQUEST, null, {
    method: request.method.toUpperCase(),
    route: request.route,
    params,
    query: [...new Set(request.queryKeys.map(storable))].slice(0, 20),
    status: request.status,
    ...(request.code ? { code: request.code } : {}),
  });
  return 'generic';
}
