import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { categories } from '../../db/schema/index.ts';
import { makeCategoryLeaf, seedCalendar } from '../setup/world.ts';
import { api, deps, flow, useApiWorld, w } from './api-world.ts';
import { expectProblem, leadOf, userOfRole, type View } from '../setup/ticket-flow.ts';
import { MIN, at } from '../setup/sla.ts';
import { sweep } from '../../src/domain/sla/sweep.ts';
import { ROLES } from '../../src/domain/vocab.ts';

const T0 = '2026-03-10T02:00:00.000Z'; // Tuesday 10:00 in Shanghai

useApiWorld();
beforeAll(() => seedCalendar(deps.db));
beforeEach(() => deps.clock.set(T0));

const call = (method: string, path: string, token: string | undefined, body?: unknown) => api.call(method, path, { token, body });
const policy = (over: Record<string, unknown> = {}) => ({
  name: '测试策略',
  sign: { amount: 100, unit: 'natural_minutes' },
  response: { amount: 200, unit: 'natural_minutes' },
  complete: { amount: 400, unit: 'natural_minutes' },
  ...over,
});
type SlaView = View['assignments'][number] & {
  warningLevel: string;
  sla: {
    policyId: number | null;
    cycle: number;
    completeStartedAt: string | null;
    clocks: Record<'sign' | 'response' | 'complete', { dueAt: string | null; level: string; stoppedAt: string | null }>;
  };
};
const lead = (v: View) => leadOf(v) as SlaView;
const levels = (a: SlaView) => [a.sla.clocks.sign.level, a.sla.clocks.response.level, a.sla.clocks.complete.level];

describe('the ticket view shows every deadline and its current level', () => {
  it('deadlines and per-clock levels follow the clock (even before the sweep runs), stopped clocks keep theirs', async () => {
    const cat = await makeCategoryLeaf(deps.db, '视图测试');
    const created = await call('POST', '/api/sla/policies', w.admin.token, policy({ categoryId: cat.leaf.id }));
    expect(created.status).toBe(201);
    let v = await flow.create({ categoryId: cat.leaf.id });
    v = await flow.ticket(w.dispatcher, v, 'dispatch', { leadUnitId: w.units.streetA.id, assistUnitIds: [] });
    let a = lead(v);
    expect(a.deadlines).toEqual({
      sign: at(T0, 100 * MIN).toISOString(),
      response: at(T0, 200 * MIN).toISOString(),
      complete: at(T0, 400 * MIN).toISOString(),
      originalComplete: null,
    });
    expect(a.sla).toMatchObject({ policyId: created.body.id, cycle: 0, completeStartedAt: T0 });
    expect(a.sla.clocks.sign).toEqual({
      dueAt: at(T0, 100 * MIN).toISOString(),
      level: 'none',
      stoppedAt: null,
      state: 'running',
      awaitingCalendar: null,
      missedAt: null,
    });
    expect([...levels(a), a.warningLevel]).toEqual(['none', 'none', 'none', 'none']);

    deps.clock.set(at(T0, 80 * MIN)); // past the sign clock's 75 %; no sweep yet
    v = await flow.get(w.handlerA, v.id);
    expect([...levels(lead(v)), lead(v).warningLevel, (v as View & { warningLevel: string }).warningLevel]).toEqual([
      'yellow',
      'none',
      'none',
      'yellow',
      'yellow',
    ]);

    deps.clock.set(at(T0, 101 * MIN));
    await sweep(deps, deps.clock.now());
    v = await flow.get(w.dispatcher, v.id);
    expect(levels(lead(v))).toEqual(['overdue', 'none', 'none']);
    const list = await call('GET', `/api/tickets?number=${v.number}`, w.dispatcher.token);
    expect(list.body.items[0].warningLevel).toBe('overdue');

    // signed late: the sign clock stops at overdue; the others keep running
    v = await flow.assignment(w.handlerA, v, lead(v), 'sign');
    a = lead(v);
    expect(a.sla.clocks.sign).toMatchObject({ level: 'overdue', stoppedAt: at(T0, 101 * MIN).toISOString() });
    deps.clock.set(at(T0, 190 * MIN));
    v = await flow.get(w.dispatcher, v.id);
    expect(levels(lead(v))).toEqual(['overdue', 'red', 'none']);

    const events = await call('GET', `/api/tickets/${v.id}/events`, w.handlerA.token);
    expect(
      events.body.items
        .filter((e: { type: string }) => e.type === 'sla_warning')
        .map((e: { payload: { clock: string; level: string } }) => `${e.payload.clock}:${e.payload.level}`),
    ).toEqual(['sign:yellow', 'sign:red', 'sign:overdue']);
  });
});

