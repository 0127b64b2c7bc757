/** Dispatch rules: the catalogue admins keep, and the suggestions a dispatcher gets from it for a ticket. */
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { makeUnit } from '../setup/world.ts';
import { expectProblem, leadOf } from '../setup/ticket-flow.ts';
import { units } from '../../db/schema/index.ts';
import { api, deps, flow, w } from './api-world.ts';
import { addRule, call, category, createTicket, leads, MISSING_ID, ruleBody, suggestions, useRoutingWorld } from './routing-fixtures.ts';

useRoutingWorld();

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

    const audit = await call(w.auditAdmin, 'GET', `/api/audit?targetType=dispatch_rule&targetId=${id}`);
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
