/**
 * Signing in through the API as a browser does, second step included: a cookie session and its CSRF token.
 *
 * A code is accepted once per 30-second step, and only the steps now-1, now and now+1 of the server's clock, so
 * one account signs in at most three times per step. The code comes from the server's demo hint (demo accounts
 * in demo mode: the next code it will accept, and how long until it is valid — waited for) or is computed with
 * otpauth from the secret at the server's time (`now`), skipping the steps this process has already used; a
 * replay lost to a concurrent sign-in starts over.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { users } from '../../db/schema/index.ts';
import { stepAt, totpCode } from '../../src/domain/auth/second-factor.ts';
import { DEMO_TOTP_SECRET } from '../../src/seed/city.ts';

export type CookieSession = { cookie: string; csrf: string; body: Record<string, unknown> };
type Opts = {
  /** The second factor's secret (default: the demo one) */
  secret?: string;
  /** The server's time (a test's fixed clock); default: real time */
  now?: () => Date;
  headers?: Record<string, string>;
};

const usedSteps = new Map<string, number>();

async function postJson(base: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  return { res, body: (text ? JSON.parse(text) : null) as Record<string, unknown> & { code?: string } };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The code to send for `username` now (and remembers its step as used). */
async function codeFor(key: string, answer: Record<string, unknown>, opts: Opts): Promise<string> {
  const demo = answer.demo as { code: string; validInSeconds: number } | undefined;
  if (demo) {
    if (demo.validInSeconds > 0) await sleep(demo.validInSeconds * 1000 + 200);
    return demo.code;
  }
  const now = (opts.now ?? (() => new Date()))();
  const current = stepAt(now);
  const step = Math.max(current - 1, (usedSteps.get(key) ?? Number.NEGATIVE_INFINITY) + 1);
  if (step > current + 1) {
    if (opts.now) throw new Error(`${key}: every code of the window is used; advance the test clock by 30 s`);
    await sleep(((step - 1) * 30 - now.getTime() / 1000) * 1000 + 200);
  }
  usedSteps.set(key, step);
  return totpCode(opts.secret ?? DEMO_TOTP_SECRET, step);
}

/** A cookie session for `username`, through the second step when the account has one. Throws unless it signs in. */
export async function cookieSignIn(base: string, username: string, password: string, opts: Opts = {}): Promise<CookieSession> {
  for (let attempt = 0; attempt < 4; attempt++) {
    let r = await postJson(base, '/api/auth/login', { username, password }, opts.headers);
    if (r.res.status !== 200) throw new Error(`sign in ${username} → ${r.res.status} ${JSON.stringify(r.body)}`);
    if (r.body.next === 'second_factor') {
      const code = await codeFor(`${base}|${username.toLowerCase()}`, r.body, opts);
      r = await postJson(base, '/api/auth/login/second-factor', { challenge: r.body.challenge, code }, opts.headers);
      if (r.res.status === 401 && r.body.code === 'second_factor_replayed') continue;
      if (r.res.status !== 200) throw new Error(`second step ${username} → ${r.res.status} ${JSON.stringify(r.body)}`);
    }
    const cookie = r.res.headers
      .getSetCookie()
      .find((c) => c.startsWith('jiesu_session='))!
      .split(';')[0]!;
    return { cookie, csrf: r.body.csrfToken as string, body: r.body };
  }
  throw new Error(`sign in ${username}: every code was replayed`);
}

/** Enrols a test user with a second factor directly (as if it had confirmed one): the secret is the demo one unless given. */
export async function enrolDirectly(db: Db, userId: number, secret = DEMO_TOTP_SECRET, at = new Date()) {
  await db.update(users).set({ totpSecret: secret, totpEnabledAt: at, totpLastStep: null }).where(eq(users.id, userId));
}
