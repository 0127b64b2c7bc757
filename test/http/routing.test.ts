import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { startApi, type Api } from '../setup/server.ts';
import { callBody, makeCategoryLeaf, makeUnit, makeUser, makeWorld, type TestUser, type World } from '../setup/world.ts';
import { expectProblem, leadOf, ticketFlow, type View } from '../setup/ticket-flow.ts';
import { categories, dispatchRules, units } from '../../db/schema/index.ts';
import { seedDemo } from '../../src/seed/city.ts';
import type { Database } from '../../db/client.ts';

const T0 = '2026-03-10T02:00:00.000Z';
const MISSING_ID = 2_000_000_000;

let database: Database;
let deps: TestDeps;
let api: Api;
let w: World;
let flow: ReturnType<typeof ticketFlow>;

beforeAll(async () => {
  database = await freshDatabase();
  deps = makeDeps(database);
  api = await startApi(deps);
  w = await makeWorld(deps.db);
  flow = ticketFlow(api, w);
});
afterAll(async () => {
  await api?.close();
  await database?.close();
});
beforeEach(() => deps.clock.set(T0));

const call = (user: TestUser, method: string, path: string, body?: unknown) => api.call(method, path, { token: user.token, body });

/** A rule body; rules in this file always name a category made for the test, so tests never see each other's rules. */
const ruleBody = (over: Record<string, unknown>) => ({ name: '测试规则', leadMode: 'unit', ...over });

