/**
 * GET /api/sla/overdue, the wallboard's overdue list: the unit whose clock ran out and by how long, worst first
 * (supervision level, then the longest overrun). Natural-minute clocks: sign 100, response 200, completion 400 min.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sweep } from '../../src/domain/sla/sweep.ts';
import { expectProblem, leadOf, type View } from '../setup/ticket-flow.ts';
import { MIN, addPolicy, at } from '../setup/sla.ts';
import { makeCategoryLeaf, seedCalendar } from '../setup/world.ts';
import { api, deps, flow, useApiWorld, w } from './api-world.ts';

const T0 = '2026-03-10T02:00:00.000Z'; // Tuesday 10:00 in Shanghai

useApiWorld({ now: T0 });
beforeAll(() => seedCalendar(deps.db));

type Item = {
  id: number;
  number: string;
  supervisionLevel: number;
  overdue: { clock: string | null; since: string | null; minutes: number; unit: { id: number; name: string } | null };
};
const board = async (token: string) => {
  const r = await api.call('GET', '/api/sla/overdue', { token });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as { items: Item[]; total: number };
};

describe('GET /api/sla/overdue', () => {
  it('lists each overdue ticket with its unit and overrun, the supervised one first, then the longest overrun', async () => {
    const cat = await makeCategoryLeaf(deps.db, '大屏超时');
    await addPolicy(deps, w, { categoryId: cat.leaf.id });
    const dispatchAt = async (minute: number, leadUnitId: number) => {
      deps.clock.set(at(T0, minute * MIN));
      const v = await flow.create({ categoryId: cat.leaf.id });
      return flow.ticket(w.dispatcher, v, 'dispatch', { leadUnitId });
    };
    const a = await dispatchAt(0, w.units.streetA.id); // sign due at 100, response at 200
    const b = await dispatchAt(60, w.units.streetB.id); // sign due at 160
    const c = await dispatchAt(90, w.units.streetA.id); // sign due at 190
    const d = await dispatchAt(240, w.units.streetA.id); // nothing due before 340: not overdue
    // c signs late (at 250, 60 min over): its overrun stops there.
    deps.clock.set(at(T0, 250 * MIN));
    await flow.assignment(w.handlerA, c, leadOf(c), 'sign');

    deps.clock.set(at(T0, 300 * MIN));
    await sweep(deps, deps.clock.now());
    const before = await board(w.supervisor.token);
    const ids = before.items.map((x) => x.id);
    expect(ids).not.toContain(d.id);
    const itemOf = (v: View) => before.items.find((x) => x.id === v.id)!;
    expect(itemOf(a).overdue).toEqual({
      clock: 'sign',
      since: at(T0, 100 * MIN).toISOString(),
      minutes: 200,
      unit: { id: w.units.streetA.id, name: w.units.streetA.name },
    });
    expect(itemOf(b).overdue).toMatchObject({ clock: 'sign', minutes: 140, unit: { id: w.units.streetB.id, name: w.units.streetB.name } });
    expect(itemOf(c).overdue).toMatchObject({ clock: 'sign', minutes: 60, unit: { id: w.units.streetA.id } });
    // The sweep raised a and b twice (sign and response missed), c once: a (200 min) before b (140), then c.
    expect(ids.filter((id) => [a.id, b.id, c.id].includes(id))).toEqual([a.id, b.id, c.id]);
    expect([a, b, c].map((v) => itemOf(v).supervisionLevel)).toEqual([2, 2, 1]);

    // 督办 twice on the shortest overrun puts it above the others.
    for (let i = 0; i < 2; i++) {
      const cv = await flow.get(w.supervisor, c.id);
      const r = await api.call('POST', `/api/tickets/${c.id}/supervise`, { token: w.supervisor.token, body: { version: cv.version } });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
    const after = await board(w.dispatcher.token);
    expect(after.items[0]).toMatchObject({ id: c.id, supervisionLevel: 3, overdue: { minutes: 60 } });
    const levels = after.items.map((x) => x.supervisionLevel);
    expect(levels).toEqual([...levels].sort((x, y) => y - x));
    expect(after.total).toBe(after.items.length);
  });

  it('is for the centre’s supervisors, dispatchers and admins', async () => {
    for (const user of [w.handlerA, w.leaderA, w.operator, w.callbackAgent]) {
      expectProblem(await api.call('GET', '/api/sla/overdue', { token: user.token }), 403, 'forbidden');
    }
    expect((await board(w.admin.token)).items).toBeInstanceOf(Array);
  });
});
