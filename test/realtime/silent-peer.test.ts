/**
 * An instance killed between committing an event and relaying it (its NOTIFY) takes the relay with it; the sockets
 * on the other instances never disconnected, so no reconnect replays it. The survivor notices the silent peer by
 * the adapter's heartbeat (10 s) and tells its sockets where events may have been missed ('missed-events'); each
 * asks a catch-up from there, as the web app does, and hears the event — once.
 *
 * Two instances in this process on PostgreSQL (./cluster.ts, both passes). Instance B is made silent the way a
 * kill -9 makes it: its adapter publishes nothing more (no relay, no heartbeat, no goodbye).
 */
import { describe, expect, it } from 'vitest';
import { io as connectClient } from 'socket.io-client';
import type { TicketEventMessage } from '../../src/contract/socket.ts';
import { LiveCursor } from '../../web/src/live-cursor.ts';
import { callBody } from '../setup/world.ts';
import { useTwoInstances } from './cluster.ts';

const f = useTwoInstances();

const until = async (what: string, ok: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('a peer that goes silent after committing', () => {
  it('its unrelayed event reaches the sockets on the survivor through a catch-up, once', async () => {
    const cursor = new LiveCursor(5000, 0);
    const heard: number[] = [];
    const missed: number[] = [];
    const socket = connectClient(f.a.base, { auth: { token: f.w.dispatcher.token }, transports: ['websocket'], reconnection: false, forceNew: true });
    f.sockets.push(socket);
    socket.on('ticket:event', (e: TicketEventMessage) => {
      if (cursor.fresh(e.id)) heard.push(e.id);
    });
    socket.on('missed-events', ({ after }: { after: number }) => {
      missed.push(after);
      socket.emit('catch-up', cursor.missedSince(after));
    });
    await new Promise<void>((resolve, reject) => (socket.once('connect', () => resolve()), socket.once('connect_error', reject)));

    // Relayed normally first: B's event reaches the socket on A.
    const relayed = await f.b.call('POST', '/api/tickets', { token: f.w.operator.token, body: callBody(f.w.category.id) });
    expect(relayed.status).toBe(201);
    await until('the relayed event', () => heard.length === 1, 10_000);

    // B goes silent, as under kill -9: nothing more leaves its adapter.
    const adapter = f.b.io!.of('/').adapter as unknown as { publish(m: unknown): void; heartbeatTimer?: NodeJS.Timeout };
    adapter.publish = () => {};
    clearTimeout(adapter.heartbeatTimer);
    const lost = await f.b.call('POST', '/api/tickets', { token: f.w.operator.token, body: callBody(f.w.category.id) });
    expect(lost.status).toBe(201);
    await new Promise((r) => setTimeout(r, 1000));
    expect(heard).toHaveLength(1); // committed, never relayed

    // Within the heartbeat timeout (10 s) and the adapter's 1 s check, A tells the socket; its catch-up brings it.
    await until("'missed-events' from the survivor", () => missed.length > 0, 20_000);
    await until('the unrelayed event, caught up', () => heard.length === 2, 10_000);
    expect(new Set(heard).size).toBe(2); // the first event, replayed again, was dropped as a repeat
    expect(missed).toHaveLength(1);
  }, 60_000);
});