describe('reminders and supervision items', () => {
  it('supervisors list 督办 and 催办, a unit lists its own reminders, a supervisor resolves one', async () => {
    const cat = await makeCategoryLeaf(deps.db, '督办列表');
    await call('POST', '/api/sla/policies', w.admin.token, policy({ categoryId: cat.leaf.id }));
    let v = await flow.create({ categoryId: cat.leaf.id });
    v = await flow.ticket(w.dispatcher, v, 'dispatch', { leadUnitId: w.units.streetA.id, assistUnitIds: [] });
    await sweep(deps, at(T0, 101 * MIN)); // sign overdue

    const sup = await call('GET', '/api/sla/supervision?kind=supervision&open=true', w.supervisor.token);
    expect(sup.status).toBe(200);
    const mine = sup.body.items.filter((i: { ticket: { id: number } }) => i.ticket.id === v.id);
    expect(mine).toMatchObject([{ kind: 'supervision', clock: 'sign', unit: { id: w.units.streetA.id }, ticket: { number: v.number }, resolvedAt: null }]);
    for (const user of [w.dispatcher, w.admin]) expect((await call('GET', '/api/sla/supervision', user.token)).status).toBe(200);
    for (const user of [w.operator, w.handlerA, w.callbackAgent]) expectProblem(await call('GET', '/api/sla/supervision', user.token), 403, 'forbidden');

    const own = await call('GET', '/api/sla/reminders?open=true', w.handlerA.token);
    expect(own.body.items.filter((i: { ticket: { id: number } }) => i.ticket.id === v.id)).toMatchObject([{ kind: 'reminder', clock: 'sign' }]);
    const other = await call('GET', '/api/sla/reminders', w.handlerB.token);
    expect(other.body.items.some((i: { ticket: { id: number } }) => i.ticket.id === v.id)).toBe(false);
    expectProblem(await call('GET', '/api/sla/reminders', w.supervisor.token), 403, 'forbidden');

    const id = mine[0].id;
    expectProblem(await call('POST', `/api/sla/supervision/${id}/resolve`, w.handlerA.token), 403, 'forbidden');
    const done = await call('POST', `/api/sla/supervision/${id}/resolve`, w.supervisor.token);
    expect(done.status).toBe(200);
    expectProblem(await call('POST', `/api/sla/supervision/${id}/resolve`, w.supervisor.token), 409, 'supervision_item_resolved');
    expectProblem(await call('POST', '/api/sla/supervision/999999999/resolve', w.supervisor.token), 404, 'supervision_item_not_found');
    const open = await call('GET', '/api/sla/supervision?kind=supervision&open=true', w.supervisor.token);
    expect(open.body.items.some((i: { id: number }) => i.id === id)).toBe(false);
    expectProblem(await call('GET', '/api/sla/supervision?kind=urgent', w.supervisor.token), 400, 'validation_failed');
  });
});

