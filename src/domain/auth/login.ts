/**
 * Signing in, in one or two steps. Step 1 checks the password; when the user has a second factor it answers a
 * challenge instead of a session (random, only its hash stored, 5 minutes, 5 tries, used once), and step 2 takes
 * the challenge and a TOTP or recovery code. Failures of either step count in the same throttle (account with
 * address, and address) and are audited; unknown usernames get the same answers as known ones.
 */
import { and, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import { loginChallenges, sessions, users } from '../../../db/schema/index.ts';
import type { Db } from '../../../db/client.ts';
import type { DbClockDeps, WithConfig } from '../../deps.ts';
import { audit } from '../audit.ts';
import { DomainError } from '../errors.ts';
import type { Actor } from './actor.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { nextAcceptedCode, useSecondFactorCode } from './second-factor.ts';
import { assertNotThrottled, clearAccount, LoginThrottledError, recordFailure, throttleKeys, type ThrottleConfig } from './throttle.ts';
import { hashToken, newToken } from './tokens.ts';

type Meta = { ip: string | null; userAgent: string | null; requestId: string | null };
type LoginDeps = DbClockDeps & WithConfig<keyof ThrottleConfig | 'SESSION_TTL_HOURS' | 'SEED_DEMO'>;
type UserRow = typeof users.$inferSelect;

const CHALLENGE_MINUTES = 5;
const CHALLENGE_TRIES = 5;

/** The short session reference the 'login' audit row carries, so the session can find its own sign-in. */
export const sessionRef = (sessionId: string) => sessionId.slice(0, 16);

export type SessionStarted = { token: string; csrfToken: string; user: UserRow };
export type LoginResult =
  | ({ next: 'session' } & SessionStarted)
  | { next: 'second_factor'; challenge: string; demo?: { code: string; validInSeconds: number } };

// A fixed hash verified when the user does not exist, so timing does not reveal valid usernames.
let dummyHash: Promise<string> | null = null;

const anonymousOf = (meta: Meta) => ({ userId: 0, role: null, ip: meta.ip, requestId: meta.requestId }) as unknown as Actor;
const actorOf = (user: UserRow | undefined, meta: Meta) =>
  user ? ({ userId: user.id, role: user.role, ip: meta.ip, requestId: meta.requestId } as unknown as Actor) : anonymousOf(meta);

/** Before anything is checked, and the same for existing and unknown usernames; a block is audited. */
async function assertAllowed(deps: LoginDeps, username: string, meta: Meta, now: Date) {
  const keys = throttleKeys(username, meta.ip);
  try {
    await assertNotThrottled(deps.db, keys, now);
  } catch (err) {
    if (err instanceof LoginThrottledError) {
      await audit(
        deps.db,
        anonymousOf(meta),
        'login_throttled',
        { type: 'user', id: username.slice(0, 64) },
        { kinds: err.kinds, retryAfterSeconds: err.seconds },
      );
    }
    throw err;
  }
  return keys;
}

/** Counts a failure against the keys and audits it (as the user when known); then the caller throws. */
async function recordRefusal(
  deps: LoginDeps,
  username: string,
  user: UserRow | undefined,
  meta: Meta,
  now: Date,
  action: string,
  details: Record<string, unknown> = {},
) {
  const keys = throttleKeys(username, meta.ip);
  await deps.db.transaction(async (tx) => {
    const counted = await recordFailure(tx, deps.config, keys, now);
    const blocked = counted.filter((c) => c.blockedUntil && c.blockedUntil > now);
    await audit(
      tx,
      actorOf(user, meta),
      action,
      { type: 'user', id: username.slice(0, 64) },
      {
        ...details,
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
}

/** Step 1: username and password. */
export async function login(deps: LoginDeps, input: { username: string; password: string }, meta: Meta): Promise<LoginResult> {
  const now = deps.clock.now();
  await assertAllowed(deps, input.username, meta, now);
  const [user] = await deps.db.select().from(users).where(sql`lower(${users.username}) = lower(${input.username})`);
  const ok = user ? await verifyPassword(input.password, user.passwordHash) : await verifyPassword(input.password, await (dummyHash ??= hashPassword('x')));
  if (!user || !ok) {
    await recordRefusal(deps, input.username, user, meta, now, 'login_failed');
    throw new DomainError('invalid_credentials', 401);
  }
  if (!user.active) throw new DomainError('account_disabled', 403);
  if (!user.totpEnabledAt || !user.totpSecret) return { next: 'session', ...(await startSession(deps, user, meta, now)) };

  const challenge = newToken('lc');
  await deps.db.transaction(async (tx) => {
    await tx.insert(loginChallenges).values({
      id: hashToken(challenge),
      userId: user.id,
      ip: meta.ip,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + CHALLENGE_MINUTES * 60_000),
    });
    // Old challenges are of no use to anyone: keep the table small.
    await tx.delete(loginChallenges).where(lt(loginChallenges.expiresAt, new Date(now.getTime() - 86_400_000)));
    await audit(tx, actorOf(user, meta), 'login_password_verified', { type: 'user', id: user.id });
  });
  // In demo mode the demo accounts' second factor is public like their password: the page shows the next code.
  const demo = deps.config.SEED_DEMO && user.isDemo ? nextAcceptedCode(user.totpSecret, user.totpLastStep, now) : undefined;
  return { next: 'second_factor', challenge, ...(demo ? { demo } : {}) };
}

/** Step 2: the challenge from step 1 and a code of the authenticator app, or a recovery code. */
export async function loginSecondFactor(deps: LoginDeps, input: { challenge: string; code: string }, meta: Meta): Promise<SessionStarted & { method: string }> {
  const now = deps.clock.now();
  const id = hashToken(input.challenge);
  const [row] = await deps.db
    .select({ challenge: loginChallenges, user: users })
    .from(loginChallenges)
    .innerJoin(users, eq(users.id, loginChallenges.userId))
    .where(and(eq(loginChallenges.id, id), isNull(loginChallenges.usedAt), gt(loginChallenges.expiresAt, now), lt(loginChallenges.attempts, CHALLENGE_TRIES)));
  if (!row) throw new DomainError('login_challenge_invalid', 401);
  const { user } = row;
  await assertAllowed(deps, user.username, meta, now);
  // One try used, atomically: concurrent tries cannot exceed the allowance.
  const [tried] = await deps.db
    .update(loginChallenges)
    .set({ attempts: sql`${loginChallenges.attempts} + 1` })
    .where(and(eq(loginChallenges.id, id), isNull(loginChallenges.usedAt), lt(loginChallenges.attempts, CHALLENGE_TRIES)))
    .returning({ attempts: loginChallenges.attempts });
  if (!tried) throw new DomainError('login_challenge_invalid', 401);
  if (!user.active) throw new DomainError('account_disabled', 403);
  const check = user.totpEnabledAt ? await useSecondFactorCode(deps.db, user, input.code, now) : ({ ok: false, code: 'second_factor_invalid' } as const);
  if (!check.ok) {
    await recordRefusal(deps, user.username, user, meta, now, 'second_factor_failed', { reason: check.code, attempt: tried.attempts });
    throw new DomainError(check.code === 'second_factor_replayed' ? 'second_factor_replayed' : 'second_factor_invalid', 401);
  }
  const [used] = await deps.db
    .update(loginChallenges)
    .set({ usedAt: now })
    .where(and(eq(loginChallenges.id, id), isNull(loginChallenges.usedAt)))
    .returning({ id: loginChallenges.id });
  if (!used) throw new DomainError('login_challenge_invalid', 401);
  return { ...(await startSession(deps, user, meta, now, check.method)), method: check.method };
}

/** The session itself: cookie token, CSRF token, the sign-in recorded (last sign-in, throttle cleared, audit row). */
async function startSession(deps: LoginDeps, user: UserRow, meta: Meta, now: Date, secondFactor?: 'totp' | 'recovery'): Promise<SessionStarted> {
  const token = newToken('s');
  const csrfToken = newToken('c');
  const id = hashToken(token);
  await deps.db.transaction(async (tx) => {
    await tx.insert(sessions).values({
      id,
      userId: user.id,
      csrfToken,
      ip: meta.ip,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + deps.config.SESSION_TTL_HOURS * 3600_000),
    });
    await tx.update(users).set({ failedLogins: 0, lastLoginAt: now }).where(eq(users.id, user.id));
    await clearAccount(tx, user.username, meta.ip);
    await audit(tx, actorOf(user, meta), 'login', { type: 'user', id: user.id }, { session: sessionRef(id), ...(secondFactor ? { secondFactor } : {}) });
  });
  return { token, csrfToken, user };
}

/** The demo accounts the sign-in page offers in demo mode (never outside it). */
export async function demoAccounts(deps: { db: Db } & WithConfig<'SEED_DEMO'>) {
  if (!deps.config.SEED_DEMO) return { demo: false as const };
  const rows = await deps.db
    .select({ username: users.username, role: users.role, displayName: users.displayName, secondFactor: sql<boolean>`${users.totpEnabledAt} is not null` })
    .from(users)
    .where(and(eq(users.isDemo, true), eq(users.active, true), sql`${users.role} <> 'intake_client'`))
    .orderBy(users.id);
  return { demo: true as const, accounts: rows };
}
