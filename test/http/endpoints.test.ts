import { beforeEach, describe, expect, it } from 'vitest';
import { makeWorld, TEST_PASSWORD, type World } from '../setup/world.ts';
import { expectProblem, leadOf, ticketFlow, userOfRole, type View } from '../setup/ticket-flow.ts';
import { api, deps, flow, useApiWorld, w } from './api-world.ts';
import { assignmentRoutes, ticketRoutes } from '../../src/http/routes/tickets.ts';
import { ROLES, type Role } from '../../src/domain/vocab.ts';

const T0 = '2026-03-10T02:00:00.000Z';
const MISSING_ID = 2_000_000_000;

/** The world's units and users are only read by the route matrix; every test makes its own tickets. */
useApiWorld();
beforeEach(() => deps.clock.set(T0));

const post = (path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) => api.call('POST', path, opts);

// ---------------------------------------------------------------- every lifecycle endpoint

/** Every `/api/tickets/:id/<action>` and `/api/assignments/:id/<action>` route, straight from the route list. */
const LIFECYCLE = [...ticketRoutes, ...assignmentRoutes].filter((r) => r.method === 'post' && /^\/api\/(tickets|assignments)\/:id\/./.test(r.path));

type Spec = {
  /** who may call it: written here, independently of the route's own access list */
  roles: Role[];
  /** a valid body without the version */
  body: () => Record<string, unknown>;
  /** a parent's decision on a sub-assignment (下派): the district decides on what it handed to street A */
  sub?: true;
};
const reason = () => ({ reason: '理由说明：已核实情况' });
const none = () => ({});
const SPEC: Record<string, Spec> = {
  '/api/tickets/:id/dispatch': { roles: ['dispatcher'], body: () => ({ leadUnitId: w.units.streetA.id, assistUnitIds: [w.units.department.id] }) },
  '/api/tickets/:id/decline': { roles: ['dispatcher'], body: reason },
  '/api/tickets/:id/merge': { roles: ['dispatcher'], body: () => ({ intoTicketId: 1 }) },
  '/api/tickets/:id/return/approve': { roles: ['dispatcher'], body: none },
  '/api/tickets/:id/return/reject': { roles: ['dispatcher'], body: none },
  '/api/tickets/:id/extension/approve': { roles: ['dispatcher'], body: none },
  '/api/tickets/:id/extension/reject': { roles: ['dispatcher'], body: none },
  '/api/tickets/:id/termination/approve': { roles: ['dispatcher'], body: none },
  '/api/tickets/:id/termination/reject': { roles: ['dispatcher'], body: none },
  '/api/tickets/:id/reply/approve': { roles: ['dispatcher'], body: none },
  '/api/tickets/:id/reply/reject': { roles: ['dispatcher'], body: reason },
  '/api/tickets/:id/callback': { roles: ['callback_agent'], body: () => ({ reached: true, solved: 'solved', satisfaction: 'satisfied' }) },
  '/api/tickets/:id/reopen': { roles: ['supervisor'], body: reason },
  '/api/tickets/:id/close': { roles: ['supervisor'], body: () => ({ note: '已向诉求人解释说明' }) },
  '/api/assignments/:id/sign': { roles: ['unit_handler', 'unit_leader'], body: none },
  '/api/assignments/:id/contact': { roles: ['unit_handler', 'unit_leader'], body: () => ({ method: 'phone', summary: '已电话联系诉求人' }) },
  '/api/assignments/:id/note': { roles: ['unit_handler', 'unit_leader'], body: () => ({ text: '现场查看' }) },
  '/api/assignments/:id/reply': { roles: ['unit_handler', 'unit_leader'], body: () => ({ content: '已处理完毕，问题已解决。' }) },
  '/api/assignments/:id/return': { roles: ['unit_handler', 'unit_leader'], body: reason },
  '/api/assignments/:id/extension': { roles: ['unit_handler', 'unit_leader'], body: () => ({ ...reason(), requestedDueAt: '2026-04-01T00:00:00Z' }) },
  '/api/assignments/:id/termination': { roles: ['unit_handler', 'unit_leader'], body: reason },
  '/api/assignments/:id/hand-down': { roles: ['unit_handler', 'unit_leader'], body: () => ({ leadUnitId: w.units.communityA.id }) },
  '/api/assignments/:id/sub-reply/approve': { roles: ['unit_handler', 'unit_leader'], body: none, sub: true },
  '/api/assignments/:id/sub-reply/reject': { roles: ['unit_handler', 'unit_leader'], body: reason, sub: true },
  '/api/assignments/:id/sub-return/approve': { roles: ['unit_handler', 'unit_leader'], body: none, sub: true },
  '/api/assignments/:id/sub-return/reject': { roles: ['unit_handler', 'unit_leader'], body: none, sub: true },
  '/api/assignments/:id/sub-extension/approve': { roles: ['unit_handler', 'unit_leader'], body: none, sub: true },
  '/api/assignments/:id/sub-extension/reject': { roles: ['unit_handler', 'unit_leader'], body: none, sub: true },
  '/api/assignments/:id/recall': { roles: ['unit_handler', 'unit_leader'], body: reason, sub: true },
};

