/**
 * Fuzzing with fast-check: for every route in the route table, malformed and hostile path parameters, query
 * strings, bodies and headers, sent as a random role (mostly one the route allows, so handlers run) — never
 * a 5xx, and every error is problem+json with a code. Open311 gets the same treatment in its own error format.
 * Then SQL and script injection strings are stored, read back verbatim over the API, and rendered in Chromium
 * without executing.
 *
 * The number of cases per route comes from one budget (FUZZ_BUDGET, default below); FUZZ_SEED replays a run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { apiRoutes } from '../../src/http/routes/index.ts';
import type { AnyRoute } from '../../src/http/route.ts';
import { driver } from '../setup/db.ts';
import { callBody, TEST_PASSWORD } from '../setup/world.ts';
import { ensureWebBuilt, launchBrowser } from '../e2e/harness.ts';
import { EXPECTATIONS, SUBJECTS, roleOf, routeKey, type Subject } from './expectations.ts';
import { makeSecurityWorld, type Req, type SecurityWorld } from './fixtures.ts';

const BUDGET = Number(process.env.FUZZ_BUDGET ?? 5000);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

let sw: SecurityWorld;
const counts = { api: 0, methods: 0, open311: 0 };
const statuses: Record<string, number> = {};

beforeAll(async () => {
  sw = await makeSecurityWorld();
});
afterAll(async () => {
  await sw?.close();
});

// ---------------------------------------------------------------- hostile values

const INJECTIONS = [
  "'); DROP TABLE tickets;--",
  "' OR '1'='1",
  '1 OR 1=1',
  '"; SELECT pg_sleep(5);--',
  "1; UPDATE users SET role='admin'--",
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  'javascript:alert(1)',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, sent literally
  '{{7*7}}${7*7}<%= 7*7 %>',
];
const WEIRD = [
  '../../../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '%00',
  '\u0000',
  'a\u0000b',
  '\uFFFF',
  '\uD800',
  '\u202Egnp.exe',
  '🙂'.repeat(300),
  '١٢٣',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '0x10',
  '9'.repeat(40),
  'null',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  ' ',
  '\t\r\n',
  'ＤＲＯＰ',
  'x'.repeat(5000),
];
const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...INJECTIONS, ...WEIRD) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 200, maxLength: 3000 }) },
);
const hostileNumber = fc.constantFrom(0, -1, 1.5, 2 ** 31, 2 ** 53 + 2, -(2 ** 63), 1e308, Number.MIN_VALUE, -0);
const leaf = fc.oneof(hostileString, hostileNumber, fc.integer(), fc.boolean(), fc.constant(null));
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf')), tie('v'), {
      maxKeys: 4,
    }),
  ),
})).v;

/** Bodies that are not what JSON.stringify makes: broken, odd top-level values, pollution attempts, deep nesting. */
const RAW_BODIES = [
  '{',
  '{"a":',
  '[1,2',
  'null',
  '"just a string"',
  '123',
  '\uFEFF{}',
  '{"a":1}{"b":2}',
  '{"__proto__":{"polluted":true,"role":"admin"}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"version":1,"version":2}',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  '{"n":1e999}',
  `${'['.repeat(3000)}${']'.repeat(3000)}`,
  `{"content":"${'长'.repeat(90_000)}"}`,
  'x'.repeat(300 * 1024),
];

const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 });
const HEADER_CHOICES: Record<string, fc.Arbitrary<string>> = {
  'content-type': fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=latin1',
    'application/json; charset=utf-16',
    'application/json; charset=bogus',
    'text/plain',
    'text/calendar',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=zzz',
    'application/xml',
    'application/merge-patch+json',
    '*/*',
    'garbage',
  ),
  authorization: fc.oneof(
    fc.constantFrom('Bearer', 'Bearer ', 'Bearer a b', 'Basic YWRtaW46YWRtaW4=', "Bearer ' OR 1=1--", 'Digest x', `Bearer ${'A'.repeat(8000)}`),
    printable.map((s) => `Bearer jst_${s.replace(/\s/g, '')}`),
  ),
  cookie: fc.oneof(
    fc.constantFrom(
      'jiesu_session=garbage',
      'jiesu_session=%ff%fe',
      'jiesu_session=',
      'jiesu_session="q"',
      'a=b; jiesu_session=x; jiesu_session=y',
      `jiesu_session=${'a'.repeat(4000)}`,
      "jiesu_session=' OR 1=1",
    ),
    printable.map((s) => `jiesu_session=${encodeURIComponent(s)}`),
  ),
  'content-encoding': fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'compress', 'bogus', 'gzip, gzip'),
  'x-csrf-token': printable,
  'accept-language': fc.oneof(printable, fc.constantFrom('en', 'zh-CN', '*', 'xx-YY;q=abc', 'en;q=0.5, zh;q=0.9')),
  'x-request-id': printable,
  'idempotency-key': printable,
  'x-file-name': fc.oneof(printable, fc.constantFrom('..%2F..%2Fevil.sh', '%ff', encodeURIComponent('<script>.png'))),
  'x-forwarded-for': printable,
  accept: fc.constantFrom('*/*', 'text/csv', 'application/xml', 'image/png', ''),
};
const headers = fc
  .subarray(Object.keys(HEADER_CHOICES), { maxLength: 4 })
  .chain((names) => (names.length ? fc.record(Object.fromEntries(names.map((n) => [n, HEADER_CHOICES[n]!]))) : fc.constant({} as Record<string, string>)));

