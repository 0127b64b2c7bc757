/**
 * Clocks at the edges: clocks stop when the unit can no longer act, extensions only
 * before expiry. Natural-minute clocks (sign 100, response 200, completion 400 min) so the
 * arithmetic stays out of the way; the calendar edges are in calendar-recompute.test.ts.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { assignments, notifications } from '../../db/schema/index.ts';
import { makeCategoryLeaf, seedCalendar } from '../setup/world.ts';
import { api, deps, flow, useApiWorld, w } from './api-world.ts';
import { assistOf, expectProblem, leadOf, type View } from '../setup/ticket-flow.ts';
import { MIN, addPolicy, assignmentById, at, supervisionOf, ticketById, warningsOf } from '../setup/sla.ts';
import { shanghaiLocal } from '../setup/calendar.ts';
import { sweep } from '../../src/domain/sla/sweep.ts';

const T0 = '2026-03-10T02:00:00.000Z'; // Tuesday 10:00 in Shanghai

useApiWorld();
beforeAll(() => seedCalendar(deps.db));
beforeEach(() => deps.clock.set(T0));

type ClockView = { dueAt: string | null; level: string; stoppedAt: string | null; state: string; missedAt: string | null; awaitingCalendar: unknown };
type SlaAssignment = View['assignments'][number] & {
  warningLevel: string;
  sla: { cycle: number; clocks: Record<'sign' | 'response' | 'complete', ClockView>; clocksStoppedAt: string | null; completeMissedAt: string | null };
};
const sla = (a: View['assignments'][number]) => a as SlaAssignment;
const minutes = (n: number) => at(T0, n * MIN);
const advanceTo = (n: number) => deps.clock.set(minutes(n));

/** A category with the natural-minute policy, and a ticket in it dispatched at T0 to street A (+ assisting units). */
async function dispatched(assist: number[] = []) {
  const cat = await makeCategoryLeaf(deps.db, '时限边界');
  await addPolicy(deps, w, { categoryId: cat.leaf.id });
  const v = await flow.create({ categoryId: cat.leaf.id });
  return flow.ticket(w.dispatcher, v, 'dispatch', { leadUnitId: w.units.streetA.id, assistUnitIds: assist });
}
const sign = (v: View) => flow.assignment(w.handlerA, v, leadOf(v), 'sign');
const contact = (v: View) => flow.assignment(w.handlerA, v, leadOf(v), 'contact', { method: 'phone', summary: '已电话联系诉求人' });
const reply = (v: View) => flow.assignment(w.handlerA, v, leadOf(v), 'reply', { content: '已协调处理完毕，诉求人表示认可。' });

