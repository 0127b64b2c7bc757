import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeUser, type TestUser } from '../setup/world.ts';
import { api, deps, flow, useApiWorld, w } from './api-world.ts';
import { expectProblem, leadOf, userOfRole, type View } from '../setup/ticket-flow.ts';
import { attachments } from '../../db/schema/index.ts';
import { ROLES } from '../../src/domain/vocab.ts';

const T0 = '2026-03-10T02:00:00.000Z';

let leaderDistrictA: TestUser;
let leaderB: TestUser;
let leaderDept: TestUser;

useApiWorld({ now: T0 });
beforeAll(async () => {
  leaderDistrictA = await makeUser(deps.db, 'unit_leader', w.units.districtA);
  leaderB = await makeUser(deps.db, 'unit_leader', w.units.streetB);
  leaderDept = await makeUser(deps.db, 'unit_leader', w.units.department);
});
beforeEach(() => deps.clock.set(T0));

const post = (token: string, path: string, body?: unknown) => api.call('POST', path, { token, body });
const get = (token: string, path: string) => api.call('GET', path, { token });
const APPEAL = { reasonCode: 'unreasonable_demand', reason: '诉求人要求拆除合法建筑，超出合理范围，已多次解释' };

async function appealFor(v: View, user = w.leaderA, body: Record<string, unknown> = APPEAL) {
  return post(user.token, `/api/assignments/${leadOf(v).id}/appeal`, body);
}
async function events(id: number) {
  const r = await get(w.supervisor.token, `/api/tickets/${id}/events`);
  return r.body.items as { type: string; actor: { id: number } | null; payload: Record<string, unknown>; assignmentId: number | null }[];
}

describe('filing an appeal (申诉)', () => {
  it('the leader of the assigned unit files it with reasons and evidence; the ticket history records it; a second pending one is a 409', async () => {
    const v = await flow.inProgress();
    const [att] = await deps.db
      .insert(attachments)
      .values({ ticketId: v.id, kind: 'evidence', fileName: '现场照片.jpg', mimeType: 'image/jpeg', size: 10, sha256: 'x'.repeat(64), storageKey: 'k1' })
      .returning();
    deps.clock.set('2026-03-10T05:00:00.000Z');
    const r = await appealFor(v, w.leaderA, { ...APPEAL, attachmentIds: [att!.id] });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.headers.get('location')).toBe(`/api/appeals/${r.body.id}`);
    expect(r.body).toMatchObject({
      ticket: { id: v.id, number: v.number },
      assignmentId: leadOf(v).id,
      unit: { id: w.units.streetA.id, kind: 'street' },
      reasonCode: 'unreasonable_demand',
      reason: APPEAL.reason,
      attachmentIds: [att!.id],
      status: 'pending',
      requestedBy: { id: w.leaderA.id },
      createdAt: '2026-03-10T05:00:00.000Z',
      decidedBy: null,
    });
    const filed = (await events(v.id)).filter((e) => e.type === 'appeal_filed');
    expect(filed).toEqual([
      expect.objectContaining({
        actor: expect.objectContaining({ id: w.leaderA.id }),
        assignmentId: leadOf(v).id,
        payload: expect.objectContaining({ appealId: r.body.id, reasonCode: 'unreasonable_demand' }),
      }),
    ]);
    // The ticket itself has not moved.
    expect(await flow.get(w.dispatcher, v.id)).toMatchObject({ status: v.status, version: v.version });

    const again = await appealFor(v, w.leaderA, { reasonCode: 'other', reason: '再次申诉，补充理由说明' });
    expectProblem(again, 409, 'appeal_pending');
    expect(again.body.appealId).toBe(r.body.id);
  });

  it('only the leader of the assignment’s own unit: handlers and other roles 403, the parent district 403, other units 404', async () => {
    const v = await flow.inProgress();
    const users = userOfRole(w);
    for (const role of ROLES.filter((x) => x !== 'unit_leader')) expectProblem(await appealFor(v, users[role]), 403, 'forbidden');
    expectProblem(await appealFor(v, leaderDistrictA), 403, 'forbidden'); // sees the ticket, does not hold the assignment
    expectProblem(await appealFor(v, leaderB), 404, 'assignment_not_found'); // cannot learn it exists
    expectProblem(await post(w.leaderA.token, '/api/assignments/2000000000/appeal', APPEAL), 404, 'assignment_not_found');
    expect((await events(v.id)).some((e) => e.type === 'appeal_filed')).toBe(false);
  });

  it('validation: a reason code from the list, a reason, and attachments of this ticket', async () => {
    const v = await flow.inProgress();
    const bad = await appealFor(v, w.leaderA, { reasonCode: 'too_busy', reason: '', extra: 1 });
    expectProblem(bad, 400, 'validation_failed');
    expect(bad.body.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['body.reasonCode', 'body.reason']));
    const other = await flow.inProgress();
    const [att] = await deps.db
      .insert(attachments)
      .values({ ticketId: other.id, kind: 'evidence', fileName: 'a.jpg', mimeType: 'image/jpeg', size: 1, sha256: 'y'.repeat(64), storageKey: 'k2' })
      .returning();
    const r = await appealFor(v, w.leaderA, { ...APPEAL, attachmentIds: [att!.id] });
    expectProblem(r, 422, 'appeal_attachment_unknown');
    expect(r.body.attachmentIds).toEqual([att!.id]);
  });
});