/** Dispatched to district A, signed, handed down to street A: the sub-assignment awaits street A's sign. */
async function handedDown() {
  let v = await flow.ticket(w.dispatcher, await flow.create(), 'dispatch', { leadUnitId: w.units.districtA.id });
  v = await flow.assignment(w.handlerDistrictA, v, leadOf(v), 'sign');
  const r = await post(`/api/assignments/${leadOf(v).id}/hand-down`, {
    token: w.handlerDistrictA.token,
    body: { version: leadOf(v).version, leadUnitId: w.units.streetA.id },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as View;
}
const subOf = (v: View) => (v.assignments as (View['assignments'][number] & { parentId: number | null })[]).find((a) => a.parentId !== null)!;

it('every lifecycle route has an expectation here (a new route must be added to SPEC)', () => {
  expect(LIFECYCLE.length).toBeGreaterThanOrEqual(21);
  expect(LIFECYCLE.map((r) => r.path).sort()).toEqual(Object.keys(SPEC).sort());
});

describe.each(LIFECYCLE.map((r) => ({ path: r.path })))('POST $path', ({ path }) => {
  const spec = SPEC[path];
  if (!spec) {
    it('is described in SPEC', () => expect(spec, `add ${path} to SPEC`).toBeDefined());
    return;
  }
  const onAssignment = path.startsWith('/api/assignments/');
  const notFound = onAssignment ? 'assignment_not_found' : 'ticket_not_found';
  const url = (id: number) => path.replace(':id', String(id));
  const allowed = () => (spec.sub ? w.handlerDistrictA : userOfRole(w)[spec.roles[0]!]);
  /** The ticket or assignment this route acts on in view v, and the version it expects. */
  const target = (v: View) => {
    const a = spec.sub ? subOf(v) : leadOf(v);
    return onAssignment ? { id: a.id, version: a.version } : { id: v.id, version: v.version };
  };
  /** A parent's decision: the sub-assignment handed down, signed by street A, ended with the ticket's approved termination. */
  const subFixture = {
    existing: handedDown,
    moved: async () => {
      const v = await handedDown();
      return flow.assignment(w.handlerA, v, subOf(v), 'sign');
    },
    movedStatus: 'in_progress',
    closed: async () => {
      const h = await handedDown();
      const v = await flow.assignment(w.handlerDistrictA, h, leadOf(h), 'termination', reason());
      return flow.ticket(w.dispatcher, v, 'termination/approve');
    },
  };
  /** The cheapest fixtures that serve: assignment versions move only once the unit acts. */
  const fixture = spec.sub
    ? subFixture
    : {
        /** any ticket or assignment that exists */
        existing: () => (onAssignment ? flow.dispatched() : flow.create()),
        /** one whose version has moved on at least once */
        moved: () => (onAssignment ? flow.inProgress() : flow.dispatched()),
        movedStatus: onAssignment ? 'in_progress' : 'awaiting_sign',
        /** closed, with (for assignments) the assignment closed too */
        closed: () => (onAssignment ? flow.closed() : flow.create().then((v) => flow.ticket(w.dispatcher, v, 'decline', { reason: '不予受理的理由' }))),
      };

  /** Failed calls change nothing: same version, same history. */
  async function expectUnchanged(before: View) {
    const after = await flow.get(w.dispatcher, before.id);
    expect(after.version).toBe(before.version);
    expect(after.status).toBe(before.status);
    expect(after.assignments.map((a) => a.version)).toEqual(before.assignments.map((a) => a.version));
  }

  it('401 without a token or with an unknown one', async () => {
    const body = { version: 1, ...spec.body() };
    expectProblem(await post(url(1), { body }), 401, 'unauthenticated');
    expectProblem(await post(url(1), { body, headers: { authorization: 'Bearer jst_not_a_real_token' } }), 401, 'unauthenticated');
  });

  it('403 for every role that may not act', async () => {
    const v = await fixture.existing();
    const t = target(v);
    const users = userOfRole(w);
    const denied = ROLES.filter((r) => !spec.roles.includes(r));
    expect(denied.length).toBeGreaterThan(0);
    for (const role of denied) {
      const r = await post(url(t.id), { token: users[role].token, body: { version: t.version, ...spec.body() } });
      expectProblem(r, 403, 'forbidden');
    }
    if (onAssignment) {
      // The parent district reads the ticket but does not hold this assignment: it may not act on it.
      // A sub-unit reads its own sub-assignment but may not decide on it: the level above does.
      const reader = spec.sub ? w.handlerA : w.handlerDistrictA;
      const r = await post(url(t.id), { token: reader.token, body: { version: t.version, ...spec.body() } });
      expectProblem(r, 403, 'forbidden');
    }
    await expectUnchanged(v);
  });

  it(`404 ${notFound} for an id that does not exist${onAssignment ? ' or belongs to another unit' : ''}`, async () => {
    const r = await post(url(MISSING_ID), { token: allowed().token, body: { version: 1, ...spec.body() } });
    expectProblem(r, 404, notFound);
    if (onAssignment) {
      // Street B cannot learn that street A's assignment exists.
      const v = await flow.dispatched();
      const other = await post(url(leadOf(v).id), { token: w.handlerB.token, body: { version: leadOf(v).version, ...spec.body() } });
      expectProblem(other, 404, 'assignment_not_found');
      await expectUnchanged(v);
    }
  });

  it('400 validation_failed with every issue for an invalid body or id', async () => {
    const bad = await post(url(MISSING_ID), { token: allowed().token, body: { ...spec.body(), version: 'one', unexpected: true } });
    expectProblem(bad, 400, 'validation_failed');
    expect(bad.body.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'body.version' })]));
    expect(bad.body.issues.length).toBeGreaterThanOrEqual(2); // the version and the unknown key

    const empty = await post(url(MISSING_ID), { token: allowed().token });
    expectProblem(empty, 400, 'validation_failed');
    expect(empty.body.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'body.version' })]));

    const badId = await post(url(0).replace('/0/', '/abc/'), { token: allowed().token, body: { version: 1, ...spec.body() } });
    expectProblem(badId, 400, 'validation_failed');
    expect(badId.body.issues).toEqual([expect.objectContaining({ path: 'params.id' })]);
  });

  it('409 version_conflict for a stale version, with the current status', async () => {
    const v = await fixture.moved();
    const t = target(v);
    const r = await post(url(t.id), { token: allowed().token, body: { ...spec.body(), version: t.version - 1 } });
    expectProblem(r, 409, 'version_conflict');
    expect(r.body).toMatchObject({ currentStatus: fixture.movedStatus, currentVersion: t.version });
    await expectUnchanged(v);
  });

  it('409 invalid_transition when the ticket is closed, with the current status', async () => {
    const v = await fixture.closed();
    const t = target(v);
    const r = await post(url(t.id), { token: allowed().token, body: { ...spec.body(), version: t.version } });
    expectProblem(r, 409, 'invalid_transition');
    expect(r.body).toMatchObject({ currentStatus: 'closed', currentVersion: t.version });
    await expectUnchanged(v);
  });
});

