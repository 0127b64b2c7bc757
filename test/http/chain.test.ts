/**
 * The chain of levels over HTTP: the centre dispatches to a district, the district hands down to its street,
 * the street to its community; each level's reply, return and extension goes to the level above, which decides;
 * every refusal is a clear 4xx with nothing written; access follows the chain. The 2025–2026 calendar is seeded.
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { assignmentRequests, assignments, slaPolicies } from '../../db/schema/index.ts';
import { shanghai } from '../setup/calendar.ts';
import { expectProblem, leadOf, type Assignment, type View } from '../setup/ticket-flow.ts';
import { makeUnit, makeUser, seedCalendar, type TestUser } from '../setup/world.ts';
import { api, deps, flow, useApiWorld, w } from './api-world.ts';

useApiWorld({ prepare: (fresh) => seedCalendar(fresh.db) });

type ChainAssignment = Assignment & {
  parentId: number | null;
  handDownNote: string | null;
  clampedClocks: string[];
  decisions: string[];
  request: { id: number; kind: string } | null;
};
type ChainView = Omit<View, 'assignments'> & { assignments: ChainAssignment[] };

let district: TestUser;
let street: TestUser;
let community: TestUser;
let sibling: TestUser;
let siblingUnit: { id: number; path: string };
let districtDept: { id: number; path: string };
beforeAll(async () => {
  // One policy for every ticket: sign within 2 hours, first contact within a working day, complete within 5.
  await deps.db.insert(slaPolicies).values({
    name: '链路测试兜底',
    signLimit: 2,
    signUnit: 'natural_hours',
    responseLimit: 1,
    responseUnit: 'working_days',
    completeLimit: 5,
    completeUnit: 'working_days',
  });
  districtDept = await makeUnit(deps.db, 'department', '甲区城管局', w.units.districtA);
  district = w.handlerDistrictA;
  street = w.handlerA;
  community = w.handlerCommunityA;
  siblingUnit = await makeUnit(deps.db, 'community', '甲二社区', w.units.streetA);
  sibling = await makeUser(deps.db, 'unit_handler', siblingUnit);
});

const at = (local: string) => deps.clock.set(shanghai(local).toISOString());
const post = (user: TestUser, path: string, body: unknown) => api.call('POST', path, { token: user.token, body });
const subOf = (v: ChainView, unitId: number): ChainAssignment =>
  (v.assignments as ChainAssignment[]).findLast((a) => a.unit.id === unitId && a.parentId !== null)!;
const count = async (ticketId: number) => (await deps.db.select().from(assignments).where(eq(assignments.ticketId, ticketId))).length;

/**
 * The street's handler approves and its leader rejects one sub-unit's reply, return or extension at once: exactly
 * one wins — one 200, one 409 — with one event of the two kinds, the sub-assignment's version moved once, and its
 * request (a return's, an extension's) decided once.
 */
async function oneWinner(v: ChainView, sub: ChainAssignment, what: 'sub-reply' | 'sub-return' | 'sub-extension', reject: object, decided = 1) {
  const results = await Promise.all([
    post(street, `/api/assignments/${sub.id}/${what}/approve`, { version: sub.version }),
    post(w.leaderA, `/api/assignments/${sub.id}/${what}/reject`, { version: sub.version, ...reject }),
  ]);
  expect(results.map((x) => x.status).sort(), JSON.stringify(results.map((x) => x.body))).toEqual([200, 409]);
  expect(results.find((x) => x.status === 409)!.body.code).toBe('version_conflict');
  const kind = what.replace('-', '_');
  const events = (await api.call('GET', `/api/tickets/${v.id}/events`, { token: w.dispatcher.token })).body.items as { type: string }[];
  expect(events.filter((e) => e.type === `approve_${kind}` || e.type === `reject_${kind}`)).toHaveLength(1);
  const [row] = await deps.db.select().from(assignments).where(eq(assignments.id, sub.id));
  expect(row!.version).toBe(sub.version + 1);
  const reqs = await deps.db.select().from(assignmentRequests).where(eq(assignmentRequests.assignmentId, sub.id));
  expect(reqs.filter((r) => r.status === 'approved' || r.status === 'rejected')).toHaveLength(decided);
}

