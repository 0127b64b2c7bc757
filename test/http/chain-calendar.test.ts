/**
 * A sub-assignment's clocks stay within its parent's when the calendar changes: a local holiday moves the
 * district's completion deadline later and the street's (clamped to it) follows, never past it; deleting
 * the holiday moves both back. The 2025–2026 calendar is seeded; completion counts 5 working days.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { slaPolicies } from '../../db/schema/index.ts';
import { shanghai } from '../setup/calendar.ts';
import { leadOf, type Assignment, type View } from '../setup/ticket-flow.ts';
import { seedCalendar } from '../setup/world.ts';
import { api, deps, flow, useApiWorld, w } from './api-world.ts';

useApiWorld({ prepare: (fresh) => seedCalendar(fresh.db) });

type ChainAssignment = Assignment & { parentId: number | null; clampedClocks: string[] };

beforeAll(async () => {
  await deps.db.insert(slaPolicies).values({
    name: '链路日历',
    signLimit: 2,
    signUnit: 'natural_hours',
    responseLimit: 1,
    responseUnit: 'working_days',
    completeLimit: 5,
    completeUnit: 'working_days',
  });
});

const at = (local: string) => deps.clock.set(shanghai(local).toISOString());
const chain = (v: View) => {
  const all = v.assignments as ChainAssignment[];
  const parent = all.find((a) => a.parentId === null && a.role === 'lead')!;
  const sub = all.find((a) => a.parentId === parent.id)!;
  return { parent, sub };
};

describe('calendar changes and the chain', () => {
  it("a recomputed sub-assignment deadline never ends after its parent's, whichever way the parent moves", async () => {
    at('2026-03-09 10:00'); // Monday: the district's completion runs to the following Monday
    let v = await flow.ticket(w.dispatcher, await flow.create(), 'dispatch', { leadUnitId: w.units.districtA.id });
    v = await flow.assignment(w.handlerDistrictA, v, leadOf(v), 'sign');
    at('2026-03-12 10:00'); // Thursday: the street's own 5 working days would end past the district's
    const lead = leadOf(v);
    const r = await api.call('POST', `/api/assignments/${lead.id}/hand-down`, {
      token: w.handlerDistrictA.token,
      body: { version: lead.version, leadUnitId: w.units.streetA.id, note: '请街道办理' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const before = chain(r.body as View);
    expect(before.sub.clampedClocks).toContain('complete');
    expect(before.sub.deadlines.complete).toBe(before.parent.deadlines.complete);

    // Friday becomes a local holiday: the district's deadline moves a working day later, the street's with it.
    at('2026-03-12 11:00');
    const set = await api.call('PUT', '/api/calendar/days/2026-03-13', { token: w.admin.token, body: { kind: 'holiday', name: '地方节日' } });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const later = chain(await flow.get(w.dispatcher, v.id));
    expect(new Date(later.parent.deadlines.complete!).getTime()).toBeGreaterThan(new Date(before.parent.deadlines.complete!).getTime());
    expect(later.sub.deadlines.complete).toBe(later.parent.deadlines.complete);

    // The holiday deleted: the district's deadline comes back, and the street's may not stay beyond it.
    at('2026-03-12 12:00');
    const del = await api.call('DELETE', '/api/calendar/days/2026-03-13', { token: w.admin.token });
    expect(del.status).toBe(204);
    const back = chain(await flow.get(w.dispatcher, v.id));
    expect(back.parent.deadlines.complete).toBe(before.parent.deadlines.complete);
    expect(back.sub.deadlines.complete).toBe(back.parent.deadlines.complete);
    expect(back.sub.clampedClocks).toContain('complete');
  });
});

describe('a completion deadline the parent sets (下派办结时限)', () => {
  it('replaces the policy’s, is refused past now or after the parent’s own, and stays put when the calendar moves', async () => {
    at('2026-03-09 10:00');
    let v = await flow.ticket(w.dispatcher, await flow.create(), 'dispatch', { leadUnitId: w.units.districtA.id });
    v = await flow.assignment(w.handlerDistrictA, v, leadOf(v), 'sign');
    const lead = leadOf(v);
    const handDown = (completeDueAt: string) =>
      api.call('POST', `/api/assignments/${lead.id}/hand-down`, {
        token: w.handlerDistrictA.token,
        body: { version: lead.version, leadUnitId: w.units.streetA.id, completeDueAt },
      });
    const past = await handDown(shanghai('2026-03-09 09:00').toISOString());
    expect(past.status).toBe(422);
    expect(past.body.code).toBe('hand_down_due_passed');
    const beyond = await handDown(new Date(new Date(lead.deadlines.complete!).getTime() + 60_000).toISOString());
    expect(beyond.status).toBe(422);
    expect(beyond.body.code).toBe('beyond_parent_deadline');

    const set = shanghai('2026-03-12 12:00').toISOString();
    const r = await handDown(set);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const { parent, sub } = chain(r.body as View);
    expect(sub.deadlines.complete).toBe(set);
    expect(sub.clampedClocks).not.toContain('complete');

    // A local holiday inside the span moves the district's deadline; the one it set for the street stays.
    at('2026-03-10 09:00');
    const holiday = await api.call('PUT', '/api/calendar/days/2026-03-11', { token: w.admin.token, body: { kind: 'holiday', name: '地方节日' } });
    expect(holiday.status).toBe(200);
    const later = chain(await flow.get(w.dispatcher, v.id));
    expect(later.parent.deadlines.complete).not.toBe(parent.deadlines.complete);
    expect(later.sub.deadlines.complete).toBe(set);
  });
});
