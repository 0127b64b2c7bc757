/**
 * The second factor (TOTP, RFC 6238) end to end through the API, on both drivers: enrolment with the otpauth URI
 * for the QR code and ten recovery codes, sign-in in two steps (the challenge: no cookie, 5 tries, used once,
 * 5 minutes), right, wrong and replayed codes, a recovery code once, roles that require a second factor
 * (restricted sessions until enrolled, the security administrator's per-role policy and reset), and turning
 * one's own factor off. The clock is the fixed test clock, so every code is computed for a known step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { auditLog, loginChallenges, recoveryCodes, securitySettings, users } from '../../db/schema/index.ts';
import type { Database } from '../../db/client.ts';
import { stepAt, totpCode } from '../../src/domain/auth/second-factor.ts';
import { freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { startApi, type Api } from '../setup/server.ts';
import { makeUser, makeWorld, TEST_PASSWORD, type TestUser, type World } from '../setup/world.ts';
import { expectProblem } from '../setup/ticket-flow.ts';
import { rowsOf } from '../../src/domain/tickets/queries.ts';

let database: Database;
let deps: TestDeps;
let api: Api;
let w: World;

beforeAll(async () => {
  database = await freshDatabase();
  deps = makeDeps(database);
  api = await startApi(deps);
  w = await makeWorld(deps.db);
});
afterAll(async () => {
  await api?.close();
  await database?.close();
});

type Cookie = { cookie: string; csrf: string };
const cookieOf = (r: { headers: Headers }) =>
  r.headers
    .getSetCookie()
    .find((c) => c.startsWith('jiesu_session='))
    ?.split(';')[0];
const as = (s: Cookie, method: string, path: string, body?: unknown) =>
  api.call(method, path, { headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, body: body ?? (method === 'GET' ? undefined : {}) });
const login = (username: string, password = TEST_PASSWORD) => api.call('POST', '/api/auth/login', { body: { username, password } });
const secondStep = (challenge: string, code: string) => api.call('POST', '/api/auth/login/second-factor', { body: { challenge, code } });
const step = () => stepAt(deps.clock.now());
/** The roles that always need a second factor, in the vocabulary's order. */
const MANDATORY = ['supervisor', 'admin', 'security_admin', 'audit_admin'];

async function passwordSession(username: string): Promise<Cookie> {
  const r = await login(username);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(r.body.next).toBe('session');
  return { cookie: cookieOf(r)!, csrf: r.body.csrfToken };
}

/** Enrols `u` through the API (signed in with the password); returns the secret and the recovery codes. */
async function enrol(u: TestUser) {
  const s = await passwordSession(u.username);
  const e = await as(s, 'POST', '/api/account/second-factor/enrol');
  expect(e.status).toBe(200);
  const c = await as(s, 'POST', '/api/account/second-factor/confirm', { code: totpCode(e.body.secret, step()) });
  expect(c.status, JSON.stringify(c.body)).toBe(200);
  return { secret: e.body.secret as string, recoveryCodes: c.body.recoveryCodes as string[], session: s };
}

describe('enrolment', () => {
  it('answers a base32 secret and its otpauth:// URI (SHA-1, 6 digits, 30 s), stores it encrypted, enables it only with a right code', async () => {
    const u = await makeUser(deps.db, 'operator', w.units.centre);
    const s = await passwordSession(u.username);
    const e = await as(s, 'POST', '/api/account/second-factor/enrol');
    expect(e.status).toBe(200);
    expect(e.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(e.body.otpauthUri);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(Object.fromEntries(uri.searchParams)).toMatchObject({
      secret: e.body.secret,
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
      issuer: deps.config.TOTP_ISSUER,
    });
    expect(decodeURIComponent(uri.pathname)).toContain(u.username);
    // Encrypted at rest (SM4): the raw column is not the secret; drizzle reads it back decrypted.
    const [raw] = rowsOf<{ totp_secret: string }>(await deps.db.execute(sql`select totp_secret from users where id = ${u.id}`));
    expect(raw!.totp_secret).not.toContain(e.body.secret);
    const [row] = await deps.db.select().from(users).where(eq(users.id, u.id));
    expect(row).toMatchObject({ totpSecret: e.body.secret, totpEnabledAt: null });
    // Not enabled yet: signing in still takes the password alone.
    expect((await login(u.username)).body.next).toBe('session');

    expectProblem(await as(s, 'POST', '/api/account/second-factor/confirm', { code: '000000' }), 422, 'second_factor_invalid');
    const c = await as(s, 'POST', '/api/account/second-factor/confirm', { code: totpCode(e.body.secret, step()) });
    expect(c.status).toBe(200);
    expect(c.body.recoveryCodes).toHaveLength(10);
    expect(new Set(c.body.recoveryCodes).size).toBe(10);
    for (const code of c.body.recoveryCodes) expect(code).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/);
    // Only hashes are kept.
    const stored = await deps.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, u.id));
    expect(stored).toHaveLength(10);
    expect(JSON.stringify(stored)).not.toContain(c.body.recoveryCodes[0]);
    expect((await as(s, 'GET', '/api/account')).body.secondFactor).toMatchObject({ enabled: true, required: false, recoveryCodesLeft: 10 });
    expectProblem(await as(s, 'POST', '/api/account/second-factor/enrol'), 409, 'second_factor_already_enabled');
    const audited = await deps.db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.userId, u.id));
    expect(audited.map((a) => a.action)).toEqual(expect.arrayContaining(['second_factor_enrolment_started', 'second_factor_enabled']));
  });
});

