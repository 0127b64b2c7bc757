/**
 * Open311 GeoReport v2 (and mySociety's servicerequestupdates) against the spec's field lists, in both
 * formats, on a real server: what a third-party client reads and sends, byte for byte.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { eq } from 'drizzle-orm';
import { freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { startApi, type Api } from '../setup/server.ts';
import { makeCategoryLeaf, makeWorld, type World } from '../setup/world.ts';
import { leadOf, ticketFlow, type View } from '../setup/ticket-flow.ts';
import { assignments, categories, tickets } from '../../db/schema/index.ts';
import type { Database } from '../../db/client.ts';
import { createTicket } from '../../src/domain/tickets/commands/intake.ts';
import { createTicketInput } from '../../src/domain/tickets/inputs.ts';
import { ForbiddenError } from '../../src/domain/errors.ts';

const T0 = '2026-03-10T02:00:00.000Z';
const DAY = 86400_000;
const BASE = '/open311/v2';

let database: Database;
let deps: TestDeps;
let api: Api;
let w: World;
let flow: ReturnType<typeof ticketFlow>;
/** The world's public leaf and its group, and a leaf the public may not see. */
let service: { code: string; name: string };
let hiddenCode: string;

beforeAll(async () => {
  database = await freshDatabase();
  deps = makeDeps(database, { PUBLIC_BASE_URL: 'https://hotline.example.cn/' }, T0);
  api = await startApi(deps);
  w = await makeWorld(deps.db);
  flow = ticketFlow(api, w);
  const [cat] = await deps.db.select().from(categories).where(eq(categories.id, w.category.id));
  await deps.db.update(categories).set({ description: '夜间施工、商铺外放音响等噪音' }).where(eq(categories.id, w.category.id));
  service = { code: cat!.code, name: cat!.name };
  const hidden = await makeCategoryLeaf(deps.db, '廉政问题线索');
  await deps.db.update(categories).set({ public: false }).where(eq(categories.id, hidden.parent.id));
  hiddenCode = hidden.leaf.code;
});
afterAll(async () => {
  await api?.close();
  await database?.close();
});
beforeEach(() => deps.clock.set(T0));

// ---------------------------------------------------------------- client side

type Res = { status: number; text: string; headers: Headers; data: any };

const LISTS = ['service', 'request', 'request_update', 'attribute', 'value', 'endpoint', 'format', 'error'];
const xml = new XMLParser({ parseTagValue: false, trimValues: false, isArray: (name) => LISTS.includes(name) });

/** The document under its root element, lists always arrays (a one-item list is still a list). */
function parseXml(text: string): any {
  expect(XMLValidator.validate(text), text).toBe(true);
  expect(text.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
  const doc = xml.parse(text);
  const roots = Object.keys(doc).filter((k) => k !== '?xml');
  expect(roots).toHaveLength(1);
  return { root: roots[0], value: doc[roots[0]!] };
}

/** The XML root and the list inside it, as JSON would have it. */
function xmlList(text: string, root: string, item: string): any[] {
  const d = parseXml(text);
  expect(d.root).toBe(root);
  return d.value === '' ? [] : (d.value[item] ?? []);
}

async function call(
  method: string,
  path: string,
  opts: { form?: Record<string, string>; json?: unknown; body?: string; headers?: Record<string, string> } = {},
): Promise<Res> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  let body: string | undefined = opts.body;
  if (opts.form) {
    body = new URLSearchParams(opts.form).toString();
    headers['content-type'] ??= 'application/x-www-form-urlencoded; charset=utf-8';
  } else if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(api.base + path, { method, headers, body });
  const text = await res.text();
  let data: unknown = null;
  if (res.headers.get('content-type')?.startsWith('application/json')) data = JSON.parse(text);
  return { status: res.status, text, headers: res.headers, data };
}
const get = (path: string, headers?: Record<string, string>) => call('GET', BASE + path, { headers });

