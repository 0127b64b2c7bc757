/**
 * The notification centre across instances: two app instances (Koa + Socket.IO, in this process, each with its own
 * pool, event bus and @socket.io/postgres-adapter) on one PostgreSQL database. A dispatch made through instance A
 * tells the unit's users whose sockets are on instance B ('inbox:changed'), and nobody else's; a notification marked
 * read through B tells the user's tab on A. B's bus never hears of A's commands, so only the adapter can carry it.
 *
 * PostgreSQL on both passes (./cluster.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Api } from '../setup/server.ts';
import { callBody, type TestUser } from '../setup/world.ts';
import { useTwoInstances } from './cluster.ts';
import { listenInbox } from './inbox-sockets.ts';

const f = useTwoInstances();

async function listen(on: Api, user: TestUser) {
  const l = await listenInbox(on.base, user.token, `${user.username}@${on === f.a ? 'a' : 'b'}`);
  f.sockets.push(l.socket);
  return l;
}
async function call(on: Api, user: TestUser, method: string, path: string, body?: unknown) {
  const r = await on.call(method, path, { token: user.token, body });
  expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
  return r.body;
}
const dispatchedThroughA = async (unitId: number) => {
  const t = await call(f.a, f.w.operator, 'POST', '/api/tickets', callBody(f.w.category.id));
  return call(f.a, f.w.dispatcher, 'POST', `/api/tickets/${t.id}/dispatch`, { version: t.version, leadUnitId: unitId });
};

describe("'inbox:changed' across instances", () => {
  it('a dispatch through A reaches the unit’s sockets on B and no other unit’s; a read through B reaches the tab on A', async () => {
    const [onB, leaderOnB, otherOnB, tabOnA] = await Promise.all([
      listen(f.b, f.w.handlerA),
      listen(f.b, f.w.leaderA),
      listen(f.b, f.w.handlerB),
      listen(f.a, f.w.handlerA),
    ]);
    await dispatchedThroughA(f.w.units.streetA.id);
    await Promise.all([onB.next(1), leaderOnB.next(1), tabOnA.next(1)]);
    // 乙街道's handler hears of its own dispatch, made after 甲街道's: had 甲's reached it, it would count 2.
    await dispatchedThroughA(f.w.units.streetB.id);
    await otherOnB.next(1);
    expect([onB.count(), leaderOnB.count(), otherOnB.count()]).toEqual([1, 1, 1]);

    const { items } = await call(f.b, f.w.handlerA, 'GET', '/api/inbox?unread=true&limit=1');
    expect(await call(f.b, f.w.handlerA, 'POST', `/api/inbox/${items[0].id}/read`)).toEqual({ unread: 0 });
    await Promise.all([tabOnA.next(2), onB.next(2)]);
    expect((await call(f.a, f.w.handlerA, 'GET', '/api/inbox/unread-count')).unread).toBe(0);
  }, 60_000);
});
