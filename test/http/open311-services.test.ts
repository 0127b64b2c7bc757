/**
 * Open311 GeoReport v2 discovery and services against the spec's field lists, in both formats, on a real
 * server: what a third-party client reads before it sends anything.
 */
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { categories } from '../../db/schema/index.ts';
import { deps, w } from './api-world.ts';
import { expectErrors, expectFields, FIELDS, get, hiddenCode, parseXml, service, useOpen311World, xmlList } from './open311-fixtures.ts';

useOpen311World();

// ---------------------------------------------------------------- discovery and services

describe('discovery', () => {
  it.each(['json', 'xml'] as const)('lists the GeoReport v2 endpoint with both formats (%s)', async (fmt) => {
    const r = await get(`/discovery.${fmt}`);
    expect(r.status).toBe(200);
    const d = fmt === 'json' ? r.data : parseXml(r.text).value;
    expectFields(d, FIELDS.discovery, fmt);
    const endpoints = fmt === 'json' ? d.endpoints : d.endpoints.endpoint;
    expect(endpoints).toHaveLength(1);
    const e = endpoints[0];
    expectFields(e, FIELDS.endpoint, fmt);
    expect(e).toMatchObject({ specification: 'http://wiki.open311.org/GeoReport_v2', url: 'https://hotline.example.cn/open311/v2', type: 'production' });
    expect(fmt === 'json' ? e.formats : e.formats.format).toEqual(['text/xml', 'application/json']);
  });
});

describe('services', () => {
  it.each(['json', 'xml'] as const)('lists the public leaf categories with the spec fields (%s)', async (fmt) => {
    const r = await get(`/services.${fmt}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe(fmt === 'json' ? 'application/json; charset=utf-8' : 'text/xml; charset=utf-8');
    const list = fmt === 'json' ? r.data : xmlList(r.text, 'services', 'service');
    for (const s of list) expectFields(s, FIELDS.service, fmt);
    const mine = list.find((s: any) => s.service_code === service.code);
    expect(mine).toMatchObject({
      service_name: '噪音扰民',
      description: '夜间施工、商铺外放音响等噪音',
      type: 'realtime',
      group: '城市管理',
      keywords: '城市管理,环境,噪音扰民',
    });
    expect(String(mine.metadata)).toBe('true');
    // Neither a category the public may not see, nor one that is not a leaf.
    const codes = list.map((s: any) => s.service_code);
    expect(codes).not.toContain(hiddenCode);
    expect(codes).not.toContain((await deps.db.select().from(categories).where(eq(categories.id, w.parentCategory.id)))[0]!.code);
  });

  it.each(['json', 'xml'] as const)('defines a service: its one attribute, the kind of request (%s)', async (fmt) => {
    const r = await get(`/services/${service.code}.${fmt}`);
    expect(r.status).toBe(200);
    const d = fmt === 'json' ? r.data : parseXml(r.text).value;
    if (fmt === 'xml') expect(parseXml(r.text).root).toBe('service_definition');
    expectFields(d, FIELDS.definition, fmt);
    expect(d.service_code).toBe(service.code);
    const attrs = fmt === 'json' ? d.attributes : d.attributes.attribute;
    expect(attrs).toHaveLength(1);
    expectFields(attrs[0], FIELDS.attribute, fmt);
    expect(attrs[0]).toMatchObject({ code: 'type', datatype: 'singlevaluelist' });
    const values = fmt === 'json' ? attrs[0].values : attrs[0].values.value;
    for (const v of values) expectFields(v, FIELDS.value, fmt);
    expect(values.map((v: any) => v.key)).toEqual(['consult', 'help', 'complaint', 'report', 'suggestion']);
  });

  it.each(['json', 'xml'] as const)('answers 404 for an unknown or non-public service (%s)', async (fmt) => {
    expectErrors(await get(`/services/nope-404.${fmt}`), 404, fmt);
    expectErrors(await get(`/services/${hiddenCode}.${fmt}`), 404, fmt);
  });
});
