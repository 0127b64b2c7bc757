import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { apiRoutes } from '../../src/http/routes/index.ts';
import { createApp, routerOf } from '../../src/http/app.ts';
import { freshDatabase, makeDeps } from '../setup/db.ts';
import { startApi, type Api } from '../setup/server.ts';

let database: Database;
let api: Api;

beforeAll(async () => {
  database = await freshDatabase();
  api = await startApi(makeDeps(database));
});
afterAll(async () => {
  await api?.close();
  await database?.close();
});

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 and documents every route the router serves', async () => {
    const r = await api.call('GET', '/api/openapi.json');
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe('3.1.0');
    const documented = new Set<string>();
    for (const [p, ops] of Object.entries<Record<string, unknown>>(r.body.paths)) for (const m of Object.keys(ops)) documented.add(`${m} ${p}`);
    // What the router really serves under /api (not just the route list the document is built from).
    const router = routerOf(createApp(makeDeps(database)));
    const served = router.stack
      .map((l) => ({ path: String(l.path), methods: l.methods }))
      .filter((l) => l.path.startsWith('/api/') && l.path !== '/api/openapi.json')
      .flatMap((l) => l.methods.filter((m) => m !== 'HEAD').map((m) => `${m.toLowerCase()} ${l.path.replace(/:(\w+)/g, '{$1}')}`));
    expect(served.length).toBe(apiRoutes.length);
    expect(served.length).toBeGreaterThan(30);
    for (const s of served) expect(documented, `missing from OpenAPI: ${s}`).toContain(s);
    expect(documented.size).toBe(new Set(served).size);
  });

  it('describes request bodies with the same zod schemas that validate them', async () => {
    const r = await api.call('GET', '/api/openapi.json');
    const create = r.body.paths['/api/tickets'].post;
    const schema = create.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(['type', 'categoryId', 'content', 'caller']));
    expect(schema.properties.type.enum).toEqual(['consult', 'help', 'complaint', 'report', 'suggestion']);
    expect(create.parameters.map((p: { name: string }) => p.name)).toContain('Idempotency-Key');
    const sign = r.body.paths['/api/assignments/{id}/sign'].post;
    expect(sign.parameters[0]).toMatchObject({ name: 'id', in: 'path', required: true });
    expect(sign.responses['409']).toBeDefined();
  });
});

describe('health', () => {
  it('/healthz answers without the database and /readyz checks it', async () => {
    expect((await api.call('GET', '/healthz')).body).toEqual({ status: 'ok' });
    const ready = await api.call('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', database: 'ok' });
  });

  it('/readyz reports 503 when the database is gone', async () => {
    const db2 = await freshDatabase();
    const api2 = await startApi(makeDeps(db2));
    await db2.close();
    const r = await api2.call('GET', '/readyz');
    expect(r.status).toBe(503);
    expect(r.body.database).toBe('unreachable');
    await api2.close();
  });
});

describe('responses', () => {
  it('carry a request id and security headers', async () => {
    const r = await api.call('GET', '/api/auth/session', { headers: { 'x-request-id': 'abc-123' } });
    expect(r.status).toBe(401);
    expect(r.headers.get('x-request-id')).toBe('abc-123');
    expect(r.body.requestId).toBe('abc-123');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(r.headers.get('content-type')).toContain('application/problem+json');
  });
});
