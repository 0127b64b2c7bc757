import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connectClient, type Socket } from 'socket.io-client';
import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { users } from '../../db/schema/index.ts';
import { freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { startApi, type Api } from '../setup/server.ts';
import { expectProblem, ticketFlow, leadOf } from '../setup/ticket-flow.ts';
import { makeUser, makeWorld, type World } from '../setup/world.ts';
import { serveWeb } from '../../src/http/static.ts';
import { LOOKUP_LIMIT_PER_MINUTE } from '../../src/http/routes/public.ts';

let database: Database;
let deps: TestDeps;
let api: Api;
let w: World;

beforeAll(async () => {
  database = await freshDatabase();
  deps = makeDeps(database);
  api = await startApi(deps, { realtime: true });
  w = await makeWorld(deps.db);
});
afterAll(async () => {
  await api?.close();
  await database?.close();
});

const lookup = (number: string, last4: string, ip?: string) =>
  api.call('GET', `/api/public/lookup?number=${encodeURIComponent(number)}&last4=${last4}`, { headers: ip ? { 'x-forwarded-for': ip } : {} });

describe('GET /api/public/lookup (citizen look-up)', () => {
  it('shows the public side of a closed ticket: status, category, times, public events and the public reply — nothing personal or internal', async () => {
    const f = ticketFlow(api, w);
    const created = await f.create({ caller: { name: '赵先生', phone: '13611112222' }, content: '小区门口夜间施工噪音扰民严重，请尽快处理，内部备注勿外传' });
    let v = await f.ticket(w.dispatcher, created, 'dispatch', { leadUnitId: w.units.streetA.id, note: '派单内部说明XYZ' });
    v = await f.assignment(w.handlerA, v, leadOf(v), 'sign');
    v = await f.assignment(w.handlerA, v, leadOf(v), 'contact', { method: 'phone', summary: '联系记录内部内容ABC' });
    v = await f.assignment(w.handlerA, v, leadOf(v), 'note', { text: '内部办理记录DEF' });
    v = await f.assignment(w.handlerA, v, leadOf(v), 'reply', { content: '已协调施工单位调整作业时间，夜间停止施工。' });
    v = await f.ticket(w.dispatcher, v, 'reply/approve', { publicReply: '经核实，施工单位已停止夜间施工。' });
    v = await f.ticket(w.callbackAgent, v, 'callback', { reached: true, solved: 'solved', satisfaction: 'satisfied', comment: '回访备注GHI' });
    expect(v.status).toBe('closed');

    const r = await lookup(v.number, '2222');
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.body).toMatchObject({
      number: v.number,
      status: 'closed',
      category: w.category.name,
      closeReason: 'completed',
      publicReply: '经核实，施工单位已停止夜间施工。',
      createdAt: expect.any(String),
      closedAt: expect.any(String),
    });
    expect(r.body.events.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['ticket_created', 'dispatch', 'approve_reply', 'callback_close']),
    );
    expect(r.body.events.map((e: { type: string }) => e.type)).not.toContain('note');
    for (const e of r.body.events) expect(Object.keys(e).sort()).toEqual(['at', 'status', 'type']);
    const text = JSON.stringify(r.body);
    for (const secret of ['赵先生', '13611112222', '内部', 'XYZ', 'ABC', 'DEF', 'GHI', '夜间停止施工。"', w.units.streetA.name]) {
      expect(text, secret).not.toContain(secret);
    }
  });

  it('answers a wrong last4 exactly like an unknown number (404 lookup_not_found)', async () => {
    const t = await ticketFlow(api, w).create({ caller: { phone: '13633334444' } });
    const wrong = await lookup(t.number, '0000', '10.0.0.2');
    const unknown = await lookup('19990101-999999', '4444', '10.0.0.2');
    expectProblem(wrong, 404, 'lookup_not_found');
    expectProblem(unknown, 404, 'lookup_not_found');
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined, instance: undefined });
    expect(strip(wrong.body)).toEqual(strip(unknown.body));
    expect((await lookup(t.number, '4444', '10.0.0.2')).status).toBe(200);
  });

  it('validates the number and the four digits (400)', async () => {
    expectProblem(await lookup('12345', '1234'), 400, 'validation_failed');
    expectProblem(await lookup('20260310-000001', '12a4'), 400, 'validation_failed');
  });

  it(`is rate-limited to ${LOOKUP_LIMIT_PER_MINUTE} a minute per number (from any address) and per address: 429 rate_limited with Retry-After`, async () => {
    // TRUST_PROXY is off in tests, so every request comes from 127.0.0.1: use a second app whose clock we move.
    const d2 = makeDeps(database, { TRUST_PROXY: true });
    const api2 = await startApi(d2);
    try {
      const t = await ticketFlow(api, w).create({ caller: { phone: '13655556666' } });
      const at = (ip: string, last4: string) =>
        api2.call('GET', `/api/public/lookup?number=${t.number}&last4=${last4}`, { headers: { 'x-forwarded-for': ip } });
      // Per number: guesses spread over many addresses still stop at the limit.
      for (let i = 0; i < LOOKUP_LIMIT_PER_MINUTE; i++) expect((await at(`10.1.0.${i}`, String(1000 + i))).status).toBe(404);
      const limited = await at('10.1.1.1', '6666');
      expectProblem(limited, 429, 'rate_limited');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      // A minute later the window has passed.
      d2.clock.advance(61_000);
      expect((await at('10.1.1.1', '6666')).status).toBe(200);
      // Per address: one address looking up many numbers.
      const from = (ip: string, i: number) =>
        api2.call('GET', `/api/public/lookup?number=20260101-1${String(i).padStart(5, '0')}&last4=1234`, { headers: { 'x-forwarded-for': ip } });
      for (let i = 0; i < LOOKUP_LIMIT_PER_MINUTE; i++) expect((await from('10.2.0.1', i)).status).toBe(404);
      expectProblem(await from('10.2.0.1', 99), 429, 'rate_limited');
      expect((await from('10.2.0.2', 99)).status).toBe(404);
    } finally {
      await api2.close();
    }
  });
});

