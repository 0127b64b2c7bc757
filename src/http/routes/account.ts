import { z } from 'zod';
import { signInActivity } from '../../domain/auth/activity.ts';
import { changeOwnPassword } from '../../domain/auth/password-policy.ts';
import { accountOf, passwordChangeReason, passwordExpiresAt } from '../../domain/auth/sign-in-policy.ts';
import { confirmSecondFactor, disableOwnSecondFactor, enrolSecondFactor, secondFactorStatus } from '../../domain/auth/second-factor.ts';
import { route, type AnyRoute } from '../route.ts';

const code = z.object({ code: z.string().trim().min(1).max(40) }).strict();

/** The signed-in user's own account: second factor, password, sign-in activity. Open to restricted sessions. */
export const accountRoutes: AnyRoute[] = [
  route({
    method: 'get',
    path: '/api/account',
    summary: 'My account: second factor (enabled, required by my role, recovery codes left) and password (policy, when it expires, whether it must change)',
    tag: 'account',
    access: 'authenticated',
    handler: async ({ deps, actor }) => {
      const user = await accountOf(deps.db, actor.userId);
      const now = deps.clock.now();
      return {
        body: {
          secondFactor: await secondFactorStatus(deps.db, actor),
          password: {
            changedAt: user.passwordChangedAt.toISOString(),
            expiresAt: passwordExpiresAt(user, deps.config)?.toISOString() ?? null,
            mustChange: passwordChangeReason(user, deps.config, now),
            policy: { minLength: deps.config.PASSWORD_MIN_LENGTH, minClasses: deps.config.PASSWORD_MIN_CLASSES, history: deps.config.PASSWORD_HISTORY },
          },
          isDemo: user.isDemo,
        },
      };
    },
  }),
  route({
    method: 'post',
    path: '/api/account/second-factor/enrol',
    summary: 'Start enrolling a TOTP second factor: a new secret (base32) and its otpauth:// URI for the QR code; enabled only once confirmed with a code',
    tag: 'account',
    access: 'authenticated',
    handler: async ({ deps, actor }) => ({ body: await enrolSecondFactor(deps, actor) }),
  }),
  route({
    method: 'post',
    path: '/api/account/second-factor/confirm',
    summary: 'Confirm enrolment with a code of the authenticator app: enables the second factor and returns 10 one-time recovery codes (shown once)',
    tag: 'account',
    access: 'authenticated',
    body: code,
    handler: async ({ deps, actor, body }) => ({ body: await confirmSecondFactor(deps, actor, body) }),
  }),
  route({
    method: 'post',
    path: '/api/account/second-factor/disable',
    summary: 'Turn my second factor off with a current code (refused when my role requires one)',
    tag: 'account',
    access: 'authenticated',
    body: code,
    handler: async ({ deps, actor, body }) => {
      await disableOwnSecondFactor(deps, actor, body);
    },
  }),
  route({
    method: 'post',
    path: '/api/account/password',
    summary: "Change my password: the current one and a new one that meets the policy and is none of the recent ones; ends the user's other sessions",
    tag: 'account',
    access: 'authenticated',
    body: z.object({ current: z.string().min(1).max(200), next: z.string().min(1).max(200) }).strict(),
    handler: async ({ deps, actor, body }) => {
      await changeOwnPassword(deps, actor, body);
    },
  }),
  route({
    method: 'get',
    path: '/api/account/sign-in-activity',
    summary: 'My recent sign-ins, sign-outs, failed attempts and credential changes (from the audit log), newest first',
    tag: 'account',
    access: 'authenticated',
    handler: async ({ deps, actor }) => ({ body: { items: await signInActivity(deps.db, actor) } }),
  }),
];