describe('clocks stop when the unit can no longer act', () => {
  it("an approved reply stops every assignment's clocks: nothing fires afterwards, the units' reminders close, supervision items stay", async () => {
    let v = await dispatched([w.units.department.id]);
    advanceTo(101);
    const first = await sweep(deps, deps.clock.now()); // both sign clocks overdue: a reminder and a supervision item each
    expect(first.overdue).toBe(2);
    v = await contact(await sign(v));
    v = await reply(v);
    advanceTo(120);
    v = await flow.ticket(w.dispatcher, v, 'reply/approve');
    expect(v.status).toBe('awaiting_callback');
    for (const a of v.assignments) {
      expect(sla(a).sla.clocksStoppedAt).toBe(minutes(120).toISOString());
      expect(await assignmentById(deps.db, a.id)).toMatchObject({ slaMarks: [], nextCheckAt: null, clocksStoppedAt: minutes(120) });
    }
    const assist = sla(assistOf(v, w.units.department.id)).sla.clocks;
    expect(assist.sign).toMatchObject({ state: 'missed', missedAt: minutes(100).toISOString(), level: 'overdue' });
    expect(assist.response).toMatchObject({ state: 'stopped', stoppedAt: minutes(120).toISOString(), missedAt: null });
    expect(assist.complete).toMatchObject({ state: 'stopped', level: 'none' });

    const items = await supervisionOf(deps.db, v.id);
    expect(items.filter((i) => i.kind === 'reminder').map((i) => i.resolvedAt)).toEqual([minutes(120), minutes(120)]);
    expect(items.filter((i) => i.kind === 'supervision').map((i) => i.resolvedAt)).toEqual([null, null]);

    const before = await ticketById(deps.db, v.id);
    const warnings = await warningsOf(deps.db, v.id);
    advanceTo(5000);
    expect(await sweep(deps, deps.clock.now())).toMatchObject({ fired: 0 });
    expect(await warningsOf(deps.db, v.id)).toEqual(warnings);
    expect(await supervisionOf(deps.db, v.id)).toHaveLength(4);
    expect(await ticketById(deps.db, v.id)).toMatchObject({ supervisionLevel: before.supervisionLevel, reminderCount: before.reminderCount });
  });

  it("the sweep guards on the ticket's status: marks left on a ticket out of the units' hands fire nothing and are tidied", async () => {
    let v = await dispatched([w.units.department.id]);
    v = await flow.ticket(w.dispatcher, await reply(await contact(await sign(v))), 'reply/approve');
    // As a row written before clocks stopped would be: the assisting unit's marks still there, its clocks not stopped.
    const assist = assistOf(v, w.units.department.id);
    const marks = [{ clock: 'sign' as const, level: 'overdue' as const, at: minutes(100).toISOString() }];
    await deps.db
      .update(assignments)
      .set({ slaMarks: marks, nextCheckAt: minutes(100), clocksStoppedAt: null })
      .where(eq(assignments.id, assist.id));
    advanceTo(200);
    expect(await sweep(deps, deps.clock.now())).toMatchObject({ assignments: 1, fired: 0 });
    expect(await warningsOf(deps.db, v.id)).toEqual([]);
    expect(await assignmentById(deps.db, assist.id)).toMatchObject({ slaMarks: [], nextCheckAt: null });
    expect((await ticketById(deps.db, v.id)).supervisionLevel).toBe(0);
  });

  it("a reopen restarts only the lead's completion clock; assisting units' clocks stay stopped", async () => {
    let v = await dispatched([w.units.department.id]);
    v = await flow.ticket(w.dispatcher, await reply(await contact(await sign(v))), 'reply/approve');
    v = await flow.ticket(w.callbackAgent, v, 'callback', { reached: true, solved: 'unsolved', satisfaction: 'dissatisfied' });
    advanceTo(60);
    v = await flow.ticket(w.supervisor, v, 'reopen', { reason: '诉求人反映问题仍未解决' });
    const lead = sla(leadOf(v));
    expect(lead.sla.clocksStoppedAt).toBeNull();
    expect(lead.sla.clocks.complete).toMatchObject({ state: 'running', dueAt: minutes(460).toISOString() });
    expect((await assignmentById(deps.db, lead.id)).slaMarks.map((m) => m.clock)).toEqual(['complete', 'complete', 'complete']);
    const assist = sla(assistOf(v, w.units.department.id));
    expect(assist.sla.clocksStoppedAt).toBe(T0);
    expect(await assignmentById(deps.db, assist.id)).toMatchObject({ slaMarks: [], nextCheckAt: null });
    advanceTo(1000);
    await sweep(deps, deps.clock.now());
    const fired = (await warningsOf(deps.db, v.id)).sort();
    expect(fired).toEqual(['complete:overdue', 'complete:red', 'complete:yellow']); // the lead's new clock only
  });

  it("a reply stops that unit's response clock: with no contact recorded before it, a miss in the ticket view", async () => {
    let v = await sign(await dispatched());
    advanceTo(30);
    v = await reply(v);
    const clocks = sla(leadOf(v)).sla.clocks;
    expect(clocks.response).toMatchObject({ state: 'missed', stoppedAt: minutes(30).toISOString(), missedAt: minutes(30).toISOString(), level: 'overdue' });
    expect(clocks.complete).toMatchObject({ state: 'met', stoppedAt: minutes(30).toISOString() });
    expect(await assignmentById(deps.db, leadOf(v).id)).toMatchObject({ slaMarks: [], nextCheckAt: null });
    // with a contact first, the same reply meets both clocks
    const other = await reply(await contact(await sign(await dispatched())));
    expect(sla(leadOf(other)).sla.clocks.response.state).toBe('met');
  });

  it("a termination request holds the lead's completion clock; a rejection resumes it (a deadline passed meanwhile fires once), an approval judges it at the request", async () => {
    let v = await contact(await sign(await dispatched()));
    advanceTo(350);
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'termination', { reason: '诉求人已撤回诉求' });
    expect(v.status).toBe('termination_requested');
    expect(sla(leadOf(v)).sla.clocks.complete).toMatchObject({ state: 'paused', stoppedAt: minutes(350).toISOString() });
    expect((await assignmentById(deps.db, leadOf(v).id)).slaMarks).toEqual([]);
    advanceTo(600); // the reviewer is slow: no overdue for that
    await sweep(deps, deps.clock.now());
    expect(await warningsOf(deps.db, v.id)).toEqual([]);
    v = await flow.ticket(w.dispatcher, v, 'termination/reject');
    expect(sla(leadOf(v)).sla.clocks.complete).toMatchObject({ state: 'missed', stoppedAt: null });
    await sweep(deps, deps.clock.now());
    await sweep(deps, deps.clock.now());
    expect(await warningsOf(deps.db, v.id)).toEqual(['complete:yellow', 'complete:red', 'complete:overdue']);

    let t = await contact(await sign(await dispatched()));
    advanceTo(350);
    t = await flow.assignment(w.handlerA, t, leadOf(t), 'termination', { reason: '诉求人已撤回诉求' });
    advanceTo(900);
    t = await flow.ticket(w.dispatcher, t, 'termination/approve');
    expect(sla(leadOf(t)).sla.clocks.complete).toMatchObject({ state: 'met', stoppedAt: minutes(350).toISOString(), level: 'none', missedAt: null });
  });
});

