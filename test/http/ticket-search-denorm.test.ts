/**
 * The ticket's copies of what the list filters and sorts by (migration 0019: lead_due_at, unit_ids) follow every
 * command that changes its assignments — dispatch, hand-down, return and re-dispatch, extension, reopen — in the
 * command's own transaction: after each step the columns equal what the assignments say, a unit's subtree list
 * and a unit's own list find the ticket where it now is, and sort=due orders by the current lead's deadline.
 */
import { asc, eq, inArray } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { assignments, tickets, units } from '../../db/schema/index.ts';
import { shanghai } from '../setup/calendar.ts';
import { leadOf, type View } from '../setup/ticket-flow.ts';
import { addPolicy } from '../setup/sla.ts';
import { seedCalendar, type TestUser } from '../setup/world.ts';
import { api, deps, flow, useApiWorld, w } from './api-world.ts';

useApiWorld({ prepare: (fresh) => seedCalendar(fresh.db) });

// every ticket gets a completion deadline: 5 working days
beforeAll(() => addPolicy(deps, w, { complete: { amount: 5, unit: 'working_days' } }));

const at = (local: string) => deps.clock.set(shanghai(local).toISOString());

/** What the columns must hold, computed from the assignments: the latest top-level lead's deadline; every unit on them with its ancestors. */
async function expected(ticketId: number) {
  const rows = await deps.db
    .select({ role: assignments.role, parentId: assignments.parentId, status: assignments.status, due: assignments.completeDueAt, path: units.path })
    .from(assignments)
    .innerJoin(units, eq(units.id, assignments.unitId))
    .where(eq(assignments.ticketId, ticketId))
    .orderBy(asc(assignments.id));
  const lead = rows.findLast((r) => r.role === 'lead' && r.parentId === null);
  const ids = new Set(rows.flatMap((r) => r.path.split('/').filter(Boolean).map(Number)));
  const atWork = rows.filter((r) => ['awaiting_sign', 'in_progress'].includes(r.status) && r.due).map((r) => r.due!.getTime());
  const openDueAt = atWork.length ? new Date(Math.min(...atWork)).toISOString() : null;
  return { leadDueAt: lead?.due?.toISOString() ?? null, unitIds: [...ids].sort((a, b) => a - b), openDueAt };
}
async function stored(ticketId: number) {
  const [t] = await deps.db
    .select({ leadDueAt: tickets.leadDueAt, unitIds: tickets.unitIds, openDueAt: tickets.openDueAt })
    .from(tickets)
    .where(eq(tickets.id, ticketId));
  return { leadDueAt: t!.leadDueAt?.toISOString() ?? null, unitIds: t!.unitIds, openDueAt: t!.openDueAt?.toISOString() ?? null };
}
/** The columns agree with the assignments, and they changed (the step did reach them). */
async function follows(v: View, before?: Awaited<ReturnType<typeof stored>>) {
  const now = await stored(v.id);
  expect(now).toEqual(await expected(v.id));
  if (before) expect(now).not.toEqual(before);
  return now;
}

const list = async (user: TestUser, query: string): Promise<number[]> => {
  const r = await api.call('GET', `/api/tickets?limit=200&${query}`, { token: user.token });
  expect(r.status, `${query} ${JSON.stringify(r.body)}`).toBe(200);
  return r.body.items.map((i: { id: number }) => i.id);
};
const has = async (user: TestUser, query: string, id: number) => (await list(user, query)).includes(id);
/** sort=due and sort=-due as the stored deadlines say (missing ones last either way), over the given tickets. */
async function dueOrder(ids: number[], dir: 1 | -1) {
  const rows = await deps.db.select({ id: tickets.id, due: tickets.leadDueAt }).from(tickets).where(inArray(tickets.id, ids));
  const key = (d: Date | null) => (d ? d.getTime() * dir : Number.POSITIVE_INFINITY);
  return rows.sort((a, b) => key(a.due) - key(b.due) || (a.id - b.id) * dir).map((r) => r.id);
}
async function sortedByDue(ids: number[]) {
  for (const [sort, dir] of [
    ['due', 1],
    ['-due', -1],
  ] as const) {
    const listed = (await list(w.dispatcher, `sort=${sort}`)).filter((id) => ids.includes(id));
    expect(listed, sort).toEqual(await dueOrder(ids, dir));
  }
}