const HOSTILE_PARAMS = [
  '..',
  '../',
  '..%2F..',
  '1 OR 1=1',
  "1'--",
  '%00',
  '1%00',
  '-1',
  '0',
  '1.5',
  '1e9',
  '0x7fffffff',
  '%20999999999',
  '9'.repeat(30),
  '%ff',
  '%F0%9F%98%80',
  'x'.repeat(3000),
  '%2e%2e',
  'null',
  '__proto__',
];
// No small plain numbers: those are real ids (a fuzzed admin would deactivate the very users the cases act as);
// real ids come from the route's valid request instead.
const paramValue = fc.oneof(fc.constantFrom(...HOSTILE_PARAMS), printable.filter((s) => s.length > 0 && !/^\s*\d{1,9}\s*$/.test(s)).map(encodeURIComponent));

/** A query string of our own making (keys repeated, odd encodings, names the route knows and does not). */
function queryArb(known: string[]) {
  const key = fc.oneof(
    fc.constantFrom(...known, 'limit', 'before', '__proto__', 'a[b]', 'q'),
    printable.filter((s) => s.length > 0 && s.length < 20),
  );
  const val = fc.oneof(fc.constantFrom(...HOSTILE_PARAMS, ...INJECTIONS), printable, hostileNumber.map(String));
  return fc
    .array(fc.tuple(key, val, fc.boolean()), { maxLength: 5 })
    .map((pairs) => pairs.map(([k, v, raw]) => (raw && !/[&#]/.test(v) ? `${k}=${v}` : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)).join('&'));
}

// ---------------------------------------------------------------- one route's cases

type Case = {
  subject: Subject;
  params: Record<string, string | null>;
  query: string | null;
  body:
    | { kind: 'none' }
    | { kind: 'json'; value: unknown }
    | { kind: 'raw'; text: string }
    | { kind: 'mutated'; key: string; value: unknown }
    | { kind: 'bytes'; bytes: Uint8Array };
  headers: Record<string, string>;
};

function caseArb(route: AnyRoute): fc.Arbitrary<Case> {
  const allowed = SUBJECTS.filter((s) => {
    const role = roleOf(s);
    if (route.access === 'public') return true;
    if (!role) return false;
    return route.access === 'authenticated' || route.access.includes(role);
  });
  const subject = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...(allowed.length ? allowed : SUBJECTS)) },
    { weight: 1, arbitrary: fc.constantFrom(...SUBJECTS) },
  );
  const names = (route.path.match(/:(\w+)/g) ?? []).map((p) => p.slice(1));
  const params = fc.record(Object.fromEntries(names.map((n) => [n, fc.option(paramValue, { freq: 2 })]))) as fc.Arbitrary<Record<string, string | null>>;
  const known = Object.keys(((route.query as unknown as { shape?: Record<string, unknown> })?.shape ?? {}) as object);
  const knownBody = Object.keys(((route.body as unknown as { shape?: Record<string, unknown> })?.shape ?? {}) as object);
  const body = route.rawBody
    ? fc.oneof(
        fc.constant({ kind: 'none' as const }),
        fc.uint8Array({ maxLength: 2048 }).map((bytes) => ({ kind: 'bytes' as const, bytes })),
      )
    : fc.oneof(
        { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
        { weight: 3, arbitrary: value.map((v) => ({ kind: 'json' as const, value: v })) },
        { weight: 2, arbitrary: fc.constantFrom(...RAW_BODIES).map((text) => ({ kind: 'raw' as const, text })) },
        {
          weight: 4,
          arbitrary: fc
            .tuple(fc.constantFrom(...knownBody, '__proto__', 'constructor', 'extra'), value)
            .map(([key, v]) => ({ kind: 'mutated' as const, key, value: v })),
        },
      );
  return fc.record({ subject, params, query: fc.option(queryArb(known), { freq: 2 }), body, headers });
}

/** Builds the request: the route's valid request (expectations.ts) with the case's hostile parts swapped in. */
function requestOf(route: AnyRoute, valid: Req, c: Case): { url: string; init: RequestInit } {
  const path = route.path.replace(/:(\w+)/g, (_, n: string) => c.params[n] ?? encodeURIComponent(String(valid.params?.[n] ?? '1')));
  const validQuery = valid.query ? new URLSearchParams(valid.query).toString() : '';
  const query = c.query === null ? validQuery : c.query;
  const url = path + (query ? `?${query}` : '');
  const h: Record<string, string> = {};
  let body: RequestInit['body'];
  switch (c.body.kind) {
    case 'json':
      body = JSON.stringify(c.body.value) ?? 'null';
      break;
    case 'raw':
      body = c.body.text;
      break;
    case 'mutated': {
      const base = valid.body && typeof valid.body === 'object' ? JSON.stringify(valid.body).slice(1, -1) : '';
      // Written by hand so that "__proto__" travels as an own key, as an attacker would send it.
      body = `{${base}${base ? ',' : ''}${JSON.stringify(c.body.key)}:${JSON.stringify(c.body.value) ?? 'null'}}`;
      break;
    }
    case 'bytes':
      body = c.body.bytes;
      break;
  }
  if (body !== undefined) h['content-type'] = c.body.kind === 'bytes' ? 'application/octet-stream' : 'application/json';
  if (c.subject !== 'anonymous') h.authorization = `Bearer ${sw.users[c.subject].token}`;
  Object.assign(h, c.headers);
  if (route.method === 'get' || route.method === 'delete') body = route.method === 'delete' ? body : undefined;
  return { url, init: { method: route.method.toUpperCase(), headers: h, body } };
}

async function expectSane(url: string, r: Response, what: string) {
  const text = await r.text();
  statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  if (r.status >= 500) throw new Error(`${what} ${url} → ${r.status} ${text.slice(0, 500)}`);
  if (r.status >= 400) {
    const type = r.headers.get('content-type') ?? '';
    let code: unknown;
    try {
      code = JSON.parse(text).code;
    } catch {
      /* not JSON */
    }
    if (!/^application\/problem\+json/.test(type) || typeof code !== 'string')
      throw new Error(`${what} ${url} → ${r.status} not problem+json (${type}): ${text.slice(0, 300)}`);
  }
}

// ---------------------------------------------------------------- injection strings, stored and shown verbatim

describe('SQL and script injection strings are stored and shown verbatim, never executed', () => {
  const content = `${INJECTIONS.join(' | ')} 小区门口夜间施工噪音扰民`;
  const address = `<img src=x onerror="window.__xss=1;alert(1)"> '); DROP TABLE tickets;-- 甲区幸福里`;
  const name = `<script>window.__xss=1</script>`;
  let ticket: { id: number; number: string };

  it('round-trips through intake, the detail, the list, the search, the events and the knowledge base', async () => {
    const created = await sw.send('operator', 'POST', '/api/tickets', {
      body: callBody(sw.fx.category, { content, address, caller: { name, phone: '13512340123' } }),
    });
    expect(created.status, created.text).toBe(201);
    ticket = created.body;
    const detail = await sw.send('dispatcher', 'GET', `/api/tickets/${ticket.id}`);
    expect(detail.body).toMatchObject({ content, address, caller: { name } });
    const list = await sw.send('dispatcher', 'GET', `/api/tickets?limit=200&q=${encodeURIComponent("'); DROP TABLE tickets;--")}`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((t: { id: number }) => t.id)).toContain(ticket.id);
    const item = list.body.items.find((t: { id: number }) => t.id === ticket.id);
    expect(item.address).toBe(address);
    for (const q of INJECTIONS) {
      for (const [subject, path] of [
        ['dispatcher', `/api/tickets?q=${encodeURIComponent(q.slice(0, 100))}`],
        ['operator', `/api/kb/search?q=${encodeURIComponent(q.slice(0, 100))}`],
        ['operator', `/api/intake/duplicates?address=${encodeURIComponent(q)}`],
        ['admin', `/api/admin/audit?action=${encodeURIComponent(q)}&targetId=${encodeURIComponent(q)}`],
      ] as [Subject, string][]) {
        const r = await sw.send(subject, 'GET', path);
        expect(r.status, `${path} → ${r.text.slice(0, 200)}`).toBe(200);
      }
    }
    const events = await sw.send('dispatcher', 'GET', `/api/tickets/${ticket.id}/events`);
    expect(events.status).toBe(200);
    // The tables are all still there, with the rows in them.
    const [n] = await sw.database.query<{ n: number }>('select count(*)::int as n from tickets');
    expect(n!.n).toBeGreaterThan(3);
    const [u] = await sw.database.query<{ n: number }>("select count(*)::int as n from users where role = 'admin'");
    expect(u!.n).toBe(1);
  });

  it('renders verbatim in Chromium on the dispatch desk, and no script runs', async () => {
    ensureWebBuilt();
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext({ baseURL: sw.api.base, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
      const page = await context.newPage();
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      await page.goto('/');
      await page.getByLabel('用户名').fill(sw.users.dispatcher.username);
      await page.getByLabel('密码').fill(TEST_PASSWORD);
      await page.keyboard.press('Enter');
      await page.waitForURL('**/dispatch');
      const row = page.locator('button[data-item]', { hasText: ticket.number });
      await row.click();
      const detail = page.locator('section.detail');
      await detail.locator('p.content').waitFor();
      expect(await detail.locator('p.content').textContent()).toBe(content);
      expect(await detail.textContent()).toContain(address);
      expect(await detail.textContent()).toContain(name);
      await page.waitForTimeout(300);
      expect(await page.evaluate('window.__xss')).toBeUndefined();
      expect(await page.locator('section.detail img[src="x"], section.detail script, section.detail svg[onload]').count()).toBe(0);
      expect(dialogs).toEqual([]);
      await context.close();
    } finally {
      await browser.close();
    }
  }, 60_000);
});

describe('what the fuzzer found stays fixed', () => {
  const problem = async (r: Response, status: number, code: string) => {
    expect(r.status).toBe(status);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await r.json()) as { code?: string }).code).toBe(code);
  };
  it('a body that claims a Content-Encoding it does not have is a 400 body_encoding_invalid, not a 500', async () => {
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const r = await fetch(`${sw.api.base}/api/tickets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sw.users.operator.token}`, 'content-type': 'application/json', 'content-encoding': encoding },
        body: JSON.stringify(callBody(sw.fx.category)),
      });
      await problem(r, 400, 'body_encoding_invalid');
    }
  });
  it('a method a path does not serve, or one the router does not know, is a 405 problem (not text, not a 501)', async () => {
    for (const method of ['PATCH', 'PROPFIND']) {
      const r = await fetch(`${sw.api.base}/api/tickets`, { method, headers: { authorization: `Bearer ${sw.users.operator.token}` } });
      await problem(r, 405, 'method_not_allowed');
    }
  });
});

