import type { Role } from '../vocab.ts';
import { CENTRE_ROLES, UNIT_ROLES } from '../vocab.ts';

/** Who is acting, resolved once per request from the session cookie or bearer token. */
export type Actor = {
  userId: number;
  username: string;
  displayName: string;
  role: Role;
  unitId: number;
  /** Materialised path of the actor's unit: the subtree it may see. */
  unitPath: string;
  via: 'session' | 'token';
  /** The session's id (the cookie's SHA-256) when signed in with the cookie */
  sessionId?: string;
  /** The API token's id when signed in with a bearer token */
  tokenId?: number;
  /**
   * A cookie session that has not met the sign-in policy yet (a password to change, a second factor to enrol):
   * only /api/auth/* and /api/account/* answer it (src/http/route.ts); 403 with this code elsewhere.
   */
  restriction?: 'password_change_required' | 'second_factor_enrolment_required';
  ip: string | null;
  requestId: string | null;
};

export const isCentre = (a: Pick<Actor, 'role'>) => CENTRE_ROLES.includes(a.role);
export const isUnit = (a: Pick<Actor, 'role'>) => UNIT_ROLES.includes(a.role);

/**
 * The system acting on its own (the SLA sweep, auto-dispatch) in a given role — never reaches HTTP.
 * userId 0: events record no user, and the presenter shows 系统.
 */
export function systemActor(role: Role = 'admin'): Actor {
  return { userId: 0, username: 'system', displayName: '系统', role, unitId: 0, unitPath: '/', via: 'token', ip: null, requestId: null };
}
