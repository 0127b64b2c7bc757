/**
 * socket.io-client clients through nginx, each a staff user (its rooms hear every ticket event), reconnecting as
 * the web app does (web/src/live.ts): the handshake names the last event of its cursor (web/src/live-cursor.ts),
 * the server replays everything above it, the cursor drops the repeats. Each client keeps every event id it
 * heard, its disconnects and reconnects and the catch-ups it got.
 *
 * nginx keeps a socket on one instance by the session cookie, else the client's address (src/ops/nginx/jiesu.conf):
 * the clients authenticate with a bearer token and send a cookie of their own only to spread over both instances.
 */
import { io as connectClient, type Socket } from 'socket.io-client';
import type { CaughtUp, TicketEventMessage } from '../../../src/contract/socket.ts';
import { LiveCursor } from '../../../web/src/live-cursor.ts';

export type SocketClient = {
  i: number;
  socket: Socket;
  heard: Set<number>;
  /** events that got past the cursor twice (a screen would hear them twice) */
  duplicates: number;
  /** repeats of the replay after a reconnect, dropped by the cursor */
  repeats: number;
  disconnects: { at: number; reason: string }[];
  reconnects: number[];
  catchUps: (CaughtUp & { at: number })[];
};

/** `settleMs`: the cursor's (web/src/live-cursor.ts); 0 names the highest id heard, as the web app did before it. */
export async function connectClients(base: string, tokens: string[], since: number, settleMs = 5000, tag = 'cursor'): Promise<SocketClient[]> {
  return Promise.all(
    tokens.map(
      (token, i) =>
        new Promise<SocketClient>((resolve, reject) => {
          const c: SocketClient = {
            i,
            socket: null as unknown as Socket,
            heard: new Set(),
            duplicates: 0,
            repeats: 0,
            disconnects: [],
            reconnects: [],
            catchUps: [],
          };
          const cursor = new LiveCursor(settleMs, since);
          const socket = connectClient(base, {
            transports: ['websocket'],
            forceNew: true,
            // The first handshake names the id every client starts from: what it must hear is every event after it.
            auth: (cb) => cb({ token, lastEventId: cursor.last() }),
            extraHeaders: { cookie: `jiesu_session=faults-bench-${tag}-${i}` },
            reconnectionDelay: 100,
            reconnectionDelayMax: 1000,
          });
          c.socket = socket;
          socket.on('ticket:event', (e: TicketEventMessage) => {
            if (!cursor.fresh(e.id)) c.repeats++;
            else if (c.heard.has(e.id)) c.duplicates++;
            else c.heard.add(e.id);
          });
          socket.on('caught-up', (info: CaughtUp) => {
            // As the web app does: a page that is not the last asks for the next one.
            if (!info.complete) socket.emit('catch-up', info.lastEventId);
            else cursor.caughtUp();
            c.catchUps.push({ ...info, at: Date.now() });
          });
          // As the web app does (without its random pause): another instance died before relaying everything.
          socket.on('missed-events', ({ after }: { after: number }) => void socket.emit('catch-up', cursor.missedSince(after)));
          socket.on('disconnect', (reason) => {
            c.disconnects.push({ at: Date.now(), reason });
            // The server cut it (it does that on sign-out): reconnect as the web app would after checking the session.
            if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 200);
          });
          let connected = false;
          socket.on('connect', () => {
            if (connected) c.reconnects.push(Date.now());
            else resolve(c);
            connected = true;
          });
          socket.once('connect_error', (err) => {
            if (!connected) reject(new Error(`socket ${i} could not connect through nginx: ${err.message}`));
          });
        }),
    ),
  );
}

export function closeClients(clients: SocketClient[]) {
  for (const c of clients) c.socket.disconnect();
}