async function addRule(over: Record<string, unknown>): Promise<{ id: number; name: string }> {
  const r = await call(w.admin, 'POST', '/api/routing/rules', ruleBody(over));
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

/** A fresh leaf category (its own three-level tree), optionally marked safe for auto-dispatch. */
async function category(opts: { autoDispatch?: boolean } = {}) {
  const c = await makeCategoryLeaf(deps.db, '测试小类');
  if (opts.autoDispatch) await deps.db.update(categories).set({ autoDispatch: true }).where(eq(categories.id, c.leaf.id));
  return c;
}

async function createTicket(categoryId: number, over: Record<string, unknown> = {}): Promise<View & Record<string, any>> {
  const r = await call(w.operator, 'POST', '/api/tickets', callBody(categoryId, over));
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

type Suggestion = {
  leadUnit: { id: number; name: string; kind: string };
  assistUnits: { id: number }[];
  copyUnits: { id: number }[];
  rule: { id: number; name: string } | null;
  score: number;
  reasons: string[];
};
async function suggestions(
  id: number,
  user: TestUser = w.dispatcher,
): Promise<{ items: Suggestion[]; excluded: { unit: { id: number } | null; reason: string }[]; place: any }> {
  const r = await call(user, 'GET', `/api/tickets/${id}/suggestions`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}
const leads = (s: { items: Suggestion[] }) => s.items.map((i) => i.leadUnit.id);

const rect = (lng1: number, lat1: number, lng2: number, lat2: number) => [
  [lng1, lat1],
  [lng2, lat1],
  [lng2, lat2],
  [lng1, lat2],
  [lng1, lat1],
];

// ---------------------------------------------------------------- the catalogue

describe('rules (admin)', () => {
  it('are created, read, replaced and deleted by admins, each change audited', async () => {
    const { leaf, root } = await category();
    const created = await call(
      w.admin,
      'POST',
      '/api/routing/rules',
      ruleBody({ name: '噪音由城管委主办', categoryId: root.id, leadUnitId: w.units.department.id, assistUnitIds: [w.units.streetA.id] }),
    );
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/routing/rules/${created.body.id}`);
    expect(created.body).toMatchObject({
      name: '噪音由城管委主办',
      categoryId: root.id,
      districtUnitId: null,
      streetUnitId: null,
      keyword: null,
      leadMode: 'unit',
      leadUnitId: w.units.department.id,
      assistUnitIds: [w.units.streetA.id],
      copyDistrict: false,
      priority: 0,
      active: true,
    });
    const id = created.body.id;

    const list = await call(w.dispatcher, 'GET', `/api/routing/rules?categoryId=${root.id}`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((r: { id: number }) => r.id)).toEqual([id]);

    const put = await call(
      w.admin,
      'PUT',
      `/api/routing/rules/${id}`,
      ruleBody({ name: '噪音直派街道', categoryId: leaf.id, leadMode: 'street', copyDistrict: true, priority: 5 }),
    );
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      id,
      name: '噪音直派街道',
      categoryId: leaf.id,
      leadMode: 'street',
      leadUnitId: null,
      assistUnitIds: [],
      copyDistrict: true,
      priority: 5,
    });
    expect((await call(w.supervisor, 'GET', `/api/routing/rules/${id}`)).body.name).toBe('噪音直派街道');

    expect((await call(w.admin, 'DELETE', `/api/routing/rules/${id}`)).status).toBe(204);
    expectProblem(await call(w.admin, 'GET', `/api/routing/rules/${id}`), 404, 'rule_not_found');
    expectProblem(await call(w.admin, 'DELETE', `/api/routing/rules/${id}`), 404, 'rule_not_found');
    expectProblem(await call(w.admin, 'PUT', `/api/routing/rules/${id}`, ruleBody({ leadUnitId: w.units.department.id })), 404, 'rule_not_found');

    const audit = await call(w.admin, 'GET', `/api/admin/audit?targetType=dispatch_rule&targetId=${id}`);
    expect(audit.body.items.map((a: { action: string }) => a.action)).toEqual(['dispatch_rule_deleted', 'dispatch_rule_updated', 'dispatch_rule_created']);
    expect(audit.body.items[1].details.before).toMatchObject({ name: '噪音由城管委主办' });
    expect(audit.body.items[1].details.after).toMatchObject({ name: '噪音直派街道' });
  });

  it('may be changed only by admins (403) and read by admins, dispatchers and supervisors', async () => {
    const body = ruleBody({ leadUnitId: w.units.department.id, categoryId: (await category()).leaf.id });
    for (const u of [w.dispatcher, w.supervisor, w.operator, w.handlerA]) {
      expectProblem(await call(u, 'POST', '/api/routing/rules', body), 403, 'forbidden');
      expectProblem(await call(u, 'PUT', '/api/routing/rules/1', body), 403, 'forbidden');
      expectProblem(await call(u, 'DELETE', '/api/routing/rules/1'), 403, 'forbidden');
    }
    for (const u of [w.operator, w.clerk, w.handlerA, w.callbackAgent, w.portal]) expectProblem(await call(u, 'GET', '/api/routing/rules'), 403, 'forbidden');
    expectProblem(await api.call('GET', '/api/routing/rules'), 401, 'unauthenticated');
  });

  it('are validated: 400 with every issue for a malformed rule', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ leadMode: 'unit' }, 'body.leadUnitId'],
      [{ leadMode: 'street', leadUnitId: w.units.department.id }, 'body.leadUnitId'],
      [{ leadUnitId: w.units.department.id, assistUnitIds: [w.units.department.id] }, 'body.assistUnitIds'],
      [{ leadUnitId: w.units.department.id, assistUnitIds: [w.units.streetA.id, w.units.streetA.id] }, 'body.assistUnitIds'],
      [{ leadUnitId: w.units.department.id, priority: 1000 }, 'body.priority'],
      [{ leadUnitId: w.units.department.id, leadMode: 'city' }, 'body.leadMode'],
      [{ leadUnitId: w.units.department.id, unexpected: 1 }, 'body'],
      [{ leadUnitId: w.units.department.id, name: '' }, 'body.name'],
    ];
    for (const [over, path] of cases) {
      const r = await call(w.admin, 'POST', '/api/routing/rules', ruleBody(over));
      expectProblem(r, 400, 'validation_failed');
      expect(
        r.body.issues.map((i: { path: string }) => i.path),
        JSON.stringify(over),
      ).toContain(path);
    }
  });

  it('must name categories and units that exist, of the right kind: 422 codes', async () => {
    const u = w.units;
    const cases: [Record<string, unknown>, string][] = [
      [{ leadUnitId: u.department.id, categoryId: MISSING_ID }, 'rule_category_unknown'],
      [{ leadUnitId: MISSING_ID }, 'unit_unknown'],
      [{ leadUnitId: u.department.id, assistUnitIds: [MISSING_ID] }, 'unit_unknown'],
      [{ leadUnitId: u.department.id, districtUnitId: u.streetA.id }, 'unit_not_district'],
      [{ leadUnitId: u.department.id, streetUnitId: u.districtA.id }, 'unit_not_street'],
      [{ leadUnitId: u.department.id, districtUnitId: u.districtB.id, streetUnitId: u.streetA.id }, 'street_not_in_district'],
      [{ leadUnitId: u.centre.id }, 'unit_not_assignable'],
    ];
    for (const [over, code] of cases) expectProblem(await call(w.admin, 'POST', '/api/routing/rules', ruleBody(over)), 422, code);
    const inactive = await makeUnit(deps.db, 'department', '已撤销单位', u.centre);
    await deps.db.update(units).set({ active: false }).where(eq(units.id, inactive.id));
    expectProblem(await call(w.admin, 'POST', '/api/routing/rules', ruleBody({ leadUnitId: inactive.id })), 422, 'unit_unknown');
  });
});

// ---------------------------------------------------------------- suggestions

describe('GET /api/tickets/:id/suggestions', () => {
  it('ranks street > district > category depth > keyword rules, with the rule that matched', async () => {
    const { leaf, parent, root } = await category();
    const u = w.units;
    const extraDept = await makeUnit(deps.db, 'department', '市水务局', u.centre);
    const byRoot = await addRule({ name: '大类', categoryId: root.id, leadUnitId: u.department.id });
    const byLeafKeyword = await addRule({ name: '小类+关键词', categoryId: leaf.id, keyword: '施工', leadUnitId: extraDept.id });
    const byParent = await addRule({ name: '中类', categoryId: parent.id, leadUnitId: u.districtB.id, priority: 100 });
    const byDistrict = await addRule({ name: '甲区', categoryId: root.id, districtUnitId: u.districtA.id, leadMode: 'district', leadUnitId: null });
    const byStreet = await addRule({
      name: '甲街道',
      categoryId: root.id,
      streetUnitId: u.streetA.id,
      leadMode: 'street',
      leadUnitId: null,
      copyDistrict: true,
      assistUnitIds: [u.department.id],
    });
    await addRule({ name: '关键词不符', categoryId: leaf.id, keyword: '油烟', leadUnitId: u.streetB.id });

    const t = await createTicket(leaf.id, { streetUnitId: u.streetA.id });
    const s = await suggestions(t.id);
    expect(s.place).toEqual({
      street: { id: u.streetA.id, name: '甲街道', kind: 'street' },
      district: { id: u.districtA.id, name: '甲区', kind: 'district' },
      streetSource: 'operator',
    });
    expect(s.items.map((i) => i.rule?.id)).toEqual([byStreet.id, byDistrict.id, byLeafKeyword.id, byParent.id, byRoot.id]);
    expect(s.items[0]).toMatchObject({
      leadUnit: { id: u.streetA.id, name: '甲街道', kind: 'street' },
      assistUnits: [{ id: u.department.id, name: '城管委' }],
      copyUnits: [{ id: u.districtA.id, name: '甲区' }],
      rule: { id: byStreet.id, name: '甲街道' },
      reasons: ['category_match', 'street_match', 'lead_street', 'copy_district'],
    });
    expect(s.items[1]).toMatchObject({ leadUnit: { id: u.districtA.id }, reasons: ['category_match', 'district_match', 'lead_district'] });
    expect(s.items[2]!.reasons).toEqual(['category_match', 'keyword_match', 'lead_unit']);
    const scores = s.items.map((i) => i.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);

    // The dispatcher accepts the top suggestion through the ordinary dispatch endpoint.
    const top = s.items[0]!;
    const v = await flow.ticket(w.dispatcher, t, 'dispatch', { leadUnitId: top.leadUnit.id, assistUnitIds: top.assistUnits.map((a) => a.id) });
    expect(v.assignments.map((a) => [a.unit.id, a.role])).toEqual([
      [u.streetA.id, 'lead'],
      [u.department.id, 'assist'],
    ]);
  });

  it('never suggests as lead a unit that returned the ticket', async () => {
    const { leaf } = await category();
    const rule = await addRule({ categoryId: leaf.id, leadUnitId: w.units.department.id });
    let v = await createTicket(leaf.id, { streetUnitId: w.units.streetA.id });
    expect(leads(await suggestions(v.id))).toEqual([w.units.department.id]);

    v = await flow.ticket(w.dispatcher, v, 'dispatch', { leadUnitId: w.units.department.id });
    v = await flow.assignment(w.handlerDept, v, leadOf(v), 'sign');
    v = await flow.assignment(w.handlerDept, v, leadOf(v), 'return', { reason: '不属于本单位职责范围' });
    v = await flow.ticket(w.dispatcher, v, 'return/approve');
    expect(v.status).toBe('awaiting_dispatch');

    const s = await suggestions(v.id);
    expect(leads(s)).not.toContain(w.units.department.id);
    expect(s.excluded).toEqual([
      { rule: { id: rule.id, name: '测试规则' }, unit: { id: w.units.department.id, name: '城管委', kind: 'department' }, reason: 'returned' },
    ]);
    // With the rule's unit out, the street is next (Beijing), its district copied.
    expect(s.items[0]).toMatchObject({
      leadUnit: { id: w.units.streetA.id },
      copyUnits: [{ id: w.units.districtA.id }],
      rule: null,
      reasons: ['no_rule', 'street_default', 'copy_district'],
    });

    // And after the street returns it as well: the district, unit unclear.
    v = await flow.ticket(w.dispatcher, v, 'dispatch', { leadUnitId: w.units.streetA.id });
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'sign');
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'return', { reason: '不属于本街道辖区' });
    v = await flow.ticket(w.dispatcher, v, 'return/approve');
    const again = await suggestions(v.id);
    expect(again.items.map((i) => [i.leadUnit.id, i.reasons])).toEqual([[w.units.districtA.id, ['no_rule', 'unit_unclear']]]);
  });

  it('street known, no rule → the street with its district copied; nothing clear → the district (unit_unclear); nothing known → none', async () => {
    const { leaf } = await category();
    const street = await createTicket(leaf.id, { address: '甲区甲街道幸福里3号楼' });
    expect((await suggestions(street.id)).items).toEqual([
      {
        leadUnit: { id: w.units.streetA.id, name: '甲街道', kind: 'street' },
        assistUnits: [],
        copyUnits: [{ id: w.units.districtA.id, name: '甲区', kind: 'district' }],
        rule: null,
        score: 0,
        reasons: ['no_rule', 'street_default', 'copy_district'],
        fallback: true,
      },
    ]);

    const district = await createTicket(leaf.id, { address: '乙区人民路88号' });
    expect(district).toMatchObject({ streetUnitId: null, districtUnitId: w.units.districtB.id, streetSource: null });
    const s = await suggestions(district.id);
    expect(s.items.map((i) => [i.leadUnit.id, i.reasons])).toEqual([[w.units.districtB.id, ['no_rule', 'unit_unclear']]]);

    const nowhere = await createTicket(leaf.id, { address: '某某路1号' });
    expect((await suggestions(nowhere.id)).items).toEqual([]);
  });

  it('a street rule on a ticket without a street falls back to the district', async () => {
    const { leaf } = await category();
    const r = await addRule({ categoryId: leaf.id, leadMode: 'street', leadUnitId: null, copyDistrict: true });
    const t = await createTicket(leaf.id, { address: '甲区某某路1号' });
    const s = await suggestions(t.id);
    expect(s.items.map((i) => [i.leadUnit.id, i.rule?.id, i.reasons])).toEqual([
      [w.units.districtA.id, r.id, ['category_match', 'street_unknown', 'unit_unclear']],
    ]);
  });

  it('is for dispatchers and supervisors; an unknown ticket is 404', async () => {
    const { leaf } = await category();
    const t = await createTicket(leaf.id);
    expect((await call(w.supervisor, 'GET', `/api/tickets/${t.id}/suggestions`)).status).toBe(200);
    for (const u of [w.operator, w.admin, w.callbackAgent, w.handlerA, w.portal])
      expectProblem(await call(u, 'GET', `/api/tickets/${t.id}/suggestions`), 403, 'forbidden');
    expectProblem(await call(w.dispatcher, 'GET', `/api/tickets/${MISSING_ID}/suggestions`), 404, 'ticket_not_found');
  });
});

// ---------------------------------------------------------------- street finding

describe('street finding at intake', () => {
  let streetC: Awaited<ReturnType<typeof makeUnit>>;
  let districtC: Awaited<ReturnType<typeof makeUnit>>;
  beforeAll(async () => {
    // 丙区 with 丙街道 (alias 丙坊) and its 丙社区; boundaries for street A and 丙街道 side by side.
    districtC = await makeUnit(deps.db, 'district', '丙区', w.units.centre);
    streetC = await makeUnit(deps.db, 'street', '丙街道', districtC);
    await makeUnit(deps.db, 'community', '玉兰社区', streetC);
    await deps.db
      .update(units)
      .set({ aliases: ['丙坊'] })
      .where(eq(units.id, streetC.id));
    for (const [id, ring] of [
      [w.units.streetA.id, rect(120.0, 30.0, 120.1, 30.1)],
      [streetC.id, rect(120.1, 30.0, 120.2, 30.1)],
    ] as const) {
      const r = await call(w.admin, 'PUT', `/api/routing/boundaries/${id}`, { type: 'Polygon', coordinates: [ring] });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
  });

  it('from coordinates: point in polygon, district from the street', async () => {
    const { leaf } = await category();
    const t = await createTicket(leaf.id, { lat: 30.05, lng: 120.15, address: '甲区甲街道幸福里3号楼' });
    expect(t).toMatchObject({ streetUnitId: streetC.id, districtUnitId: districtC.id, streetSource: 'coordinates' });
  });

  it('coordinates outside every boundary → the address decides', async () => {
    const { leaf } = await category();
    const t = await createTicket(leaf.id, { lat: 31.5, lng: 121.5, address: '甲区甲街道幸福里3号楼' });
    expect(t).toMatchObject({ streetUnitId: w.units.streetA.id, districtUnitId: w.units.districtA.id, streetSource: 'address' });
  });

  it('from the address: a street name, an alias, or a community (which implies its street)', async () => {
    const { leaf } = await category();
    expect(await createTicket(leaf.id, { address: '丙坊菜市场东门' })).toMatchObject({
      streetUnitId: streetC.id,
      districtUnitId: districtC.id,
      streetSource: 'address',
    });
    expect(await createTicket(leaf.id, { address: '玉兰社区12栋' })).toMatchObject({ streetUnitId: streetC.id, streetSource: 'address' });
    expect(await createTicket(leaf.id, { address: '甲社区活动中心' })).toMatchObject({ streetUnitId: w.units.streetA.id, streetSource: 'address' });
    expect(await createTicket(leaf.id, { address: '不知道在哪里' })).toMatchObject({ streetUnitId: null, districtUnitId: null, streetSource: null });
  });

  it("the operator's choice wins over coordinates; it must be a street", async () => {
    const { leaf } = await category();
    const t = await createTicket(leaf.id, { lat: 30.05, lng: 120.15, streetUnitId: w.units.streetB.id });
    expect(t).toMatchObject({ streetUnitId: w.units.streetB.id, districtUnitId: w.units.districtB.id, streetSource: 'operator' });
    expectProblem(await call(w.operator, 'POST', '/api/tickets', callBody(leaf.id, { streetUnitId: w.units.districtA.id })), 422, 'unit_not_street');
    expectProblem(await call(w.operator, 'POST', '/api/tickets', callBody(leaf.id, { streetUnitId: MISSING_ID })), 422, 'unit_unknown');
  });

  it('POST /api/routing/locate shows the operator what intake will find', async () => {
    const at = await call(w.operator, 'POST', '/api/routing/locate', { lat: 30.05, lng: 120.05 });
    expect(at.body).toEqual({
      street: { id: w.units.streetA.id, code: w.units.streetA.code, name: '甲街道' },
      district: { id: w.units.districtA.id, code: w.units.districtA.code, name: '甲区' },
      source: 'coordinates',
      matched: null,
    });
    const byAddress = await call(w.clerk, 'POST', '/api/routing/locate', { address: '玉兰社区12栋' });
    expect(byAddress.body).toMatchObject({ street: { id: streetC.id }, district: { id: districtC.id }, source: 'address', matched: '玉兰社区' });
    const none = await call(w.dispatcher, 'POST', '/api/routing/locate', { address: '不知道在哪里' });
    expect(none.body).toEqual({ street: null, district: null, source: null, matched: null });

    expectProblem(await call(w.operator, 'POST', '/api/routing/locate', { lat: 30.05 }), 400, 'validation_failed');
    for (const u of [w.handlerA, w.admin, w.portal]) expectProblem(await call(u, 'POST', '/api/routing/locate', { address: '甲街道' }), 403, 'forbidden');
  });
});

// ---------------------------------------------------------------- boundaries

describe('boundaries (admin)', () => {
  it('accept a Feature or a MultiPolygon and are found by point in polygon', async () => {
    const d = await makeUnit(deps.db, 'district', '丁区', w.units.centre);
    const s = await makeUnit(deps.db, 'street', '丁街道', d);
    const multi = { type: 'MultiPolygon', coordinates: [[rect(110, 20, 110.1, 20.1)], [rect(111, 21, 111.1, 21.1), rect(111.04, 21.04, 111.06, 21.06)]] };
    const r = await call(w.admin, 'PUT', `/api/routing/boundaries/${s.id}`, { type: 'Feature', properties: { name: '丁街道' }, geometry: multi });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ unitId: s.id, unitCode: s.code, type: 'MultiPolygon', bbox: { minLat: 20, minLng: 110, maxLat: 21.1, maxLng: 111.1 } });
    const locate = async (lat: number, lng: number) => (await call(w.operator, 'POST', '/api/routing/locate', { lat, lng })).body.street?.id ?? null;
    expect(await locate(21.02, 111.02)).toBe(s.id); // second part
    expect(await locate(21.05, 111.05)).toBeNull(); // its hole
    expect(await locate(20.5, 110.5)).toBeNull(); // inside the bounding box, between the parts

    const list = await call(w.dispatcher, 'GET', '/api/routing/boundaries');
    expect(list.body.items.find((b: { unitId: number }) => b.unitId === s.id)).toMatchObject({ unitName: '丁街道', geometry: multi });

    expect((await call(w.admin, 'DELETE', `/api/routing/boundaries/${s.id}`)).status).toBe(204);
    expect(await locate(21.02, 111.02)).toBeNull();
    expectProblem(await call(w.admin, 'DELETE', `/api/routing/boundaries/${s.id}`), 404, 'boundary_not_found');
    const audit = await call(w.admin, 'GET', `/api/admin/audit?targetType=unit&targetId=${s.id}`);
    expect(audit.body.items.map((a: { action: string }) => a.action)).toEqual(['street_boundary_deleted', 'street_boundary_set']);
  });

  it('load a FeatureCollection by unit code, all or nothing', async () => {
    const d = await makeUnit(deps.db, 'district', '戊区', w.units.centre);
    const s1 = await makeUnit(deps.db, 'street', '戊一街道', d);
    const s2 = await makeUnit(deps.db, 'street', '戊二街道', d);
    const feature = (code: string, ring: number[][]) => ({
      type: 'Feature',
      properties: { unitCode: code },
      geometry: { type: 'Polygon', coordinates: [ring] },
    });
    const bad = await call(w.admin, 'POST', '/api/routing/boundaries', {
      type: 'FeatureCollection',
      features: [feature(s1.code, rect(100, 10, 100.1, 10.1)), feature('no-such-code', rect(100.1, 10, 100.2, 10.1))],
    });
    expectProblem(bad, 422, 'unit_code_unknown');
    expect((await call(w.operator, 'POST', '/api/routing/locate', { lat: 10.05, lng: 100.05 })).body.street).toBeNull();

    expectProblem(
      await call(w.admin, 'POST', '/api/routing/boundaries', {
        type: 'FeatureCollection',
        features: [feature(s1.code, rect(100, 10, 100.1, 10.1)), feature(s1.code, rect(100, 10, 100.1, 10.1))],
      }),
      422,
      'boundary_code_repeated',
    );
    expectProblem(
      await call(w.admin, 'POST', '/api/routing/boundaries', { type: 'FeatureCollection', features: [feature(d.code, rect(100, 10, 100.1, 10.1))] }),
      422,
      'unit_not_street',
    );

    const ok = await call(w.admin, 'POST', '/api/routing/boundaries', {
      type: 'FeatureCollection',
      features: [feature(s1.code, rect(100, 10, 100.1, 10.1)), feature(s2.code, rect(100.1, 10, 100.2, 10.1))],
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toEqual({
      loaded: 2,
      items: [
        { unitId: s1.id, unitCode: s1.code },
        { unitId: s2.id, unitCode: s2.code },
      ],
    });
    expect((await call(w.operator, 'POST', '/api/routing/locate', { lat: 10.05, lng: 100.15 })).body).toMatchObject({
      street: { id: s2.id },
      district: { id: d.id },
      source: 'coordinates',
    });

    // Loading again replaces.
    await call(w.admin, 'POST', '/api/routing/boundaries', { type: 'FeatureCollection', features: [feature(s2.code, rect(100.5, 10, 100.6, 10.1))] });
    expect((await call(w.operator, 'POST', '/api/routing/locate', { lat: 10.05, lng: 100.15 })).body.street).toBeNull();
  });

  it('reject bad GeoJSON (400) and units that are not streets (422)', async () => {
    const s = w.units.streetB.id;
    const put = (body: unknown, id = s) => call(w.admin, 'PUT', `/api/routing/boundaries/${id}`, body);
    const open = rect(120, 30, 120.1, 30.1)
      .slice(0, 4)
      .concat([[120.05, 30]]);

    const notClosed = await put({ type: 'Polygon', coordinates: [open] });
    expectProblem(notClosed, 400, 'invalid_geometry');
    expect(notClosed.body.issues).toEqual([expect.objectContaining({ path: 'body.coordinates.0', code: 'ring_not_closed' })]);

    const swapped = await put({ type: 'Feature', geometry: { type: 'Polygon', coordinates: [rect(30, 120, 30.1, 120.1)] } });
    expectProblem(swapped, 400, 'invalid_geometry');
    expect(swapped.body.issues[0]).toMatchObject({ path: 'body.geometry.coordinates.0.0.1', code: 'lat_out_of_range' });

    expectProblem(await put({ type: 'Point', coordinates: [120, 30] }), 400, 'validation_failed');
    expectProblem(
      await put({
        type: 'Polygon',
        coordinates: [
          [
            [120, 30],
            [120.1, 30],
            [120, 30],
          ],
        ],
      }),
      400,
      'validation_failed',
    );
    expectProblem(
      await put({
        type: 'Polygon',
        coordinates: [
          [
            ['a', 'b'],
            [1, 2],
            [3, 4],
            [5, 6],
          ],
        ],
      }),
      400,
      'validation_failed',
    );
    expectProblem(await put({ type: 'FeatureCollection', features: [] }), 400, 'validation_failed');

    const good = { type: 'Polygon', coordinates: [rect(120, 30, 120.1, 30.1)] };
    expectProblem(await put(good, w.units.districtA.id), 422, 'unit_not_street');
    expectProblem(await put(good, w.units.communityA.id), 422, 'unit_not_street');
    expectProblem(await put(good, MISSING_ID), 422, 'unit_unknown');
  });

  it('are changed only by admins (403)', async () => {
    const good = { type: 'Polygon', coordinates: [rect(120, 30, 120.1, 30.1)] };
    const fc = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { unitCode: w.units.streetB.code }, geometry: good }] };
    for (const u of [w.dispatcher, w.operator, w.supervisor, w.handlerB]) {
      expectProblem(await call(u, 'PUT', `/api/routing/boundaries/${w.units.streetB.id}`, good), 403, 'forbidden');
      expectProblem(await call(u, 'POST', '/api/routing/boundaries', fc), 403, 'forbidden');
      expectProblem(await call(u, 'DELETE', `/api/routing/boundaries/${w.units.streetB.id}`), 403, 'forbidden');
    }
    expectProblem(await call(w.handlerB, 'GET', '/api/routing/boundaries'), 403, 'forbidden');
  });
});

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
