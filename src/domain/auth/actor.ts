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
  sessionId?: string;
  ip: string | null;
  requestId: string | null;
};

export const isCentre = (a: Pick<Actor, 'role'>) => CENTRE_ROLES.includes(a.role);
export const isUnit = (a: Pick<Actor, 'role'>) => UNIT_ROLES.includes(a.role);

/** A system actor for jobs (the SLA sweep) — never reaches HTTP. */
export function systemActor(): Actor {
  return { userId: 0, username: 'system', displayName: '系统', role: 'admin', unitId: 0, unitPath: '/', via: 'token', ip: null, requestId: null };
}
