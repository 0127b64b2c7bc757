/**
 * The second factor: TOTP (RFC 6238: SHA-1, 6 digits, 30-second steps, what every authenticator app reads) via
 * the otpauth library, and ten one-time recovery codes. The secret is stored encrypted (users.totpSecret, SM4);
 * recovery codes only as hashes. A code is accepted once: its step must be within one of now and later than the
 * last step accepted (users.totpLastStep, moved forward atomically), so a code seen over a shoulder or replayed
 * by a proxy is refused (second_factor_replayed), even by two instances at once.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import { loginChallenges, recoveryCodes, sessions, users } from '../../../db/schema/index.ts';
import type { Db } from '../../../db/client.ts';
import type { DbClockDeps, TxDeps, WithConfig } from '../../deps.ts';
import { audit } from '../audit.ts';
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableError } from '../errors.ts';
import type { Actor } from './actor.ts';
import { secondFactorPolicy } from './sign-in-policy.ts';

export const TOTP_PERIOD = 30;
const RECOVERY_CODES = 10;

const totpOf = (secret: string, label = '', issuer = '') =>
  new TOTP({ issuer, label, secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: TOTP_PERIOD });

/** The 30-second step an instant falls in. */
export const stepAt = (now: Date) => Math.floor(now.getTime() / 1000 / TOTP_PERIOD);

/** The code of one step (tests and the demo's sign-in hint). */
export const totpCode = (secret: string, step: number) => totpOf(secret).generate({ timestamp: step * TOTP_PERIOD * 1000 });

/** The step among now-1, now, now+1 whose code this is, or null. Compares every candidate, in constant time each. */
export function matchingStep(secret: string, code: string, now: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const current = stepAt(now);
  let found: number | null = null;
  for (const step of [current - 1, current, current + 1]) {
    if (timingSafeEqual(Buffer.from(totpCode(secret, step)), Buffer.from(code))) found ??= step;
  }
  return found;
}

/**
 * The next code this user's authenticator will have accepted (the demo shows it on the sign-in page): the
 * earliest step within the window after the last one used, and in how many seconds it becomes valid when that
 * step is still ahead of the window (three sign-ins of one account within a step use the window up).
 */
export function nextAcceptedCode(secret: string, lastStep: number | null, now: Date): { code: string; validInSeconds: number } {
  const current = stepAt(now);
  const step = Math.max(current - 1, (lastStep ?? Number.NEGATIVE_INFINITY) + 1);
  const validInSeconds = Math.max(0, Math.ceil(((step - 1) * TOTP_PERIOD * 1000 - now.getTime()) / 1000));
  return { code: totpCode(secret, step), validInSeconds };
}

const normaliseRecovery = (code: string) => code.toLowerCase().replace(/[^a-z0-9]/g, '');
const hashRecovery = (code: string) =>
  createHash('sha256')
    .update(`jiesu-recovery:${normaliseRecovery(code)}`)
    .digest('hex');

/** Ten codes of 10 base32 characters (50 bits each), shown as xxxxx-xxxxx. */
function newRecoveryCodes(): string[] {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return Array.from({ length: RECOVERY_CODES }, () => {
    const s = [...randomBytes(10)].map((b) => alphabet[b % 32]).join('');
    return `${s.slice(0, 5)}-${s.slice(5)}`;
  });
}

export type CodeCheck = { ok: true; method: 'totp' | 'recovery' } | { ok: false; code: 'second_factor_invalid' | 'second_factor_replayed' };

/**
 * Checks a code against a user's enabled second factor and, when right, uses it up atomically: the TOTP step moves
 * forward only past the last one, a recovery code is marked used only if it still was not. 6 digits are a TOTP
 * code; anything else is tried as a recovery code.
 */
export async function useSecondFactorCode(db: Db, user: { id: number; totpSecret: string | null }, code: string, now: Date): Promise<CodeCheck> {
  const trimmed = code.trim();
  if (/^\d{6}$/.test(trimmed)) {
    if (!user.totpSecret) return { ok: false, code: 'second_factor_invalid' };
    const step = matchingStep(user.totpSecret, trimmed, now);
    if (step === null) return { ok: false, code: 'second_factor_invalid' };
    const moved = await db
      .update(users)
      .set({ totpLastStep: step })
      .where(and(eq(users.id, user.id), sql`(${users.totpLastStep} is null or ${users.totpLastStep} < ${step})`))
      .returning({ id: users.id });
    return moved.length ? { ok: true, method: 'totp' } : { ok: false, code: 'second_factor_replayed' };
  }
  if (normaliseRecovery(trimmed).length !== 10) return { ok: false, code: 'second_factor_invalid' };
  const used = await db
    .update(recoveryCodes)
    .set({ usedAt: now })
    .where(and(eq(recoveryCodes.userId, user.id), eq(recoveryCodes.codeHash, hashRecovery(trimmed)), isNull(recoveryCodes.usedAt)))
    .returning({ id: recoveryCodes.id });
  return used.length ? { ok: true, method: 'recovery' } : { ok: false, code: 'second_factor_invalid' };
}

/** 422 second_factor_invalid / second_factor_replayed, for the account routes (sign-in answers 401 instead). */
const refused = (c: CodeCheck & { ok: false }) =>
  new UnprocessableError(c.code === 'second_factor_replayed' ? 'second_factor_replayed' : 'second_factor_invalid');