// ---------------------------------------------------------------- protocol-level errors

describe('problem responses', () => {
  it('are Chinese by default and English with Accept-Language: en', async () => {
    const zh = await post('/api/tickets/1/dispatch', { body: { version: 1 } });
    expectProblem(zh, 401, 'unauthenticated');
    expect(zh.body.title).toBe('请先登录。');
    const en = await post('/api/tickets/1/dispatch', { body: { version: 1 }, headers: { 'accept-language': 'en-GB,en;q=0.9' } });
    expectProblem(en, 401, 'unauthenticated');
    expect(en.body.title).toBe('Sign in first.');

    const v = await flow.closed();
    const conflict = await post(`/api/tickets/${v.id}/dispatch`, {
      token: w.dispatcher.token,
      body: { version: v.version, leadUnitId: w.units.streetA.id },
      headers: { 'accept-language': 'en' },
    });
    expectProblem(conflict, 409, 'invalid_transition');
    expect(conflict.body.title).toBe('The current status is "closed"; "dispatch" is not possible now.');
    const invalid = await post(`/api/tickets/${v.id}/dispatch`, { token: w.dispatcher.token, body: {}, headers: { 'accept-language': 'en' } });
    expect(invalid.body.title).toBe('Some fields are invalid; correct them and try again.');
  });

  it('invalid JSON → 400 invalid_json', async () => {
    const r = await post('/api/tickets/1/dispatch', { token: w.dispatcher.token, body: '{"version": 1,' });
    expectProblem(r, 400, 'invalid_json');
  });

  it('a text/plain body → 415 unsupported_media_type', async () => {
    const r = await post('/api/tickets/1/dispatch', { token: w.dispatcher.token, body: 'version=1', headers: { 'content-type': 'text/plain' } });
    expectProblem(r, 415, 'unsupported_media_type');
  });

  it('a body over 256kb → 413 payload_too_large', async () => {
    const v = await flow.create();
    const big = JSON.stringify({ version: v.version, reason: 'x'.repeat(300 * 1024) });
    const r = await post(`/api/tickets/${v.id}/decline`, { token: w.dispatcher.token, body: big });
    expectProblem(r, 413, 'payload_too_large');
    expect((await flow.get(w.dispatcher, v.id)).status).toBe('awaiting_dispatch');
  });

  it('an unknown /api path → 404 route_not_found', async () => {
    expectProblem(await api.call('GET', '/api/no-such-thing', { token: w.dispatcher.token }), 404, 'route_not_found');
    expectProblem(await post('/api/tickets/1/teleport', { token: w.dispatcher.token, body: { version: 1 } }), 404, 'route_not_found');
  });

  it("a unit handler reading another unit's ticket gets 404 ticket_not_found, never 403", async () => {
    const v = await flow.dispatched();
    for (const path of [`/api/tickets/${v.id}`, `/api/tickets/${v.id}/events`, `/api/tickets/by-number/${v.number}`]) {
      expectProblem(await api.call('GET', path, { token: w.handlerB.token }), 404, 'ticket_not_found');
      expect((await api.call('GET', path, { token: w.handlerA.token })).status).toBe(200);
    }
    const list = await api.call('GET', '/api/tickets', { token: w.handlerB.token });
    expect(list.body.items.map((t: { id: number }) => t.id)).not.toContain(v.id);
  });

  it("a stale version on an assignment reports the ticket's status, and the assignment's apart", async () => {
    let v = await flow.inProgress([w.units.department.id]);
    const assist = v.assignments.find((a) => a.role === 'assist')!;
    v = await flow.assignment(w.handlerDept, v, assist, 'sign');
    v = await flow.assignment(w.handlerDept, v, assist, 'reply', { content: '城管委已下达整改通知。' });
    const r = await post(`/api/assignments/${assist.id}/note`, { token: w.handlerDept.token, body: { version: 1, text: '补充说明' } });
    expectProblem(r, 409, 'version_conflict');
    expect(r.body).toMatchObject({ currentStatus: 'in_progress', assignmentStatus: 'replied', currentVersion: 3 });
  });

  it('a contact time in the future, before the dispatch or backdated without a reason is a 422 of its own, in Chinese', async () => {
    const v = await flow.inProgress(); // dispatched at T0 = 10:00 in Shanghai
    const contact = (contactedAt: string, extra: Record<string, unknown> = {}) =>
      post(`/api/assignments/${leadOf(v).id}/contact`, {
        token: w.handlerA.token,
        body: { version: leadOf(v).version, method: 'phone', summary: '已联系诉求人', contactedAt, ...extra },
      });
    const future = await contact('2026-03-10T02:02:00Z');
    expectProblem(future, 422, 'contact_time_in_future');
    expect(future.body.title).toBe('联系时间 2026-03-10 10:02 晚于当前时间 2026-03-10 10:00：联系诉求人之后再按实际时间记录。');
    const early = await contact('2026-03-10T01:59:00+00:00');
    expectProblem(early, 422, 'contact_before_dispatch');
    expect(early.body.title).toBe('联系时间 2026-03-10 09:59 早于本单派给贵单位的时间 2026-03-10 10:00，请核对后填写实际联系诉求人的时间。');
    expect(early.body.dispatchedAt).toBe(T0);
    deps.clock.set('2026-03-11T02:00:01Z');
    const late = await contact('2026-03-10T02:00:00Z');
    expectProblem(late, 422, 'contact_backdate_reason_required');
    expect(late.body.title).toContain('超过 24 小时，属于补录，请填写补录原因');
    // A blank reason is no reason.
    expectProblem(await contact('2026-03-10T02:00:00Z', { backdateReason: '   ' }), 400, 'validation_failed');
    expect(leadOf(await flow.get(w.handlerA, v.id))).toMatchObject({ firstContactAt: null, version: leadOf(v).version });
  });
});