describe('signing in with a second factor', () => {
  it('the password step answers a challenge and no cookie; a right code signs in, a wrong one and a replayed one are refused', async () => {
    const u = await makeUser(deps.db, 'dispatcher', w.units.centre);
    const { secret } = await enrol(u); // used the code of the current step
    const first = await login(u.username);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ next: 'second_factor', challenge: expect.stringMatching(/^lc_/) });
    expect(cookieOf(first)).toBeUndefined();
    // Only the challenge's hash is stored.
    const [ch] = await deps.db.select().from(loginChallenges).where(eq(loginChallenges.userId, u.id));
    expect(ch!.id).not.toBe(first.body.challenge);

    expectProblem(await secondStep(first.body.challenge, '123456'), 401, 'second_factor_invalid');
    // The code that confirmed the enrolment, and an older one, are used up: replay.
    expectProblem(await secondStep(first.body.challenge, totpCode(secret, step())), 401, 'second_factor_replayed');
    expectProblem(await secondStep(first.body.challenge, totpCode(secret, step() - 1)), 401, 'second_factor_replayed');
    // The next step's code (a phone clock a little ahead) is still within the window.
    const ok = await secondStep(first.body.challenge, totpCode(secret, step() + 1));
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ next: 'session', user: { id: u.id }, restrictions: [] });
    const s = { cookie: cookieOf(ok)!, csrf: ok.body.csrfToken };
    expect((await as(s, 'GET', '/api/tickets?limit=1')).status).toBe(200);
    // The challenge is used once.
    expectProblem(await secondStep(first.body.challenge, totpCode(secret, step() + 1)), 401, 'login_challenge_invalid');
    // Same code again on a new challenge: replayed. Two steps later, a fresh code works.
    const again = await login(u.username);
    expectProblem(await secondStep(again.body.challenge, totpCode(secret, step() + 1)), 401, 'second_factor_replayed');
    deps.clock.advance(60_000);
    expect((await secondStep(again.body.challenge, totpCode(secret, step()))).status).toBe(200);
    // A code outside the window (two steps ahead) is wrong, not early.
    const later = await login(u.username);
    expectProblem(await secondStep(later.body.challenge, totpCode(secret, step() + 2)), 401, 'second_factor_invalid');
    // Failures are audited under the user, with the reason, and count in the throttle.
    const failed = await deps.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.userId, u.id), eq(auditLog.action, 'second_factor_failed')));
    expect(failed.map((f) => f.details.reason)).toEqual([
      'second_factor_invalid',
      'second_factor_replayed',
      'second_factor_replayed',
      'second_factor_replayed',
      'second_factor_invalid',
    ]);
    expect(failed.at(-1)!.details.failures).toMatchObject({ account_address: 1 });
    deps.clock.advance(60_000);
  });

  it('a recovery code signs in once', async () => {
    const u = await makeUser(deps.db, 'callback_agent', w.units.centre);
    const { recoveryCodes: codes } = await enrol(u);
    const one = await login(u.username);
    const ok = await secondStep(one.body.challenge, codes[3]!.toUpperCase()); // case and dash do not matter
    expect(ok.status).toBe(200);
    const two = await login(u.username);
    expectProblem(await secondStep(two.body.challenge, codes[3]!), 401, 'second_factor_invalid');
    expect((await secondStep(two.body.challenge, codes[4]!.replace('-', ''))).status).toBe(200);
    const s = { cookie: cookieOf(ok)!, csrf: ok.body.csrfToken };
    expect((await as(s, 'GET', '/api/account')).body.secondFactor.recoveryCodesLeft).toBe(8);
    const [audit] = await deps.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.userId, u.id), eq(auditLog.action, 'login'), sql`${auditLog.details}->>'secondFactor' = 'recovery'`))
      .limit(1);
    expect(audit).toBeDefined();
  });

  it('a challenge allows 5 tries, then is spent; it expires after 5 minutes', async () => {
    const u = await makeUser(deps.db, 'window_clerk', w.units.centre);
    const { secret } = await enrol(u);
    const r = await login(u.username);
    for (let i = 0; i < 4; i++) expectProblem(await secondStep(r.body.challenge, '111111'), 401, 'second_factor_invalid');
    expectProblem(await secondStep(r.body.challenge, '111111'), 401, 'second_factor_invalid');
    // The second step's failures count in the same throttle as wrong passwords (account with address).
    expectProblem(await login(u.username), 429, 'login_throttled');
    deps.clock.advance(5000);
    expectProblem(await secondStep(r.body.challenge, totpCode(secret, step() + 1)), 401, 'login_challenge_invalid');
    const late = await login(u.username);
    deps.clock.advance(5 * 60_000 + 1000);
    expectProblem(await secondStep(late.body.challenge, totpCode(secret, step())), 401, 'login_challenge_invalid');
    expectProblem(await secondStep('lc_made-up', '123456'), 401, 'login_challenge_invalid');
  });
});

