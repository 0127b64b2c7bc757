/**
 * The system administrator's account commands (三权分立): it creates, activates and deactivates the accounts of
 * the hotline's people and API clients, never one of the three administrators' — those are the security
 * administrator's (src/domain/security/admin.ts).
 */
import { eq } from 'drizzle-orm';
import { users } from '../../../db/schema/index.ts';
import type { DbDeps, TxDeps } from '../../deps.ts';
import type { Actor } from '../auth/actor.ts';
import { createUser, setUserActive } from '../auth/commands.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import type { Role } from '../vocab.ts';
import { isAdminRole } from './roles.ts';

/** Refused when the account (or the role asked for) is one of the three administrators'. */
export function assertOrdinary(role: Role): void {
  if (isAdminRole(role)) throw new ForbiddenError('administrator_account_forbidden', { role });
}

/** The system administrator creates an ordinary account (any role but the three administrators). */
export async function createOrdinaryUser(deps: DbDeps, actor: Actor, input: Parameters<typeof createUser>[2]) {
  assertOrdinary(input.role);
  return createUser(deps, actor, input);
}

/** The system administrator (de)activates an ordinary account; an administrator's account is refused before any change. */
export async function setOrdinaryUserActive(deps: TxDeps, actor: Actor, userId: number, active: boolean) {
  const [u] = await deps.db.select({ role: users.role }).from(users).where(eq(users.id, userId));
  if (!u) throw new NotFoundError('user_not_found');
  assertOrdinary(u.role);
  return setUserActive(deps, actor, userId, active);
}
