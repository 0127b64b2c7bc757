/**
 * What the fuzz tests (test/security/fuzz*.test.ts) share: the security world (./fixtures.ts), the budget and
 * seed, the tallies the report prints, and one route's hostile cases, turned into requests and judged.
 *
 * The number of cases per route comes from one budget (FUZZ_BUDGET, default below); FUZZ_SEED replays a run.
 */
import { afterAll, beforeAll } from 'vitest';
import fc from 'fast-check';
import type { AnyRoute } from '../../src/http/route.ts';
import { roleOf, SUBJECTS, type Subject } from './expectations.ts';
import { makeSecurityWorld, type Req, type SecurityWorld } from './fixtures.ts';
import { headers, paramValue, queryArb, RAW_BODIES, value } from './fuzz-values.ts';

export const BUDGET = Number(process.env.FUZZ_BUDGET ?? 5000);
export const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

export let sw: SecurityWorld;
export const counts = { api: 0, methods: 0, open311: 0 };
export const statuses: Record<string, number> = {};

export function useFuzzWorld() {
  beforeAll(async () => {
    sw = await makeSecurityWorld();
  });
  afterAll(async () => {
    await sw?.close();
  });
}

// ---------------------------------------------------------------- one route's cases

export type Case = {
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

export function caseArb(route: AnyRoute): fc.Arbitrary<Case> {
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
export function requestOf(route: AnyRoute, valid: Req, c: Case): { url: string; init: RequestInit } {
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

export async function expectSane(url: string, r: Response, what: string) {
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