const perRoute = Math.max(6, Math.floor((BUDGET * 0.9) / apiRoutes.length));

describe('every route survives hostile requests', () => {
  it.each(apiRoutes.map((r) => ({ key: routeKey(r), route: r })))(
    '$key',
    async ({ key, route }: { key: string; route: AnyRoute }) => {
      const entry = EXPECTATIONS[key];
      expect(entry, `no expectation for ${key} (test/security/expectations.ts)`).toBeDefined();
      // The route's valid request, made once: the cases swap hostile parts into it.
      const valid = (await entry!.req?.(sw.fx)) ?? {};
      await fc.assert(
        fc.asyncProperty(caseArb(route), async (c) => {
          const { url, init } = requestOf(route, valid, c);
          if (route.access === 'public') sw.deps.clock.advance(61_000);
          counts.api++;
          let r: Response;
          try {
            // A hang is a failure with its case shown, not a test timeout.
            r = await fetch(sw.api.base + url, { ...init, signal: AbortSignal.timeout(15_000) });
          } catch (err) {
            if (err instanceof DOMException && err.name === 'TimeoutError') throw new Error(`no answer in 15 s: ${init.method} ${url}`);
            // The client itself refused (e.g. a header Node's fetch will not send): not a server answer.
            if (
              err instanceof TypeError &&
              /header|ByteString|Invalid/i.test(String((err as Error).message) + String((err as { cause?: Error }).cause?.message))
            )
              return;
            throw err;
          }
          await expectSane(url, r, `${c.subject} ${init.method}`);
        }),
        { numRuns: perRoute, seed: SEED },
      );
    },
    120_000,
  ); // a slow CI machine: one route's cases (uploads among them) may take a while

  it('unknown paths and methods under /api are problem+json, never a 5xx', async () => {
    const methods = ['PATCH', 'OPTIONS', 'HEAD', 'PROPFIND', 'PURGE', 'DELETE', 'PUT', 'POST', 'GET'];
    const paths = [
      '/api/tickets',
      '/api/tickets/1',
      '/api/nope',
      '/api/',
      '/api/tickets/1/../../admin/users',
      '/api/%ff',
      '/api/tickets/%00',
      '/api//tickets',
      '/api/auth/login',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...methods),
        fc.constantFrom(...paths),
        fc.constantFrom<Subject>('anonymous', 'admin', 'operator'),
        async (method, path, subject) => {
          counts.methods++;
          const h: Record<string, string> = subject === 'anonymous' ? {} : { authorization: `Bearer ${sw.users[subject].token}` };
          const r = await fetch(sw.api.base + path, { method, headers: h });
          if (method === 'HEAD' || method === 'OPTIONS') {
            expect(r.status, `${method} ${path}`).toBeLessThan(500);
            await r.arrayBuffer();
            return;
          }
          await expectSane(path, r, method);
        },
      ),
      { numRuns: Math.max(40, Math.floor(BUDGET * 0.03)), seed: SEED },
    );
  });

  it('Open311: hostile forms and queries get the spec’s error list, never a 5xx', async () => {
    const key = sw.users.intake_client.token;
    const formArb = fc.dictionary(
      fc.constantFrom(
        'service_code',
        'description',
        'phone',
        'address_string',
        'lat',
        'long',
        'first_name',
        'last_name',
        'email',
        'api_key',
        'attribute[x]',
        '__proto__',
        'media_url',
      ),
      fc.oneof(hostileString, printable, hostileNumber.map(String)),
      { maxKeys: 8 },
    );
    const endpoints = [
      '/open311/v2/requests.json',
      '/open311/v2/requests.xml',
      '/open311/v2/servicerequestupdates.json',
      '/open311/v2/services/x.json',
      '/open311/v2/requests/1.json',
      '/open311/v2/tokens/x.xml',
      '/open311/v2/discovery.json',
      '/open311/v2/nope.json',
      '/open311/v2/requests.csv',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...endpoints),
        fc.constantFrom('GET', 'POST', 'PUT'),
        formArb,
        fc.boolean(),
        fc.option(HEADER_CHOICES['content-type']!),
        async (path, method, form, withKey, type) => {
          counts.open311++;
          const f = { ...form } as Record<string, string>;
          if (withKey) f.api_key = key;
          const encoded = new URLSearchParams(Object.entries(f)).toString();
          const r = await fetch(sw.api.base + path + (method === 'GET' ? `?${encoded}` : ''), {
            method,
            headers: method === 'GET' ? {} : { 'content-type': type ?? 'application/x-www-form-urlencoded' },
            body: method === 'GET' ? undefined : encoded,
          });
          const text = await r.text();
          statuses[r.status] = (statuses[r.status] ?? 0) + 1;
          expect(r.status, `${method} ${path} → ${text.slice(0, 300)}`).toBeLessThan(500);
          if (r.status >= 400 && /json/.test(r.headers.get('content-type') ?? '')) {
            const list = JSON.parse(text) as { code: number; description: string }[];
            expect(list[0]).toMatchObject({ code: r.status, description: expect.any(String) });
          }
        },
      ),
      { numRuns: Math.max(60, Math.floor(BUDGET * 0.07)), seed: SEED },
    );
  });

  it('nothing the fuzzer sent polluted Object.prototype in the server’s process', () => {
    const probe = {} as Record<string, unknown>;
    for (const k of ['polluted', 'role', 'admin', 'isAdmin']) expect(probe[k], k).toBeUndefined();
  });
});

it('reports the figures (and the fuzzed admin did not lock out the users the cases act as)', async () => {
  for (const s of SUBJECTS.filter((x) => x !== 'anonymous')) expect((await sw.send(s, 'GET', '/api/auth/session')).status, s).toBe(200);
  const total = counts.api + counts.methods + counts.open311;
  expect(counts.api).toBeGreaterThanOrEqual(apiRoutes.length * 6);
  console.log(
    `[security] fuzz (${driver}): ${total} cases (${counts.api} over ${apiRoutes.length} routes at ${perRoute} each, ${counts.methods} unknown paths/methods, ` +
      `${counts.open311} Open311), seed ${SEED} (FUZZ_SEED=${SEED} replays it), 0 server errors; statuses ${JSON.stringify(statuses)}`,
  );
});
