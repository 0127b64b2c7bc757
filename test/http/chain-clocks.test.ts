/**
 * The chain workbench (GET /api/chain/workbench) and the ticket list carry each clock's state as the ticket view
 * does: a sub-unit's clock whose deadline lies past the calendar table awaits the calendar, with the year to
 * import, on the level above's 下级办理 list too; a running clock shows as running, a passed deadline as missed
 * before the sweep has run. The table covers 2025–2026 until 2027 is imported (the tests run in order).
 * Working-time policy: sign 1 working day, response 4 working hours, completion 5 working days.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { shanghai } from '../setup/calendar.ts';
import { workingTimeCategory } from '../setup/sla.ts';
import { leadOf, type View } from '../setup/ticket-flow.ts';
import { seedCalendar, type TestUser } from '../setup/world.ts';
import { api, deps, flow, useApiWorld, w } from './api-world.ts';

useApiWorld({ prepare: (fresh) => seedCalendar(fresh.db) });

let categoryId: number;
beforeAll(async () => {
  categoryId = await workingTimeCategory(deps, w, '链路日历时限');
});

type Clock = { dueAt: string | null; state: string; level: string; awaitingCalendar: { date: string; year: number } | null };
type Row = {
  assignmentId: number;
  number: string;
  unit: { id: number };
  deadlines: Record<'sign' | 'response' | 'complete', string | null>;
  warningLevel: string;
  sla: { clocks: Record<'sign' | 'response' | 'complete', Clock>; clocksStoppedAt: string | null };
  awaitingCalendar: { clock: string; date: string; year: number }[];
};
type Bench = { subs: Row[]; toHandDown: Row[] };

const setLocal = (local: string) => deps.clock.set(shanghai(local).toISOString());
const bench = async (u: TestUser): Promise<Bench> => {
  const r = await api.call('GET', '/api/chain/workbench', { token: u.token });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};
const subRow = async (number: string) => (await bench(w.handlerDistrictA)).subs.find((s) => s.number === number && s.unit.id === w.units.streetA.id)!;
const listItem = async (number: string) => (await api.call('GET', `/api/tickets?number=${number}`, { token: w.dispatcher.token })).body.items[0];

/** Dispatched to district A at the clock's time, signed there and handed down to street A. */
async function handedDown(): Promise<View> {
  let v = await flow.ticket(w.dispatcher, await flow.create({ categoryId }), 'dispatch', { leadUnitId: w.units.districtA.id });
  v = await flow.assignment(w.handlerDistrictA, v, leadOf(v), 'sign');
  const r = await api.call('POST', `/api/assignments/${leadOf(v).id}/hand-down`, {
    token: w.handlerDistrictA.token,
    body: { version: leadOf(v).version, leadUnitId: w.units.streetA.id },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

const nye: { waiting?: View; running?: View } = {};

describe('clock states on the chain workbench and the ticket list', () => {
  it('a running sub-clock is running, and one whose deadline has passed is missed (overdue) before any sweep', async () => {
    setLocal('2026-03-10 10:00');
    nye.running = await handedDown();
    let row = await subRow(nye.running.number);
    expect(row.sla.clocks.sign).toMatchObject({ state: 'running', dueAt: row.deadlines.sign, level: 'none', awaitingCalendar: null });
    expect(row.deadlines.sign).toBe(shanghai('2026-03-11 17:30').toISOString());
    expect(row.awaitingCalendar).toEqual([]);
    expect(row.warningLevel).toBe('none');

    setLocal('2026-03-11 18:00'); // past the sign deadline (the end of the next working day); the sweep has not run
    row = await subRow(nye.running.number);
    expect(row.sla.clocks.sign).toMatchObject({ state: 'missed', level: 'overdue' });
    expect(row.warningLevel).toBe('overdue');
    expect(await listItem(nye.running.number)).toMatchObject({ awaitingCalendar: false, awaitingCalendarYear: null });
  });

  it("New Year's Eve after hours: the sub-unit's clocks await the 2027 calendar on the level above's 下级办理 and in the list", async () => {
    setLocal('2026-12-31 18:00');
    nye.waiting = await handedDown();
    const row = await subRow(nye.waiting.number);
    expect(row.deadlines).toEqual({ sign: null, response: null, complete: null });
    for (const clock of ['sign', 'response', 'complete'] as const) {
      expect(row.sla.clocks[clock]).toMatchObject({ dueAt: null, state: 'awaiting_calendar', awaitingCalendar: { date: '2027-01-01', year: 2027 } });
    }
    expect(row.awaitingCalendar.map((x) => `${x.clock}:${x.year}`)).toEqual(['sign:2027', 'response:2027', 'complete:2027']);
    // The same clocks as the ticket view shows them.
    const view = await flow.get(w.handlerDistrictA, nye.waiting.id);
    const sub = view.assignments.find((a) => a.id === row.assignmentId) as unknown as Pick<Row, 'sla'>;
    expect(row.sla.clocks).toEqual(sub.sla.clocks);

    expect(await listItem(nye.waiting.number)).toMatchObject({ awaitingCalendar: true, awaitingCalendarYear: 2027, completeDueAt: null });
  });

  it('importing 2027 gives the waiting sub-clocks their deadlines: the workbench and the list stop saying 待日历', async () => {
    setLocal('2027-01-04 09:00');
    const r = await api.call('POST', '/api/calendar/import', {
      token: w.admin.token,
      body: { year: 2027, source: '国务院办公厅关于2027年部分节假日安排的通知', days: [{ day: '2027-01-01', kind: 'holiday', name: '元旦' }] },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const row = await subRow(nye.waiting!.number);
    expect(row.awaitingCalendar).toEqual([]);
    expect(row.sla.clocks.complete).toMatchObject({ state: 'running', awaitingCalendar: null, dueAt: row.deadlines.complete });
    expect(row.deadlines.complete).not.toBeNull();
    expect(await listItem(nye.waiting!.number)).toMatchObject({ awaitingCalendar: false, awaitingCalendarYear: null });
  });
});
