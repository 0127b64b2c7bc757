/**
 * What a signed-in session may do before its holder has met the sign-in policy: a role that requires a second
 * factor without one enrolled, or a password that must change (set by an administrator, expired, or a demo
 * account's known password outside demo mode). Such a session is restricted: every route but /api/auth/* and
 * /api/account/* answers 403 with the restriction's code until it is met (src/http/route.ts). Pure, except
 * for reading and writing the policy setting.
 */
import { eq } from 'drizzle-orm';
import { securitySettings, users } from '../../../db/schema/index.ts';
import type { Db } from '../../../db/client.ts';
import type { Config } from '../../config.ts';
import type { DbClockDeps } from '../../deps.ts';
import { audit } from '../audit.ts';
import { ForbiddenError, NotFoundError, UnprocessableError } from '../errors.ts';
import { ROLES, type Role } from '../vocab.ts';
import type { Actor } from './actor.ts';

export const SECOND_FACTOR_SETTING = 'second_factor';
/**
 * The three administrators and the supervisors (等保 2.0 level 3: two factors for administrators): the policy's
 * default and its floor. They always need a second factor; the security administrator may require it of more roles,
 * never of fewer (a policy leaving one out is refused, and a stored one is read with them added back).
 */
export const MANDATORY_SECOND_FACTOR_ROLES: readonly Role[] = ['supervisor', 'admin', 'security_admin', 'audit_admin'];

export type SecondFactorPolicy = { requiredRoles: Role[] };

/**
 * The stored setting with the mandatory roles, in the vocabulary's order whatever order they were stored in; a
 * malformed row falls back to the mandatory roles rather than to none.
 */
export function policyOf(value: unknown): SecondFactorPolicy {
  const roles = (value as { requiredRoles?: unknown } | null)?.requiredRoles;
  const stored: readonly unknown[] = Array.isArray(roles) ? roles : [];
  return { requiredRoles: ROLES.filter((r) => MANDATORY_SECOND_FACTOR_ROLES.includes(r) || stored.includes(r)) };
}

export async function secondFactorPolicy(db: Db): Promise<SecondFactorPolicy & { updatedAt: Date | null; updatedBy: number | null }> {
  const [row] = await db.select().from(securitySettings).where(eq(securitySettings.key, SECOND_FACTOR_SETTING));
  return { ...policyOf(row?.value), updatedAt: row?.updatedAt ?? null, updatedBy: row?.updatedBy ?? null };
}

/** Sets the roles that need a second factor: 422 second_factor_role_mandatory, nothing written, when one of the mandatory roles is left out. */
export async function setSecondFactorPolicy(deps: DbClockDeps, actor: Actor, input: SecondFactorPolicy) {
  const missing = MANDATORY_SECOND_FACTOR_ROLES.filter((r) => !input.requiredRoles.includes(r));
  if (missing.length) throw new UnprocessableError('second_factor_role_mandatory', {}, { missing, mandatory: MANDATORY_SECOND_FACTOR_ROLES });
  const { requiredRoles } = policyOf(input);
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const before = await secondFactorPolicy(tx);
    await tx
      .insert(securitySettings)
      .values({ key: SECOND_FACTOR_SETTING, value: { requiredRoles }, updatedBy: actor.userId || null, updatedAt: now })
      .onConflictDoUpdate({ target: securitySettings.key, set: { value: { requiredRoles }, updatedBy: actor.userId || null, updatedAt: now } });
    await audit(
      tx,
      actor,
      'second_factor_policy_changed',
      { type: 'security_setting', id: SECOND_FACTOR_SETTING },
      { before: before.requiredRoles, after: requiredRoles },
    );
    return { requiredRoles, updatedAt: now, updatedBy: actor.userId || null };
  });
}

export type Restriction = 'password_change_required' | 'second_factor_enrolment_required';
export type PolicyConfig = Pick<Config, 'SEED_DEMO' | 'PASSWORD_MAX_AGE_DAYS'>;
type UserRow = Pick<typeof users.$inferSelect, 'role' | 'mustChangePassword' | 'isDemo' | 'passwordChangedAt' | 'totpEnabledAt'>;

/** When the password expires (null: PASSWORD_MAX_AGE_DAYS is 0, it never does). */
export function passwordExpiresAt(user: Pick<UserRow, 'passwordChangedAt'>, cfg: Pick<Config, 'PASSWORD_MAX_AGE_DAYS'>): Date | null {
  return cfg.PASSWORD_MAX_AGE_DAYS > 0 ? new Date(user.passwordChangedAt.getTime() + cfg.PASSWORD_MAX_AGE_DAYS * 86_400_000) : null;
}

/** Why the password must change now, if it must. */
export function passwordChangeReason(user: UserRow, cfg: PolicyConfig, now: Date): 'reset' | 'expired' | 'demo' | null {
  if (user.mustChangePassword) return 'reset';
  const expires = passwordExpiresAt(user, cfg);
  if (expires && expires <= now) return 'expired';
  if (user.isDemo && !cfg.SEED_DEMO) return 'demo';
  return null;
}

/** What this user's session is held to, in the order they are met (the password first, then the second factor). */
export function restrictionsOf(user: UserRow, policy: SecondFactorPolicy, cfg: PolicyConfig, now: Date): Restriction[] {
  const out: Restriction[] = [];
  if (passwordChangeReason(user, cfg, now)) out.push('password_change_required');
  if (!user.totpEnabledAt && policy.requiredRoles.includes(user.role)) out.push('second_factor_enrolment_required');
  return out;
}

/** 403 with the restriction's own code (written out, so every code raised is one the messages table has). */
export const restrictionError = (r: Restriction) =>
  new ForbiddenError(r === 'password_change_required' ? 'password_change_required' : 'second_factor_enrolment_required');

/** The paths a restricted session may still use: signing in and out, and its own account. */
export const openWhileRestricted = (path: string) => path.startsWith('/api/auth/') || path.startsWith('/api/account/') || path === '/api/account';

/** The user's row as the account page needs it. */
export async function accountOf(db: Db, userId: number) {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user) throw new NotFoundError('user_not_found');
  return user;
}