describe('roles that require a second factor', () => {
  it('a supervisor without one gets a restricted session: 403 second_factor_enrolment_required but for /api/auth and /api/account, until enrolled', async () => {
    const u = await makeUser(deps.db, 'supervisor', w.units.centre);
    const s = await passwordSession(u.username);
    const info = await as(s, 'GET', '/api/auth/session');
    expect(info.body).toMatchObject({ restrictions: ['second_factor_enrolment_required'], secondFactor: { enabled: false, required: true } });
    expectProblem(await as(s, 'GET', '/api/tickets?limit=1'), 403, 'second_factor_enrolment_required');
    expectProblem(await as(s, 'GET', '/api/units'), 403, 'second_factor_enrolment_required');
    expect((await as(s, 'GET', '/api/account')).body.secondFactor).toMatchObject({ required: true, enabled: false });
    // Bearer tokens are issued by administrators to integrations, not interactive sign-ins: not restricted.
    expect((await api.call('GET', '/api/tickets?limit=1', { token: u.token })).status).toBe(200);
    const e = await as(s, 'POST', '/api/account/second-factor/enrol');
    expect((await as(s, 'POST', '/api/account/second-factor/confirm', { code: totpCode(e.body.secret, step()) })).status).toBe(200);
    expect((await as(s, 'GET', '/api/tickets?limit=1')).status).toBe(200);
    expect((await as(s, 'GET', '/api/auth/session')).body.restrictions).toEqual([]);
    // Required: it cannot be turned off.
    expectProblem(
      await as(s, 'POST', '/api/account/second-factor/disable', { code: totpCode(e.body.secret, step() + 1) }),
      403,
      'second_factor_required_for_role',
    );
  });

  it('the security administrator requires it of more roles than the mandatory ones (audited), for sessions already open too; others may not', async () => {
    const get = await api.call('GET', '/api/security/second-factor-policy', { token: w.securityAdmin.token });
    expect(get.body).toMatchObject({ requiredRoles: MANDATORY, mandatoryRoles: MANDATORY });
    expectProblem(await api.call('PUT', '/api/security/second-factor-policy', { token: w.admin.token, body: { requiredRoles: MANDATORY } }), 403, 'forbidden');
    const op = await makeUser(deps.db, 'operator', w.units.centre);
    const open = await passwordSession(op.username);
    expect((await as(open, 'GET', '/api/tickets?limit=1')).status).toBe(200);
    const put = await api.call('PUT', '/api/security/second-factor-policy', {
      token: w.securityAdmin.token,
      body: { requiredRoles: ['admin', 'operator', ...MANDATORY] },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.requiredRoles).toEqual(['operator', ...MANDATORY]); // in the vocabulary's order, once each
    try {
      // The change applies to sessions already open too (read on every request), and to new ones.
      expectProblem(await as(open, 'GET', '/api/tickets?limit=1'), 403, 'second_factor_enrolment_required');
      expectProblem(await as(await passwordSession(op.username), 'GET', '/api/tickets?limit=1'), 403, 'second_factor_enrolment_required');
      const [row] = await deps.db.select().from(auditLog).where(eq(auditLog.action, 'second_factor_policy_changed'));
      expect(row).toMatchObject({ userId: w.securityAdmin.id, details: { before: MANDATORY, after: ['operator', ...MANDATORY] } });
    } finally {
      await api.call('PUT', '/api/security/second-factor-policy', { token: w.securityAdmin.token, body: { requiredRoles: MANDATORY } });
    }
    expect((await as(open, 'GET', '/api/tickets?limit=1')).status).toBe(200);
  });

  it('the three administrators and supervisors cannot be left out: 422 second_factor_role_mandatory, nothing written', async () => {
    const sup = await makeUser(deps.db, 'supervisor', w.units.centre);
    const policyRows = () => deps.db.select().from(securitySettings).where(eq(securitySettings.key, 'second_factor'));
    const changes = async () => (await deps.db.select().from(auditLog).where(eq(auditLog.action, 'second_factor_policy_changed'))).length;
    const [rowBefore, changesBefore] = [await policyRows(), await changes()];
    for (const [requiredRoles, missing] of [
      [[], MANDATORY],
      [
        ['operator', 'admin'],
        ['supervisor', 'security_admin', 'audit_admin'],
      ],
      [['admin', 'security_admin', 'audit_admin', 'operator'], ['supervisor']],
    ] as const) {
      const r = await api.call('PUT', '/api/security/second-factor-policy', { token: w.securityAdmin.token, body: { requiredRoles } });
      expectProblem(r, 422, 'second_factor_role_mandatory');
      expect(r.body.missing).toEqual(missing);
    }
    const en = await api.call('PUT', '/api/security/second-factor-policy', {
      token: w.securityAdmin.token,
      body: { requiredRoles: [] },
      headers: { 'accept-language': 'en' },
    });
    expect(en.body.title).toMatch(/administrators and supervisors must always use a second factor/);
    expect(await policyRows()).toEqual(rowBefore);
    expect(await changes()).toBe(changesBefore);
    expectProblem(await as(await passwordSession(sup.username), 'GET', '/api/tickets?limit=1'), 403, 'second_factor_enrolment_required');
    // A stored setting without them (written before they were mandatory, or by hand) is read with them added back.
    await deps.db
      .insert(securitySettings)
      .values({ key: 'second_factor', value: { requiredRoles: ['operator'] } })
      .onConflictDoUpdate({ target: securitySettings.key, set: { value: { requiredRoles: ['operator'] } } });
    try {
      expect((await api.call('GET', '/api/security/second-factor-policy', { token: w.securityAdmin.token })).body.requiredRoles).toEqual([
        'operator',
        ...MANDATORY,
      ]);
      expectProblem(await as(await passwordSession(sup.username), 'GET', '/api/tickets?limit=1'), 403, 'second_factor_enrolment_required');
    } finally {
      await api.call('PUT', '/api/security/second-factor-policy', { token: w.securityAdmin.token, body: { requiredRoles: MANDATORY } });
    }
  });

  it("the security administrator resets a user's second factor: codes gone, sessions ended, enrol again", async () => {
    const u = await makeUser(deps.db, 'supervisor', w.units.centre);
    const { session } = await enrol(u);
    const r = await api.call('POST', `/api/security/users/${u.id}/second-factor/reset`, { token: w.securityAdmin.token, body: {} });
    expect(r.status).toBe(204);
    expectProblem(await as(session, 'GET', '/api/auth/session'), 401, 'session_expired');
    expect(await deps.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, u.id))).toHaveLength(0);
    const [row] = await deps.db.select().from(users).where(eq(users.id, u.id));
    expect(row).toMatchObject({ totpSecret: null, totpEnabledAt: null });
    const again = await passwordSession(u.username);
    expectProblem(await as(again, 'GET', '/api/tickets?limit=1'), 403, 'second_factor_enrolment_required');
    const [a] = await deps.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'second_factor_reset'), eq(auditLog.targetId, String(u.id))));
    expect(a).toMatchObject({ userId: w.securityAdmin.id, details: { wasEnabled: true } });
    expectProblem(await api.call('POST', `/api/security/users/${u.id}/second-factor/reset`, { token: w.admin.token, body: {} }), 403, 'forbidden');
  });

  it('a role that does not require it may turn its own off, with a current code', async () => {
    const u = await makeUser(deps.db, 'operator', w.units.centre);
    const { secret, session } = await enrol(u);
    expectProblem(await as(session, 'POST', '/api/account/second-factor/disable', { code: '000000' }), 422, 'second_factor_invalid');
    expect((await as(session, 'POST', '/api/account/second-factor/disable', { code: totpCode(secret, step() + 1) })).status).toBe(204);
    expect((await login(u.username)).body.next).toBe('session');
  });
});
