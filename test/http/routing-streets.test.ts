/** Finding a ticket's street at intake (coordinates, address, the operator's choice) and the street boundaries admins load. */
import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { callBody, makeUnit } from '../setup/world.ts';
import { expectProblem } from '../setup/ticket-flow.ts';
import { units } from '../../db/schema/index.ts';
import { deps, w } from './api-world.ts';
import { call, category, createTicket, MISSING_ID, rect, useRoutingWorld } from './routing-fixtures.ts';

useRoutingWorld();

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
    const audit = await call(w.auditAdmin, 'GET', `/api/audit?targetType=unit&targetId=${s.id}`);
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
