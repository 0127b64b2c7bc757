import { describe, expect, it } from 'vitest';
import { leadOf } from '../setup/ticket-flow.ts';
import { callBody } from '../setup/world.ts';
import { api, flow, useApiWorld, w } from './api-world.ts';

useApiWorld();

type Item = {
  type: string;
  actor: { id: number; role: string; unitId: number | null; name: string | null; unit: { id: number; name: string } | null } | null;
  at: string;
};
const events = async (token: string, id: number) => (await api.call('GET', `/api/tickets/${id}/events`, { token })).body.items as Item[];

describe('GET /api/tickets/:id/events: who did what', () => {
  it('names each actor with their role and unit, for centre staff and units alike', async () => {
    const v = await flow.inProgress();
    await flow.assignment(w.handlerA, v, leadOf(v), 'note', { text: '已到现场查看' });
    for (const reader of [w.supervisor, w.handlerA]) {
      const items = await events(reader.token, v.id);
      const who = Object.fromEntries(items.map((e) => [e.type, e.actor]));
      expect(who.ticket_created).toEqual({
        id: w.operator.id,
        role: 'operator',
        unitId: w.units.centre.id,
        name: `operator ${w.operator.username}`,
        unit: { id: w.units.centre.id, name: '测试热线中心' },
      });
      expect(who.dispatch).toMatchObject({ id: w.dispatcher.id, role: 'dispatcher', name: `dispatcher ${w.dispatcher.username}` });
      expect(who.sign).toMatchObject({ role: 'unit_handler', name: `unit_handler ${w.handlerA.username}`, unit: { id: w.units.streetA.id, name: '甲街道' } });
      expect(who.note).toMatchObject({ unit: { name: '甲街道' } });
    }
  });

  it('a portal sees only the public events, with no staff names', async () => {
    const v = await flow.ok(w.portal, 'POST', '/api/tickets', callBody(w.category.id));
    const items = await events(w.portal.token, v.id);
    expect(items.length).toBeGreaterThan(0);
    for (const e of items) expect(e.actor?.name ?? null).toBeNull();
  });
});