describe('POST /api/telephony/call-events (screen pop)', () => {
  let telephony: Awaited<ReturnType<typeof makeUser>>;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    telephony = await makeUser(deps.db, 'intake_client', w.units.centre);
    await deps.db.update(users).set({ username: 'telephony' }).where(eq(users.id, telephony.id));
  });
  afterAll(() => {
    for (const s of sockets) s.disconnect();
  });

  const connect = (token: string) =>
    new Promise<Socket>((resolve, reject) => {
      const s = connectClient(api.base, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
      sockets.push(s);
      s.once('connect', () => resolve(s));
      s.once('connect_error', reject);
    });

  it("reaches that operator's screens only, with the normalised number", async () => {
    const other = await makeUser(deps.db, 'operator', w.units.centre);
    const [mine, theirs] = await Promise.all([connect(w.operator.token), connect(other.token)]);
    const got: unknown[] = [];
    theirs.on('call:incoming', (c) => got.push(c));
    const popped = new Promise((resolve) => mine.once('call:incoming', resolve));
    const r = await api.call('POST', '/api/telephony/call-events', {
      token: telephony.token,
      body: { phone: '+86 138-1234-5678', agent: w.operator.username },
    });
    expect(r.status).toBe(202);
    expect(await popped).toMatchObject({ phone: '13812345678', agent: w.operator.username, at: expect.any(String) });
    // The other operator's socket got nothing (an event to it would have arrived before this round trip).
    await new Promise((resolve) => theirs.emit('ticket:subscribe', -1, resolve));
    expect(got).toEqual([]);
  });

  it('admins may post too; other intake clients (the online portal) and other roles may not', async () => {
    const body = { phone: '13812345678', agent: w.operator.username };
    expect((await api.call('POST', '/api/telephony/call-events', { token: w.admin.token, body })).status).toBe(202);
    expectProblem(await api.call('POST', '/api/telephony/call-events', { token: w.portal.token, body }), 403, 'forbidden');
    expectProblem(await api.call('POST', '/api/telephony/call-events', { token: w.operator.token, body }), 403, 'forbidden');
    expectProblem(await api.call('POST', '/api/telephony/call-events', { body }), 401, 'unauthenticated');
  });

  it('refuses an unknown or non-operator agent (422) and a bad number (400)', async () => {
    expectProblem(
      await api.call('POST', '/api/telephony/call-events', { token: telephony.token, body: { phone: '13812345678', agent: 'nobody' } }),
      422,
      'agent_unknown',
    );
    expectProblem(
      await api.call('POST', '/api/telephony/call-events', { token: telephony.token, body: { phone: '13812345678', agent: w.dispatcher.username } }),
      422,
      'agent_unknown',
    );
    expectProblem(
      await api.call('POST', '/api/telephony/call-events', { token: telephony.token, body: { phone: '123', agent: w.operator.username } }),
      400,
      'validation_failed',
    );
  });
});

describe('serveWeb (the built app from Koa)', () => {
  let dir: string;
  let base: string;
  let server: http.Server;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jiesu-web-'));
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>app</title>');
    fs.writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    fs.writeFileSync(path.join(os.tmpdir(), 'jiesu-secret.txt'), 'secret');
    const app = new Koa();
    app.use(serveWeb(dir));
    app.use((ctx) => {
      ctx.status = 404;
      ctx.body = 'fell through';
    });
    server = http.createServer(app.callback());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves hashed assets with a year-long immutable cache and index.html revalidated', async () => {
    const asset = await fetch(`${base}/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    const index = await fetch(`${base}/`);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(await index.text()).toContain('<title>app</title>');
    // node:http, not fetch: fetch adds Cache-Control: no-cache to a conditional request.
    const status = await new Promise<number>((resolve, reject) =>
      http
        .get(`${base}/`, { headers: { 'if-modified-since': index.headers.get('last-modified')! } }, (res) => (res.resume(), resolve(res.statusCode!)))
        .on('error', reject),
    );
    expect(status).toBe(304);
  });

  it('answers deep links with the app (SPA fallback) but never API paths, missing files or files outside the folder', async () => {
    for (const p of ['/unit', '/lookup?n=20260310-000001', '/dispatch/extra']) {
      const r = await fetch(base + p);
      expect(r.status, p).toBe(200);
      expect(await r.text()).toContain('<title>app</title>');
    }
    for (const p of ['/api/nope', '/api', '/socket.io/x', '/healthz', '/assets/missing-1.js', '/%2e%2e/jiesu-secret.txt', '/..%2Fjiesu-secret.txt']) {
      const r = await fetch(base + p);
      expect(r.status, p).toBe(404);
      expect(await r.text(), p).toBe('fell through');
    }
    expect((await fetch(`${base}/unit`, { method: 'POST' })).status).toBe(404);
  });

  it('in the real app, keeps the API’s problem+json 404 and the CSP on pages', async () => {
    const r = await api.call('GET', '/api/no-such-thing');
    expectProblem(r, 404, 'route_not_found');
    const page = await fetch(`${api.base}/lookup`);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
  });
});