/** Dispatched to district A and signed by it: the district holds the ticket. */
async function atDistrict(local = '2026-03-10 10:00') {
  at(local);
  const v = await flow.ticket(w.dispatcher, await flow.create(), 'dispatch', { leadUnitId: w.units.districtA.id });
  return (await flow.assignment(district, v, leadOf(v), 'sign')) as ChainView;
}
async function handDown(user: TestUser, _v: ChainView, from: ChainAssignment, body: Record<string, unknown>) {
  return post(user, `/api/assignments/${from.id}/hand-down`, { version: from.version, ...body });
}
/** District → street → community, each signed. */
async function atCommunity() {
  const v0 = await atDistrict();
  const r1 = await handDown(district, v0, leadOf(v0) as ChainAssignment, { leadUnitId: w.units.streetA.id, note: '请街道牵头处理' });
  expect(r1.status, JSON.stringify(r1.body)).toBe(200);
  let v = r1.body as ChainView;
  v = (await flow.assignment(street, v, subOf(v, w.units.streetA.id), 'sign')) as ChainView;
  const r2 = await handDown(street, v, subOf(v, w.units.streetA.id), { leadUnitId: w.units.communityA.id, note: '请社区上门核实' });
  expect(r2.status, JSON.stringify(r2.body)).toBe(200);
  v = r2.body as ChainView;
  return (await flow.assignment(community, v, subOf(v, w.units.communityA.id), 'sign')) as ChainView;
}

