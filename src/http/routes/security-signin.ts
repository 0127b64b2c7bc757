import { z } from 'zod';
import { loginFailureReport } from '../../domain/auth/activity.ts';
import { resetSecondFactor } from '../../domain/auth/second-factor.ts';
import { MANDATORY_SECOND_FACTOR_ROLES, secondFactorPolicy, setSecondFactorPolicy } from '../../domain/auth/sign-in-policy.ts';
import { audit } from '../../domain/audit.ts';
import { ROLES } from '../../domain/vocab.ts';
import { route, type AnyRoute } from '../route.ts';

const SECURITY = ['security_admin'] as const;

/** The security administrator's part of signing in: which roles need a second factor, resets, failed sign-ins. */
export const securitySignInRoutes: AnyRoute[] = [
  route({
    method: 'get',
    path: '/api/security/second-factor-policy',
    summary: 'Which roles must use a second factor; mandatoryRoles (the three administrators and supervisors) always do',
    tag: 'security',
    access: SECURITY,
    handler: async ({ deps }) => {
      const p = await secondFactorPolicy(deps.db);
      return {
        body: {
          requiredRoles: p.requiredRoles,
          mandatoryRoles: MANDATORY_SECOND_FACTOR_ROLES,
          updatedAt: p.updatedAt?.toISOString() ?? null,
          updatedBy: p.updatedBy,
        },
      };
    },
  }),
  route({
    method: 'put',
    path: '/api/security/second-factor-policy',
    summary:
      "Set the roles that must use a second factor — the mandatory roles and any others (422 second_factor_role_mandatory when one is left out); their users' sessions are restricted to enrolling until they have one (audited)",
    tag: 'security',
    access: SECURITY,
    body: z.object({ requiredRoles: z.array(z.enum(ROLES)).max(ROLES.length) }).strict(),
    handler: async ({ deps, actor, body }) => {
      const p = await setSecondFactorPolicy(deps, actor, body);
      return { body: { ...p, updatedAt: p.updatedAt.toISOString() } };
    },
  }),
  route({
    method: 'post',
    path: '/api/security/users/:id/second-factor/reset',
    summary: "Clear a user's second factor (secret, recovery codes, pending sign-ins) and end their sessions: they enrol again (audited)",
    tag: 'security',
    access: SECURITY,
    params: z.object({ id: z.coerce.number().int().positive() }),
    handler: async ({ deps, actor, params }) => {
      await resetSecondFactor(deps, actor, params.id);
    },
  }),
  route({
    method: 'get',
    path: '/api/security/login-failures',
    summary: 'Recent failed and throttled sign-ins of every account (known or not), newest first, and the throttle keys blocked now (reading it is audited)',
    tag: 'security',
    access: SECURITY,
    query: z.object({
      username: z.string().trim().min(1).max(64).optional(),
      ip: z.string().trim().min(1).max(64).optional(),
      since: z.iso.datetime({ offset: true }).optional(),
      before: z.coerce.number().int().positive().optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    handler: async ({ deps, actor, query }) => {
      const report = await loginFailureReport(deps.db, deps.clock.now(), query);
      await audit(deps.db, actor, 'login_failures_read', null, { ...query });
      return { body: report };
    },
  }),
];