/** A service request as a resident's app would send it (form-encoded). */
function form(over: Record<string, string | undefined> = {}): Record<string, string> {
  const f: Record<string, string | undefined> = {
    api_key: w.portal.token,
    service_code: service.code,
    lat: '39.9087',
    long: '116.3975',
    address_string: '甲区甲街道幸福里3号楼',
    description: '小区门口夜间施工噪音扰民严重，已经持续一周，希望有关部门处理',
    first_name: '小明',
    last_name: '王',
    phone: '13812345678',
    email: 'wang@example.com',
    ...over,
  };
  return Object.fromEntries(Object.entries(f).filter((e): e is [string, string] => e[1] !== undefined));
}

async function submit(over: Record<string, string | undefined> = {}, fmt: 'json' | 'xml' = 'json', headers?: Record<string, string>) {
  const r = await call('POST', `${BASE}/requests.${fmt}`, { form: form(over), headers });
  expect(r.status, r.text).toBe(201);
  const id = fmt === 'json' ? r.data[0].service_request_id : xmlList(r.text, 'service_requests', 'request')[0].service_request_id;
  return id as string;
}

/** The ticket as the dispatcher sees it in the normal API. */
type StaffView = View & {
  channel: string;
  type: string;
  content: string;
  address: string | null;
  lat: number | null;
  lng: number | null;
  caller: { name: string | null; phone: string | null };
};
async function staffView(number: string): Promise<StaffView> {
  const r = await api.call('GET', `/api/tickets/by-number/${number}`, { token: w.dispatcher.token });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

// ---------------------------------------------------------------- the spec's field lists

type Kind = 'string' | 'string?' | 'boolean' | 'integer' | 'number?' | 'datetime' | 'datetime?' | 'null';
const W3C = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

const FIELDS = {
  service: { service_code: 'string', service_name: 'string', description: 'string', metadata: 'boolean', type: 'string', keywords: 'string', group: 'string' },
  definition: { service_code: 'string', attributes: 'list' },
  attribute: {
    variable: 'boolean',
    code: 'string',
    datatype: 'string',
    required: 'boolean',
    datatype_description: 'string?',
    order: 'integer',
    description: 'string',
    values: 'list',
  },
  value: { key: 'string', name: 'string' },
  created: { service_request_id: 'string', service_notice: 'string?', account_id: 'null' },
  token: { service_request_id: 'string', token: 'string' },
  request: {
    service_request_id: 'string',
    status: 'string',
    status_notes: 'string?',
    service_name: 'string',
    service_code: 'string',
    description: 'string?',
    agency_responsible: 'string?',
    service_notice: 'string?',
    requested_datetime: 'datetime',
    updated_datetime: 'datetime',
    expected_datetime: 'datetime?',
    address: 'string?',
    address_id: 'string?',
    zipcode: 'string?',
    lat: 'number?',
    long: 'number?',
    media_url: 'string?',
  },
  update: { update_id: 'string', service_request_id: 'string', status: 'string', updated_datetime: 'datetime', description: 'string?', media_url: 'string?' },
  discovery: { changeset: 'string', contact: 'string', key_service: 'string', endpoints: 'list' },
  endpoint: { specification: 'string', url: 'string', changeset: 'string', type: 'string', formats: 'list' },
  error: { code: 'integer', description: 'string' },
} satisfies Record<string, Record<string, Kind | 'list'>>;

/** Every field of the spec's list present, none other, each of its type — as JSON types, or as XML text. */
function expectFields(o: any, fields: Record<string, Kind | 'list'>, fmt: 'json' | 'xml') {
  expect(Object.keys(o).sort()).toEqual(Object.keys(fields).sort());
  for (const [k, kind] of Object.entries(fields)) {
    const v = o[k];
    const at = `${k} = ${JSON.stringify(v)}`;
    if (kind === 'list') continue; // checked by the caller, item by item
    if (fmt === 'xml') {
      expect(typeof v, at).toBe('string'); // an empty element is ''
      if (kind === 'boolean') expect(['true', 'false'], at).toContain(v);
      if (kind === 'integer') expect(v, at).toMatch(/^\d+$/);
      if (kind === 'number?' && v !== '') expect(Number.isFinite(Number(v)), at).toBe(true);
      if (kind === 'datetime' || (kind === 'datetime?' && v !== '')) expect(v, at).toMatch(W3C);
      if (kind === 'string' || kind === 'datetime') expect(v.length, at).toBeGreaterThan(0);
      if (kind === 'null') expect(v, at).toBe('');
      continue;
    }
    if (kind === 'null') expect(v, at).toBeNull();
    else if (kind.endsWith('?') && v === null) continue;
    else if (kind === 'string' || kind === 'string?') expect(typeof v === 'string' && (kind === 'string?' || v.length > 0), at).toBe(true);
    else if (kind === 'boolean') expect(typeof v, at).toBe('boolean');
    else if (kind === 'integer') expect(Number.isInteger(v), at).toBe(true);
    else if (kind === 'number?') expect(typeof v, at).toBe('number');
    else expect(v, at).toMatch(W3C);
  }
}

/** The spec's error list, in either format, with the HTTP status as its code. */
function expectErrors(r: Res, status: 400 | 403 | 404, fmt: 'json' | 'xml'): string[] {
  expect(r.status, r.text).toBe(status);
  let list: any[];
  if (fmt === 'json') {
    expect(r.headers.get('content-type')).toMatch(/^application\/json; charset=utf-8/);
    list = r.data;
  } else {
    expect(r.headers.get('content-type')).toMatch(/^text\/xml; charset=utf-8/);
    list = xmlList(r.text, 'errors', 'error');
  }
  expect(Array.isArray(list) && list.length > 0).toBe(true);
  for (const e of list) {
    expectFields(e, FIELDS.error, fmt);
    expect(Number(e.code)).toBe(status);
  }
  return list.map((e) => e.description as string);
}

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

// ---------------------------------------------------------------- POST service request

describe('POST requests', () => {
  it.each(['json', 'xml'] as const)('creates a ticket that enters the normal flow on channel open311 (%s)', async (fmt) => {
    const r = await call('POST', `${BASE}/requests.${fmt}`, { form: form({ 'attribute[type]': 'complaint' }) });
    expect(r.status, r.text).toBe(201);
    const list = fmt === 'json' ? r.data : xmlList(r.text, 'service_requests', 'request');
    expect(list).toHaveLength(1);
    expectFields(list[0], FIELDS.created, fmt);
    const number = list[0].service_request_id;
    expect(number).toMatch(/^20260310-\d{6}$/);
    expect(r.headers.get('location')).toBe(`${BASE}/requests/${number}.${fmt}`);

    const t = await staffView(number);
    expect(t).toMatchObject({ channel: 'open311', status: 'awaiting_dispatch', type: 'complaint', address: '甲区甲街道幸福里3号楼' });
    expect(t.caller).toMatchObject({ name: '王小明', phone: '13812345678' });
    expect(t.abilities).toContain('dispatch');
    // …and goes on like any other ticket.
    const d = await flow.ticket(w.dispatcher, t, 'dispatch', { leadUnitId: w.units.streetA.id });
    expect(d.status).toBe('awaiting_sign');
  });

  it('lets only an intake client choose the channel of a ticket it creates', async () => {
    const input = createTicketInput.parse({
      type: 'help',
      categoryId: w.category.id,
      content: '小区门口路灯不亮已经三天了，晚上很危险',
      address: '甲区幸福里',
      caller: { phone: '13812345678' },
    });
    await expect(createTicket(deps, w.operator.actor, input, { channel: 'open311' })).rejects.toBeInstanceOf(ForbiddenError);
    expect((await createTicket(deps, w.portal.actor, input)).ticket.channel).toBe('online');
    expect((await createTicket(deps, w.portal.actor, input, { channel: 'open311' })).ticket.channel).toBe('open311');
  });

  it('accepts JSON bodies too, and defaults the kind of request to 求助 (help)', async () => {
    const { api_key, ...rest } = form({ phone: '+86 139-0000-1111', first_name: 'John', last_name: 'Smith' });
    const r = await call('POST', `${BASE}/requests.json?api_key=${api_key}`, { json: { ...rest, lat: 39.9, long: 116.4 } });
    expect(r.status, r.text).toBe(201);
    const t = await staffView(r.data[0].service_request_id);
    expect(t).toMatchObject({ channel: 'open311', type: 'help', lat: 39.9, lng: 116.4 });
    expect(t.caller).toMatchObject({ name: 'John Smith', phone: '13900001111' });
  });

  it('takes any one location: lat+long, address_string or address_id', async () => {
    await submit({ address_string: undefined });
    await submit({ lat: undefined, long: undefined });
    const n = await submit({ lat: undefined, long: undefined, address_string: undefined, address_id: 'A-1024' });
    expect((await staffView(n)).address).toBe('地址编号 A-1024');
  });

  it.each(['json', 'xml'] as const)('refuses a missing, unknown, revoked or non-intake api_key with 403 (%s)', async (fmt) => {
    const post = (over: Record<string, string | undefined>) => call('POST', `${BASE}/requests.${fmt}`, { form: form(over) });
    expectErrors(await post({ api_key: undefined }), 403, fmt);
    expectErrors(await post({ api_key: '' }), 403, fmt);
    expectErrors(await post({ api_key: 'jst_not_a_real_key_00000000000000000' }), 403, fmt);
    expectErrors(await post({ api_key: w.operator.token }), 403, fmt);

    // A key the admin issues works until the admin revokes it.
    const issued = await api.call('POST', '/api/admin/tokens', { token: w.admin.token, body: { userId: w.portal.id, name: `Open311 ${fmt}` } });
    expect(issued.status).toBe(201);
    expect((await post({ api_key: issued.body.token })).status).toBe(201);
    expect((await api.call('DELETE', `/api/admin/tokens/${issued.body.id}`, { token: w.admin.token })).status).toBe(204);
    const [d] = expectErrors(await post({ api_key: issued.body.token }), 403, fmt);
    expect(d).toMatch(/api_key/);
  });

  it.each(['json', 'xml'] as const)('answers 400 for an unknown service_code, and for a non-public one (%s)', async (fmt) => {
    const post = (over: Record<string, string | undefined>) => call('POST', `${BASE}/requests.${fmt}`, { form: form(over) });
    expect(expectErrors(await post({ service_code: 'no-such-service' }), 400, fmt)[0]).toMatch(/no-such-service/);
    expectErrors(await post({ service_code: hiddenCode }), 400, fmt);
    expectErrors(await post({ service_code: undefined }), 400, fmt);
  });

  it('requires a valid Chinese phone, a location and a description, and says so clearly', async () => {
    const post = (over: Record<string, string | undefined>, headers?: Record<string, string>) =>
      call('POST', `${BASE}/requests.json`, { form: form(over), headers });
    expect(expectErrors(await post({ phone: undefined }), 400, 'json')).toEqual([expect.stringContaining('phone')]);
    expect(expectErrors(await post({ phone: undefined }, { 'accept-language': 'en' }), 400, 'json')[0]).toMatch(/phone is required.*mobile/);
    expect(expectErrors(await post({ phone: '555-0100' }), 400, 'json')[0]).toMatch(/555-0100/);
    expectErrors(await post({ lat: undefined, long: undefined, address_string: undefined }), 400, 'json');
    expectErrors(await post({ long: undefined }), 400, 'json');
    expectErrors(await post({ lat: 'north', long: '116' }), 400, 'json');
    expectErrors(await post({ lat: '95', long: '116' }), 400, 'json');
    expectErrors(await post({ description: undefined }), 400, 'json');
    expectErrors(await post({ description: '太吵' }), 400, 'json');
    expectErrors(await post({ 'attribute[type]': 'praise' }), 400, 'json');
    // Several problems at once come back as several errors.
    expect(expectErrors(await post({ phone: undefined, description: undefined, service_code: undefined }), 400, 'json')).toHaveLength(3);
  });

  it('stores a hostile description verbatim and returns it verbatim (JSON) and escaped (XML)', async () => {
    const hostile = `'); DROP TABLE tickets; -- <script>alert("x&y")</script> ]]> <![CDATA[ 噪音 ]]> 'quoted'\u0001\uFFFE end`;
    const number = await submit({ description: hostile });
    expect((await staffView(number)).content).toBe(hostile);

    const j = await get(`/requests/${number}.json`);
    expect(j.data[0].description).toBe(hostile);
    const x = await get(`/requests/${number}.xml`);
    expect(x.text).not.toContain('<script>');
    expect(x.text).toContain('&lt;script&gt;alert(&quot;x&amp;y&quot;)&lt;/script&gt;');
    // Characters XML 1.0 cannot carry are dropped; everything else survives the round trip.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters XML 1.0 cannot carry are what is tested
    expect(xmlList(x.text, 'service_requests', 'request')[0].description).toBe(hostile.replace(/[\u0001\uFFFE]/g, ''));
    expect((await database.query<{ n: number }>('select count(*)::int as n from tickets'))[0]!.n).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------- tokens

describe('tokens', () => {
  it.each(['json', 'xml'] as const)('resolve the Idempotency-Key a client sent with its POST (%s)', async (fmt) => {
    const token = `app-retry-${fmt}-0001`;
    const number = await submit({}, fmt, { 'idempotency-key': token });
    // A retry with the same key is the same request, not a second ticket.
    const again = await call('POST', `${BASE}/requests.${fmt}`, { form: form(), headers: { 'idempotency-key': token } });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');

    const r = await get(`/tokens/${token}.${fmt}`);
    expect(r.status).toBe(200);
    const list = fmt === 'json' ? r.data : xmlList(r.text, 'service_requests', 'request');
    expect(list).toHaveLength(1);
    expectFields(list[0], FIELDS.token, fmt);
    expect(list[0]).toEqual({ service_request_id: number, token });
    expectErrors(await get(`/tokens/never-issued-0000.${fmt}`), 404, fmt);
  });

  it('refuses a key that cannot be a token, and the same key for a different request', async () => {
    expectErrors(await call('POST', `${BASE}/requests.json`, { form: form(), headers: { 'idempotency-key': 'a b' } }), 400, 'json');
    await submit({}, 'json', { 'idempotency-key': 'reuse-key-0001' });
    expectErrors(
      await call('POST', `${BASE}/requests.json`, {
        form: form({ description: '另一件事：路灯不亮已经三天了，晚上很危险' }),
        headers: { 'idempotency-key': 'reuse-key-0001' },
      }),
      400,
      'json',
    );
  });
});

// ---------------------------------------------------------------- GET requests

describe('GET requests', () => {
  it.each(['json', 'xml'] as const)('shows every spec field; status, notes, agency and deadline follow the lifecycle (%s)', async (fmt) => {
    const number = await submit();
    const one = async () => {
      const r = await get(`/requests/${number}.${fmt}`);
      expect(r.status, r.text).toBe(200);
      const list = fmt === 'json' ? r.data : xmlList(r.text, 'service_requests', 'request');
      expect(list).toHaveLength(1);
      expectFields(list[0], FIELDS.request, fmt);
      return list[0];
    };
    const nul = fmt === 'json' ? null : '';
    expect(await one()).toMatchObject({
      service_request_id: number,
      status: 'open',
      status_notes: '已受理，正在派单。',
      service_code: service.code,
      service_name: '噪音扰民',
      agency_responsible: nul,
      expected_datetime: nul,
      requested_datetime: '2026-03-10T10:00:00+08:00',
      address: '甲区甲街道幸福里3号楼',
    });

    deps.clock.set('2026-03-10T03:00:00Z');
    let v = await flow.ticket(w.dispatcher, await staffView(number), 'dispatch', { leadUnitId: w.units.streetA.id });
    await deps.db
      .update(assignments)
      .set({ completeDueAt: new Date('2026-03-20T10:00:00Z') })
      .where(eq(assignments.id, leadOf(v).id));
    expect(await one()).toMatchObject({
      status: 'open',
      status_notes: '已派至甲街道办理。',
      agency_responsible: '甲街道',
      expected_datetime: '2026-03-20T18:00:00+08:00',
      updated_datetime: '2026-03-10T11:00:00+08:00',
    });

    v = await flow.assignment(w.handlerA, v, leadOf(v), 'sign');
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'reply', { content: '内部答复：已联系王小明 13812345678 协调。' });
    // The unit's reply is not public until the centre approves a public version.
    expect((await one()).status_notes).toBe('甲街道已答复，热线中心正在审核。');
    v = await flow.ticket(w.dispatcher, v, 'reply/approve', { publicReply: '已协调施工单位调整作业时间，夜间停止施工。' });
    deps.clock.set('2026-03-12T03:00:00Z');
    await flow.ticket(w.callbackAgent, v, 'callback', { reached: true, solved: 'solved', satisfaction: 'satisfied' });
    const closed = await one();
    expect(closed).toMatchObject({
      status: 'closed',
      status_notes: '已办结。答复：已协调施工单位调整作业时间，夜间停止施工。',
      updated_datetime: '2026-03-12T11:00:00+08:00',
    });
    expect(JSON.stringify(closed)).not.toContain('内部答复');
  });

  it('lists with filters: ids (overriding the rest), service_code, status, dates', async () => {
    const { leaf } = await makeCategoryLeaf(deps.db, '路灯不亮');
    const a = await submit({ service_code: leaf.code });
    const b = await submit({ service_code: leaf.code });
    const declined = await staffView(b);
    await flow.ticket(w.dispatcher, declined, 'decline', { reason: '不属于热线受理范围，请咨询物业' });

    const list = async (q: string) => {
      const r = await get(`/requests.json?${q}`);
      expect(r.status, r.text).toBe(200);
      for (const x of r.data) expectFields(x, FIELDS.request, 'json');
      return r.data.map((x: any) => x.service_request_id);
    };
    expect(await list(`service_code=${leaf.code}`)).toEqual([b, a]);
    expect(await list(`service_code=${leaf.code}&status=open`)).toEqual([a]);
    expect(await list(`service_code=${leaf.code}&status=closed`)).toEqual([b]);
    expect(await list(`service_code=${leaf.code}&status=open,closed`)).toEqual([b, a]);
    expect(await list(`service_code=${leaf.code},${service.code}&start_date=2026-03-10T00:00:00Z&end_date=2026-03-11T00:00:00Z`)).toEqual(
      expect.arrayContaining([a, b]),
    );
    expect(await list(`service_code=${leaf.code}&start_date=2026-03-11T00:00:00Z`)).toEqual([]);
    expect(await list(`service_request_id=${a},${b},19990101-000001&status=closed&service_code=nothing`)).toEqual([b, a]);
    const r = await get(`/requests/${b}.json`);
    expect(r.data[0]).toMatchObject({ status: 'closed', status_notes: '不予受理：不属于热线受理范围，请咨询物业' });
  });

  it.each(['json', 'xml'] as const)('answers 404 for an unknown request (%s)', async (fmt) => {
    expectErrors(await get(`/requests/20260310-999999.${fmt}`), 404, fmt);
    expectErrors(await get(`/requests/${encodeURIComponent('<x>&')}.${fmt}`), 404, fmt);
  });

  it('defaults to the last 90 days, and refuses a longer span', async () => {
    const { leaf } = await makeCategoryLeaf(deps.db, '井盖缺失');
    deps.clock.set(new Date(Date.parse(T0) - 91 * DAY));
    const old = await submit({ service_code: leaf.code });
    deps.clock.set(new Date(Date.parse(T0) - 89 * DAY));
    const recent = await submit({ service_code: leaf.code });
    deps.clock.set(T0);

    const ids = async (q: string) => (await get(`/requests.json?service_code=${leaf.code}${q}`)).data.map((x: any) => x.service_request_id);
    expect(await ids('')).toEqual([recent]);
    expect(await ids('&start_date=2025-12-01T00:00:00Z')).toEqual([recent, old]); // 90 days on from the start
    expect(await ids('&end_date=2025-12-31T00:00:00%2B08:00')).toEqual([recent, old]); // 90 days back from the end
    expect(await ids('&start_date=2025-12-01&end_date=2026-02-01')).toEqual([recent, old]);

    expectErrors(await get(`/requests.json?start_date=2025-01-01T00:00:00Z&end_date=2026-03-01T00:00:00Z`), 400, 'json');
    expectErrors(await get(`/requests.xml?start_date=2026-03-01T00:00:00Z&end_date=2026-02-01T00:00:00Z`), 400, 'xml');
    expectErrors(await get(`/requests.json?start_date=yesterday`), 400, 'json');
    expectErrors(await get(`/requests.json?start_date=2026-03-01T00:00:00`), 400, 'json'); // no time zone
    expectErrors(await get(`/requests.json?status=pending`), 400, 'json');
  });

  it('returns at most 1,000 requests, newest first', async () => {
    const { leaf } = await makeCategoryLeaf(deps.db, '共享单车乱停放');
    const start = Date.parse(T0) - 10 * DAY;
    const rows = Array.from({ length: 1005 }, (_, i) => ({
      number: `20990101-${String(i).padStart(6, '0')}`,
      status: 'awaiting_dispatch' as const,
      channel: 'phone' as const,
      type: 'help' as const,
      categoryId: leaf.id,
      title: `单车 ${i}`,
      content: `地铁口共享单车乱停放第 ${i} 件`,
      callerName: '赵先生',
      callerPhone: '13700000000',
      callerPhoneLast4: '0000',
      createdAt: new Date(start + i * 60_000),
      updatedAt: new Date(start + i * 60_000),
    }));
    await deps.db.insert(tickets).values(rows);
    for (const fmt of ['json', 'xml'] as const) {
      const r = await get(`/requests.${fmt}?service_code=${leaf.code}`);
      expect(r.status).toBe(200);
      const list = fmt === 'json' ? r.data : xmlList(r.text, 'service_requests', 'request');
      expect(list).toHaveLength(1000);
      expect(list[0].service_request_id).toBe('20990101-001004');
      expect(list[999].service_request_id).toBe('20990101-000005');
    }
  });
});

// ---------------------------------------------------------------- servicerequestupdates

describe('servicerequestupdates (mySociety)', () => {
  it.each(['json', 'xml'] as const)('lists the public events since start_date, oldest first (%s)', async (fmt) => {
    deps.clock.set(fmt === 'json' ? '2026-04-01T02:00:00Z' : '2026-04-02T02:00:00Z');
    const number = await submit();
    let v = await flow.ticket(w.dispatcher, await staffView(number), 'dispatch', { leadUnitId: w.units.streetA.id });
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'note', { text: '内部记录：诉求人王小明情绪激动' });
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'sign');
    const since = fmt === 'json' ? '2026-04-01T00:00:00Z' : '2026-04-02T00:00:00Z';
    const r = await get(`/servicerequestupdates.${fmt}?start_date=${since}&end_date=${since.replace('T00', 'T23')}`);
    expect(r.status, r.text).toBe(200);
    const list = fmt === 'json' ? r.data : xmlList(r.text, 'service_request_updates', 'request_update');
    for (const u of list) expectFields(u, FIELDS.update, fmt);
    const mine = list.filter((u: any) => u.service_request_id === number);
    expect(mine.map((u: any) => [u.status, u.description])).toEqual([
      ['open', '诉求已受理。'],
      ['open', '已派至甲街道办理。'],
      ['open', '甲街道已签收。'],
    ]);
    const times = list.map((u: any) => u.updated_datetime);
    expect([...times].sort()).toEqual(times);
    expect(r.text).not.toContain('内部记录');
    expectErrors(await get(`/servicerequestupdates.${fmt}?start_date=nope`), 400, fmt);
  });
});

// ---------------------------------------------------------------- privacy and robustness

describe('privacy', () => {
  it('never shows the caller’s name, phone or e-mail, nor confidential or non-public tickets', async () => {
    const secretPhone = '13912345678';
    const number = await submit({
      first_name: '秘密',
      last_name: '李',
      phone: secretPhone,
      email: 'li.mimi@example.com',
      description: '我是李秘密，电话 139 1234 5678，邮箱 li.mimi@example.com，楼下餐馆油烟直排扰民',
      address_string: '甲区幸福里5号（联系人李秘密 13912345678）',
    });
    // A confidential call and one in a non-public category, logged by the operator.
    const conf = await api.call('POST', '/api/tickets', {
      token: w.operator.token,
      body: {
        type: 'report',
        categoryId: w.category.id,
        content: '举报某单位违规排放污水，请为我保密身份',
        caller: { name: '匿名先生', phone: '13600001111' },
        confidential: true,
      },
    });
    expect(conf.status).toBe(201);
    const hidden = await deps.db.select().from(categories).where(eq(categories.code, hiddenCode));
    const nonPublic = await api.call('POST', '/api/tickets', {
      token: w.operator.token,
      body: { type: 'report', categoryId: hidden[0]!.id, content: '反映某工作人员吃拿卡要的线索材料', caller: { name: '周先生', phone: '13500002222' } },
    });
    expect(nonPublic.status).toBe(201);
    let v = await flow.ticket(w.dispatcher, await staffView(number), 'dispatch', { leadUnitId: w.units.streetA.id });
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'sign');
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'reply', { content: '已与李秘密（13912345678）电话沟通，责令餐馆整改。' });
    await flow.ticket(w.dispatcher, v, 'reply/approve', { publicReply: '已联系李秘密先生，电话13912345678，责令餐馆加装油烟净化设备。' });

    const bodies: string[] = [];
    for (const fmt of ['json', 'xml'] as const) {
      for (const path of [
        `/requests.${fmt}`,
        `/requests/${number}.${fmt}`,
        `/requests.${fmt}?service_request_id=${number},${conf.body.number},${nonPublic.body.number}`,
        `/servicerequestupdates.${fmt}`,
        `/services.${fmt}`,
      ]) {
        const r = await get(path);
        expect(r.status, path).toBe(200);
        bodies.push(r.text);
      }
      expectErrors(await get(`/requests/${conf.body.number}.${fmt}`), 404, fmt);
      expectErrors(await get(`/requests/${nonPublic.body.number}.${fmt}`), 404, fmt);
    }
    const all = bodies.join('\n');
    for (const secret of [
      secretPhone,
      '139 1234 5678',
      '1391234',
      '李秘密',
      'li.mimi@example.com',
      '13600001111',
      '匿名先生',
      '13500002222',
      '周先生',
      '吃拿卡要',
      '为我保密',
      '13812345678',
      '王小明',
    ]) {
      expect(all, secret).not.toContain(secret);
    }
    // The request itself is there, with the public reply, scrubbed.
    const mine = (await get(`/requests/${number}.json`)).data[0];
    expect(mine.description).toContain('楼下餐馆油烟直排扰民');
    expect(mine.status_notes).toContain('责令餐馆加装油烟净化设备');
  });
});

