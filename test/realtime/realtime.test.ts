import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connectClient, type Socket } from 'socket.io-client';
import type { Database } from '../../db/client.ts';
import { driver, freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { startApi, type Api } from '../setup/server.ts';
import { callBody, makeWorld, TEST_PASSWORD, type World } from '../setup/world.ts';
import { expectProblem } from '../setup/ticket-flow.ts';
import type { TicketEventMessage } from '../../src/realtime/types.ts';

let database: Database & { url?: string };
let deps: TestDeps;
let api: Api;
let w: World;
const sockets: Socket[] = [];

beforeAll(async () => {
  database = await freshDatabase();
  deps = makeDeps(database, database.url ? { DATABASE_URL: database.url } : {});
  api = await startApi(deps, { realtime: true });
  w = await makeWorld(deps.db);
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await api?.close();
  await database?.close();
});

function connect(base: string, auth: Record<string, unknown>, extraHeaders?: Record<string, string>): Promise<Socket> {
  const s = connectClient(base, { auth, transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders });
  sockets.push(s);
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve(s));
    s.once('connect_error', (e) => reject(e));
  });
}

/** Collects ticket events; `until` resolves when one matches. */
function collector(s: Socket) {
  const got: TicketEventMessage[] = [];
  const waiters: { pred: (e: TicketEventMessage) => boolean; resolve: (e: TicketEventMessage) => void }[] = [];
  s.on('ticket:event', (e: TicketEventMessage) => {
    got.push(e);
    for (const wt of [...waiters]) if (wt.pred(e)) waiters.splice(waiters.indexOf(wt), 1), wt.resolve(e);
  });
  return {
    got,
    until: (pred: (e: TicketEventMessage) => boolean, ms = 3000) =>
      new Promise<TicketEventMessage>((resolve, reject) => {
        const hit = got.find(pred);
        if (hit) return resolve(hit);
        const t = setTimeout(() => reject(new Error('no matching event in time')), ms);
        waiters.push({ pred, resolve: (e) => (clearTimeout(t), resolve(e)) });
      }),
  };
}

async function newTicket(phone = '13900001111') {
  const r = await api.call('POST', '/api/tickets', { token: w.operator.token, body: callBody(w.category.id, { caller: { name: '李女士', phone } }) });
  expect(r.status).toBe(201);
  return r.body;
}
async function dispatch(t: { id: number; version: number }, leadUnitId: number) {
  const r = await api.call('POST', `/api/tickets/${t.id}/dispatch`, { token: w.dispatcher.token, body: { version: t.version, leadUnitId } });
  expect(r.status).toBe(200);
  return r.body;
}

