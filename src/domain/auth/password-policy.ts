/**
 * The password policy (等保 2.0 level 3, identification and authentication): a minimum length and number of
 * character classes from the configuration, no reuse of the last PASSWORD_HISTORY passwords, an optional expiry,
 * and a forced change after an administrator sets the password (creation, reset). Changing the password ends the
 * user's other sessions.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { and, desc, eq, isNull, ne } from 'drizzle-orm';
import { passwordHistory, sessions, users } from '../../../db/schema/index.ts';
import type { Db } from '../../../db/client.ts';
import type { Config } from '../../config.ts';
import type { TxDeps, WithConfig } from '../../deps.ts';
import { audit } from '../audit.ts';
import { NotFoundError, UnprocessableError, ValidationError } from '../errors.ts';
import type { Actor } from './actor.ts';
import { hashPassword, verifyPassword } from './password.ts';

export type PasswordConfig = Pick<Config, 'PASSWORD_MIN_LENGTH' | 'PASSWORD_MIN_CLASSES' | 'PASSWORD_HISTORY'>;
/** The built-in defaults (src/config.ts), for callers that have no configuration at hand. */
export const DEFAULT_PASSWORD_CONFIG: PasswordConfig = { PASSWORD_MIN_LENGTH: 10, PASSWORD_MIN_CLASSES: 3, PASSWORD_HISTORY: 5 };

const CLASSES = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/];

/** 'too_short' | 'too_simple' | null: length in characters (not UTF-16 units), classes of lower, upper, digit, symbol. */
export function passwordProblem(password: string, cfg: Pick<Config, 'PASSWORD_MIN_LENGTH' | 'PASSWORD_MIN_CLASSES'>): 'too_short' | 'too_simple' | null {
  if ([...password].length < cfg.PASSWORD_MIN_LENGTH) return 'too_short';
  if (CLASSES.filter((re) => re.test(password)).length < cfg.PASSWORD_MIN_CLASSES) return 'too_simple';
  return null;
}

function policyError(path: string, code: string, message: string): ValidationError {
  return new ValidationError([{ path, code, message }], 'password_policy');
}

/** Throws 400 password_policy unless `password` meets length and classes. */
export function assertPasswordStrong(password: string, cfg: Pick<Config, 'PASSWORD_MIN_LENGTH' | 'PASSWORD_MIN_CLASSES'>, path = 'body.password'): void {
  const problem = passwordProblem(password, cfg);
  if (problem === 'too_short') throw policyError(path, problem, `at least ${cfg.PASSWORD_MIN_LENGTH} characters`);
  if (problem === 'too_simple') throw policyError(path, problem, `at least ${cfg.PASSWORD_MIN_CLASSES} of: lower case, upper case, digits, symbols`);
}

/** Throws 400 password_policy (issue code `reused`) when `password` is the current one or one of the last PASSWORD_HISTORY. */
async function assertNotReused(db: Db, cfg: PasswordConfig, user: { id: number; passwordHash: string }, password: string, path: string) {
  if (cfg.PASSWORD_HISTORY <= 0) return;
  const earlier = await db
    .select({ hash: passwordHistory.passwordHash })
    .from(passwordHistory)
    .where(eq(passwordHistory.userId, user.id))
    .orderBy(desc(passwordHistory.createdAt), desc(passwordHistory.id))
    .limit(cfg.PASSWORD_HISTORY - 1);
  for (const hash of [user.passwordHash, ...earlier.map((e) => e.hash)]) {
    if (await verifyPassword(password, hash)) throw policyError(path, 'reused', `not one of the last ${cfg.PASSWORD_HISTORY} passwords`);
  }
}

/**
 * Sets a new password hash on a locked user row: the old one goes to the history, the change is stamped, the
 * other sessions end (all of them when `keepSession` is unset). The caller audits and announces the ended sessions.
 */
