/**
 * The receiving level's triage clock past the calendar: a district receives a ticket on New Year's Eve after
 * working hours with no 2027 in the table — its triage deadline is not guessed (null, and the unit may still
 * triage it from its queue); importing 2027 places it, on the table's first working day.
 */
import { describe, expect, it } from 'vitest';
import { shanghai } from '../setup/calendar.ts';
import { leadOf, type View } from '../setup/ticket-flow.ts';
import { seedCalendar } from '../setup/world.ts';
import { api, deps, flow, useApiWorld, w } from './api-world.ts';

useApiWorld({ prepare: (fresh) => seedCalendar(fresh.db), now: shanghai('2026-12-31 18:00').toISOString() });

type TriageView = View['assignments'][number] & { triageDueAt: string | null };

describe('the triage clock and the calendar', () => {
  it('waits past the table and is placed when the year is imported', async () => {
    const v = await flow.ticket(w.dispatcher, await flow.create(), 'dispatch', { leadUnitId: w.units.districtA.id });
    expect((leadOf(v) as TriageView).triageDueAt).toBeNull();
    const queue = await api.call('GET', '/api/triage/queue', { token: w.handlerDistrictA.token });
    expect(queue.body.items.map((i: { ticketId: number }) => i.ticketId)).toContain(v.id);

    deps.clock.set(shanghai('2027-01-02 10:00').toISOString());
    const r = await api.call('POST', '/api/calendar/import', {
      token: w.admin.token,
      body: {
        year: 2027,
        source: '国务院办公厅关于2027年部分节假日安排的通知',
        days: ['01', '02', '03'].map((d) => ({ day: `2027-01-${d}`, kind: 'holiday', name: '元旦' })),
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const after = (await flow.get(w.dispatcher, v.id)) as View;
    // One working day from the dispatch, counted from the next working day (Monday 4 January) to its close.
    expect((leadOf(after) as TriageView).triageDueAt).toBe(shanghai('2027-01-04 17:30').toISOString());
  });
});
