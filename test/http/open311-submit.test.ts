/**
 * Open311 GeoReport v2 service requests as a third-party client sends them (POST requests, in both formats),
 * the tokens that resolve a client's Idempotency-Key, and bad input answered in the spec's error format.
 */
import { describe, expect, it } from 'vitest';
import { createTicket } from '../../src/domain/tickets/commands/intake.ts';
import { createTicketInput } from '../../src/domain/tickets/inputs.ts';
import { ForbiddenError } from '../../src/domain/errors.ts';
import { api, database, deps, flow, w } from './api-world.ts';
import { BASE, call, expectErrors, expectFields, FIELDS, form, get, hiddenCode, staffView, submit, useOpen311World, xmlList } from './open311-fixtures.ts';

useOpen311World();

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
    const issued = await api.call('POST', '/api/security/tokens', { token: w.securityAdmin.token, body: { userId: w.portal.id, name: `Open311 ${fmt}` } });
    expect(issued.status).toBe(201);
    expect((await post({ api_key: issued.body.token })).status).toBe(201);
    expect((await api.call('DELETE', `/api/security/tokens/${issued.body.id}`, { token: w.securityAdmin.token })).status).toBe(204);
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

// ---------------------------------------------------------------- robustness

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
