/**
 * The units suggested at intake, where the lead unit is chosen (src/domain/assist/dispatch-suggestion.ts): the
 * dispatcher reads the units recorded with the ticket, in the order the operator was shown them; taking the second
 * and dispatching there records it on the same row, which live accuracy counts as a top-3 hit and no top-1. A unit
 * retired since is left out; a ticket without a suggestion, or assisted intake switched off, shows none; a ticket
 * the actor may not read is 404.
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { assistSuggestions, categories, units } from '../../db/schema/index.ts';
import { weeklyAccuracy } from '../../src/domain/assist/accuracy.ts';
import { dispatchSuggestion } from '../../src/domain/assist/dispatch-suggestion.ts';
import { updateAssistSettings } from '../../src/domain/assist/settings.ts';
import { NotFoundError } from '../../src/domain/errors.ts';
import { api, deps, useApiWorld, w } from '../http/api-world.ts';
import { callBody } from '../setup/world.ts';
import { storeModels } from './model-fixture.ts';

useApiWorld();

const LAMP = '小区门口的路灯坏了好几天不亮，晚上黑漆漆的';
let lamp: number;

/** A ticket taken with a suggestion shown, as the intake console sends it (the suggestion's id, no rank taken). */
async function takeWithSuggestion(content: string) {
  const s = await api.call('POST', '/api/assist/suggest', { token: w.operator.token, body: { content, channel: 'phone' } });
  expect(s.status).toBe(200);
  const t = await api.call('POST', '/api/tickets', { token: w.operator.token, body: callBody(lamp, { content, assistSuggestionId: s.body.id }) });
  expect(t.status).toBe(201);
  return { suggestion: s.body as { id: number; units: { id: number }[] }, ticket: t.body as { id: number; version: number } };
}

beforeAll(async () => {
  const [c] = await deps.db.insert(categories).values({ code: 'ds-lamp', name: '路灯不亮', level: 3, parentId: w.parentCategory.id }).returning();
  lamp = c!.id;
  const demands = [
    ['小区路灯不亮晚上很黑', lamp, w.units.streetA.id],
    ['路灯坏了一直不亮请维修', lamp, w.units.streetA.id],
    ['楼下工地夜间施工噪音很大', w.category.id, w.units.department.id],
    ['广场舞音响噪音扰民', w.category.id, w.units.streetB.id],
    ['垃圾桶满了没人清运发臭', w.category.id, w.units.districtB.id],
  ] as const;
  await storeModels(deps.db, demands);
});

describe('the units suggested at intake, at the dispatch desk', () => {
  it('are the ones the operator was shown, in order; the one taken is recorded by the dispatch and counted', async () => {
    const { suggestion, ticket } = await takeWithSuggestion(LAMP);
    const shown = await dispatchSuggestion(deps.db, w.dispatcher.actor, ticket.id);
    expect(shown.id).toBe(suggestion.id);
    expect(shown.units.map((u) => u.id)).toEqual(suggestion.units.map((u) => u.id));
    expect(shown.units).toHaveLength(3);
    expect(shown.units[0]!.id).toBe(w.units.streetA.id);

    const second = shown.units[1]!.id;
    const d = await api.call('POST', `/api/tickets/${ticket.id}/dispatch`, {
      token: w.dispatcher.token,
      body: { version: ticket.version, leadUnitId: second, assistUnitIds: [] },
    });
    expect(d.status).toBe(200);
    const [row] = await deps.db.select().from(assistSuggestions).where(eq(assistSuggestions.id, suggestion.id));
    expect(row).toMatchObject({ ticketId: ticket.id, chosenUnitId: second });
    // suggestions are stamped by the database (now()), not the fixed clock
    const [week] = await weeklyAccuracy(deps.db, new Date(Date.now() + 60_000));
    expect(week!.unit).toEqual({ n: 1, top1: 0, top3: 1 });
  });

  it('leave out a unit retired since', async () => {
    const { ticket } = await takeWithSuggestion(LAMP);
    await deps.db.update(units).set({ active: false }).where(eq(units.id, w.units.streetA.id));
    try {
      const shown = await dispatchSuggestion(deps.db, w.supervisor.actor, ticket.id);
      expect(shown.units.map((u) => u.id)).not.toContain(w.units.streetA.id);
      expect(shown.units).toHaveLength(2);
    } finally {
      await deps.db.update(units).set({ active: true }).where(eq(units.id, w.units.streetA.id));
    }
  });

  it('are none for a ticket taken without a suggestion, or with assisted intake switched off', async () => {
    const plain = await api.call('POST', '/api/tickets', { token: w.operator.token, body: callBody(lamp, { content: LAMP }) });
    expect(await dispatchSuggestion(deps.db, w.dispatcher.actor, plain.body.id)).toEqual({ id: null, units: [] });
    const { ticket } = await takeWithSuggestion(LAMP);
    await updateAssistSettings(deps, w.admin.actor, { enabled: false });
    try {
      expect(await dispatchSuggestion(deps.db, w.dispatcher.actor, ticket.id)).toEqual({ id: null, units: [] });
    } finally {
      await updateAssistSettings(deps, w.admin.actor, { enabled: true });
    }
  });

  it('are not found for a ticket the actor may not read', async () => {
    const { ticket } = await takeWithSuggestion(LAMP);
    await expect(dispatchSuggestion(deps.db, w.handlerB.actor, ticket.id)).rejects.toMatchObject({ code: 'ticket_not_found' });
    await expect(dispatchSuggestion(deps.db, w.dispatcher.actor, 2_000_000_000)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('GET /api/tickets/:id/assist/units', () => {
  it('answers the dispatch desk (dispatcher, supervisor) and no one else', async () => {
    const { suggestion, ticket } = await takeWithSuggestion(LAMP);
    const path = `/api/tickets/${ticket.id}/assist/units`;
    for (const user of [w.dispatcher, w.supervisor]) {
      const r = await api.call('GET', path, { token: user.token });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ id: suggestion.id, units: suggestion.units });
    }
    for (const user of [w.operator, w.handlerA, w.admin]) {
      const r = await api.call('GET', path, { token: user.token });
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('forbidden');
    }
    const missing = await api.call('GET', '/api/tickets/2000000000/assist/units', { token: w.dispatcher.token });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('ticket_not_found');
  });
});