describe('hand-down (下派)', () => {
  it('makes sub-assignments with their own clocks, never ending after the parent’s (clamped, and said so); the ticket stays where it is', async () => {
    const v0 = await atDistrict();
    const parent = leadOf(v0) as ChainAssignment;
    expect(parent.abilities).toContain('hand_down');
    // Shorten the district's completion deadline so the street's own one would end after it.
    const bound = shanghai('2026-03-11 12:00');
    await deps.db.update(assignments).set({ completeDueAt: bound }).where(eq(assignments.id, parent.id));
    const v1 = (await flow.get(district, v0.id)) as ChainView;
    const r = await handDown(district, v1, leadOf(v1) as ChainAssignment, {
      leadUnitId: w.units.streetA.id,
      assistUnitIds: [districtDept.id],
      note: '请街道牵头',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const v = r.body as ChainView;
    expect(v.status).toBe('in_progress');
    const sub = subOf(v, w.units.streetA.id);
    expect(sub).toMatchObject({ role: 'lead', status: 'awaiting_sign', parentId: parent.id, handDownNote: '请街道牵头' });
    expect(subOf(v, districtDept.id)).toMatchObject({ role: 'assist', parentId: parent.id });
    expect(sub.clampedClocks).toEqual(['complete']);
    expect(sub.deadlines.complete).toBe(bound.toISOString());
    // Its own sign and response deadlines come from the policy, started at the hand-down (2 hours; a working day).
    expect(sub.deadlines.sign).toBe(shanghai('2026-03-10 12:00').toISOString());
    expect(sub.deadlines.response).toBe(shanghai('2026-03-11 17:30').toISOString());
    // The parent stays accountable upward, unchanged, and sees the sub-unit's clocks.
    expect(leadOf(v)).toMatchObject({ id: parent.id, status: 'in_progress' });
    const events = (await api.call('GET', `/api/tickets/${v.id}/events`, { token: w.dispatcher.token })).body.items as {
      type: string;
      payload: Record<string, unknown>;
    }[];
    expect(events.find((e) => e.type === 'hand_down')?.payload).toMatchObject({ leadUnitId: w.units.streetA.id, clamped: ['complete'], note: '请街道牵头' });
  });

  it('refuses what the levels do not allow, with a clear code and nothing written', async () => {
    const v = await atDistrict();
    const a = leadOf(v) as ChainAssignment;
    const before = await count(v.id);
    const cases: [Record<string, unknown>, number, string][] = [
      [{ leadUnitId: w.units.streetB.id }, 422, 'hand_down_outside_subtree'],
      [{ leadUnitId: w.units.districtA.id }, 422, 'hand_down_to_self'],
      // A district hands down to its streets and departments, not straight to a community.
      [{ leadUnitId: w.units.communityA.id }, 422, 'hand_down_not_allowed'],
      [{ leadUnitId: w.units.streetA.id, assistUnitIds: [w.units.streetA.id] }, 422, 'units_repeated'],
      [{ leadUnitId: 999_999 }, 422, 'unit_unknown'],
    ];
    for (const [body, status, code] of cases) expectProblem(await handDown(district, v, a, body), status, code);
    expectProblem(
      await post(district, `/api/assignments/${a.id}/hand-down`, { version: a.version + 5, leadUnitId: w.units.streetA.id }),
      409,
      'version_conflict',
    );
    // Not the holder's unit: the street beneath does not see the district's assignment (units see downward),
    // another district's unit neither; a user of the district with a reading role only may not act.
    expectProblem(await handDown(street, v, a, { leadUnitId: w.units.streetA.id }), 404, 'assignment_not_found');
    expectProblem(await handDown(w.dispatcher, v, a, { leadUnitId: w.units.streetA.id }), 403, 'forbidden');
    expectProblem(await handDown(w.handlerB, v, a, { leadUnitId: w.units.streetA.id }), 404, 'assignment_not_found');
    expect(await count(v.id)).toBe(before);
    // Once handed down, not again while the sub-assignment is live.
    const r = await handDown(district, v, a, { leadUnitId: w.units.streetA.id });
    expect(r.status).toBe(200);
    const again = leadOf(r.body) as ChainAssignment;
    expect(again.abilities).not.toContain('reply');
    expectProblem(await handDown(district, r.body, again, { leadUnitId: districtDept.id }), 409, 'sub_assignments_open');
    // Nor reply upward while it is live.
    expectProblem(
      await post(district, `/api/assignments/${again.id}/reply`, { version: again.version, content: '已处理完毕，问题已解决。' }),
      409,
      'sub_assignments_open',
    );
    expect(await count(v.id)).toBe(before + 1);
  });

  it('follows the configured levels: with none configured, nobody hands down', async () => {
    const v = await atDistrict();
    const saved = deps.config.HAND_DOWN_LEVELS;
    (deps.config as { HAND_DOWN_LEVELS: string }).HAND_DOWN_LEVELS = '';
    try {
      expectProblem(await handDown(district, v, leadOf(v) as ChainAssignment, { leadUnitId: w.units.streetA.id }), 422, 'hand_down_not_allowed');
    } finally {
      (deps.config as { HAND_DOWN_LEVELS: string }).HAND_DOWN_LEVELS = saved;
    }
  });
});

describe('everything flows back up the chain', () => {
  it('community replies → street approves and replies → district approves and replies → centre approves → callback closes', async () => {
    let v = await atCommunity();
    const c = subOf(v, w.units.communityA.id);
    expect(c.handDownNote).toBe('请社区上门核实');
    v = (await flow.assignment(community, v, c, 'contact', { method: 'phone', summary: '已电话联系诉求人' })) as ChainView;
    v = (await flow.assignment(community, v, subOf(v, w.units.communityA.id), 'reply', { content: '社区已上门核实，施工方已停止夜间作业。' })) as ChainView;
    // A sub-unit's reply goes to its parent: the ticket does not move, the centre sees nothing to review.
    expect(v.status).toBe('in_progress');
    expect(subOf(v, w.units.communityA.id).status).toBe('replied');
    const seenByStreet = (await flow.get(street, v.id)) as ChainView;
    expect(subOf(seenByStreet, w.units.communityA.id).decisions).toEqual(expect.arrayContaining(['approve_sub_reply', 'reject_sub_reply', 'recall']));
    // The district (a level further up) decides nothing on the community's reply.
    expect(subOf((await flow.get(district, v.id)) as ChainView, w.units.communityA.id).decisions).toEqual([]);
    expectProblem(await post(district, `/api/assignments/${c.id}/sub-reply/approve`, { version: subOf(v, w.units.communityA.id).version }), 403, 'forbidden');
    let r = await post(street, `/api/assignments/${c.id}/sub-reply/approve`, { version: subOf(v, w.units.communityA.id).version, note: '核实无误' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    v = r.body;
    expect(subOf(v, w.units.communityA.id).status).toBe('completed');
    const s = subOf(v, w.units.streetA.id);
    expect(s.abilities).toContain('reply');
    v = (await flow.assignment(street, v, s, 'reply', { content: '街道已督促施工方整改，夜间不再施工。' })) as ChainView;
    expect(v.status).toBe('in_progress');
    r = await post(district, `/api/assignments/${s.id}/sub-reply/approve`, { version: subOf(v, w.units.streetA.id).version });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    v = r.body;
    v = (await flow.assignment(district, v, leadOf(v), 'reply', { content: '经区、街道、社区核实处理，施工方已停止夜间作业。' })) as ChainView;
    expect(v.status).toBe('awaiting_review');
    v = (await flow.ticket(w.dispatcher, v, 'reply/approve')) as ChainView;
    v = (await flow.ticket(w.callbackAgent, v, 'callback', { reached: true, solved: 'solved', satisfaction: 'satisfied' })) as ChainView;
    expect(v.status).toBe('closed');
    const types = ((await api.call('GET', `/api/tickets/${v.id}/events`, { token: w.dispatcher.token })).body.items as { type: string }[]).map((e) => e.type);
    expect(types.filter((t) => t === 'hand_down')).toHaveLength(2);
    expect(types.filter((t) => t === 'approve_sub_reply')).toHaveLength(2);
  });

  it('a rejected sub-reply goes back to redo, with its reason; a reason is required', async () => {
    let v = await atCommunity();
    v = (await flow.assignment(community, v, subOf(v, w.units.communityA.id), 'reply', { content: '社区已上门核实，情况属实已处理。' })) as ChainView;
    const c = subOf(v, w.units.communityA.id);
    expectProblem(await post(street, `/api/assignments/${c.id}/sub-reply/reject`, { version: c.version }), 400, 'validation_failed');
    const r = await post(street, `/api/assignments/${c.id}/sub-reply/reject`, { version: c.version, reason: '未附现场照片，请补充' });
    expect(r.status).toBe(200);
    expect(subOf(r.body, w.units.communityA.id)).toMatchObject({ status: 'in_progress' });
    const own = (await flow.get(community, v.id)) as ChainView;
    expect(subOf(own, w.units.communityA.id).abilities).toContain('reply');
    const events = (await api.call('GET', `/api/tickets/${v.id}/events`, { token: community.token })).body.items as {
      type: string;
      payload: Record<string, unknown>;
    }[];
    expect(events.find((e) => e.type === 'reject_sub_reply')?.payload).toMatchObject({ reason: '未附现场照片，请补充', subUnitId: w.units.communityA.id });
  });

  it('concurrent decisions on one sub-reply have exactly one winner', async () => {
    let v = await atCommunity();
    v = (await flow.assignment(community, v, subOf(v, w.units.communityA.id), 'reply', { content: '社区已上门核实，情况属实已处理。' })) as ChainView;
    const c = subOf(v, w.units.communityA.id);
    await oneWinner(v, c, 'sub-reply', { reason: '请补充材料' }, 0);
  });

  it('concurrent decisions on one sub-return have exactly one winner; the request is decided once', async () => {
    let v = await atCommunity();
    v = (await flow.assignment(community, v, subOf(v, w.units.communityA.id), 'return', { reason: '不属于本社区辖区' })) as ChainView;
    const c = subOf(v, w.units.communityA.id);
    await oneWinner(v, c, 'sub-return', { note: '属于本社区' });
  });

  it('concurrent decisions on one sub-extension have exactly one winner; the request is decided once', async () => {
    const v0 = await atCommunity();
    const parentDue = new Date(subOf(v0, w.units.streetA.id).deadlines.complete!);
    // The community's own deadline two hours before the street's, so an extension within it can be granted.
    await deps.db
      .update(assignments)
      .set({ completeDueAt: new Date(parentDue.getTime() - 7_200_000) })
      .where(eq(assignments.id, subOf(v0, w.units.communityA.id).id));
    const within = new Date(parentDue.getTime() - 3_600_000).toISOString();
    const v = (await flow.assignment(community, v0, subOf(v0, w.units.communityA.id), 'extension', {
      reason: '需协调多方',
      requestedDueAt: within,
    })) as ChainView;
    const c = subOf(v, w.units.communityA.id);
    await oneWinner(v, c, 'sub-extension', { note: '请在期限内办结' });
  });

  it("a sub-unit's return goes to its parent, never the centre; rejected, the sub-unit is designated and may not return again", async () => {
    let v = await atCommunity();
    let c = subOf(v, w.units.communityA.id);
    v = (await flow.assignment(community, v, c, 'return', { reason: '不属于本社区辖区' })) as ChainView;
    c = subOf(v, w.units.communityA.id);
    expect(c.request).toMatchObject({ kind: 'return' });
    expect(v.pendingRequests).toEqual([]);
    expectProblem(await post(w.dispatcher, `/api/tickets/${v.id}/return/approve`, { version: v.version }), 409, 'invalid_transition');
    // One request at a time.
    expectProblem(
      await post(community, `/api/assignments/${c.id}/extension`, { version: c.version, reason: '需要更多时间', requestedDueAt: '2026-03-12T08:00:00Z' }),
      409,
      'request_pending',
    );
    const r = await post(street, `/api/assignments/${c.id}/sub-return/reject`, { version: c.version, note: '属于本社区' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    c = subOf(r.body, w.units.communityA.id);
    expect(c.designated).toBe(true);
    expect(c.abilities).not.toContain('request_return');
    expectProblem(await post(community, `/api/assignments/${c.id}/return`, { version: c.version, reason: '仍不属于本社区' }), 409, 'designated_cannot_return');
  });

  it('an approved sub-return leaves the parent to re-dispatch within its subtree', async () => {
    let v = await atCommunity();
    v = (await flow.assignment(community, v, subOf(v, w.units.communityA.id), 'return', { reason: '不属于本社区辖区' })) as ChainView;
    const c = subOf(v, w.units.communityA.id);
    const r = await post(street, `/api/assignments/${c.id}/sub-return/approve`, { version: c.version });
    expect(r.status).toBe(200);
    v = r.body;
    expect(subOf(v, w.units.communityA.id).status).toBe('returned');
    const [req] = await deps.db.select().from(assignmentRequests).where(eq(assignmentRequests.assignmentId, c.id));
    expect(req!.status).toBe('approved');
    const s = subOf(v, w.units.streetA.id);
    const again = await handDown(street, v, s, { leadUnitId: siblingUnit.id, note: '改由甲二社区办理' });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(subOf(again.body, siblingUnit.id)).toMatchObject({ status: 'awaiting_sign', parentId: s.id });
  });

  it("a sub-unit's extension is the parent's to grant within its own deadline; beyond it, 422", async () => {
    let v = await atCommunity();
    const parent = subOf(v, w.units.streetA.id);
    const parentDue = new Date(parent.deadlines.complete!);
    let c = subOf(v, w.units.communityA.id);
    // Beyond the street's own deadline: the street must ask the district first.
    const beyond = new Date(parentDue.getTime() + 86_400_000).toISOString();
    v = (await flow.assignment(community, v, c, 'extension', { reason: '需协调多方', requestedDueAt: beyond })) as ChainView;
    c = subOf(v, w.units.communityA.id);
    expectProblem(await post(street, `/api/assignments/${c.id}/sub-extension/approve`, { version: c.version }), 422, 'beyond_parent_deadline');
    let r = await post(street, `/api/assignments/${c.id}/sub-extension/reject`, { version: c.version, note: '请在期限内办结' });
    expect(r.status).toBe(200);
    c = subOf(r.body, w.units.communityA.id);
    // Within it: granted, the deadline moves (the community's own deadline set two hours before the street's).
    await deps.db
      .update(assignments)
      .set({ completeDueAt: new Date(parentDue.getTime() - 7_200_000) })
      .where(eq(assignments.id, c.id));
    const within = new Date(parentDue.getTime() - 3_600_000).toISOString();
    const req = await post(community, `/api/assignments/${c.id}/extension`, { version: c.version, reason: '需协调多方', requestedDueAt: within });
    expect(req.status, JSON.stringify(req.body)).toBe(200);
    c = subOf(req.body, w.units.communityA.id);
    r = await post(street, `/api/assignments/${c.id}/sub-extension/approve`, { version: c.version });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(subOf(r.body, w.units.communityA.id).deadlines.complete).toBe(within);
  });

  it('a recall takes a sub-assignment back, and everything handed down beneath it', async () => {
    const v = await atCommunity();
    const s = subOf(v, w.units.streetA.id);
    const r = await post(district, `/api/assignments/${s.id}/recall`, { version: s.version, reason: '改由区职能部门办理' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(subOf(r.body, w.units.streetA.id).status).toBe('returned');
    expect(subOf(r.body, w.units.communityA.id).status).toBe('returned');
    expect(leadOf(r.body).abilities).toContain('hand_down');
  });
});

describe('access follows the chain', () => {
  it('a sibling community sees nothing; a sub-unit cannot decide on itself; decisions name a sub-assignment', async () => {
    const v = await atCommunity();
    expect((await api.call('GET', `/api/tickets/${v.id}`, { token: sibling.token })).status).toBe(404);
    const c = subOf(v, w.units.communityA.id);
    expectProblem(await post(sibling, `/api/assignments/${c.id}/recall`, { version: c.version, reason: '收回' }), 404, 'assignment_not_found');
    expectProblem(await post(community, `/api/assignments/${c.id}/recall`, { version: c.version, reason: '收回' }), 403, 'forbidden');
    expectProblem(await post(w.dispatcher, `/api/assignments/${c.id}/recall`, { version: c.version, reason: '收回' }), 403, 'forbidden');
    const top = leadOf(v);
    expectProblem(await post(district, `/api/assignments/${top.id}/recall`, { version: top.version, reason: '收回' }), 422, 'not_a_sub_assignment');
    // The community sees the caller masked, as every unit does.
    const mine = await api.call('GET', `/api/tickets/${v.id}`, { token: community.token });
    expect(mine.status).toBe(200);
    expect(JSON.stringify(mine.body)).not.toContain('13812345678');
  });

  it("each level's workbench: what it may hand down, what its sub-units hold, what waits for its decision", async () => {
    let v = await atCommunity();
    v = (await flow.assignment(community, v, subOf(v, w.units.communityA.id), 'reply', { content: '社区已上门核实，情况属实已处理。' })) as ChainView;
    const bench = async (u: TestUser) => (await api.call('GET', '/api/chain/workbench', { token: u.token })).body;
    const s = await bench(street);
    expect(s.subs.map((x: { unit: { id: number } }) => x.unit.id)).toContain(w.units.communityA.id);
    expect(s.decisions.map((x: { assignmentId: number }) => x.assignmentId)).toContain(subOf(v, w.units.communityA.id).id);
    expect(s.handDownTargets.map((x: { id: number }) => x.id)).toEqual(expect.arrayContaining([w.units.communityA.id, siblingUnit.id]));
    const d = await bench(district);
    expect(d.decisions.map((x: { assignmentId: number }) => x.assignmentId)).not.toContain(subOf(v, w.units.communityA.id).id);
    expect(d.subs.map((x: { unit: { id: number } }) => x.unit.id)).toContain(w.units.streetA.id);
    const sib = await bench(sibling);
    expect(sib.subs).toEqual([]);
    expect(sib.toHandDown).toEqual([]);
    expect(JSON.stringify(s)).not.toContain('13812345678');
  });
});