// ---------------------------------------------------------------- cookie sessions

describe('cookie sessions', () => {
  /** Fresh users for each test: logging out everywhere must not touch anyone else's sessions. */
  let cw: World;
  beforeEach(async () => {
    cw = await makeWorld(deps.db);
  });

  async function login(username: string, password = TEST_PASSWORD) {
    const r = await post('/api/auth/login', { body: { username, password } });
    const setCookie = r.headers.getSetCookie();
    const cookie = setCookie.find((c) => c.startsWith('jiesu_session='));
    return { r, setCookie: cookie, cookie: cookie?.split(';')[0], csrf: r.body?.csrfToken as string | undefined };
  }

  it('login sets an HttpOnly, SameSite=Strict session cookie that authenticates reads', async () => {
    const s = await login(cw.dispatcher.username);
    expect(s.r.status).toBe(200);
    expect(s.setCookie).toBeDefined();
    expect(s.setCookie!.toLowerCase()).toContain('httponly');
    expect(s.setCookie!.toLowerCase()).toContain('samesite=strict');
    expect(s.setCookie!.toLowerCase()).toContain('path=/');
    expect(s.csrf).toEqual(expect.any(String));
    expect(s.r.body.user).toMatchObject({ id: cw.dispatcher.id, role: 'dispatcher' });

    const me = await api.call('GET', '/api/auth/session', { headers: { cookie: s.cookie! } });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ via: 'session', csrfToken: s.csrf, user: { id: cw.dispatcher.id, username: cw.dispatcher.username } });
  });

  it('writes need the X-CSRF-Token header', async () => {
    const cflow = ticketFlow(api, cw);
    const v = await cflow.create();
    const s = await login(cw.dispatcher.username);
    const body = { version: v.version, leadUnitId: cw.units.streetA.id };
    const url = `/api/tickets/${v.id}/dispatch`;
    expectProblem(await post(url, { body, headers: { cookie: s.cookie! } }), 403, 'csrf_failed');
    expectProblem(await post(url, { body, headers: { cookie: s.cookie!, 'x-csrf-token': 'c_wrong' } }), 403, 'csrf_failed');
    const ok = await post(url, { body, headers: { cookie: s.cookie!, 'x-csrf-token': s.csrf! } });
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('awaiting_sign');
    const history = await api.call('GET', `/api/tickets/${v.id}/events`, { token: cw.dispatcher.token });
    expect(history.body.items.at(-1)).toMatchObject({ type: 'dispatch', actor: { id: cw.dispatcher.id } });
  });

  it('a wrong password → 401 invalid_credentials and no cookie', async () => {
    const s = await login(cw.dispatcher.username, 'Wrong@Passw0rd');
    expectProblem(s.r, 401, 'invalid_credentials');
    expect(s.setCookie).toBeUndefined();
    const unknown = await login('no-such-user', TEST_PASSWORD);
    expectProblem(unknown.r, 401, 'invalid_credentials');
  });

  it('logout revokes the session', async () => {
    const s = await login(cw.supervisor.username);
    const out = await post('/api/auth/logout', { body: {}, headers: { cookie: s.cookie!, 'x-csrf-token': s.csrf! } });
    expect(out.status).toBe(204);
    expectProblem(await api.call('GET', '/api/auth/session', { headers: { cookie: s.cookie! } }), 401, 'session_expired');
  });

  it('logout {everywhere: true} revokes every session of the user and no one else’s', async () => {
    const a = await login(cw.supervisor.username);
    const b = await login(cw.supervisor.username);
    const other = await login(cw.callbackAgent.username);
    expect(a.cookie).not.toBe(b.cookie);
    const out = await post('/api/auth/logout', { body: { everywhere: true }, headers: { cookie: a.cookie!, 'x-csrf-token': a.csrf! } });
    expect(out.status).toBe(204);
    for (const s of [a, b]) expectProblem(await api.call('GET', '/api/auth/session', { headers: { cookie: s.cookie! } }), 401, 'session_expired');
    expect((await api.call('GET', '/api/auth/session', { headers: { cookie: other.cookie! } })).status).toBe(200);
  });
});