async function replacePassword(
  tx: Db,
  user: { id: number; passwordHash: string },
  hash: string,
  now: Date,
  opts: { mustChange: boolean; keepSession?: string },
) {
  await tx.insert(passwordHistory).values({ userId: user.id, passwordHash: user.passwordHash, createdAt: now });
  // A demo account's password is known to everyone; once changed it is not, and the sign-in page no longer offers it.
  await tx.update(users).set({ passwordHash: hash, passwordChangedAt: now, mustChangePassword: opts.mustChange, isDemo: false }).where(eq(users.id, user.id));
  const others = opts.keepSession
    ? and(eq(sessions.userId, user.id), isNull(sessions.revokedAt), ne(sessions.id, opts.keepSession))
    : and(eq(sessions.userId, user.id), isNull(sessions.revokedAt));
  const ended = await tx.update(sessions).set({ revokedAt: now }).where(others).returning({ id: sessions.id });
  return ended.map((s) => s.id);
}

/**
 * The user changes their own password: the current one, then a new one that meets the policy and repeats none of
 * the recent ones. Lifts a forced change (administrator's, expiry, demo outside demo mode); ends the user's other
 * sessions and their sockets.
 */
export async function changeOwnPassword(deps: TxDeps & WithConfig<keyof PasswordConfig>, actor: Actor, input: { current: string; next: string }) {
  assertPasswordStrong(input.next, deps.config, 'body.next');
  const now = deps.clock.now();
  const [user] = await deps.db.select().from(users).where(eq(users.id, actor.userId));
  if (!user) throw new NotFoundError('user_not_found');
  if (!(await verifyPassword(input.current, user.passwordHash))) {
    await audit(deps.db, actor, 'password_change_failed', { type: 'user', id: actor.userId });
    throw new UnprocessableError('current_password_incorrect');
  }
  await assertNotReused(deps.db, deps.config, user, input.next, 'body.next');
  const hash = await hashPassword(input.next);
  const ended = await deps.db.transaction(async (tx) => {
    const [locked] = await tx.select().from(users).where(eq(users.id, actor.userId)).for('update');
    // Changed meanwhile (another tab): the current password checked above is no longer current.
    if (locked!.passwordHash !== user.passwordHash) throw new UnprocessableError('current_password_incorrect');
    const ids = await replacePassword(tx, locked!, hash, now, { mustChange: false, keepSession: actor.sessionId });
    await audit(tx, actor, 'password_changed', { type: 'user', id: actor.userId }, { otherSessionsEnded: ids.length });
    return ids;
  });
  if (ended.length) deps.bus.endAccess({ reason: 'signed_out', sessionIds: ended });
}

/** A temporary password that meets any policy the configuration allows (16 characters, all four classes). */
export function temporaryPassword(): string {
  const pick = (set: string) => set[randomInt(set.length)]!;
  const chars = [pick('ABCDEFGHJKLMNPQRSTUVWXYZ'), pick('abcdefghijkmnpqrstuvwxyz'), pick('23456789'), pick('@#%+=!?')];
  for (const b of randomBytes(12)) chars.push('ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789'[b % 56]!);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}

/**
 * An administrator resets a user's password (the security administrator's route calls this): a one-time
 * temporary password, returned once and never stored in clear; the next sign-in must change it. Every session of
 * the user ends and its sockets are cut.
 */
export async function resetPassword(deps: TxDeps, actor: Actor, userId: number): Promise<{ userId: number; temporaryPassword: string }> {
  const password = temporaryPassword();
  const hash = await hashPassword(password);
  const now = deps.clock.now();
  const ended = await deps.db.transaction(async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
    if (!user) throw new NotFoundError('user_not_found');
    const ids = await replacePassword(tx, user, hash, now, { mustChange: true });
    await audit(tx, actor, 'password_reset', { type: 'user', id: userId }, { sessionsEnded: ids.length });
    return ids;
  });
  if (ended.length) deps.bus.endAccess({ reason: 'signed_out', sessionIds: ended });
  return { userId, temporaryPassword: password };
}
