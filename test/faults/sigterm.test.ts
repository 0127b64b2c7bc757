/**
 * SIGTERM drains: the app (a child process on a PGlite data folder) gets SIGTERM while a request
 * is in flight (its body still arriving) and a socket is connected. The request still completes with 201 and
 * its ticket is in the database; new connections are refused at once; the socket is disconnected; the cron
 * jobs are stopped; the process exits 0 within seconds and releases the data-folder lock.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { io as ioClient } from 'socket.io-client';
import { connect } from '../../db/client.ts';

const root = path.resolve(import.meta.dirname, '../..');
const PORTAL_TOKEN = 'jst_demo_online_portal_0000000000000000';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jiesu-sigterm-'));
let child: ChildProcess | null = null;

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(`${dir}.keys.json`, { force: true }); // the default key file beside the data folder
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SIGTERM', () => {
  it('drains the in-flight request, refuses new connections, disconnects sockets, stops jobs, exits 0 and unlocks', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: '',
        DATA_DIR: dir,
        SEED_DEMO: 'true',
        DEMO_HISTORY_DAYS: '0',
        JOBS: 'true',
        LOG_LEVEL: 'info',
        PORT: '0',
        HOST: '127.0.0.1',
        SHUTDOWN_TIMEOUT_MS: '10000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<{ code: number | null; at: number }>((r) => child!.once('exit', (code) => r({ code, at: Date.now() })));
    for (let i = 0; i < 1500 && !/jiesu listening/.test(out); i++) {
      if (child.exitCode !== null) throw new Error(`the app exited before listening:\n${out}`);
      await sleep(100);
    }
    const port = Number(/"port":(\d+)[^\n]*jiesu listening/.exec(out)?.[1]);
    expect(port, out).toBeGreaterThan(0);
    const base = `http://127.0.0.1:${port}`;

    // A live socket (bearer handshake).
    const socket = ioClient(base, { auth: { token: PORTAL_TOKEN }, transports: ['websocket'], reconnection: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    const disconnected = new Promise<string>((r) => socket.once('disconnect', r));

    // A request in flight: headers and half the body sent, the rest after SIGTERM.
    const cats = (await (await fetch(`${base}/api/categories`, { headers: { authorization: `Bearer ${PORTAL_TOKEN}` } })).json()) as { items: unknown[] };
    const leaf = (cats.items as { id: number; level: number; public: boolean }[]).find((c) => c.level === 3 && c.public !== false)!.id;
    const body = Buffer.from(
      JSON.stringify({
        type: 'complaint',
        categoryId: leaf,
        content: '关机测试：小区门口夜间施工噪音扰民，请尽快处理',
        address: '东城区东华街道幸福里3号',
        caller: { name: '测试', phone: '13800001234' },
      }),
    );
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(`${base}/api/tickets`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${PORTAL_TOKEN}`,
          'content-type': 'application/json',
          'content-length': body.length,
          'idempotency-key': 'sigterm-test-1',
        },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      });
      req.on('error', reject);
      req.write(body.subarray(0, 40));
      setTimeout(() => {
        child!.kill('SIGTERM');
        setTimeout(() => req.end(body.subarray(40)), 1500);
      }, 300);
    });

    // New connections are refused while the in-flight request is still being received.
    await sleep(300 + 500);
    const refused = await new Promise<string>((r) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), r('accepted')));
      s.once('error', (e: NodeJS.ErrnoException) => r(e.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
    expect(await disconnected).toBe('io server disconnect');

    const r = await response;
    expect(r.status, r.body).toBe(201);
    const ticket = JSON.parse(r.body) as { id: number; number: string };
    const answeredAt = Date.now();

    const { code, at } = await exited;
    expect(code, out).toBe(0);
    expect(at - answeredAt).toBeLessThan(5000);
    expect(out).toMatch(/shutting down/);
    expect(out).toMatch(/"msg":"jobs stopped"/);
    expect(out).toMatch(/"msg":"connections closed"/);
    expect(out).toMatch(/"msg":"stopped"/);
    expect(out).not.toMatch(/drain timeout/);
    expect(fs.existsSync(path.join(dir, '.jiesu.lock'))).toBe(false);
    socket.close();

    // The drained request's ticket was committed, with its creation event.
    const db = await connect({ dataDir: dir });
    try {
      const rows = await db.query<{ number: string; events: number }>(
        `select number, (select count(*)::int from ticket_events e where e.ticket_id = t.id and e.type = 'ticket_created') as events from tickets t where id = $1`,
        [ticket.id],
      );
      expect(rows).toEqual([{ number: ticket.number, events: 1 }]);
    } finally {
      await db.close();
    }
  }, 240_000);
});