// ---------------------------------------------------------------- concurrency

describe('concurrent writes', () => {
  it('two signs with the same version: exactly one wins, the other gets 409 version_conflict', async () => {
    const v = await flow.dispatched();
    const lead = leadOf(v);
    const results = await Promise.all(
      [w.handlerA, w.leaderA].map((u) => post(`/api/assignments/${lead.id}/sign`, { token: u.token, body: { version: lead.version } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expectProblem(results.find((r) => r.status === 409)!, 409, 'version_conflict');
    const after = await flow.get(w.dispatcher, v.id);
    expect(after).toMatchObject({ status: 'in_progress', version: v.version + 1 });
    expect(leadOf(after).version).toBe(lead.version + 1);
    const events = (await api.call('GET', `/api/tickets/${v.id}/events`, { token: w.dispatcher.token })).body.items;
    expect(events.filter((e: { type: string }) => e.type === 'sign')).toHaveLength(1);
  });

  it('two dispatches with the same version: one set of assignments', async () => {
    const v = await flow.create();
    const results = await Promise.all(
      [w.units.streetA.id, w.units.streetB.id].map((leadUnitId) =>
        post(`/api/tickets/${v.id}/dispatch`, { token: w.dispatcher.token, body: { version: v.version, leadUnitId } }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expectProblem(results.find((r) => r.status === 409)!, 409, 'version_conflict');
    const after = await flow.get(w.dispatcher, v.id);
    expect(after.assignments).toHaveLength(1);
    expect(after.version).toBe(2);
  });
});
