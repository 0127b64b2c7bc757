/** Auto-dispatch of safe categories at intake, and the demo city's dispatch catalogue (seedDemo). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { startApi, type Api } from '../setup/server.ts';
import { callBody, makeUser, type TestUser } from '../setup/world.ts';
import { leadOf } from '../setup/ticket-flow.ts';
import { categories, dispatchRules, units } from '../../db/schema/index.ts';
import { seedDemo } from '../../src/seed/city.ts';
import type { Database } from '../../db/client.ts';
import { flow, w } from './api-world.ts';
import { addRule, call, category, createTicket, useRoutingWorld } from './routing-fixtures.ts';

useRoutingWorld();

// ---------------------------------------------------------------- auto-dispatch

describe('auto-dispatch', () => {
  const dispatchEvent = async (id: number) => {
    const r = await call(w.dispatcher, 'GET', `/api/tickets/${id}/events`);
    return (r.body.items as { type: string; actor: unknown; payload: Record<string, unknown> }[]).find((e) => e.type === 'dispatch');
  };

  it('dispatches a safe category with a unique top rule at once, as the system, recording the rule', async () => {
    const { leaf, root } = await category({ autoDispatch: true });
    const rule = await addRule({
      name: '停水自动派单',
      categoryId: leaf.id,
      leadUnitId: w.units.department.id,
      assistUnitIds: [w.units.streetB.id],
      copyDistrict: true,
    });
    await addRule({ name: '大类兜底', categoryId: root.id, leadMode: 'street', leadUnitId: null });
    const t = await createTicket(leaf.id, { streetUnitId: w.units.streetA.id });
    expect(t.status).toBe('awaiting_sign');
    expect(t.assignments.map((a) => [a.unit.id, a.role, a.status])).toEqual([
      [w.units.department.id, 'lead', 'awaiting_sign'],
      [w.units.streetB.id, 'assist', 'awaiting_sign'],
    ]);
    const e = await dispatchEvent(t.id);
    expect(e).toMatchObject({
      actor: null,
      payload: { auto: true, ruleId: rule.id, leadUnitId: w.units.department.id, assistUnitIds: [w.units.streetB.id], copyUnitIds: [w.units.districtA.id] },
    });
    // The unit sees it and can sign as usual.
    const signed = await flow.assignment(w.handlerDept, t, leadOf(t), 'sign');
    expect(signed.status).toBe('in_progress');
  });

  it('leaves other categories to a dispatcher, even with the same rule', async () => {
    const { leaf } = await category();
    await addRule({ categoryId: leaf.id, leadUnitId: w.units.department.id });
    const t = await createTicket(leaf.id, { streetUnitId: w.units.streetA.id });
    expect(t.status).toBe('awaiting_dispatch');
    expect(await dispatchEvent(t.id)).toBeUndefined();
  });

  it('does not dispatch on a tie, on a default (no rule), or on a fallback', async () => {
    const tie = await category({ autoDispatch: true });
    await addRule({ categoryId: tie.leaf.id, leadUnitId: w.units.department.id });
    await addRule({ categoryId: tie.leaf.id, leadUnitId: w.units.streetA.id });
    expect((await createTicket(tie.leaf.id, { streetUnitId: w.units.streetA.id })).status).toBe('awaiting_dispatch');

    const none = await category({ autoDispatch: true });
    expect((await createTicket(none.leaf.id, { streetUnitId: w.units.streetA.id })).status).toBe('awaiting_dispatch');

    const fallback = await category({ autoDispatch: true });
    await addRule({ categoryId: fallback.leaf.id, leadMode: 'street', leadUnitId: null });
    expect((await createTicket(fallback.leaf.id, { address: '甲区某某路1号' })).status).toBe('awaiting_dispatch');
  });

  it('never touches a ticket closed at intake', async () => {
    const { leaf } = await category({ autoDispatch: true });
    await addRule({ categoryId: leaf.id, leadUnitId: w.units.department.id });
    const t = await createTicket(leaf.id, { disposition: { kind: 'not_accepted', reason: '属于诉讼渠道' } });
    expect(t.status).toBe('closed');
    expect(t.assignments).toEqual([]);
  });
});

// ---------------------------------------------------------------- the demo city

describe('the demo catalogue (seedDemo)', () => {
  let demo: Database;
  let demoDeps: TestDeps;
  let demoApi: Api;
  let operator: TestUser;
  let dispatcher: TestUser;
  const code = async (c: string) => (await demo.db.select().from(units).where(eq(units.code, c)))[0]!;
  const cat = async (name: string) => (await demo.db.select().from(categories).where(eq(categories.name, name)))[0]!;

  beforeAll(async () => {
    demo = await freshDatabase();
    demoDeps = makeDeps(demo);
    await seedDemo(demo.db);
    demoApi = await startApi(demoDeps);
    const centre = await code('centre');
    operator = await makeUser(demo.db, 'operator', centre);
    dispatcher = await makeUser(demo.db, 'dispatcher', centre);
  });
  afterAll(async () => {
    await demoApi?.close();
    await demo?.close();
  });

  const intake = async (categoryName: string, over: Record<string, unknown>) => {
    const r = await demoApi.call('POST', '/api/tickets', { token: operator.token, body: callBody((await cat(categoryName)).id, over) });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };

  it('has a rule for every level-1 category group and auto-dispatch on safe leaves', async () => {
    const rules = await demo.db.select().from(dispatchRules);
    const all = await demo.db.select().from(categories);
    const byId = new Map(all.map((c) => [c.id, c]));
    const top = (id: number): number => (byId.get(id)!.parentId ? top(byId.get(id)!.parentId!) : id);
    const covered = new Set(rules.filter((r) => r.categoryId).map((r) => top(r.categoryId!)));
    expect(all.filter((c) => c.level === 1).every((c) => covered.has(c.id))).toBe(true);
    expect(
      all
        .filter((c) => c.autoDispatch)
        .map((c) => c.name)
        .sort(),
    ).toEqual(['停水', '路灯故障'].sort());
  });

  it('停水 from coordinates in 湖滨街道 goes straight to 市水务局', async () => {
    const t = await intake('停水', { lat: 30.205, lng: 120.105, address: '湖滨路1号' });
    expect(t).toMatchObject({
      streetUnitId: (await code('s-hubin')).id,
      districtUnitId: (await code('d-xihu')).id,
      streetSource: 'coordinates',
      status: 'awaiting_sign',
    });
    expect(t.assignments[0]).toMatchObject({ role: 'lead', unit: { name: '市水务局' } });
  });

  it('占道经营 by address goes to the street with the district copied; the lake is in no street', async () => {
    const t = await intake('占道经营', { address: '东华向阳社区菜市场门口' });
    expect(t).toMatchObject({ streetUnitId: (await code('s-donghua')).id, streetSource: 'address', status: 'awaiting_dispatch' });
    const s = await demoApi.call('GET', `/api/tickets/${t.id}/suggestions`, { token: dispatcher.token });
    expect(s.body.items[0]).toMatchObject({
      leadUnit: { name: '东华街道' },
      copyUnits: [{ name: '东城区' }],
      reasons: expect.arrayContaining(['lead_street', 'copy_district']),
    });

    const lake = await demoApi.call('POST', '/api/routing/locate', { token: operator.token, body: { lat: 30.22, lng: 120.115 } });
    expect(lake.body.street).toBeNull();
    const island = await demoApi.call('POST', '/api/routing/locate', { token: operator.token, body: { lat: 30.215, lng: 120.215 } });
    expect(island.body.street.name).toBe('白沙街道');
  });
});