describe('extensions only before expiry', () => {
  it('an extension requested after the completion deadline is refused: 422 extension_deadline_passed, a message to act on, nothing written', async () => {
    const v = await contact(await sign(await dispatched()));
    advanceTo(400); // the deadline itself: the miss has happened
    const r = await api.call('POST', `/api/assignments/${leadOf(v).id}/extension`, {
      token: w.handlerA.token,
      body: { version: leadOf(v).version, reason: '需要协调多个部门', requestedDueAt: minutes(2000).toISOString() },
    });
    expectProblem(r, 422, 'extension_deadline_passed');
    expect(r.body.title).toContain(shanghaiLocal(minutes(400)));
    expect(r.body.title).toContain('尽快办结');
    expect(r.body.completeDueAt).toBe(minutes(400).toISOString());
    expect((await flow.get(w.handlerA, v.id)).pendingRequests).toEqual([]);
  });

  it('approved after the deadline passed: the deadline moves, the miss stays, the caller is told the new deadline by SMS and in the look-up', async () => {
    let v = await contact(await sign(await dispatched()));
    advanceTo(390);
    const asked = minutes(3000).toISOString();
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'extension', { reason: '需要协调多个部门', requestedDueAt: asked });
    advanceTo(420);
    await sweep(deps, deps.clock.now()); // completion overdue fired against the old deadline
    v = await flow.ticket(w.dispatcher, v, 'extension/approve');
    const lead = sla(leadOf(v));
    expect(lead.deadlines).toMatchObject({ complete: asked, originalComplete: minutes(400).toISOString() });
    expect(lead.sla.completeMissedAt).toBe(minutes(400).toISOString());
    expect(lead.sla.clocks.complete).toMatchObject({ dueAt: asked, state: 'missed', missedAt: minutes(400).toISOString(), level: 'overdue' });
    expect(lead.warningLevel).toBe('overdue');
    expect(await assignmentById(deps.db, lead.id)).toMatchObject({ completeMissedAt: minutes(400), warningLevel: 'overdue', slaCycle: 1 });

    const events = (await api.call('GET', `/api/tickets/${v.id}/events`, { token: w.dispatcher.token })).body.items;
    expect(events.at(-1)).toMatchObject({
      type: 'approve_extension',
      payload: { newDueAt: asked, previousDueAt: minutes(400).toISOString(), missedAt: minutes(400).toISOString() },
    });

    const sms = await deps.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.ticketId, v.id), eq(notifications.template, 'extension_notice')));
    expect(sms).toHaveLength(1);
    expect(sms[0]).toMatchObject({ audience: 'citizen', recipient: '13812345678' });
    expect(sms[0]!.body).toContain(shanghaiLocal(asked));
    expect(sms[0]!.body).toContain(v.number);

    const look = await api.call('GET', `/api/public/lookup?number=${v.number}&last4=5678`);
    expect(look.status).toBe(200);
    expect(look.body.events.find((e: any) => e.type === 'approve_extension')).toMatchObject({ dueAt: asked });
    expect(look.body.events.filter((e: any) => e.dueAt)).toHaveLength(1); // no other payload leaks out

    // A reopen restarts the completion clock: the miss belonged to the old one.
    v = await flow.ticket(w.dispatcher, await reply(v), 'reply/approve');
    v = await flow.ticket(w.callbackAgent, v, 'callback', { reached: true, solved: 'unsolved', satisfaction: 'dissatisfied' });
    v = await flow.ticket(w.supervisor, v, 'reopen', { reason: '诉求人反映问题仍未解决' });
    expect(sla(leadOf(v)).sla).toMatchObject({ completeMissedAt: null, clocks: { complete: { state: 'running' } } });
  });

  it('approved in time: the new deadline runs, no miss recorded', async () => {
    let v = await contact(await sign(await dispatched()));
    advanceTo(100);
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'extension', { reason: '需要协调', requestedDueAt: minutes(900).toISOString() });
    v = await flow.ticket(w.dispatcher, v, 'extension/approve');
    const lead = sla(leadOf(v));
    expect(lead.sla).toMatchObject({ completeMissedAt: null, clocks: { complete: { state: 'running', missedAt: null, level: 'none' } } });
    const events = (await api.call('GET', `/api/tickets/${v.id}/events`, { token: w.dispatcher.token })).body.items;
    expect(events.at(-1).payload).toMatchObject({ previousDueAt: minutes(400).toISOString(), missedAt: null });
    const sent = await deps.db.execute(sql`select count(*)::int as n from notifications where ticket_id = ${v.id} and template = 'extension_notice'`);
    expect(Number((Array.isArray(sent) ? sent : (sent as any).rows)[0].n)).toBe(1);
  });
});
