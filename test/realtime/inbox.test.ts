/**
 * The notification centre live (消息中心): 'inbox:changed' reaches the sockets of the users a ticket event gave a
 * notification — a dispatch to 甲街道 tells 甲街道's handler and leader, not 乙街道's handler nor the dispatcher
 * who caused it — and marking read tells the user's other tabs only. A real socket.io server on port 0 and
 * socket.io-client; no sleeps: absence is checked after a later event to the same sockets has arrived.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { Database } from '../../db/client.ts';
import { freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { startApi, type Api } from '../setup/server.ts';
import { callBody, makeWorld, type TestUser, type World } from '../setup/world.ts';
import { listenInbox } from './inbox-sockets.ts';

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

async function listen(user: TestUser) {
  const l = await listenInbox(api.base, user.token, user.username);
  sockets.push(l.socket);
  return l;
}

async function call(user: TestUser, method: string, path: string, body?: unknown) {
  const r = await api.call(method, path, { token: user.token, body });
  expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
  return r.body;
}
const dispatchedTo = async (unitId: number) => {
  const t = await call(w.operator, 'POST', '/api/tickets', callBody(w.category.id));
  return call(w.dispatcher, 'POST', `/api/tickets/${t.id}/dispatch`, { version: t.version, leadUnitId: unitId });
};

describe("'inbox:changed'", () => {
  it('reaches the users of the unit a ticket is dispatched to, and no other unit nor the dispatcher', async () => {
    const [a, leader, b, dispatcher] = await Promise.all([listen(w.handlerA), listen(w.leaderA), listen(w.handlerB), listen(w.dispatcher)]);
    await dispatchedTo(w.units.streetA.id);
    await Promise.all([a.next(1), leader.next(1)]);
    expect((await call(w.handlerA, 'GET', '/api/inbox/unread-count')).unread).toBe(1);

    // 乙街道's handler hears of its own dispatch, made after 甲街道's: had 甲's reached it, it would count 2.
    await dispatchedTo(w.units.streetB.id);
    await b.next(1);
    expect([a.count(), leader.count(), b.count(), dispatcher.count()]).toEqual([1, 1, 1, 0]);
  });

  it("marking read tells the same user's other tabs, not the unit's other users", async () => {
    const [tab1, tab2, leader] = await Promise.all([listen(w.handlerA), listen(w.handlerA), listen(w.leaderA)]);
    await dispatchedTo(w.units.streetA.id);
    await Promise.all([tab1.next(1), tab2.next(1), leader.next(1)]);
    const { items } = await call(w.handlerA, 'GET', '/api/inbox?unread=true&limit=1');
    expect(await call(w.handlerA, 'POST', `/api/inbox/${items[0].id}/read`)).toEqual({ unread: expect.any(Number) });
    await Promise.all([tab1.next(2), tab2.next(2)]);
    // The leader then hears of the next dispatch as its second change, not its third.
    await dispatchedTo(w.units.streetA.id);
    await Promise.all([tab1.next(3), leader.next(2)]);
    expect(leader.count()).toBe(2);
  });
});
