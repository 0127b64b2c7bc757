/**
 * A catch-up longer than one page (1,000 events): the server says the page is not complete, the client asks
 * for the next one with the page's last id, and gets the rest — every event once, in order, none of another
 * unit's. The events are written straight into the table (1,200 of them through the API would take minutes).
 */
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { io as connectClient } from 'socket.io-client';
import type { CaughtUp } from '../../src/contract/socket.ts';
import type { TicketEventMessage } from '../../src/realtime/types.ts';
import { rowsOf } from '../../src/domain/tickets/queries.ts';
import { callBody } from '../setup/world.ts';
import { useRealtimeApi } from './realtime-api.ts';

const f = useRealtimeApi();

async function dispatchedTo(phone: string, unitId: number): Promise<number> {
  const t = await f.api.call('POST', '/api/tickets', { token: f.w.operator.token, body: callBody(f.w.category.id, { caller: { name: '李女士', phone } }) });
  expect(t.status).toBe(201);
  const d = await f.api.call('POST', `/api/tickets/${t.body.id}/dispatch`, {
    token: f.w.dispatcher.token,
    body: { version: t.body.version, leadUnitId: unitId },
  });
  expect(d.status).toBe(200);
  return t.body.id as number;
}

it('a catch-up of 1,200 events comes in two pages, the second asked for by the client', { timeout: 60_000 }, async () => {
  const mine = await dispatchedTo('13900006661', f.w.units.streetA.id);
  const other = await dispatchedTo('13900006662', f.w.units.streetB.id);
  const [floor] = rowsOf<{ id: number }>(await f.deps.db.execute(sql`select max(id)::int as id from ticket_events`));
  // 1,200 events on the unit's ticket, and 300 on another unit's, interleaved.
  await f.deps.db.execute(sql`
    insert into ticket_events (ticket_id, type, version, payload, public)
    select case when g % 5 = 0 then ${other}::bigint else ${mine}::bigint end, 'sign', 3, '{}'::jsonb, false from generate_series(1, 1500) g`);

  const heard: TicketEventMessage[] = [];
  const pages: CaughtUp[] = [];
  const socket = connectClient(f.api.base, {
    auth: { token: f.w.handlerA.token, lastEventId: floor!.id },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  f.sockets.push(socket);
  socket.on('ticket:event', (e: TicketEventMessage) => heard.push(e));
  const done = new Promise<void>((resolve) =>
    socket.on('caught-up', (info: CaughtUp) => {
      pages.push(info);
      if (info.complete) resolve();
      else socket.emit('catch-up', info.lastEventId);
    }),
  );
  await done;
  expect(pages.map((p) => [p.count, p.complete])).toEqual([
    [1000, false],
    [200, true],
  ]);
  expect(heard).toHaveLength(1200);
  expect(new Set(heard.map((e) => e.id)).size).toBe(1200);
  expect(heard.every((e) => e.ticketId === mine)).toBe(true);
  expect(heard.map((e) => e.id)).toEqual([...heard.map((e) => e.id)].sort((a, b) => a - b));
  expect(pages[0]!.lastEventId).toBe(heard[999]!.id);
});