describe('policies API (admin only)', () => {
  const ENDPOINTS: [string, string, unknown?][] = [
    ['GET', '/api/sla/policies'],
    ['POST', '/api/sla/policies', policy()],
    ['PUT', '/api/sla/policies/1', policy()],
    ['DELETE', '/api/sla/policies/1'],
    ['GET', '/api/sla/presets'],
    ['POST', '/api/sla/presets/tianjin/apply'],
  ];

  it.each(ENDPOINTS)('%s %s: 401 without a token, 403 for every role but admin', async (method, path, body) => {
    expectProblem(await call(method, path, undefined, body), 401, 'unauthenticated');
    const users = userOfRole(w);
    for (const role of ROLES.filter((r) => r !== 'admin')) expectProblem(await call(method, path, users[role].token, body), 403, 'forbidden');
  });

  it('create, list, replace, deactivate — each audited', async () => {
    const cat = await makeCategoryLeaf(deps.db, '策略接口');
    const r = await call(
      'POST',
      '/api/sla/policies',
      w.admin.token,
      policy({ categoryId: cat.parent.id, urgency: 'urgent', counting: { startNextWorkingDay: false } }),
    );
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      categoryId: cat.parent.id,
      urgency: 'urgent',
      channel: null,
      sign: { amount: 100, unit: 'natural_minutes' },
      counting: { startNextWorkingDay: false },
      thresholds: { yellow: 0.75, red: 0.9 },
      reopenRestartsClock: true,
      active: true,
      preset: null,
    });
    const id = r.body.id;
    expect((await call('GET', '/api/sla/policies', w.admin.token)).body.items.map((p: { id: number }) => p.id)).toContain(id);

    const put = await call(
      'PUT',
      `/api/sla/policies/${id}`,
      w.admin.token,
      policy({ categoryId: cat.parent.id, urgency: 'urgent', complete: { amount: 3, unit: 'working_days' }, thresholds: { yellow: 0.5, red: 0.8 } }),
    );
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id, complete: { amount: 3, unit: 'working_days' }, thresholds: { yellow: 0.5, red: 0.8 } });

    expect((await call('DELETE', `/api/sla/policies/${id}`, w.admin.token)).status).toBe(204);
    expect((await call('GET', '/api/sla/policies', w.admin.token)).body.items.map((p: { id: number }) => p.id)).not.toContain(id);
    const all = await call('GET', '/api/sla/policies?all=true', w.admin.token);
    expect(all.body.items.find((p: { id: number }) => p.id === id)).toMatchObject({ active: false });
    expectProblem(await call('DELETE', `/api/sla/policies/${id}`, w.admin.token), 404, 'sla_policy_not_found');
    expectProblem(await call('PUT', `/api/sla/policies/${id}`, w.admin.token, policy()), 404, 'sla_policy_not_found');

    const audit = await call('GET', `/api/audit?targetType=sla_policy&targetId=${id}`, w.auditAdmin.token);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['sla_policy_deactivate', 'sla_policy_update', 'sla_policy_create']);
  });

  it.each([
    ['red before yellow', { thresholds: { yellow: 0.9, red: 0.8 } }, 'body.thresholds.red'],
    ['an unknown unit', { sign: { amount: 1, unit: 'weeks' } }, 'body.sign.unit'],
    ['a zero limit', { complete: { amount: 0, unit: 'working_days' } }, 'body.complete.amount'],
    ['an unknown field', { priority: 'high' }, 'body'],
  ])('400 validation_failed for %s', async (_n, over, path) => {
    const r = await call('POST', '/api/sla/policies', w.admin.token, policy(over));
    expectProblem(r, 400, 'validation_failed');
    expect(r.body.issues.map((i: { path: string }) => i.path)).toContain(path);
  });

  it('422 for a category that does not exist; 409 for a second active policy with the same key', async () => {
    expectProblem(await call('POST', '/api/sla/policies', w.admin.token, policy({ categoryId: 999_999 })), 422, 'sla_category_unknown');
    const cat = await makeCategoryLeaf(deps.db, '重复策略');
    const first = await call('POST', '/api/sla/policies', w.admin.token, policy({ categoryId: cat.leaf.id, channel: 'online' }));
    expect(first.status).toBe(201);
    const dup = await call('POST', '/api/sla/policies', w.admin.token, policy({ categoryId: cat.leaf.id, channel: 'online', name: '另一条' }));
    expectProblem(dup, 409, 'sla_policy_duplicate');
    expect(dup.body.existingPolicyId).toBe(first.body.id);
    // a different channel is a different key
    expect((await call('POST', '/api/sla/policies', w.admin.token, policy({ categoryId: cat.leaf.id, channel: 'phone' }))).status).toBe(201);
  });
});