describe('robustness', () => {
  it('answers bad input with 400/403/404 in the spec format, never a 5xx', async () => {
    const cases: [string, string, Parameters<typeof call>[2]?][] = [
      ['GET', '/open311/v2/nope.json'],
      ['GET', '/open311/v2/services.html'],
      ['GET', '/open311/v2/'],
      ['GET', '/open311'],
      ['GET', '/open311/v2/requests.json?status=open&status=bogus'],
      ['GET', '/open311/v2/requests.json?start_date=2026-01-01&start_date=2026-01-02'],
      ['GET', `/open311/v2/requests.json?service_request_id=${'x'.repeat(5000)}`],
      ['GET', '/open311/v2/requests.json?service_request_id=%00%27'],
      ['GET', '/open311/v2/requests/%E0%A4%A.json'],
      ['GET', '/open311/v2/servicerequestupdates.json?end_date=0000-00-00T00:00:00Z'],
      ['PUT', '/open311/v2/requests.json', { form: form() }],
      ['DELETE', '/open311/v2/services.json'],
      ['POST', '/open311/v2/requests.json', { body: '{not json', headers: { 'content-type': 'application/json' } }],
      ['POST', '/open311/v2/requests.json', { body: 'api_key=x', headers: { 'content-type': 'text/plain' } }],
      [
        'POST',
        '/open311/v2/requests.json',
        { body: `api_key=${w.portal.token}&description=${'x'.repeat(200_000)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      ],
      [
        'POST',
        '/open311/v2/requests.json',
        { body: `api_key=${w.portal.token}&service_code[]=a&lat[a]=1&phone[]=1&attribute=x`, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      ],
      ['POST', '/open311/v2/requests.json', { json: [1, 2, 3] }],
      ['POST', '/open311/v2/requests.json', { json: { api_key: w.portal.token, service_code: 5, lat: 'NaN', long: null, phone: {}, description: ['a'] } }],
      ['POST', '/open311/v2/requests.yaml', { form: form() }],
    ];
    for (const [method, path, opts] of cases) {
      const r = await call(method, path, opts);
      expect([400, 403, 404], `${method} ${path.slice(0, 80)} → ${r.status} ${r.text.slice(0, 200)}`).toContain(r.status);
      const fmt = /\.json(\?|$)/.test(path) ? 'json' : 'xml';
      expectErrors(r, r.status as 400 | 403 | 404, fmt);
    }
  });
});
