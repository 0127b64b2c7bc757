/**
 * What every answer carries: security headers (HSTS only behind HTTPS), CORS closed (no
 * Access-Control-Allow-Origin for any origin, on the API and on the socket.io handshake), and the body checks
 * following configuration (BODY_LIMIT → 413, non-JSON → 415). The default-limit 413, invalid JSON and CSRF
 * cases are in test/http/endpoints.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { freshDatabase, makeDeps } from '../setup/db.ts';
import { startApi, type Api } from '../setup/server.ts';
import { callBody, makeWorld, type World } from '../setup/world.ts';
import { expectProblem } from '../setup/ticket-flow.ts';

let database: Database;
let plain: Api;
let https: Api;
let w: World;

beforeAll(async () => {
  database = await freshDatabase();
  plain = await startApi(makeDeps(database, { BODY_LIMIT: '2kb' }), { realtime: true });
  https = await startApi(makeDeps(database, { COOKIE_SECURE: true }));
  w = await makeWorld(makeDeps(database).db);
});
afterAll(async () => {
  await plain?.close();
  await https?.close();
  await database?.close();
});

describe('security headers', () => {
  it.each(['/', '/api/auth/session', '/api/openapi.json', '/healthz', '/api/no-such-route'])(
    '%s carries CSP, frame, sniffing and referrer rules',
    async (path) => {
      const r = await fetch(plain.base + path);
      const csp = r.headers.get('content-security-policy')!;
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
      // Plain HTTP (a laptop): no HSTS, which would pin localhost to HTTPS in the browser.
      expect(r.headers.get('strict-transport-security')).toBeNull();
    },
  );

  it('HSTS when the deployment is behind HTTPS (COOKIE_SECURE=true), and the session cookie is Secure', async () => {
    const r = await https.call('GET', '/api/auth/session');
    expect(r.headers.get('strict-transport-security')).toMatch(/^max-age=\d{7,}; includeSubDomains$/);
    const login = await https.call('POST', '/api/auth/login', { body: { username: w.dispatcher.username, password: 'Test@Passw0rd' } });
    expect(login.status).toBe(200);
    expect(
      login.headers
        .getSetCookie()
        .find((c) => c.startsWith('jiesu_session='))!
        .toLowerCase(),
    ).toContain('; secure');
  });

  it('API answers are not cached', async () => {
    const r = await plain.call('GET', '/api/units', { token: w.dispatcher.token });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
  });
});

const evil = 'https://evil.example';

describe('CORS is closed', () => {
  it('a cross-origin preflight gets no Access-Control-Allow-* headers, so the browser refuses the request', async () => {
    const r = await fetch(`${plain.base}/api/tickets`, {
      method: 'OPTIONS',
      headers: { origin: evil, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-csrf-token' },
    });
    expect(r.status).toBeLessThan(500);
    for (const h of ['access-control-allow-origin', 'access-control-allow-credentials', 'access-control-allow-headers', 'access-control-allow-methods']) {
      expect(r.headers.get(h), h).toBeNull();
    }
  });

  it('a cross-origin read gets no Access-Control-Allow-Origin (its script cannot see the answer)', async () => {
    const r = await fetch(`${plain.base}/api/units`, { headers: { origin: evil, authorization: `Bearer ${w.dispatcher.token}` } });
    expect(r.status).toBe(200);
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
    expect(r.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('nor does the socket.io handshake', async () => {
    const r = await fetch(`${plain.base}/socket.io/?EIO=4&transport=polling`, { headers: { origin: evil } });
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('request bodies', () => {
  it('a JSON body over BODY_LIMIT → 413 payload_too_large (the configured limit, here 2kb)', async () => {
    const big = callBody(w.category.id, { content: '噪'.repeat(1200) }); // ~3.6 kB of UTF-8
    expectProblem(await plain.call('POST', '/api/tickets', { token: w.operator.token, body: big }), 413, 'payload_too_large');
    const small = callBody(w.category.id);
    expect((await plain.call('POST', '/api/tickets', { token: w.operator.token, body: small })).status).toBe(201);
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
    'a %s body on a JSON route → 415 unsupported_media_type',
    async (type) => {
      const r = await plain.call('POST', '/api/tickets', {
        token: w.operator.token,
        body: JSON.stringify(callBody(w.category.id)),
        headers: { 'content-type': type },
      });
      expectProblem(r, 415, 'unsupported_media_type');
    },
  );

  it('a cookie session cannot be ridden by a form post from another site: no JSON → 415 before anything else', async () => {
    const login = await plain.call('POST', '/api/auth/login', { body: { username: w.operator.username, password: 'Test@Passw0rd' } });
    const cookie = login.headers
      .getSetCookie()
      .find((c) => c.startsWith('jiesu_session='))!
      .split(';')[0]!;
    const r = await fetch(`${plain.base}/api/auth/logout`, {
      method: 'POST',
      headers: { cookie, origin: evil, 'content-type': 'text/plain' },
      body: '{"everywhere":true}',
    });
    expect(r.status).toBe(415);
    // …and with JSON but no CSRF token, 403; with the token (bearer needs none), it works.
    expectProblem(await plain.call('POST', '/api/auth/logout', { body: {}, headers: { cookie } }), 403, 'csrf_failed');
    expect((await plain.call('POST', '/api/auth/logout', { body: {}, headers: { cookie, 'x-csrf-token': login.body.csrfToken } })).status).toBe(204);
    expect((await plain.call('POST', '/api/auth/logout', { body: {}, token: w.operator.token })).status).toBe(204);
  });
});
