/**
 * The access matrix, generated from the route table: every API route × every role × own unit / other unit /
 * no session, each compared with the outcome expectations.ts derives (allow, 401, 403, or 404 for another
 * unit's resource). Open311 and the public look-up follow their own rules, below. Every response body is
 * scanned for the seeded callers' contact details at the end (pii-scan.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../src/http/routes/index.ts';
import type { AnyRoute } from '../../src/http/route.ts';
import { driver } from '../setup/db.ts';
import { callBody } from '../setup/world.ts';
import { EXPECTATIONS, SUBJECTS, expectedOutcome, routeKey, type Outcome, type Subject } from './expectations.ts';
import { makeSecurityWorld, urlOf, type Res, type SecurityWorld } from './fixtures.ts';
import { SEEDED, mask } from './pii-scan.ts';

let sw: SecurityWorld;
const cells = { api: 0, open311: 0, lookup: 0 };
/** Outcomes seen in the API matrix, by kind */
const tally: Record<string, number> = {};

beforeAll(async () => {
  sw = await makeSecurityWorld({ report: true });
});
afterAll(async () => {
  await sw?.close();
});

const isProblem = (r: Res) => /^application\/problem\+json/.test(r.headers.get('content-type') ?? '') && typeof r.body?.code === 'string';

/** Why a response does not match the expected outcome, or null when it does. */
function mismatch(r: Res, want: Outcome): string | null {
  if (r.status >= 500) return `server error ${r.status}`;
  if (r.status >= 400 && !isProblem(r)) return `status ${r.status} is not problem+json with a code`;
  if (want.allow) return [401, 403, 404].includes(r.status) ? `denied (${r.status} ${r.body?.code}) but should be allowed` : null;
  if (r.status !== want.status) return `expected ${want.status} but got ${r.status}`;
  if (!want.code.test(r.body.code)) return `expected code ${want.code} but got ${r.body.code}`;
  return null;
}

it('every route in the route table has an expectation, and every expectation a route', () => {
  const keys = apiRoutes.map(routeKey);
  const missing = keys.filter((k) => !EXPECTATIONS[k]);
  expect(missing, 'add these routes to test/security/expectations.ts').toEqual([]);
  expect(
    Object.keys(EXPECTATIONS).filter((k) => !keys.includes(k)),
    'expectations for routes that no longer exist',
  ).toEqual([]);
});

describe.each(apiRoutes.map((r) => ({ key: routeKey(r), route: r })))('$key', ({ key, route }: { key: string; route: AnyRoute }) => {
  it('answers every subject as expected', async () => {
    const entry = EXPECTATIONS[key];
    expect(entry, `no expectation for ${key}`).toBeDefined();
    // Denials first: an allowed write may change what a later call finds.
    const order = [...SUBJECTS].sort((a, b) => Number(expectedOutcome(route, entry!, a).allow) - Number(expectedOutcome(route, entry!, b).allow));
    const failures: string[] = [];
    for (const subject of order) {
      const want = expectedOutcome(route, entry!, subject);
      const req = (await entry!.req?.(sw.fx)) ?? {};
      // The public look-up is rate-limited per address; the fixed clock moves past the window between calls.
      if (route.access === 'public') sw.deps.clock.advance(61_000);
      const url = urlOf(route.path, req);
      const r = await sw.send(subject, route.method.toUpperCase(), url, req);
      cells.api++;
      const kind = want.allow ? `allowed ${r.status < 300 ? '2xx' : r.status}` : `denied ${r.status}`;
      tally[kind] = (tally[kind] ?? 0) + 1;
      const why = mismatch(r, want);
      if (why) failures.push(`${subject}: ${why} — ${route.method.toUpperCase()} ${url} → ${r.text.slice(0, 300)}`);
    }
    expect(failures).toEqual([]);
  });
});

