/**
 * Socket.IO rooms: a socket joins only the rooms the server picks from its actor (src/realtime/rooms.ts).
 * A unit B user signed in with the session cookie tries every client-side way into unit A's rooms; then an
 * event on A's ticket reaches A and not B, while B's own events still reach B. Unauthenticated, forged and
 * cross-origin handshakes are refused. Every event any socket receives goes through the PII scan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connectClient, type Socket } from 'socket.io-client';
import { driver } from '../setup/db.ts';
import { callBody, TEST_PASSWORD } from '../setup/world.ts';
import type { TicketEventMessage } from '../../src/realtime/types.ts';
import { rooms } from '../../src/realtime/rooms.ts';
import type { Subject } from './expectations.ts';
import { makeSecurityWorld, type SecurityWorld } from './fixtures.ts';
import { SEEDED } from './pii-scan.ts';

let sw: SecurityWorld;
const sockets: Socket[] = [];
let received = 0;

beforeAll(async () => {
  sw = await makeSecurityWorld({ realtime: true });
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await sw?.close();
});

async function cookieOf(subject: Exclude<Subject, 'anonymous'>): Promise<string> {
  const r = await fetch(`${sw.api.base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: sw.users[subject].username, password: TEST_PASSWORD }),
  });
  expect(r.status).toBe(200);
  return r.headers.get('set-cookie')!.split(';')[0]!;
}

type Opts = { auth?: Record<string, unknown>; headers?: Record<string, string>; query?: Record<string, string>; path?: string };

/** A socket whose every incoming message is recorded for the PII scan under `subject`. */
function open(subject: Subject, opts: Opts = {}): Promise<Socket & { got: { event: string; args: unknown[] }[] }> {
  const s = connectClient(sw.api.base + (opts.path ?? ''), {
    auth: opts.auth ?? {},
    extraHeaders: opts.headers,
    query: opts.query,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  }) as Socket & { got: { event: string; args: unknown[] }[] };
  sockets.push(s);
  s.got = [];
  s.onAny((event: string, ...args: unknown[]) => {
    s.got.push({ event, args });
    received++;
    sw.recorder.record({ subject, method: 'WS', url: event, status: 200, text: JSON.stringify(args) });
  });
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve(s));
    s.once('connect_error', (e) => reject(e));
  });
}

const ticketEvents = (s: { got: { event: string; args: unknown[] }[] }) =>
  s.got.filter((g) => g.event === 'ticket:event').map((g) => g.args[0] as TicketEventMessage);

async function until(s: { got: { event: string; args: unknown[] }[] }, pred: (e: TicketEventMessage) => boolean, ms = 4000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const hit = ticketEvents(s).find(pred);
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('no matching event in time');
}

// An answer must come: the timeout only turns a hang into a failure (generous, for a loaded machine).
const ack = (s: Socket, event: string, ...args: unknown[]) =>
  Promise.race([new Promise<unknown>((r) => s.emit(event, ...args, r)), new Promise<unknown>((r) => setTimeout(() => r('no answer'), 5000))]);

describe('handshake', () => {
  it('refuses a socket with no credentials, a bogus token, a bogus or expired cookie, or a cookie from another site', async () => {
    const cookie = await cookieOf('unit_handler@other');
    const host = new URL(sw.api.base).host;
    const attempts: [string, Opts, RegExp][] = [
      ['no credentials', {}, /unauthenticated/],
      ['bogus bearer token', { auth: { token: 'jst_forged_0000000000000000000000000' } }, /unauthenticated/],
      ['token of the wrong type', { auth: { token: 12345 } }, /unauthenticated/],
      ['bogus cookie', { headers: { cookie: 'jiesu_session=forged' } }, /unauthenticated/],
      ['cookie with SQL', { headers: { cookie: "jiesu_session=' OR '1'='1" } }, /unauthenticated/],
      ['cookie from another origin', { headers: { cookie, origin: 'http://evil.example' } }, /origin_refused/],
      ['a user id in the handshake', { auth: { userId: sw.users['unit_handler@own'].id, role: 'admin' } }, /unauthenticated/],
    ];
    for (const [what, opts, error] of attempts) await expect(open('anonymous', opts), what).rejects.toThrow(error);
    await expect(open('unit_handler@other', { headers: { cookie, origin: `http://${host}` } })).resolves.toBeTruthy();
  });

  it('a namespace other than the default one does not exist', async () => {
    const cookie = await cookieOf('unit_handler@other');
    await expect(open('unit_handler@other', { headers: { cookie }, path: `/${rooms.unit(sw.fx.units.streetA)}` })).rejects.toThrow(/Invalid namespace/);
  });
});