/**
 * Step 1 of enrolment: a fresh secret, stored encrypted and not yet enabled, and the otpauth:// URI an
 * authenticator app reads from the QR code. Refused while a second factor is enabled (disable or reset first).
 */
export async function enrolSecondFactor(deps: DbClockDeps & WithConfig<'TOTP_ISSUER'>, actor: Actor) {
  const [user] = await deps.db.select().from(users).where(eq(users.id, actor.userId));
  if (!user) throw new NotFoundError('user_not_found');
  if (user.totpEnabledAt) throw new ConflictError('second_factor_already_enabled');
  const secret = new Secret({ size: 20 }).base32;
  await deps.db.transaction(async (tx) => {
    await tx.update(users).set({ totpSecret: secret, totpLastStep: null }).where(eq(users.id, actor.userId));
    await audit(tx, actor, 'second_factor_enrolment_started', { type: 'user', id: actor.userId });
  });
  const otpauthUri = totpOf(secret, user.username, deps.config.TOTP_ISSUER).toString();
  return { secret, otpauthUri };
}

/** Step 2: a right code from the app enables the second factor and returns ten recovery codes, shown this once. */
export async function confirmSecondFactor(deps: DbClockDeps, actor: Actor, input: { code: string }) {
  const now = deps.clock.now();
  const [user] = await deps.db.select().from(users).where(eq(users.id, actor.userId));
  if (!user) throw new NotFoundError('user_not_found');
  if (user.totpEnabledAt) throw new ConflictError('second_factor_already_enabled');
  if (!user.totpSecret) throw new ConflictError('second_factor_not_enrolling');
  if (!/^\d{6}$/.test(input.code.trim())) throw new UnprocessableError('second_factor_invalid');
  const codes = newRecoveryCodes();
  await deps.db.transaction(async (tx) => {
    const check = await useSecondFactorCode(tx, user, input.code, now);
    if (!check.ok) throw refused(check);
    await tx.update(users).set({ totpEnabledAt: now }).where(eq(users.id, actor.userId));
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, actor.userId));
    await tx.insert(recoveryCodes).values(codes.map((c) => ({ userId: actor.userId, codeHash: hashRecovery(c), createdAt: now })));
    await audit(tx, actor, 'second_factor_enabled', { type: 'user', id: actor.userId });
  });
  return { recoveryCodes: codes };
}

/** Turns one's own second factor off, with a current code; refused when the role requires one. */
export async function disableOwnSecondFactor(deps: DbClockDeps, actor: Actor, input: { code: string }) {
  const now = deps.clock.now();
  const policy = await secondFactorPolicy(deps.db);
  if (policy.requiredRoles.includes(actor.role)) throw new ForbiddenError('second_factor_required_for_role', { role: actor.role });
  const [user] = await deps.db.select().from(users).where(eq(users.id, actor.userId));
  if (!user?.totpEnabledAt) throw new ConflictError('second_factor_not_enabled');
  await deps.db.transaction(async (tx) => {
    const check = await useSecondFactorCode(tx, user, input.code, now);
    if (!check.ok) throw refused(check);
    await clearSecondFactor(tx, actor.userId);
    await audit(tx, actor, 'second_factor_disabled', { type: 'user', id: actor.userId });
  });
}

async function clearSecondFactor(tx: Db, userId: number) {
  await tx.update(users).set({ totpSecret: null, totpEnabledAt: null, totpLastStep: null }).where(eq(users.id, userId));
  await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
}

/**
 * The security administrator clears a user's second factor (a lost phone): secret, recovery codes and pending
 * sign-ins go; the user's sessions end, and the next sign-in enrols again (restricted until then when the role
 * requires it).
 */
export async function resetSecondFactor(deps: TxDeps, actor: Actor, userId: number) {
  const now = deps.clock.now();
  const ended = await deps.db.transaction(async (tx) => {
    const [user] = await tx.select({ id: users.id, enabled: users.totpEnabledAt }).from(users).where(eq(users.id, userId)).for('update');
    if (!user) throw new NotFoundError('user_not_found');
    await clearSecondFactor(tx, userId);
    await tx
      .update(loginChallenges)
      .set({ usedAt: now })
      .where(and(eq(loginChallenges.userId, userId), isNull(loginChallenges.usedAt)));
    const rows = await tx
      .update(sessions)
      .set({ revokedAt: now })
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
      .returning({ id: sessions.id });
    await audit(tx, actor, 'second_factor_reset', { type: 'user', id: userId }, { wasEnabled: !!user.enabled, sessionsEnded: rows.length });
    return rows.map((r) => r.id);
  });
  if (ended.length) deps.bus.endAccess({ reason: 'signed_out', sessionIds: ended });
}

/** What the account page shows about the second factor. */
export async function secondFactorStatus(db: Db, actor: Pick<Actor, 'userId' | 'role'>) {
  const [row] = await db.select({ enabledAt: users.totpEnabledAt }).from(users).where(eq(users.id, actor.userId));
  const [left] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, actor.userId), isNull(recoveryCodes.usedAt)));
  const policy = await secondFactorPolicy(db);
  return { enabled: !!row?.enabledAt, enabledAt: row?.enabledAt ?? null, required: policy.requiredRoles.includes(actor.role), recoveryCodesLeft: left?.n ?? 0 };
}