describe('the chain of levels: a parent decides on its direct sub-unit’s requests, no one else', () => {
  it('on community A’s sub-assignment street A reaches the version check; the community, the district above and the centre 403; a sibling community and another district 404', async () => {
    const decisions = apiRoutes.filter((r) => /^\/api\/assignments\/:id\/(sub-(reply|return|extension)\/(approve|reject)|recall)$/.test(r.path));
    expect(decisions).toHaveLength(7);
    const want: [Subject, number, string][] = [
      ['unit_handler@own', 409, 'version_conflict'],
      ['unit_leader@own', 409, 'version_conflict'],
      ['unit_handler@community', 403, 'forbidden'],
      ['unit_handler@district', 403, 'forbidden'],
      ['dispatcher', 403, 'forbidden'],
      ['unit_handler@sibling', 404, 'assignment_not_found'],
      ['unit_handler@other', 404, 'assignment_not_found'],
    ];
    const failures: string[] = [];
    for (const route of decisions) {
      const req = await EXPECTATIONS[routeKey(route)]!.req!(sw.fx);
      expect(req.params?.id, routeKey(route)).toBe(sw.fx.chain.communitySub);
      // The top-level assignment is no sub-assignment: its own unit is told so.
      const top = { ...req, params: { id: sw.fx.assignmentA } };
      for (const [subject, status, code, r] of [...want.map((x) => [...x, req] as const), ['unit_handler@own', 422, 'not_a_sub_assignment', top] as const]) {
        const res = await sw.send(subject, 'POST', urlOf(route.path, r), r);
        if (res.status !== status || res.body?.code !== code)
          failures.push(`${subject} ${urlOf(route.path, r)} → ${res.status} ${res.body?.code}, want ${status} ${code}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('an intake client and the public', () => {
  it('an intake client reads the ticket it submitted and nothing of anyone else’s', async () => {
    const own = await sw.send('intake_client', 'POST', '/api/tickets', { body: callBody(sw.fx.category, { caller: { name: '测试', phone: '13512340077' } }) });
    expect(own.status).toBe(201);
    for (const path of [`/api/tickets/${own.body.id}`, `/api/tickets/${own.body.id}/events`, `/api/tickets/by-number/${own.body.number}`]) {
      expect((await sw.send('intake_client', 'GET', path)).status, path).toBe(200);
    }
    const list = await sw.send('intake_client', 'GET', '/api/tickets?limit=200');
    expect(list.body.items.map((t: { id: number }) => t.id).sort()).toEqual([own.body.id, sw.fx.portalTicket].sort());
    // Other units see neither it nor its existence.
    for (const s of ['unit_handler@own', 'unit_handler@other'] as Subject[]) expect((await sw.send(s, 'GET', `/api/tickets/${own.body.id}`)).status).toBe(404);
  });

  it('the public look-up needs the number and the caller’s last four digits; it shows no contact details', async () => {
    const look = async (number: string, last4: string) => {
      sw.deps.clock.advance(61_000);
      cells.lookup++;
      return sw.send('anonymous', 'GET', `/api/public/lookup?${new URLSearchParams({ number, last4 })}`);
    };
    const ok = await look(sw.fx.ticketA.number, '5678');
    expect(ok.status, ok.text).toBe(200);
    const wrong = await look(sw.fx.ticketA.number, '0000');
    expect(wrong.status).toBe(404);
    expect(wrong.body.code).toBe('lookup_not_found');
    const confidential = await look(sw.fx.confidentialA.number, SEEDED.confidential.phone.slice(-4));
    expect(confidential.status).toBe(200);
    for (const r of [ok, confidential]) {
      expect(r.text).not.toContain(SEEDED.plain.phone);
      expect(r.text).not.toContain(mask(SEEDED.plain.phone));
      expect(r.text).not.toContain(SEEDED.plain.name);
      expect(r.text).not.toContain(SEEDED.confidential.name);
    }
  });
});

describe('Open311 (/open311/v2): reads are public, writes need an intake client’s api_key', () => {
  const KEYS: { who: string; key: () => string | undefined; allowed: boolean }[] = [
    { who: 'no key', key: () => undefined, allowed: false },
    { who: 'unknown key', key: () => 'jst_unknown_key_0000000000000000000000', allowed: false },
    { who: 'sql in the key', key: () => "' OR '1'='1", allowed: false },
  ];

  beforeAll(() => {
    for (const s of SUBJECTS) {
      if (s === 'anonymous') continue;
      KEYS.push({ who: `${s}'s token`, key: () => sw.users[s as Exclude<Subject, 'anonymous'>].token, allowed: s === 'intake_client' });
    }
  });

  async function o311(method: string, path: string, form?: Record<string, string>) {
    const r = await fetch(sw.api.base + path, {
      method,
      headers: form ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    const text = await r.text();
    sw.recorder.record({ subject: 'open311', method, url: path, status: r.status, text });
    cells.open311++;
    return { status: r.status, text, type: r.headers.get('content-type') ?? '' };
  }

  it('POST requests.json: only an intake client’s key files a request; every other key is a 403 in the spec’s error format', async () => {
    const services = JSON.parse((await o311('GET', '/open311/v2/services.json')).text) as { service_code: string }[];
    const code = services[0]?.service_code ?? 'none';
    for (const k of KEYS) {
      const form: Record<string, string> = {
        service_code: code,
        description: '路灯不亮已经一周了，晚上出行不便',
        phone: '13512340088',
        address_string: '甲区甲街道幸福里',
      };
      const key = k.key();
      if (key !== undefined) form.api_key = key;
      const r = await o311('POST', '/open311/v2/requests.json', form);
      expect(r.status, `${k.who}: ${r.text}`).toBeLessThan(500);
      if (k.allowed) expect([200, 201, 400], `${k.who}: ${r.text}`).toContain(r.status);
      else {
        expect(r.status, `${k.who}: ${r.text}`).toBe(403);
        expect(JSON.parse(r.text)[0]).toMatchObject({ code: 403, description: expect.any(String) });
      }
    }
  });

  it('every read answers without a key, never a 5xx, never a caller’s contact details', async () => {
    const paths = [
      '/open311/v2/discovery.json',
      '/open311/v2/discovery.xml',
      '/open311/v2/services.json',
      '/open311/v2/services.xml',
      `/open311/v2/requests.json?start_date=2026-03-01T00:00:00Z&end_date=2026-03-20T00:00:00Z`,
      `/open311/v2/requests.xml`,
      `/open311/v2/requests/${sw.fx.ticketA.number}.json`,
      `/open311/v2/requests/${sw.fx.confidentialA.number}.json`,
      '/open311/v2/tokens/whatever.json',
      `/open311/v2/servicerequestupdates.json?start_date=2026-03-01T00:00:00Z&end_date=2026-03-20T00:00:00Z`,
    ];
    for (const p of paths) {
      const r = await o311('GET', p);
      expect(r.status, `${p}: ${r.text}`).toBeLessThan(500);
      expect([200, 400, 404], p).toContain(r.status);
      expect(r.type, p).toMatch(p.includes('.xml') ? /xml/ : /json/);
    }
  });
});

it('no response in this file leaked a caller’s number or a confidential caller to a subject that may not see it', () => {
  const leaks = sw.recorder.leaks();
  expect(leaks).toEqual([]);
  const { bodies, bytes } = sw.recorder.size;
  expect(bodies).toBeGreaterThan(apiRoutes.length * SUBJECTS.length);
  const total = cells.api + cells.open311 + cells.lookup;
  console.log(
    `[security] access matrix (${driver}): ${apiRoutes.length} routes × ${SUBJECTS.length} subjects = ${cells.api} API cells, ` +
      `${cells.open311} Open311 and ${cells.lookup} look-up cells (${total} in all); PII scan: ${bodies} bodies, ${bytes} bytes, 0 leaks`,
  );
  console.log(`[security] access matrix outcomes: ${JSON.stringify(Object.fromEntries(Object.entries(tally).sort()))}`);
});
