import { and, eq, isNull } from 'drizzle-orm';
import { apiTokens, securitySettings, sessions, units, users } from '../../../db/schema/index.ts';
import type { DbDeps, DbClockDeps, TxDeps, WithConfig } from '../../deps.ts';
import { audit } from '../audit.ts';
import { ConflictError, NotFoundError, UnprocessableError } from '../errors.ts';
import type { Role } from '../vocab.ts';

import type { Actor } from './actor.ts';
import { failuresSinceLastSignIn } from './activity.ts';
import { hashPassword } from './password.ts';
import { assertPasswordStrong, DEFAULT_PASSWORD_CONFIG, type PasswordConfig } from './password-policy.ts';
import { passwordExpiresAt, policyOf, restrictionsOf, SECOND_FACTOR_SETTING, type PolicyConfig } from './sign-in-policy.ts';
import { hashToken, newToken } from './tokens.ts';
import { isUniqueViolation } from '../db-errors.ts';

/**
 * Signs out this session, or every session of the user (everywhere). After the commit, every socket opened with
 * an ended session is disconnected, on every instance. API tokens are not sessions: they end when an admin
 * revokes them (or the user is deactivated), and so do their sockets.
 */
export async function logout(deps: TxDeps, actor: Actor, everywhere: boolean) {
  const now = deps.clock.now();
  const ended = await deps.db.transaction(async (tx) => {
    const where = everywhere
      ? and(eq(sessions.userId, actor.userId), isNull(sessions.revokedAt))
      : actor.sessionId
        ? eq(sessions.id, actor.sessionId)
        : undefined;
    const rows = where ? await tx.update(sessions).set({ revokedAt: now }).where(where).returning({ id: sessions.id }) : [];
    await audit(tx, actor, everywhere ? 'logout_everywhere' : 'logout', { type: 'user', id: actor.userId });
    return rows.map((r) => r.id);
  });
  // The sessions this sign-out ended; a socket of one revoked earlier is the periodic re-check's to cut.
  if (ended.length) deps.bus.endAccess({ reason: 'signed_out', sessionIds: ended });
}

/**
 * Who am I: the user and unit, this session's CSRF token, what the session is held to until the sign-in policy
 * is met (a password change, enrolling a second factor; none for API tokens), and the failed sign-in attempts on
 * the account since the previous sign-in.
 */
export async function sessionInfo(deps: DbClockDeps & WithConfig<keyof PolicyConfig>, actor: Actor) {
  const [row] = await deps.db
    .select({ user: users, unit: { id: units.id, name: units.name, kind: units.kind }, policy: securitySettings.value })
    .from(users)
    .innerJoin(units, eq(units.id, users.unitId))
    .leftJoin(securitySettings, eq(securitySettings.key, SECOND_FACTOR_SETTING))
    .where(eq(users.id, actor.userId));
  let csrfToken: string | null = null;
  if (actor.sessionId) {
    const [s] = await deps.db.select({ csrf: sessions.csrfToken }).from(sessions).where(eq(sessions.id, actor.sessionId));
    csrfToken = s?.csrf ?? null;
  }
  const policy = policyOf(row?.policy);
  const restrictions = row && actor.via === 'session' ? restrictionsOf(row.user, policy, deps.config, deps.clock.now()) : [];
  return {
    user: { id: actor.userId, username: actor.username, displayName: actor.displayName, role: actor.role, unit: row?.unit ?? null },
    csrfToken,
    via: actor.via,
    restrictions,
    secondFactor: { enabled: !!row?.user.totpEnabledAt, required: policy.requiredRoles.includes(actor.role) },
    passwordExpiresAt: row ? (passwordExpiresAt(row.user, deps.config)?.toISOString() ?? null) : null,
    isDemo: row?.user.isDemo ?? false,
    failedSignIns: await failuresSinceLastSignIn(deps.db, actor),
  };
}

const UNIT_KINDS_FOR_ROLE: Record<Role, readonly string[]> = {
  operator: ['centre'],
  window_clerk: ['centre'],
  dispatcher: ['centre'],
  callback_agent: ['centre'],
  supervisor: ['centre'],
  admin: ['centre'],
  security_admin: ['centre'],
  audit_admin: ['centre'],
  intake_client: ['centre'],
  unit_handler: ['district', 'department', 'street', 'community'],
  unit_leader: ['district', 'department', 'street', 'community'],
};

/**
 * An administrator creates an account with an initial password (the policy applies); its holder must change it at
 * the first sign-in. `config` is the instance's (routes pass their deps); without it the built-in policy applies.
 */
export async function createUser(
  deps: DbDeps & { config?: PasswordConfig },
  actor: Actor,
  input: { username: string; displayName: string; password: string; role: Role; unitId: number },
) {
  assertPasswordStrong(input.password, deps.config ?? DEFAULT_PASSWORD_CONFIG);
  const [unit] = await deps.db.select().from(units).where(eq(units.id, input.unitId));
  if (!unit) throw new UnprocessableError('unit_unknown', { unitId: input.unitId });
  if (!UNIT_KINDS_FOR_ROLE[input.role].includes(unit.kind)) throw new UnprocessableError('role_unit_mismatch');
  const passwordHash = await hashPassword(input.password);
  try {
    const [u] = await deps.db
      .insert(users)
      .values({ username: input.username, displayName: input.displayName, passwordHash, role: input.role, unitId: input.unitId, mustChangePassword: true })
      .returning();
    await audit(deps.db, actor, 'user_created', { type: 'user', id: u!.id }, { username: u!.username, role: u!.role, unitId: u!.unitId });
    return u!;
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError('username_taken');
    throw err;
  }
}

/** Deactivation revokes the user's sessions and, after the commit, disconnects every socket of the user (tokens' too). */
export async function setUserActive(deps: TxDeps, actor: Actor, userId: number, active: boolean) {
  const u = await deps.db.transaction(async (tx) => {
    const [row] = await tx.update(users).set({ active }).where(eq(users.id, userId)).returning();
    if (!row) throw new NotFoundError('user_not_found');
    if (!active)
      await tx
        .update(sessions)
        .set({ revokedAt: deps.clock.now() })
        .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
    await audit(tx, actor, active ? 'user_activated' : 'user_deactivated', { type: 'user', id: userId });
    return row;
  });
  if (!active) deps.bus.endAccess({ reason: 'deactivated', userIds: [userId] });
  return u;
}

export async function issueToken(deps: DbDeps, actor: Actor, input: { userId: number; name: string; expiresAt?: string }) {
  const [u] = await deps.db.select().from(users).where(eq(users.id, input.userId));
  if (!u) throw new UnprocessableError('user_not_found');
  const token = newToken('jst');
  const [row] = await deps.db
    .insert(apiTokens)
    .values({
      name: input.name,
      tokenHash: hashToken(token),
      prefix: token.slice(0, 12),
      userId: u.id,
      expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
    })
    .returning();
  await audit(deps.db, actor, 'token_issued', { type: 'api_token', id: row!.id }, { userId: u.id, name: input.name });
  return { token, id: row!.id, prefix: row!.prefix, name: row!.name, userId: u.id };
}

export async function revokeToken(deps: TxDeps, actor: Actor, id: number) {
  await deps.db.transaction(async (tx) => {
    const [row] = await tx.update(apiTokens).set({ revokedAt: deps.clock.now() }).where(eq(apiTokens.id, id)).returning();
    if (!row) throw new NotFoundError();
    await audit(tx, actor, 'token_revoked', { type: 'api_token', id });
  });
  deps.bus.endAccess({ reason: 'token_revoked', tokenIds: [id] });
}
