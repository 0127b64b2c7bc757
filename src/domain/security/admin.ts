/**
 * The security administrator's commands (三权分立): roles, password resets, the accounts of the three
 * administrators, live sessions. Each account has exactly one role, so nobody holds two administrator roles; an
 * administrator never changes its own account through these commands, and the system always keeps at least one
 * active account of each administrator role. Every command writes its audit row in its own transaction.
 */
import { and, desc, eq, gt, isNull, ne } from 'drizzle-orm';
import { sessions, units, users } from '../../../db/schema/index.ts';
import type { DbClockDeps, TxDeps, WithConfig } from '../../deps.ts';
import { audit } from '../audit.ts';
import type { Actor } from '../auth/actor.ts';
import { createUser } from '../auth/commands.ts';
import { resetPassword } from '../auth/password-policy.ts';
import type { Db } from '../../../db/client.ts';
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableError } from '../errors.ts';
import { isAdminRole } from '../org/roles.ts';
import { UNIT_ROLES, type Role } from '../vocab.ts';

/** An administrator acts on other people's accounts; its own role and password are not changed from here. */
function assertNotSelf(actor: Actor, userId: number): void {
  if (actor.userId === userId) throw new ForbiddenError('own_account_forbidden');
}

/**
 * Refused when taking `userId` out of `role` (a role change) would leave no active account of that administrator
 * role. The role's active accounts are locked first, so two security administrators demoting each other at
 * once are ordered and the second is refused.
 */
async function assertNotLastAdministrator(tx: Db, role: Role, userId: number): Promise<void> {
  if (!isAdminRole(role)) return;
  const others = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, role), eq(users.active, true), ne(users.id, userId)))
    .for('update');
  if (!others.length) throw new ConflictError('last_administrator', { role });
}

/** The security administrator creates an account of one of the three administrator roles (password policy applies). */
export async function createAdministrator(
  deps: TxDeps,
  actor: Actor,
  input: { username: string; displayName: string; password: string; role: Role; unitId: number },
) {
  if (!isAdminRole(input.role)) throw new UnprocessableError('role_not_administrator', { role: input.role });
  return createUser(deps, actor, input);
}

/**
 * Changes an account's role (granting or taking an administrator role included), with its unit when the new
 * role belongs elsewhere (a handling unit's roles to a unit, the others to the centre). The account's sessions end
 * and its sockets are cut, so it signs in again with what the new role may do.
 */
export async function changeRole(deps: TxDeps, actor: Actor, userId: number, input: { role: Role; unitId?: number }) {
  assertNotSelf(actor, userId);
  const result = await deps.db.transaction(async (tx) => {
    const [u] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
    if (!u) throw new NotFoundError('user_not_found');
    const unitId = input.unitId ?? u.unitId;
    if (u.role === input.role && unitId === u.unitId) return { user: u, changed: false };
    const [unit] = await tx.select({ kind: units.kind }).from(units).where(eq(units.id, unitId));
    if (!unit) throw new UnprocessableError('unit_unknown', { unitId });
    if (UNIT_ROLES.includes(input.role) === (unit.kind === 'centre')) throw new UnprocessableError('role_unit_mismatch');
    if (u.active && u.role !== input.role) await assertNotLastAdministrator(tx, u.role, userId);
    const [row] = await tx.update(users).set({ role: input.role, unitId }).where(eq(users.id, userId)).returning();
    await tx
      .update(sessions)
      .set({ revokedAt: deps.clock.now() })
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
    await audit(tx, actor, 'user_role_changed', { type: 'user', id: userId }, { from: u.role, to: input.role, fromUnitId: u.unitId, unitId });
    return { user: row!, changed: true };
  });
  if (result.changed) deps.bus.endAccess({ reason: 'signed_out', userIds: [userId] });
  return result.user;
}

/**
 * Resets another account's password to a temporary one (shown once; a change is forced at the next sign-in).
 * The password policy's own command does the work and writes its audit row.
 */
export async function resetUserPassword(deps: Parameters<typeof resetPassword>[0], actor: Actor, userId: number) {
  assertNotSelf(actor, userId);
  return resetPassword(deps, actor, userId);
}

/**
 * The sessions that still let their holder in: not revoked, not expired, not idle past SESSION_IDLE_MINUTES,
 * their user active. A session is named by its id, the cookie's SHA-256: it cannot be turned back into the cookie.
 */
export async function listLiveSessions(deps: DbClockDeps & WithConfig<'SESSION_IDLE_MINUTES'>, actor: Actor) {
  const now = deps.clock.now();
  const idleSince = new Date(now.getTime() - deps.config.SESSION_IDLE_MINUTES * 60_000);
  const rows = await deps.db
    .select({
      id: sessions.id,
      userId: users.id,
      username: users.username,
      displayName: users.displayName,
      role: users.role,
      ip: sessions.ip,
      userAgent: sessions.userAgent,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      expiresAt: sessions.expiresAt,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(isNull(sessions.revokedAt), gt(sessions.expiresAt, now), gt(sessions.lastSeenAt, idleSince), eq(users.active, true)))
    .orderBy(desc(sessions.lastSeenAt))
    .limit(1000);
  return rows.map((r) => ({ ...r, current: r.id === actor.sessionId }));
}

/** Ends one session; after the commit its sockets are cut on every instance, as a sign-out does. */
export async function revokeSession(deps: TxDeps, actor: Actor, sessionId: string) {
  const userId = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .update(sessions)
      .set({ revokedAt: deps.clock.now() })
      .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)))
      .returning({ userId: sessions.userId });
    if (!row) throw new NotFoundError('session_not_found');
    await audit(tx, actor, 'session_revoked', { type: 'user', id: row.userId }, { session: sessionId.slice(0, 12) });
    return row.userId;
  });
  deps.bus.endAccess({ reason: 'signed_out', sessionIds: [sessionId] });
  return { id: sessionId, userId };
}