describe('handshake', () => {
  it('refuses a socket without credentials or with a bad token', async () => {
    await expect(connect(api.base, {})).rejects.toThrow(/unauthenticated/);
    await expect(connect(api.base, { token: 'jst_nope' })).rejects.toThrow(/unauthenticated/);
  });

  it('accepts the session cookie from the same origin and refuses it from another origin', async () => {
    const login = await fetch(`${api.base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: w.handlerA.username, password: TEST_PASSWORD }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const host = new URL(api.base).host;
    await expect(connect(api.base, {}, { cookie, origin: `http://${host}` })).resolves.toBeTruthy();
    await expect(connect(api.base, {}, { cookie, origin: 'http://evil.example' })).rejects.toThrow(/origin_refused/);
  });
});

describe('live events', () => {
  it('reach the assigned unit, its parent district, the creator and staff — and no other unit', async () => {
    const [a, district, b, op, disp] = await Promise.all([
      connect(api.base, { token: w.handlerA.token }),
      connect(api.base, { token: w.handlerDistrictA.token }),
      connect(api.base, { token: w.handlerB.token }),
      connect(api.base, { token: w.operator.token }),
      connect(api.base, { token: w.dispatcher.token }),
    ]);
    const [ca, cd, cb, cop, cdisp] = [collector(a), collector(district), collector(b), collector(op), collector(disp)];
    const t = await newTicket('13900002222');
    await cop.until((e) => e.ticketId === t.id && e.type === 'ticket_created');
    await cdisp.until((e) => e.ticketId === t.id && e.type === 'ticket_created');
    const d = await dispatch(t, w.units.streetA.id);
    const ev = await ca.until((e) => e.ticketId === t.id && e.type === 'dispatch');
    expect(ev).toMatchObject({ ticketId: t.id, version: d.version, toStatus: 'awaiting_sign' });
    await cd.until((e) => e.ticketId === t.id && e.type === 'dispatch');
    await new Promise((r) => setTimeout(r, 200));
    expect(cb.got.filter((e) => e.ticketId === t.id)).toEqual([]);
    // Events carry ids and versions, never personal data.
    expect(JSON.stringify(ca.got)).not.toContain('13900002222');
  });

  it('a socket can subscribe to a ticket it may read and not to one it may not', async () => {
    const t = await newTicket('13900003333');
    await dispatch(t, w.units.streetA.id);
    const b = await connect(api.base, { token: w.handlerB.token });
    const a = await connect(api.base, { token: w.handlerA.token });
    const ack = (s: Socket, id: number) => new Promise<{ ok: boolean; code?: string }>((r) => s.emit('ticket:subscribe', id, r));
    expect(await ack(b, t.id)).toEqual({ ok: false, code: 'ticket_not_found' });
    expect(await ack(a, t.id)).toEqual({ ok: true });
    expect(await ack(a, -1)).toEqual({ ok: false, code: 'validation_failed' });
  });

  it('after a reconnect the client catches up on what it missed, and only on what it may see', async () => {
    const a = await connect(api.base, { token: w.handlerA.token });
    const ca = collector(a);
    const t1 = await newTicket('13900004444');
    const d1 = await dispatch(t1, w.units.streetA.id);
    const seen = await ca.until((e) => e.ticketId === t1.id && e.type === 'dispatch');
    a.disconnect();

    // While A is away: its ticket is signed, and another unit gets a ticket.
    const sign = await api.call('POST', `/api/assignments/${d1.assignments[0].id}/sign`, { token: w.handlerA.token, body: { version: 1 } });
    expect(sign.status).toBe(200);
    const t2 = await newTicket('13900005555');
    await dispatch(t2, w.units.streetB.id);

    const again = connectClient(api.base, {
      auth: { token: w.handlerA.token, lastEventId: seen.id },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    sockets.push(again);
    const c2 = collector(again);
    const caught = await new Promise<{ lastEventId: number; count: number; complete: boolean }>((r) => again.once('caught-up', r));
    expect(c2.got.map((e) => [e.ticketId, e.type])).toEqual([[t1.id, 'sign']]);
    expect(caught).toMatchObject({ count: 1, complete: true, lastEventId: c2.got[0]!.id });
  });
});

describe('several app instances', () => {
  if (driver === 'postgres') {
    it('an event raised on one instance reaches a client of another (postgres adapter), once, in its rooms only', async () => {
      const deps2 = makeDeps(database, { DATABASE_URL: database.url });
      const api2 = await startApi(deps2, { realtime: true });
      try {
        const onOther = await connect(api2.base, { token: w.handlerA.token });
        const districtOnOther = await connect(api2.base, { token: w.handlerDistrictA.token });
        const otherUnitOnOther = await connect(api2.base, { token: w.handlerB.token });
        const onThis = await connect(api.base, { token: w.handlerA.token });
        const [c, cd, cb, cl] = [collector(onOther), collector(districtOnOther), collector(otherUnitOnOther), collector(onThis)];
        await new Promise((r) => setTimeout(r, 300)); // let the adapter's LISTEN settle
        const t = await newTicket('13900006666'); // through instance 1
        await dispatch(t, w.units.streetA.id);
        const e = await c.until((x) => x.ticketId === t.id && x.type === 'dispatch', 5000);
        expect(e.toStatus).toBe('awaiting_sign');
        await cd.until((x) => x.ticketId === t.id && x.type === 'dispatch', 5000);
        await cl.until((x) => x.ticketId === t.id && x.type === 'dispatch', 5000);
        await new Promise((r) => setTimeout(r, 300)); // a duplicate would land here
        // Each socket once, on the instance that raised it (emitted locally) and on the other (over NOTIFY).
        for (const x of [c, cd, cl]) expect(x.got.filter((y) => y.ticketId === t.id && y.type === 'dispatch')).toHaveLength(1);
        // The room scoping holds across instances: another street's handler hears nothing of it.
        expect(cb.got.filter((y) => y.ticketId === t.id)).toEqual([]);
      } finally {
        await api2.close();
      }
    });

    it("a call posted to one instance pops on the operator's screen held by another, once", async () => {
      const deps2 = makeDeps(database, { DATABASE_URL: database.url });
      const api2 = await startApi(deps2, { realtime: true });
      try {
        const screen = await connect(api2.base, { token: w.operator.token });
        const calls: unknown[] = [];
        screen.on('call:incoming', (c) => calls.push(c));
        await new Promise((r) => setTimeout(r, 300)); // let the adapter's LISTEN settle
        const r = await api.call('POST', '/api/telephony/call-events', { token: w.admin.token, body: { phone: '13900008888', agent: w.operator.username } });
        expect(r.status).toBe(202);
        const end = Date.now() + 5000;
        while (!calls.length && Date.now() < end) await new Promise((res) => setTimeout(res, 20));
        await new Promise((res) => setTimeout(res, 300)); // a duplicate would land here
        expect(calls).toEqual([{ phone: '13900008888', agent: w.operator.username, at: r.body.at }]);
      } finally {
        await api2.close();
      }
    });
  } else {
    it('on the embedded database there is one instance and the in-memory adapter', async () => {
      const deps2 = makeDeps(database);
      const api2 = await startApi(deps2, { realtime: true });
      try {
        const onOther = await connect(api2.base, { token: w.handlerA.token });
        const c = collector(onOther);
        const t = await newTicket('13900007777');
        await dispatch(t, w.units.streetA.id);
        await new Promise((r) => setTimeout(r, 300));
        // PGlite allows one process per data folder, so nothing crosses: the second server hears nothing.
        expect(c.got.filter((e) => e.ticketId === t.id)).toEqual([]);
      } finally {
        await api2.close();
      }
    });
  }
});

describe('telephony screen pop without a realtime server', () => {
  it('an instance with no realtime attached refuses the call (503 realtime_unavailable) instead of dropping it', async () => {
    const apiOnly = await startApi(makeDeps(database, database.url ? { DATABASE_URL: database.url } : {}));
    try {
      expectProblem(
        await apiOnly.call('POST', '/api/telephony/call-events', { token: w.admin.token, body: { phone: '13900009999', agent: w.operator.username } }),
        503,
        'realtime_unavailable',
      );
    } finally {
      await apiOnly.close();
    }
  });
});