describe('lead_due_at and unit_ids follow the assignments', () => {
  it('dispatch and hand-down down the chain: the subtree lists find the ticket at each level', async () => {
    at('2026-03-10 10:00');
    let v = await flow.ticket(w.dispatcher, await flow.create(), 'dispatch', { leadUnitId: w.units.districtA.id });
    let s = await follows(v, { leadDueAt: null, unitIds: [], openDueAt: null });
    expect(s.unitIds).toEqual([w.units.centre.id, w.units.districtA.id]);
    expect(await has(w.dispatcher, `unitId=${w.units.districtA.id}`, v.id)).toBe(true);
    expect(await has(w.dispatcher, `unitId=${w.units.streetA.id}`, v.id)).toBe(false);
    expect(await has(w.handlerA, '', v.id)).toBe(false);

    v = await flow.assignment(w.handlerDistrictA, v, leadOf(v), 'sign');
    const r = await api.call('POST', `/api/assignments/${leadOf(v).id}/hand-down`, {
      token: w.handlerDistrictA.token,
      body: { version: leadOf(v).version, leadUnitId: w.units.streetA.id, note: '请街道牵头处理' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    v = r.body;
    s = await follows(v, s);
    expect(s.unitIds).toEqual([w.units.centre.id, w.units.districtA.id, w.units.streetA.id]);
    // the lead is still the district's: its deadline stays the list's
    expect(s.leadDueAt).toBe(leadOf(v).deadlines.complete);
    expect(await has(w.dispatcher, `unitId=${w.units.streetA.id}`, v.id)).toBe(true);
    expect(await has(w.dispatcher, `unitId=${w.units.streetA.id}&subtree=false`, v.id)).toBe(true);
    expect(await has(w.dispatcher, `unitId=${w.units.districtB.id}`, v.id)).toBe(false);
    expect(await has(w.handlerA, '', v.id)).toBe(true);
    expect(await has(w.handlerCommunityA, '', v.id)).toBe(false);
  });

  it('return approved and re-dispatch, then an extension approved: the new lead unit and deadline, sort=due follows', async () => {
    at('2026-03-11 09:00');
    const early = await flow.inProgress();
    at('2026-03-12 09:00');
    let v = await flow.inProgress();
    let s = await follows(v);
    await sortedByDue([early.id, v.id]);
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'return', { reason: '该地址属于乙街道辖区' });
    v = await flow.ticket(w.dispatcher, v, 'return/approve');
    // the returned lead is still the latest lead: its deadline and units stay; nothing is at work any more
    expect(await follows(v)).toEqual({ ...s, openDueAt: null });

    at('2026-03-16 15:00');
    v = await flow.ticket(w.dispatcher, v, 'dispatch', { leadUnitId: w.units.streetB.id });
    s = await follows(v, s);
    expect(s.leadDueAt).toBe(leadOf(v).deadlines.complete);
    // the returned assignment still counts as holding the ticket (as the list always read it)
    expect(s.unitIds).toEqual([w.units.centre.id, w.units.districtA.id, w.units.streetA.id, w.units.districtB.id, w.units.streetB.id]);
    expect(await has(w.dispatcher, `unitId=${w.units.districtB.id}`, v.id)).toBe(true);
    expect(await has(w.handlerB, '', v.id)).toBe(true);
    await sortedByDue([early.id, v.id]);

    v = await flow.assignment(w.handlerB, v, leadOf(v), 'sign');
    const asked = new Date(new Date(s.leadDueAt!).getTime() + 10 * 86_400_000).toISOString();
    v = await flow.assignment(w.handlerB, v, leadOf(v), 'extension', { reason: '需要协调物业', requestedDueAt: asked });
    expect(await stored(v.id)).toEqual(s); // requested, not yet granted
    v = await flow.ticket(w.dispatcher, v, 'extension/approve');
    s = await follows(v, s);
    expect(s.leadDueAt).toBe(asked);
    expect(await list(w.dispatcher, 'dueFrom=2026-03-20&dueTo=2026-03-21')).not.toContain(v.id);
    const day = new Date(new Date(asked).getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    expect(await list(w.dispatcher, `dueFrom=${day}&dueTo=${day}`)).toContain(v.id);
    await sortedByDue([early.id, v.id]);
  });

  it('a reopen after a disputed callback: the columns agree with the reopened lead', async () => {
    at('2026-03-17 10:00');
    let v = await flow.awaitingCallback();
    const before = await follows(v);
    v = await flow.ticket(w.callbackAgent, v, 'callback', { reached: true, solved: 'partly', satisfaction: 'dissatisfied' });
    at('2026-03-19 10:00');
    v = await flow.ticket(w.supervisor, v, 'reopen', { reason: '诉求人反映问题仍未解决，请重新办理' });
    expect(v.status).toBe('in_progress');
    const after = await follows(v);
    expect(after.leadDueAt).toBe(leadOf(v).deadlines.complete);
    expect(after.unitIds).toEqual(before.unitIds);
    expect(await has(w.handlerA, 'status=in_progress', v.id)).toBe(true);
    expect(await has(w.dispatcher, `unitId=${w.units.districtA.id}&status=in_progress`, v.id)).toBe(true);
  });

  it('overdue follows the assignments at work: past the deadline while signed, not once replied', async () => {
    at('2026-03-20 10:00');
    let v = await flow.inProgress();
    const s = await follows(v);
    expect(s.openDueAt).toBe(leadOf(v).deadlines.complete);
    deps.clock.set(new Date(new Date(s.openDueAt!).getTime() + 60_000).toISOString());
    expect(await has(w.dispatcher, 'overdue=true', v.id)).toBe(true);
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'reply', { content: '已协调施工单位处理完毕，夜间停止施工。' });
    expect((await follows(v, s)).openDueAt).toBeNull();
    expect(await has(w.dispatcher, 'overdue=true', v.id)).toBe(false);
  });

  it('the whole list agrees: every ticket, its subtree searches and both due sorts match the assignments', async () => {
    const all = await deps.db.select({ id: tickets.id }).from(tickets);
    for (const t of all) expect(await stored(t.id), `ticket ${t.id}`).toEqual(await expected(t.id));
    await sortedByDue(all.map((t) => t.id));
  });
});
