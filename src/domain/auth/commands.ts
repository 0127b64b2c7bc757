import { and, eq, isNull, sql } from 'drizzle-orm';
import { apiTokens, sessions, units, users } from '../../../db/schema/index.ts';
import type { DbDeps, DbClockDeps, TxDeps, WithConfig } from '../../deps.ts';
import { audit } from '../audit.ts';
import { DomainError, ConflictError, NotFoundError, UnprocessableError, ValidationError } from '../errors.ts';
import type { Role } from '../vocab.ts';

import type { Actor } from './actor.ts';
import { hashPassword, passwordProblems, verifyPassword } from './password.ts';
import { hashToken, newToken } from './tokens.ts';
import { assertNotThrottled, clearAccount, LoginThrottledError, recordFailure, throttleKeys, type ThrottleConfig } from './throttle.ts';
import { isUniqueViolation } from '../db-errors.ts';

// A fixed hash verified when the user does not exist, so timing does not reveal valid usernames.
let dummyHash: Promise<string> | null = null;

export async function login(
  deps: DbClockDeps & WithConfig<keyof ThrottleConfig | 'SESSION_TTL_HOURS'>,
  input: { username: string; password: string },
  meta: { ip: string | null; userAgent: string | null; requestId: string | null },
) {
  const now = deps.clock.now();
  const keys = throttleKeys(input.username, meta.ip);
  // Who tried, as far as we know before the password: no user yet, but the address and request.
  const anonymous = { userId: 0, role: null, ip: meta.ip, requestId: meta.requestId } as unknown as Actor;
  try {
    // Before the password is even looked at, and the same for existing and unknown usernames.
    await assertNotThrottled(deps.db, keys, now);
  } catch (err) {
    if (err instanceof LoginThrottledError) {
      await audit(deps.db, anonymous, 'login_throttled', { type: 'user', id: keys[0]!.key }, { kinds: err.kinds, retryAfterSeconds: err.seconds });
    }
    throw err;
  }
  const [user] = await deps.db.select().from(users).where(sql`lower(${users.username}) = lower(${input.username})`);
  const ok = user ? await verifyPassword(input.password, user.passwordHash) : await verifyPassword(input.password, await (dummyHash ??= hashPassword('x')));
  const actorish = { userId: user?.id ?? 0, role: user?.role ?? null, ip: meta.ip, requestId: meta.requestId } as unknown as Actor;
  if (!user || !ok) {
    await deps.db.transaction(async (tx) => {
      const counted = await recordFailure(tx, deps.config, keys, now);
      const blocked = counted.filter((c) => c.blockedUntil && c.blockedUntil > now);
      await audit(
        tx,
        user ? actorish : anonymous,
        'login_failed',
        { type: 'user', id: input.username.slice(0, 64) },
        {
          failures: Object.fromEntries(counted.map((c) => [c.kind, c.failures])),
          ...(blocked.length ? { blockedUntil: new Date(Math.max(...blocked.map((b) => b.blockedUntil!.getTime()))).toISOString() } : {}),
        },
      );
      if (user)
        await tx
          .update(users)
          .set({ failedLogins: sql`${users.failedLogins} + 1` })
          .where(eq(users.id, user.id));
    });
    throw new DomainError('invalid_credentials', 401);
  }
  if (!user.active) throw new DomainError('account_disabled', 403);
  const token = newToken('s');
  const csrfToken = newToken('c');
  await deps.db.transaction(async (tx) => {
    await tx.insert(sessions).values({
      id: hashToken(token),
      userId: user.id,
      csrfToken,
      ip: meta.ip,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + deps.config.SESSION_TTL_HOURS * 3600_000),
    });
    await tx.update(users).set({ failedLogins: 0 }).where(eq(users.id, user.id));
    await clearAccount(tx, input.username);
    await audit(tx, actorish, 'login', { type: 'user', id: user.id });
  });
  return { token, csrfToken, user };
}

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

export async function sessionInfo(deps: DbDeps, actor: Actor) {
  const [unit] = await deps.db.select({ id: units.id, name: units.name, kind: units.kind }).from(units).where(eq(units.id, actor.unitId));
  let csrfToken: string | null = null;
  if (actor.sessionId) {
    const [s] = await deps.db.select({ csrf: sessions.csrfToken }).from(sessions).where(eq(sessions.id, actor.sessionId));
    csrfToken = s?.csrf ?? null;
  }
  return {
    user: { id: actor.userId, username: actor.username, displayName: actor.displayName, role: actor.role, unit: unit ?? null },
    csrfToken,
    via: actor.via,
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

export async function createUser(deps: DbDeps, actor: Actor, input: { username: string; displayName: string; password: string; role: Role; unitId: number }) {
  const problem = passwordProblems(input.password);
  if (problem) throw new ValidationError([{ path: 'body.password', code: problem, message: 'password policy' }], 'password_policy');
  const [unit] = await deps.db.select().from(units).where(eq(units.id, input.unitId));
  if (!unit) throw new UnprocessableError('unit_unknown', { unitId: input.unitId });
  if (!UNIT_KINDS_FOR_ROLE[input.role].includes(unit.kind)) throw new UnprocessableError('role_unit_mismatch');
  const passwordHash = await hashPassword(input.password);
  try {
    const [u] = await deps.db
      .insert(users)
      .values({ username: input.username, displayName: input.displayName, passwordHash, role: input.role, unitId: input.unitId })
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
