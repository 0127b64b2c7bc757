/**
 * Separation of duties (三权分立) as role lists: who manages which accounts, and which roles do the hotline's
 * work. The routes' access lists and the administrators' commands read these, so one change moves both.
 */
import { ADMIN_ROLES, ROLES, type Role } from '../vocab.ts';

/** The security and audit administrators: they neither read tickets nor run the hotline's settings. */
export const OVERSIGHT_ROLES: readonly Role[] = ['security_admin', 'audit_admin'];

/** Every role that works tickets or runs the hotline (the system administrator and API clients included). */
export const OPERATIONAL_ROLES: readonly Role[] = ROLES.filter((r) => !OVERSIGHT_ROLES.includes(r));

/** Accounts the system administrator creates, activates and deactivates: every role but the three administrators. */
export const ORDINARY_ROLES: readonly Role[] = ROLES.filter((r) => !ADMIN_ROLES.includes(r));

export const isAdminRole = (role: Role) => ADMIN_ROLES.includes(role);
