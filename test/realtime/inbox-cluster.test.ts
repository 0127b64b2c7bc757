/**
 * The notification centre across instances: two app instances (Koa + Socket.IO, in this process, each with its own
 * pool, event bus and @socket.io/postgres-adapter) on one PostgreSQL database. A dispatch made through instance A
 * tells the unit's users whose sockets are on instance B ('inbox:changed'), and nobody else's; a notification marked
 * read through B tells the user's tab on A. B's bus never hears of A's commands, so only the adapter can carry it.
 *
 * PostgreSQL on both passes (./cluster.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { Api } from '../setup/server.ts';
import { callBody, makeWorld, type TestUser, type World } from '../setup/world.ts';
import { startCluster, type Cluster } from './cluster.ts';
import { listenInbox } from './inbox-sockets.ts';

let cluster: Cluster;
let a: Api, b: Api;
let w: World;
const sockets: Socket[] = [];

beforeAll(async () => {
  cluster = await startCluster();
  const first = await cluster.start('a');
  a = first.api;
  b = (await cluster.start('b')).api;
  w = await makeWorld(first.deps.db);
}, 120_000);

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await cluster?.close();
}, 60_000);

async function listen(on: Api, user: TestUser) {
  const l = await listenInbox(on.base, user.token, `${user.username}@${on === a ? 'a' : 'b'}`);
  sockets.push(l.socket);
  return l;
}
async function call(on: Api, user: TestUser, method: string, path: string, body?: unknown) {
  const r = await on.call(method, path, { token: user.token, body });
  expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
  return r.body;
}
const dispatchedThroughA = async (unitId: number) => {
  const t = await call(a, w.operator, 'POST', '/api/tickets', callBody(w.category.id));
  return call(a, w.dispatcher, 'POST', `/api/tickets/${t.id}/dispatch`, { version: t.version, leadUnitId: unitId });
};

describe("'inbox:changed' across instances", () => {
  it('a dispatch through A reaches the unit’s sockets on B and no other unit’s; a read through B reaches the tab on A', async () => {
    const [onB, leaderOnB, otherOnB, tabOnA] = await Promise.all([listen(b, w.handlerA), listen(b, w.leaderA), listen(b, w.handlerB), listen(a, w.handlerA)]);
    await dispatchedThroughA(w.units.streetA.id);
    await Promise.all([onB.next(1), leaderOnB.next(1), tabOnA.next(1)]);
    // 乙街道's handler hears of its own dispatch, made after 甲街道's: had 甲's reached it, it would count 2.
    await dispatchedThroughA(w.units.streetB.id);
    await otherOnB.next(1);
    expect([onB.count(), leaderOnB.count(), otherOnB.count()]).toEqual([1, 1, 1]);

    const { items } = await call(b, w.handlerA, 'GET', '/api/inbox?unread=true&limit=1');
    expect(await call(b, w.handlerA, 'POST', `/api/inbox/${items[0].id}/read`)).toEqual({ unread: 0 });
    await Promise.all([tabOnA.next(2), onB.next(2)]);
    expect((await call(a, w.handlerA, 'GET', '/api/inbox/unread-count')).unread).toBe(0);
  }, 60_000);
});