describe('deciding', () => {
  it('a supervisor approves with a note (recorded in the history); it cannot be decided twice; the unit cannot appeal the ticket again', async () => {
    const v = await flow.inProgress();
    const filed = (await appealFor(v)).body;
    expectProblem(await post(w.dispatcher.token, `/api/appeals/${filed.id}/approve`, { note: '同意' }), 403, 'forbidden');
    expectProblem(await post(w.leaderA.token, `/api/appeals/${filed.id}/approve`, { note: '同意' }), 403, 'forbidden');
    expectProblem(await post(w.supervisor.token, `/api/appeals/${filed.id}/approve`, {}), 400, 'validation_failed');

    deps.clock.set('2026-03-11T01:00:00.000Z');
    const r = await post(w.supervisor.token, `/api/appeals/${filed.id}/approve`, { note: '经核实诉求不合理，同意免考' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({
      status: 'approved',
      decidedBy: { id: w.supervisor.id },
      decidedAt: '2026-03-11T01:00:00.000Z',
      decisionNote: '经核实诉求不合理，同意免考',
      abilities: [],
    });
    const approved = (await events(v.id)).filter((e) => e.type === 'appeal_approved');
    expect(approved).toEqual([
      expect.objectContaining({
        actor: expect.objectContaining({ id: w.supervisor.id }),
        payload: expect.objectContaining({ appealId: filed.id, unitId: w.units.streetA.id, note: '经核实诉求不合理，同意免考' }),
      }),
    ]);

    const twice = await post(w.supervisor.token, `/api/appeals/${filed.id}/reject`, { note: '驳回' });
    expectProblem(twice, 409, 'appeal_not_pending');
    expect(twice.body.currentStatus).toBe('approved');
    expectProblem(await appealFor(v), 409, 'appeal_already_approved');
    expectProblem(await post(w.supervisor.token, '/api/appeals/2000000000/approve', { note: '同意' }), 404, 'appeal_not_found');
  });

  it('a rejected appeal may be followed by a new one', async () => {
    const v = await flow.inProgress();
    const filed = (await appealFor(v)).body;
    const r = await post(w.supervisor.token, `/api/appeals/${filed.id}/reject`, { note: '理由不充分，请补充证据' });
    expect(r.body).toMatchObject({ status: 'rejected', decisionNote: '理由不充分，请补充证据' });
    expect((await events(v.id)).map((e) => e.type)).toEqual(expect.arrayContaining(['appeal_filed', 'appeal_rejected']));
    const second = await appealFor(v, w.leaderA, { reasonCode: 'outside_duties', reason: '补充：该事项属于区住建委职责' });
    expect(second.status).toBe(201);
  });

  it('an assisting unit appeals its own assignment', async () => {
    const v = await flow.dispatched([w.units.department.id]);
    const assist = v.assignments.find((a) => a.unit.id === w.units.department.id)!;
    const r = await post(leaderDept.token, `/api/assignments/${assist.id}/appeal`, { reasonCode: 'outside_duties', reason: '该事项不属于城管委职责范围' });
    expect(r.status).toBe(201);
    expect(r.body.unit.id).toBe(w.units.department.id);
  });
});

describe('listing', () => {
  it('supervisors see every appeal; unit users their own subtree; filters by status', async () => {
    const a = await flow.inProgress();
    const fromA = (await appealFor(a)).body;
    const b = await flow.create().then((x) => flow.ticket(w.dispatcher, x, 'dispatch', { leadUnitId: w.units.streetB.id }));
    const fromB = (await post(leaderB.token, `/api/assignments/${leadOf(b).id}/appeal`, APPEAL)).body;

    const ids = async (user: TestUser, q = '') => {
      const r = await get(user.token, `/api/appeals${q}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.items.map((x: { id: number }) => x.id) as number[];
    };
    expect(await ids(w.supervisor)).toEqual(expect.arrayContaining([fromA.id, fromB.id]));
    expect(await ids(w.handlerDistrictA)).toContain(fromA.id); // the district sees its street's
    expect(await ids(w.handlerDistrictA)).not.toContain(fromB.id);
    expect(await ids(w.handlerB)).toEqual(expect.arrayContaining([fromB.id]));
    expect(await ids(w.handlerB)).not.toContain(fromA.id);
    expect(await ids(w.handlerCommunityA)).not.toContain(fromA.id); // a community is below the street, not above it

    await post(w.supervisor.token, `/api/appeals/${fromB.id}/reject`, { note: '驳回' });
    expect(await ids(w.supervisor, '?status=pending')).toContain(fromA.id);
    expect(await ids(w.supervisor, '?status=pending')).not.toContain(fromB.id);
    expect(await ids(w.supervisor, '?status=rejected')).toContain(fromB.id);
    expect(await ids(w.supervisor, `?unitId=${w.units.districtB.id}`)).toEqual(expect.arrayContaining([fromB.id]));

    expectProblem(await get(w.handlerB.token, `/api/appeals/${fromA.id}`), 404, 'appeal_not_found');
    expect((await get(w.handlerA.token, `/api/appeals/${fromA.id}`)).body).toMatchObject({ id: fromA.id, abilities: [] });
    expect((await get(w.supervisor.token, `/api/appeals/${fromA.id}`)).body.abilities).toEqual(['approve', 'reject']);
    expectProblem(await get(w.handlerB.token, `/api/appeals?unitId=${w.units.streetA.id}`), 403, 'forbidden');
    expectProblem(await get(w.supervisor.token, '/api/appeals?status=maybe'), 400, 'validation_failed');
    for (const role of ['operator', 'dispatcher', 'callback_agent', 'window_clerk', 'intake_client'] as const) {
      expectProblem(await get(userOfRole(w)[role].token, '/api/appeals'), 403, 'forbidden');
    }
  });
});