describe('rooms', () => {
  it('unit B cannot get into unit A’s rooms by any client-side means: A’s events reach A and staff, never B', async () => {
    const A = sw.fx.units.streetA;
    const [cookieA, cookieB, cookieLeaderB] = await Promise.all([cookieOf('unit_handler@own'), cookieOf('unit_handler@other'), cookieOf('unit_leader@other')]);
    // B asks for A's rooms in its handshake (auth, query) — the server ignores what the client names.
    const b = await open('unit_handler@other', {
      headers: { cookie: cookieB },
      auth: { rooms: [rooms.unit(A)], room: rooms.unit(A), unitId: A, lastEventId: 0 },
      query: { room: rooms.unit(A), unitId: String(A) },
    });
    const leaderB = await open('unit_leader@other', { headers: { cookie: cookieLeaderB } });
    const a = await open('unit_handler@own', { headers: { cookie: cookieA } });
    const staff = await open('dispatcher', { auth: { token: sw.users.dispatcher.token } });

    // Every join-like event with A's room names, ticket ids and nonsense: none gets B in.
    const t = sw.fx.ticketA.id;
    expect(await ack(b, 'ticket:subscribe', t)).toEqual({ ok: false, code: 'ticket_not_found' });
    expect(await ack(b, 'ticket:subscribe', sw.fx.confidentialA.id)).toEqual({ ok: false, code: 'ticket_not_found' });
    for (const bad of [String(t), rooms.ticket(t), rooms.unit(A), [t], { id: t }, null, -1, 1.5, Number.MAX_SAFE_INTEGER + 2, `${t} OR 1=1`]) {
      expect(await ack(b, 'ticket:subscribe', bad), JSON.stringify(bad)).toEqual({ ok: false, code: 'validation_failed' });
    }
    for (const event of ['join', 'subscribe', 'room:join', 'unit:join', 'joinRoom', 'ticket:join']) {
      for (const arg of [rooms.unit(A), rooms.ticket(t), rooms.staff, rooms.supervisors, { room: rooms.unit(A) }]) b.emit(event, arg, () => {});
    }
    // Leaving a room it is not in, or with a crafted id, changes nothing either.
    b.emit('ticket:unsubscribe', `${t}`);
    b.emit('ticket:unsubscribe', '../unit:1');
    // A subscribes to its own ticket (allowed), then acts on it.
    expect(await ack(a, 'ticket:subscribe', t)).toEqual({ ok: true });
    const v = (await sw.send('dispatcher', 'GET', `/api/tickets/${t}`)).body;
    const lead = v.assignments[0];
    const note = await sw.send('unit_handler@own', 'POST', `/api/assignments/${lead.id}/note`, { body: { version: lead.version, text: '安全测试：现场查看' } });
    expect(note.status, note.text).toBe(200);
    const seenByA = await until(a, (e) => e.ticketId === t && e.type === 'note');
    await until(staff, (e) => e.id === seenByA.id);

    // B's own ticket afterwards: B's socket is live, and events arrive in order, so A's would have come first.
    let mine = (await sw.send('operator', 'POST', '/api/tickets', { body: callBody(sw.fx.category, { caller: { name: '乙', phone: '13512340099' } }) })).body;
    mine = (await sw.send('dispatcher', 'POST', `/api/tickets/${mine.id}/dispatch`, { body: { version: mine.version, leadUnitId: sw.fx.units.streetB } })).body;
    await until(b, (e) => e.ticketId === mine.id && e.type === 'dispatch');
    await until(leaderB, (e) => e.ticketId === mine.id && e.type === 'dispatch');
    await new Promise((r) => setTimeout(r, 200));

    for (const s of [b, leaderB]) {
      const leaked = ticketEvents(s).filter((e) => e.ticketId === t || e.ticketId === sw.fx.confidentialA.id);
      expect(leaked, 'unit B received unit A’s ticket events').toEqual([]);
    }
    // B's handshake asked for a catch-up from event 0: it got only what B may see (nothing of A's).
    expect(b.got.some((g) => g.event === 'caught-up')).toBe(true);
    expect(ticketEvents(a).some((e) => e.ticketId === mine.id)).toBe(false);
  });

  it('malformed subscribe messages (no acknowledgement, or a value where the callback goes) leave the server up', async () => {
    const s = await open('unit_handler@own', { auth: { token: sw.users['unit_handler@own'].token } });
    const t = sw.fx.ticketA.id;
    // Without a callback the server's ack is absent; with a trailing non-function value it is that value.
    for (const args of [[t], [t, 'not-a-function'], ['x', 42], [sw.fx.confidentialA.id + 1000, {}], [], [null, null]]) s.emit('ticket:subscribe', ...args);
    s.emit('ticket:unsubscribe');
    s.emit('ticket:unsubscribe', { toString: 1 });
    // A crafted catch-up position in the handshake.
    for (const lastEventId of [{ toString: 1 }, { valueOf: 'x' }, [1, 2], '1 OR 1=1', -5, 1e300]) {
      const c = await open('unit_handler@own', { auth: { token: sw.users['unit_handler@own'].token, lastEventId } });
      c.disconnect();
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(await ack(s, 'ticket:subscribe', t)).toEqual({ ok: true });
    expect((await sw.send('unit_handler@own', 'GET', `/api/tickets/${t}`)).status).toBe(200);
  });

  it('a caller’s number popped to an operator reaches that operator only', async () => {
    const [op, other, unit, staff] = await Promise.all([
      open('operator', { auth: { token: sw.users.operator.token } }),
      open('window_clerk', { auth: { token: sw.users.window_clerk.token } }),
      open('unit_handler@own', { auth: { token: sw.users['unit_handler@own'].token } }),
      open('supervisor', { auth: { token: sw.users.supervisor.token } }),
    ]);
    const r = await sw.send('admin', 'POST', '/api/telephony/call-events', { body: { phone: SEEDED.waiting.phone, agent: sw.users.operator.username } });
    expect(r.status, r.text).toBe(202);
    const end = Date.now() + 3000;
    while (!op.got.some((g) => g.event === 'call:incoming') && Date.now() < end) await new Promise((res) => setTimeout(res, 20));
    expect(op.got.find((g) => g.event === 'call:incoming')?.args[0]).toMatchObject({ phone: SEEDED.waiting.phone });
    await new Promise((res) => setTimeout(res, 150));
    for (const s of [other, unit, staff]) expect(s.got.filter((g) => g.event === 'call:incoming')).toEqual([]);
  });
});

it('no event any socket received carries a caller’s contact details it may not see', () => {
  // The operator's own screen pop is the one place a full number travels (to a centre role).
  const leaks = sw.recorder.leaks().filter((l) => !(l.method === 'WS' && l.url === 'call:incoming' && l.subject === 'operator'));
  expect(leaks).toEqual([]);
  expect(received).toBeGreaterThan(0);
  console.log(`[security] realtime rooms (${driver}): ${sockets.length} sockets, ${received} messages received and scanned, 0 leaks`);
});
