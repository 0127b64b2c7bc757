/**
 * A command's events go to the other instances in one message (one NOTIFY), not one per event: an intake that
 * creates and dispatches a ticket writes several events, and each NOTIFY is a round trip and work for PostgreSQL.
 * Instance B's sockets still hear every event, in order, each once.
 *
 * Two instances in this process on PostgreSQL (./cluster.ts, both passes).
 */
import { describe, expect, it } from 'vitest';
import { io as connectClient } from 'socket.io-client';
import type { TicketEventMessage } from '../../src/contract/socket.ts';
import { useTwoInstances } from './cluster.ts';

const f = useTwoInstances();

describe("a command's events across instances", () => {
  it('leave in one NOTIFY and reach the sockets on the other instance, each once and in order', async () => {
    const heard: TicketEventMessage[] = [];
    const socket = connectClient(f.b.base, { auth: { token: f.w.supervisor.token }, transports: ['websocket'], reconnection: false, forceNew: true });
    f.sockets.push(socket);
    socket.on('ticket:event', (e: TicketEventMessage) => heard.push(e));
    await new Promise<void>((resolve, reject) => (socket.once('connect', () => resolve()), socket.once('connect_error', reject)));

    const { default: pg } = await import('pg');
    const query = pg.Client.prototype.query;
    const notifies: string[] = [];
    pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
      const [text, values] = args as [unknown, unknown];
      if (String(text).includes('pg_notify') && JSON.stringify(values ?? '').includes('ticket:event')) notifies.push(JSON.stringify(values));
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query;
    try {
      const at = new Date().toISOString();
      const event = (id: number) => ({
        id,
        type: 'note' as const,
        ticketId: 1,
        assignmentId: null,
        version: id,
        toStatus: null,
        unitIds: [],
        createdBy: null,
        createdAt: at,
      });
      f.instances[0]!.deps.bus.publish([event(9001), event(9002), event(9003)]);
      const end = Date.now() + 5000;
      while (heard.length < 3 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 200)); // nothing more comes
    } finally {
      pg.Client.prototype.query = query;
    }
    expect(heard.map((e) => e.id)).toEqual([9001, 9002, 9003]);
    // Instance A's NOTIFY for the three: one message ('ticket:events').
    expect(notifies).toHaveLength(1);
    expect(['9001', '9002', '9003'].every((id) => notifies[0]!.includes(id))).toBe(true);
  }, 60_000);
});
