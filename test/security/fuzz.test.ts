/**
 * Fuzzing with fast-check: for every route in the route table, malformed and hostile path parameters, query
 * strings, bodies and headers, sent as a random role (mostly one the route allows, so handlers run) — never
 * a 5xx, and every error is problem+json with a code. Open311 gets the same treatment in its own error format.
 * Injection strings stored and shown verbatim: ./fuzz-injection.test.ts.
 *
 * The number of cases per route comes from one budget (FUZZ_BUDGET, default in ./fuzz-fixtures.ts); FUZZ_SEED replays a run.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { apiRoutes } from '../../src/http/routes/index.ts';
import type { AnyRoute } from '../../src/http/route.ts';
import { driver } from '../setup/db.ts';
import { EXPECTATIONS, SUBJECTS, routeKey, type Subject } from './expectations.ts';
import { BUDGET, caseArb, counts, expectSane, requestOf, SEED, statuses, sw, useFuzzWorld } from './fuzz-fixtures.ts';
import { HEADER_CHOICES, hostileNumber, hostileString, printable } from './fuzz-values.ts';

useFuzzWorld();

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