describe('presets', () => {
  it('lists the three presets; applying one replaces every active policy in one go, and dispatch uses them', async () => {
    const list = await call('GET', '/api/sla/presets', w.admin.token);
    expect(list.body.items.map((p: { name: string }) => p.name)).toEqual(['tianjin', 'beijing-draft', 'shandong']);
    expectProblem(await call('POST', '/api/sla/presets/nowhere/apply', w.admin.token), 404, 'sla_preset_not_found');

    // a utilities branch of the category tree, named as centres name it
    const code = () => `u${randomBytes(4).toString('hex')}`;
    const [root] = await deps.db.insert(categories).values({ code: code(), name: '公用事业', level: 1 }).returning();
    const [water] = await deps.db.insert(categories).values({ code: code(), name: '供水', level: 2, parentId: root!.id }).returning();
    const [outage] = await deps.db.insert(categories).values({ code: code(), name: '停水', level: 3, parentId: water!.id }).returning();

    const before = (await call('GET', '/api/sla/policies', w.admin.token)).body.items.map((p: { id: number }) => p.id);
    expect(before.length).toBeGreaterThan(0);
    const applied = await call('POST', '/api/sla/presets/tianjin/apply', w.admin.token);
    expect(applied.status).toBe(200);
    expect(applied.body.deactivated.sort()).toEqual([...before].sort());
    const created = applied.body.created as { id: number; name: string; categoryId: number | null; urgency: string | null; preset: string }[];
    expect(created.every((p) => p.preset === 'tianjin')).toBe(true);
    expect(created.filter((p) => p.categoryId === water!.id).map((p) => p.urgency)).toEqual([null, 'emergency']);
    const now = (await call('GET', '/api/sla/policies', w.admin.token)).body.items.map((p: { id: number }) => p.id);
    expect(now.sort()).toEqual(created.map((p) => p.id).sort());
    const audit = await call('GET', '/api/audit?action=sla_preset_apply', w.auditAdmin.token);
    expect(audit.body.items[0]).toMatchObject({ targetId: 'tianjin' });

    const signDue = async (over: Record<string, unknown>) => {
      const v = await flow.ticket(w.dispatcher, await flow.create(over), 'dispatch', { leadUnitId: w.units.streetA.id, assistUnitIds: [] });
      return leadOf(v).deadlines.sign;
    };
    expect(await signDue({ categoryId: outage!.id })).toBe(at(T0, 30 * MIN).toISOString()); // water: 30 min
    expect(await signDue({ categoryId: outage!.id, urgency: 'emergency' })).toBe(at(T0, 15 * MIN).toISOString()); // threat to life: 15 min
    expect(await signDue({ categoryId: w.category.id, urgency: 'emergency' })).toBe(at(T0, 15 * MIN).toISOString());
    expect(await signDue({ categoryId: w.category.id })).toBe('2026-03-11T09:30:00.000Z'); // 1 working day: Wed 17:30
  });
});

describe('one-click supervision (督办)', () => {
  it('a supervisor presses a ticket a unit holds: a supervision item for the lead unit, level +1, an event; others may not', async () => {
    let v = await flow.create({});
    // Not yet with a unit: nothing to press.
    expectProblem(await call('POST', `/api/tickets/${v.id}/supervise`, w.supervisor.token, { version: v.version }), 409, 'invalid_transition');
    v = await flow.ticket(w.dispatcher, v, 'dispatch', { leadUnitId: w.units.streetA.id, assistUnitIds: [] });
    expectProblem(await call('POST', `/api/tickets/${v.id}/supervise`, w.dispatcher.token, { version: v.version }), 403, 'forbidden');
    expectProblem(await call('POST', `/api/tickets/${v.id}/supervise`, w.supervisor.token, { version: v.version - 1 }), 409, 'version_conflict');
    expectProblem(await call('POST', `/api/tickets/${v.id}/supervise`, w.supervisor.token, {}), 400, 'validation_failed');
    expectProblem(await call('POST', `/api/tickets/999999999/supervise`, w.supervisor.token, { version: 1 }), 404, 'ticket_not_found');

    const r = await call('POST', `/api/tickets/${v.id}/supervise`, w.supervisor.token, { version: v.version, reason: '群众反映强烈，请加快办理' });
    expect(r.status).toBe(200);
    expect(r.body.version).toBe(v.version + 1);
    const items = await call('GET', `/api/sla/supervision?kind=supervision&open=true&unitId=${w.units.streetA.id}`, w.supervisor.token);
    expect(items.body.items.filter((i: { ticket: { id: number } }) => i.ticket.id === v.id)).toMatchObject([
      { kind: 'supervision', reason: '群众反映强烈，请加快办理', unit: { id: w.units.streetA.id } },
    ]);
    const events = await call('GET', `/api/tickets/${v.id}/events`, w.supervisor.token);
    expect(events.body.items.at(-1)).toMatchObject({ type: 'supervise', version: v.version + 1, payload: { supervisionLevel: 1 } });
  });
});
