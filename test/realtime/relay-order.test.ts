/**
 * With several instances (PostgreSQL), an event's NOTIFY to the other instances goes out before this instance
 * writes it to its own sockets: the local fan-out holds the event loop for its whole length (≈ 12 µs a socket), and
 * pg-pool dispatches a query only on the next tick, so a NOTIFY queued behind the fan-out left 5,000 sockets late.
 * On the embedded database there is no adapter and the event is written at once.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connectClient, type Socket } from 'socket.io-client';
import type { Database } from '../../db/client.ts';
import { attachRealtime } from '../../src/realtime/server.ts';
import { driver, freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { makeWorld, type World } from '../setup/world.ts';

let database: Database & { url?: string };
let deps: TestDeps;
let w: World;
let server: http.Server;
let realtime: Awaited<ReturnType<typeof attachRealtime>>;
const sockets: Socket[] = [];

beforeAll(async () => {
  database = await freshDatabase();
  deps = makeDeps(database, database.url ? { DATABASE_URL: database.url } : {});
  w = await makeWorld(deps.db);
  server = http.createServer((_req, res) => res.writeHead(404).end());
  realtime = await attachRealtime(server, deps);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await realtime?.close();
  server?.close();
  await database?.close();
});

describe('an event on an instance with others', () => {
  it('is on its way to the other instances (NOTIFY dispatched) before the first local socket is written to', async () => {
    const order: string[] = [];
    // Every local write of the event: the server side of each socket, as the broadcast reaches it.
    type Writer = { writeToEngine(packets: unknown[], opts: unknown): void };
    realtime.io.on('connection', (s) => {
      const client = s.client as unknown as Writer;
      const write = client.writeToEngine.bind(client);
      client.writeToEngine = (packets, opts) => {
        if (String(packets[0]).includes('ticket:event')) order.push('local');
        return write(packets, opts);
      };
    });
    const { default: pg } = await import('pg');
    const query = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
      const [text, values] = args as [unknown, unknown];
      if (String(text).includes('pg_notify') && JSON.stringify(values ?? '').includes('ticket:event')) order.push('notify');
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query;
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const got: unknown[] = [];
      for (const token of [w.dispatcher.token, w.supervisor.token]) {
        const s = connectClient(base, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
        sockets.push(s);
        s.on('ticket:event', (e) => got.push(e));
        await new Promise<void>((resolve, reject) => (s.once('connect', () => resolve()), s.once('connect_error', reject)));
      }
      const publish = async (id: number) => {
        const createdAt = new Date().toISOString();
        deps.bus.publish([{ id, type: 'note', ticketId: 1, assignmentId: null, version: id, toStatus: null, unitIds: [], createdBy: null, createdAt }]);
        const end = Date.now() + 3000;
        while ((got.length < 2 * id || (driver === 'postgres' && !order.includes('notify'))) && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
        await new Promise((r) => setTimeout(r, 100)); // the NOTIFY's connection back in the pool
      };
      // The first NOTIFY may have to open the pool's connection (a running instance has one idle: the adapter's
      // heartbeat uses it every 5 s); the second is the one an event finds on a running instance.
      await publish(1);
      order.length = 0;
      await publish(2);
      expect(got).toHaveLength(4);
      expect(order).toEqual(driver === 'postgres' ? ['notify', 'local', 'local'] : ['local', 'local']);
    } finally {
      pg.Client.prototype.query = query;
    }
  });
});
