/**
 * The notification centre live (消息中心): 'inbox:changed' reaches the sockets of the users a ticket event gave a
 * notification — a dispatch to 甲街道 tells 甲街道's handler and leader, not 乙街道's handler nor the dispatcher
 * who caused it — and marking read tells the user's other tabs only. A real socket.io server on port 0 and
 * socket.io-client; no sleeps: absence is checked after a later event to the same sockets has arrived.
 */
import { describe, expect, it } from 'vitest';
import { callBody, type TestUser } from '../setup/world.ts';
import { useRealtimeApi } from './realtime-api.ts';
import { listenInbox } from './inbox-sockets.ts';

const f = useRealtimeApi();
const sockets = f.sockets;

async function listen(user: TestUser) {
  const l = await listenInbox(f.api.base, user.token, user.username);
  sockets.push(l.socket);
  return l;
}

async function call(user: TestUser, method: string, path: string, body?: unknown) {
  const r = await f.api.call(method, path, { token: user.token, body });
  expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
  return r.body;
}
const dispatchedTo = async (unitId: number) => {
  const t = await call(f.w.operator, 'POST', '/api/tickets', callBody(f.w.category.id));
  return call(f.w.dispatcher, 'POST', `/api/tickets/${t.id}/dispatch`, { version: t.version, leadUnitId: unitId });
};

describe("'inbox:changed'", () => {
  it('reaches the users of the unit a ticket is dispatched to, and no other unit nor the dispatcher', async () => {
    const [a, leader, b, dispatcher] = await Promise.all([listen(f.w.handlerA), listen(f.w.leaderA), listen(f.w.handlerB), listen(f.w.dispatcher)]);
    await dispatchedTo(f.w.units.streetA.id);
    await Promise.all([a.next(1), leader.next(1)]);
    expect((await call(f.w.handlerA, 'GET', '/api/inbox/unread-count')).unread).toBe(1);

    // 乙街道's handler hears of its own dispatch, made after 甲街道's: had 甲's reached it, it would count 2.
    await dispatchedTo(f.w.units.streetB.id);
    await b.next(1);
    expect([a.count(), leader.count(), b.count(), dispatcher.count()]).toEqual([1, 1, 1, 0]);
  });

  it("marking read tells the same user's other tabs, not the unit's other users", async () => {
    const [tab1, tab2, leader] = await Promise.all([listen(f.w.handlerA), listen(f.w.handlerA), listen(f.w.leaderA)]);
    await dispatchedTo(f.w.units.streetA.id);
    await Promise.all([tab1.next(1), tab2.next(1), leader.next(1)]);
    const { items } = await call(f.w.handlerA, 'GET', '/api/inbox?unread=true&limit=1');
    expect(await call(f.w.handlerA, 'POST', `/api/inbox/${items[0].id}/read`)).toEqual({ unread: expect.any(Number) });
    await Promise.all([tab1.next(2), tab2.next(2)]);
    // The leader then hears of the next dispatch as its second change, not its third.
    await dispatchedTo(f.w.units.streetA.id);
    await Promise.all([tab1.next(3), leader.next(2)]);
    expect(leader.count()).toBe(2);
  });
});
