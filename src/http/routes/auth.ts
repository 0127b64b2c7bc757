import type { Context } from 'koa';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { logout, sessionInfo } from '../../domain/auth/commands.ts';
import { demoAccounts, login, loginSecondFactor, type SessionStarted } from '../../domain/auth/login.ts';
import { hashToken } from '../../domain/auth/tokens.ts';
import { DEMO_PASSWORD } from '../../seed/city.ts';
import { SESSION_COOKIE } from '../middleware/auth.ts';
import { route, type AnyRoute } from '../route.ts';

const metaOf = (ctx: Context) => ({ ip: ctx.ip || null, userAgent: ctx.get('user-agent') || null, requestId: ctx.state.requestId as string });

/** Sets the session cookie and answers what GET /api/auth/session would. */
async function sessionAnswer(deps: Deps, ctx: Context, r: SessionStarted) {
  // COOKIE_SECURE says HTTPS ends at a proxy in front; the hop to us may be plain HTTP (and without
  // TRUST_PROXY Koa cannot know), so tell the cookie jar the connection is secure rather than fail with a 500.
  if (deps.config.COOKIE_SECURE) (ctx.cookies as unknown as { secure: boolean }).secure = true;
  ctx.cookies.set(SESSION_COOKIE, r.token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: deps.config.COOKIE_SECURE,
    path: '/',
    maxAge: deps.config.SESSION_TTL_HOURS * 3600_000,
    overwrite: true,
  });
  const info = await sessionInfo(deps, {
    userId: r.user.id,
    username: r.user.username,
    displayName: r.user.displayName,
    role: r.user.role,
    unitId: r.user.unitId,
    unitPath: '',
    via: 'session',
    sessionId: hashToken(r.token),
    ip: null,
    requestId: null,
  });
  return { body: { next: 'session', ...info, publicBaseUrl: deps.config.PUBLIC_BASE_URL } };
}

export const authRoutes: AnyRoute[] = [
  route({
    method: 'post',
    path: '/api/auth/login',
    summary:
      'Sign in with username and password: sets the HttpOnly session cookie and returns the CSRF token — or, when the user has a second factor, ' +
      'answers {next: "second_factor", challenge} without a cookie (then POST /api/auth/login/second-factor)',
    tag: 'auth',
    access: 'public',
    body: z.object({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(200) }).strict(),
    handler: async ({ deps, body, ctx }) => {
      const r = await login(deps, body, metaOf(ctx));
      if (r.next === 'second_factor') return { body: r };
      return sessionAnswer(deps, ctx, r);
    },
  }),
  route({
    method: 'post',
    path: '/api/auth/login/second-factor',
    summary: 'Second step of signing in: the challenge and a 6-digit code of the authenticator app (or a recovery code); sets the session cookie',
    tag: 'auth',
    access: 'public',
    body: z.object({ challenge: z.string().min(1).max(100), code: z.string().trim().min(1).max(40) }).strict(),
    handler: async ({ deps, body, ctx }) => sessionAnswer(deps, ctx, await loginSecondFactor(deps, body, metaOf(ctx))),
  }),
  route({
    method: 'get',
    path: '/api/auth/demo',
    summary: 'In demo mode (SEED_DEMO): the demo accounts and their shared password, for the sign-in page; {demo: false} otherwise',
    tag: 'auth',
    access: 'public',
    handler: async ({ deps }) => {
      const r = await demoAccounts(deps);
      return { body: r.demo ? { ...r, password: DEMO_PASSWORD } : r };
    },
  }),
  route({
    method: 'post',
    path: '/api/auth/logout',
    summary: 'Sign out this session, or every session of the user with {"everywhere": true}',
    tag: 'auth',
    access: 'authenticated',
    body: z.object({ everywhere: z.boolean().default(false) }).strict(),
    handler: async ({ deps, actor, body, ctx }) => {
      await logout(deps, actor, body.everywhere);
      ctx.cookies.set(SESSION_COOKIE, null, { path: '/' });
    },
  }),
  route({
    method: 'get',
    path: '/api/auth/session',
    summary:
      'Who am I: the user, their unit, the CSRF token for this session, what the session is restricted to until the sign-in policy is met, ' +
      'failed sign-in attempts since the previous sign-in, and the public base URL of look-up links',
    tag: 'auth',
    access: 'authenticated',
    handler: async ({ deps, actor }) => ({ body: { ...(await sessionInfo(deps, actor)), publicBaseUrl: deps.config.PUBLIC_BASE_URL } }),
  }),
];
