/**
 * What the Open311 tests (test/http/open311-*.test.ts) share: their world — the API world (./api-world.ts) with
 * a public base URL, a public service and one the public may not see — a GeoReport client in both formats, and
 * the spec's field lists with the checks made against them.
 */
import { beforeAll, beforeEach, expect } from 'vitest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { eq } from 'drizzle-orm';
import { makeCategoryLeaf } from '../setup/world.ts';
import type { View } from '../setup/ticket-flow.ts';
import { categories } from '../../db/schema/index.ts';
import { api, deps, useApiWorld, w } from './api-world.ts';

export const T0 = '2026-03-10T02:00:00.000Z';
export const DAY = 86400_000;
export const BASE = '/open311/v2';

/** The world's public leaf and its group, and a leaf the public may not see. */
export let service: { code: string; name: string };
export let hiddenCode: string;

/** The API world for an Open311 test file, with the clock back at T0 before each test. */
export function useOpen311World() {
  useApiWorld({ config: { PUBLIC_BASE_URL: 'https://hotline.example.cn/' }, now: T0 });
  beforeAll(async () => {
    const [cat] = await deps.db.select().from(categories).where(eq(categories.id, w.category.id));
    await deps.db.update(categories).set({ description: '夜间施工、商铺外放音响等噪音' }).where(eq(categories.id, w.category.id));
    service = { code: cat!.code, name: cat!.name };
    const hidden = await makeCategoryLeaf(deps.db, '廉政问题线索');
    await deps.db.update(categories).set({ public: false }).where(eq(categories.id, hidden.parent.id));
    hiddenCode = hidden.leaf.code;
  });
  beforeEach(() => deps.clock.set(T0));
}

// ---------------------------------------------------------------- client side

export type Res = { status: number; text: string; headers: Headers; data: any };

const LISTS = ['service', 'request', 'request_update', 'attribute', 'value', 'endpoint', 'format', 'error'];
const xml = new XMLParser({ parseTagValue: false, trimValues: false, isArray: (name) => LISTS.includes(name) });

/** The document under its root element, lists always arrays (a one-item list is still a list). */
export function parseXml(text: string): any {
  expect(XMLValidator.validate(text), text).toBe(true);
  expect(text.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
  const doc = xml.parse(text);
  const roots = Object.keys(doc).filter((k) => k !== '?xml');
  expect(roots).toHaveLength(1);
  return { root: roots[0], value: doc[roots[0]!] };
}

/** The XML root and the list inside it, as JSON would have it. */
export function xmlList(text: string, root: string, item: string): any[] {
  const d = parseXml(text);
  expect(d.root).toBe(root);
  return d.value === '' ? [] : (d.value[item] ?? []);
}

export async function call(
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
export const get = (path: string, headers?: Record<string, string>) => call('GET', BASE + path, { headers });

/** A service request as a resident's app would send it (form-encoded). */
export function form(over: Record<string, string | undefined> = {}): Record<string, string> {
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

export async function submit(over: Record<string, string | undefined> = {}, fmt: 'json' | 'xml' = 'json', headers?: Record<string, string>) {
  const r = await call('POST', `${BASE}/requests.${fmt}`, { form: form(over), headers });
  expect(r.status, r.text).toBe(201);
  const id = fmt === 'json' ? r.data[0].service_request_id : xmlList(r.text, 'service_requests', 'request')[0].service_request_id;
  return id as string;
}

/** The ticket as the dispatcher sees it in the normal API. */
export type StaffView = View & {
  channel: string;
  type: string;
  content: string;
  address: string | null;
  lat: number | null;
  lng: number | null;
  caller: { name: string | null; phone: string | null };
};
export async function staffView(number: string): Promise<StaffView> {
  const r = await api.call('GET', `/api/tickets/by-number/${number}`, { token: w.dispatcher.token });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

// ---------------------------------------------------------------- the spec's field lists

type Kind = 'string' | 'string?' | 'boolean' | 'integer' | 'number?' | 'datetime' | 'datetime?' | 'null';
const W3C = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

export const FIELDS = {
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
export function expectFields(o: any, fields: Record<string, Kind | 'list'>, fmt: 'json' | 'xml') {
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
export function expectErrors(r: Res, status: 400 | 403 | 404, fmt: 'json' | 'xml'): string[] {
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
