import { describe, expect, it } from 'vitest';
import { callBody, makeUser, type TestUser } from '../setup/world.ts';
import { api, database, deps, useApiWorld, w } from './api-world.ts';

useApiWorld();

const get = (path: string, user: { token: string }) => api.call('GET', path, { token: user.token });

async function intake(over: Record<string, unknown>, user: TestUser = w.operator) {
  const r = await api.call('POST', '/api/tickets', { token: user.token, body: callBody(w.category.id, over) });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

async function dispatch(ticket: { id: number; version: number }, leadUnitId: number) {
  const r = await api.call('POST', `/api/tickets/${ticket.id}/dispatch`, { token: w.dispatcher.token, body: { version: ticket.version, leadUnitId } });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

/** A ticket logged by the operator and dispatched to street A. */
async function ticketForStreetA(over: Record<string, unknown>) {
  return dispatch(await intake(over), w.units.streetA.id);
}

async function listIds(user: { token: string }): Promise<number[]> {
  const r = await get('/api/tickets?limit=200', user);
  expect(r.status).toBe(200);
  return r.body.items.map((t: { id: number }) => t.id);
}

async function expectHidden(user: TestUser, id: number) {
  for (const path of [`/api/tickets/${id}`, `/api/tickets/${id}/events`]) {
    const r = await get(path, user);
    expect(r.status, `${user.role}@${user.unitId} ${path}`).toBe(404);
    expect(r.body.code).toBe('ticket_not_found');
  }
  expect(await listIds(user)).not.toContain(id);
}

async function auditRows(query: Record<string, string>) {
  const r = await get(`/api/audit?${new URLSearchParams(query)}`, w.auditAdmin);
  expect(r.status).toBe(200);
  return r.body.items as { action: string; userId: number | null; targetType: string; targetId: string; details: Record<string, unknown> }[];
}

describe('scoping: units see their own subtree only', () => {
  it('the assigned street and its district read a ticket; a child community, another street and a department get 404', async () => {
    const t = await ticketForStreetA({ caller: { phone: '13500000001' } });

    for (const user of [w.handlerA, w.leaderA, w.handlerDistrictA]) {
      expect((await get(`/api/tickets/${t.id}`, user)).status).toBe(200);
      expect((await get(`/api/tickets/${t.id}/events`, user)).status).toBe(200);
      expect(await listIds(user)).toContain(t.id);
    }
    for (const user of [w.handlerCommunityA, w.handlerB, w.handlerDept]) await expectHidden(user, t.id);

    const byNumber = await get(`/api/tickets/by-number/${t.number}`, w.handlerB);
    expect(byNumber.status).toBe(404);
    expect(byNumber.body.code).toBe('ticket_not_found');
  });

  it('a parent unit can read but not act on the street’s assignment (403); an outside unit cannot even find it (404)', async () => {
    const t = await ticketForStreetA({ caller: { phone: '13500000002' } });
    const a = t.assignments[0];
    expect(a.unit.id).toBe(w.units.streetA.id);

    const asDistrict = await get(`/api/tickets/${t.id}`, w.handlerDistrictA);
    expect(asDistrict.body.assignments[0].abilities).toEqual([]);
    const parent = await api.call('POST', `/api/assignments/${a.id}/sign`, { token: w.handlerDistrictA.token, body: { version: a.version } });
    expect(parent.status).toBe(403);
    expect(parent.body.code).toBe('forbidden');

    const outsider = await api.call('POST', `/api/assignments/${a.id}/sign`, { token: w.handlerB.token, body: { version: a.version } });
    expect(outsider.status).toBe(404);

    const asStreet = await get(`/api/tickets/${t.id}`, w.handlerA);
    expect(asStreet.body.assignments[0].abilities).toContain('sign');
    const own = await api.call('POST', `/api/assignments/${a.id}/sign`, { token: w.handlerA.token, body: { version: a.version } });
    expect(own.status).toBe(200);
    expect(own.body.assignments[0].status).not.toBe('awaiting_sign');
  });

  it('an undispatched ticket is invisible to every unit user', async () => {
    const t = await intake({ caller: { phone: '13500000003' } });
    expect(t.status).toBe('awaiting_dispatch');
    for (const user of [w.handlerA, w.leaderA, w.handlerCommunityA, w.handlerDistrictA, w.handlerB, w.handlerDept]) await expectHidden(user, t.id);
  });

  it('list filters work within the scope and refuse unknown values with 400, not a database error', async () => {
    const t = await ticketForStreetA({ caller: { phone: '13500000006' } });
    const ids = async (query: string, user: TestUser) => {
      const r = await get(`/api/tickets?limit=200&${query}`, user);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.items.map((i: { id: number }) => i.id);
    };
    expect(await ids('status=awaiting_sign,in_progress&channel=phone', w.handlerA)).toContain(t.id);
    expect(await ids('status=awaiting_dispatch', w.handlerA)).not.toContain(t.id);
    expect(await ids('channel=window', w.dispatcher)).not.toContain(t.id);
    expect(await ids('status=awaiting_sign', w.handlerB)).not.toContain(t.id);
    for (const [query, path] of [
      ['status=bogus', 'query.status'],
      ['status=awaiting_sign,bogus', 'query.status'],
      ['channel=fax', 'query.channel'],
    ]) {
      const r = await get(`/api/tickets?${query}`, w.dispatcher);
      expect(r.status, query).toBe(400);
      expect(r.body.code).toBe('validation_failed');
      expect(r.body.issues.map((i: { path: string }) => i.path)).toContain(path);
    }
  });

  it('an intake client sees only the tickets it submitted', async () => {
    const own = await intake({ caller: { phone: '13500000004' } }, w.portal);
    const other = await intake({ caller: { phone: '13500000005' } });
    expect((await get(`/api/tickets/${own.id}`, w.portal)).status).toBe(200);
    await expectHidden(w.portal, other.id);
    expect(await listIds(w.portal)).toContain(own.id);
  });
});

describe('caller masking', () => {
  it('a unit sees the phone masked, in the detail and in the list', async () => {
    const t = await ticketForStreetA({ caller: { name: '王先生', phone: '13812345678' } });
    const r = await get(`/api/tickets/${t.id}`, w.handlerA);
    expect(r.body.caller).toEqual({ name: '王先生', phone: '138****5678', masked: true, confidential: false });
    const list = await get('/api/tickets?limit=200', w.handlerA);
    expect(list.body.items.find((i: { id: number }) => i.id === t.id).caller.phone).toBe('138****5678');
    const events = await get(`/api/tickets/${t.id}/events`, w.handlerA);
    for (const text of [r, list, events].map((x) => JSON.stringify(x.body))) expect(text).not.toContain('13812345678');
  });

  it('with direct contact allowed, the unit sees the full number on the detail view (lists stay masked)', async () => {
    const t = await ticketForStreetA({ caller: { name: '周女士', phone: '13812340001' }, allowDirectContact: true });
    const r = await get(`/api/tickets/${t.id}`, w.handlerA);
    expect(r.body.caller).toMatchObject({ name: '周女士', phone: '13812340001', masked: false });
    const list = await get('/api/tickets?limit=200', w.handlerA);
    expect(list.body.items.find((i: { id: number }) => i.id === t.id).caller).toMatchObject({ phone: '138****0001', masked: true });
  });

  it('a confidential caller is hidden from units entirely: name and number appear nowhere in their responses', async () => {
    const name = '孙保密';
    const phone = '13812349999';
    const t = await ticketForStreetA({ caller: { name, phone }, confidential: true, type: 'report' });
    for (const user of [w.handlerA, w.leaderA, w.handlerDistrictA]) {
      const detail = await get(`/api/tickets/${t.id}`, user);
      expect(detail.status).toBe(200);
      expect(detail.body.caller).toEqual({ name: null, phone: null, masked: true, confidential: true });
      const list = await get('/api/tickets?limit=200', user);
      const item = list.body.items.find((i: { id: number }) => i.id === t.id);
      expect(item.caller).toMatchObject({ name: null, phone: null, confidential: true });
      const events = await get(`/api/tickets/${t.id}/events`, user);
      expect(events.body.items.length).toBeGreaterThan(0);
      for (const text of [detail, list, events].map((x) => JSON.stringify(x.body))) {
        expect(text).not.toContain(phone);
        expect(text).not.toContain(name);
        expect(text).not.toContain('138****9999');
      }
    }
    // The centre still sees who called.
    const centre = await get(`/api/tickets/${t.id}`, w.dispatcher);
    expect(centre.body.caller).toMatchObject({ name, phone, masked: false, confidential: true });
  });

  it('centre roles see the full number on the detail view; their lists are masked', async () => {
    const t = await ticketForStreetA({ caller: { name: '吴先生', phone: '13812342222' } });
    for (const user of [w.operator, w.dispatcher]) {
      const r = await get(`/api/tickets/${t.id}`, user);
      expect(r.body.caller).toMatchObject({ name: '吴先生', phone: '13812342222', masked: false });
      const list = await get('/api/tickets?limit=200', user);
      expect(list.body.items.find((i: { id: number }) => i.id === t.id).caller).toMatchObject({ phone: '138****2222', masked: true });
      expect(JSON.stringify(list.body)).not.toContain('13812342222');
    }
  });
});

describe('audit of caller reads', () => {
  it('every full-number read is logged with the user and ticket; masked reads are not', async () => {
    const t = await ticketForStreetA({ caller: { phone: '13812343333' } });
    const rows = () => auditRows({ action: 'read_caller_contact', targetId: String(t.id) });
    const start = (await rows()).length;

    await get(`/api/tickets/${t.id}`, w.operator);
    let now = await rows();
    expect(now).toHaveLength(start + 1);
    expect(now[0]).toMatchObject({ action: 'read_caller_contact', userId: w.operator.id, targetType: 'ticket', targetId: String(t.id) });

    await get(`/api/tickets/${t.id}`, w.dispatcher);
    now = await rows();
    expect(now).toHaveLength(start + 2);
    expect(now[0]!.userId).toBe(w.dispatcher.id);

    await get(`/api/tickets/${t.id}`, w.handlerA);
    await get(`/api/tickets/${t.id}/events`, w.handlerA);
    await get('/api/tickets?limit=200', w.operator);
    expect(await rows()).toHaveLength(start + 2);
  });

  it('a unit allowed direct contact is audited too; a confidential read by a unit is not', async () => {
    const direct = await ticketForStreetA({ caller: { phone: '13812344444' }, allowDirectContact: true });
    const secret = await ticketForStreetA({ caller: { phone: '13812345555' }, confidential: true });
    const directBefore = (await auditRows({ action: 'read_caller_contact', targetId: String(direct.id) })).length;
    const secretBefore = (await auditRows({ action: 'read_caller_contact', targetId: String(secret.id) })).length;

    await get(`/api/tickets/${direct.id}`, w.handlerA);
    await get(`/api/tickets/${secret.id}`, w.handlerA);

    const directRows = await auditRows({ action: 'read_caller_contact', targetId: String(direct.id) });
    expect(directRows).toHaveLength(directBefore + 1);
    expect(directRows[0]!.userId).toBe(w.handlerA.id);
    expect(await auditRows({ action: 'read_caller_contact', targetId: String(secret.id) })).toHaveLength(secretBefore);
  });

  it('only the audit administrator reads the audit log: not the system or security administrator, nor anyone else', async () => {
    for (const user of [w.operator, w.dispatcher, w.supervisor, w.callbackAgent, w.handlerA, w.leaderA, w.portal, w.admin, w.securityAdmin]) {
      for (const path of ['/api/audit', '/api/audit/verify', '/api/audit/status', '/api/audit/export?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z']) {
        const r = await get(path, user);
        expect(r.status, `${user.role} ${path}`).toBe(403);
        expect(r.body.code).toBe('forbidden');
      }
    }
    expect((await api.call('GET', '/api/audit')).status).toBe(401);
    expect((await get('/api/admin/audit', w.admin)).status).toBe(404);
  });

  it('the audit log cannot be changed, even with direct SQL (only the sealer fills in a row’s place in the chain, once)', async () => {
    const count = async () => Number((await database.query<{ n: number }>('select count(*)::int as n from audit_log'))[0]!.n);
    const before = await count();
    expect(before).toBeGreaterThan(0);
    await expect(database.query('update audit_log set action = $1', ['x'])).rejects.toThrow(/append-only/);
    await expect(database.query('delete from audit_log')).rejects.toThrow(/append-only/);
    await expect(database.query('truncate audit_log')).rejects.toThrow(/append-only/);
    expect(await count()).toBe(before);
    expect(await database.query("select 1 from audit_log where action = 'x'")).toHaveLength(0);
    // The chain's columns: null → value once, nothing else changing; then they are as fixed as the rest.
    const [row] = await database.query<{ id: string }>('select id::text as id from audit_log where seq is null order by id limit 1');
    await expect(database.query(`update audit_log set seq = 1, mac = 'm', action = 'x' where id = ${row!.id}`)).rejects.toThrow(/append-only/);
    await database.query(`update audit_log set seq = 1, prev_mac = 'p', mac = 'm' where id = ${row!.id}`);
    await expect(database.query(`update audit_log set mac = 'forged' where id = ${row!.id}`)).rejects.toThrow(/append-only/);
    await expect(database.query(`update audit_log set seq = null, prev_mac = null, mac = null where id = ${row!.id}`)).rejects.toThrow(/append-only/);
  });
});

describe('administration', () => {
  const newUser = (over: Record<string, unknown> = {}) => ({
    username: `user-${Math.random().toString(36).slice(2, 10)}`,
    displayName: '新同事',
    password: 'Str0ng&Secure',
    role: 'operator',
    unitId: w.units.centre.id,
    ...over,
  });
  const createUser = (body: Record<string, unknown>) => api.call('POST', '/api/admin/users', { token: w.admin.token, body });
  const login = (username: string, password: string) => api.call('POST', '/api/auth/login', { body: { username, password } });

  it.each([
    ['too short', 'Ab1!'],
    ['too simple', 'alllowercase1'],
  ])('refuses a weak password (%s) with 400 password_policy', async (_what, password) => {
    const body = newUser({ password });
    const r = await createUser(body);
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('password_policy');
    expect(r.body.issues[0].path).toBe('body.password');
    expect((await login(body.username as string, password)).status).toBe(401);
  });

  it('refuses a taken username, whatever its case (409 username_taken)', async () => {
    const body = newUser({ username: 'clerk.li' });
    expect((await createUser(body)).status).toBe(201);
    for (const username of ['clerk.li', 'Clerk.LI']) {
      const r = await createUser(newUser({ username }));
      expect(r.status).toBe(409);
      expect(r.body.code).toBe('username_taken');
    }
  });

  it('refuses a role at the wrong kind of unit (422 role_unit_mismatch)', async () => {
    for (const [role, unitId] of [
      ['unit_handler', w.units.centre.id],
      ['operator', w.units.streetA.id],
    ] as const) {
      const r = await createUser(newUser({ role, unitId }));
      expect(r.status).toBe(422);
      expect(r.body.code).toBe('role_unit_mismatch');
    }
  });

  it('a created user can sign in and use the session', async () => {
    const body = newUser({ role: 'unit_handler', unitId: w.units.streetB.id });
    const created = await createUser(body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ username: body.username, role: 'unit_handler', unitId: w.units.streetB.id });
    expect(JSON.stringify(created.body)).not.toContain(body.password);

    const r = await login(body.username as string, body.password as string);
    expect(r.status).toBe(200);
    expect(r.body.user).toMatchObject({ id: created.body.id, role: 'unit_handler' });
    const cookie = /jiesu_session=[^;]+/.exec(r.headers.get('set-cookie') ?? '')?.[0];
    expect(cookie).toBeDefined();
    const session = await api.call('GET', '/api/auth/session', { headers: { cookie: cookie! } });
    expect(session.status).toBe(200);
    expect(session.body.user.id).toBe(created.body.id);
  });

  it('non-admins cannot create users', async () => {
    const r = await api.call('POST', '/api/admin/users', { token: w.supervisor.token, body: newUser() });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('forbidden');
  });

  it('deactivating a user ends its token and sessions and blocks sign-in', async () => {
    const body = newUser();
    const created = await createUser(body);
    const issued = await api.call('POST', '/api/security/tokens', { token: w.securityAdmin.token, body: { userId: created.body.id, name: 'desk token' } });
    const signedIn = await login(body.username as string, body.password as string);
    const cookie = /jiesu_session=[^;]+/.exec(signedIn.headers.get('set-cookie') ?? '')![0];
    expect((await get('/api/auth/session', { token: issued.body.token })).status).toBe(200);

    const off = await api.call('POST', `/api/admin/users/${created.body.id}/deactivate`, { token: w.admin.token });
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);

    const byToken = await get('/api/auth/session', { token: issued.body.token });
    expect(byToken.status).toBe(401);
    expect(byToken.body.code).toBe('unauthenticated');
    expect((await api.call('GET', '/api/auth/session', { headers: { cookie } })).status).toBe(401);
    const again = await login(body.username as string, body.password as string);
    expect(again.status).toBe(403);
    expect(again.body.code).toBe('account_disabled');
  });

  it('deactivation applies to a factory user’s existing bearer token as well', async () => {
    const u = await makeUser(deps.db, 'dispatcher', w.units.centre);
    expect((await get('/api/tickets', u)).status).toBe(200);
    expect((await api.call('POST', `/api/admin/users/${u.id}/deactivate`, { token: w.admin.token })).status).toBe(200);
    const r = await get('/api/tickets', u);
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('unauthenticated');
  });

  it('an issued API token works once shown, is never listed, and stops working when revoked', async () => {
    const client = await makeUser(deps.db, 'intake_client', w.units.centre);
    const issued = await api.call('POST', '/api/security/tokens', { token: w.securityAdmin.token, body: { userId: client.id, name: '网上诉求平台' } });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ userId: client.id, name: '网上诉求平台' });
    const token = issued.body.token as string;
    expect(token.startsWith(issued.body.prefix)).toBe(true);

    const me = await get('/api/auth/session', { token });
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(client.id);
    const created = await api.call('POST', '/api/tickets', { token, body: callBody(w.category.id, { caller: { phone: '13500000009' } }) });
    expect(created.status).toBe(201);
    expect(created.body.channel).toBe('online');

    const listed = await get('/api/security/tokens', w.securityAdmin);
    expect(listed.status).toBe(200);
    expect(listed.body.items.some((t: { id: number }) => t.id === issued.body.id)).toBe(true);
    expect(JSON.stringify(listed.body)).not.toContain(token);

    const revoked = await api.call('DELETE', `/api/security/tokens/${issued.body.id}`, { token: w.securityAdmin.token });
    expect(revoked.status).toBe(204);
    const after = await get('/api/auth/session', { token });
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('unauthenticated');
    // The client's other token (from the factory) still works.
    expect((await get('/api/auth/session', client)).status).toBe(200);
  });

  it('sign-in with a wrong password fails without saying whether the user exists', async () => {
    const body = newUser();
    await createUser(body);
    const wrong = await login(body.username as string, 'Wrong&Passw0rd');
    const unknown = await login('nobody-here', 'Wrong&Passw0rd');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.code).toBe('invalid_credentials');
    expect(unknown.body.code).toBe('invalid_credentials');
    expect((await login(body.username as string, body.password as string)).status).toBe(200);
  });
});
