import type http from 'node:http';
import { Server, type Socket } from 'socket.io';
import { and, asc, eq, gt } from 'drizzle-orm';
import { ticketEvents, tickets } from '../../db/schema/index.ts';
import type { Deps, WithConfig } from '../deps.ts';
import type { PublishedEvent } from '../domain/events.ts';
import { liveCredentials, resolveBearer, resolveSession, type SessionConfig } from '../domain/auth/resolve.ts';
import { loadTicket, visibleTo } from '../domain/tickets/queries.ts';
import { SESSION_COOKIE } from '../http/middleware/auth.ts';
import { announceMissed, onPeerSilent } from './peers.ts';
import { rooms, roomsEnded, roomsFor, roomsOf } from './rooms.ts';
import type { ClientToServerEvents, ServerToClientEvents, SocketData, TicketEventMessage } from './types.ts';

/** Between app instances (over the postgres adapter): an event for these rooms, to each instance's own sockets. */
export interface InterServerEvents {
  'ticket:event': (rooms: string[], msg: TicketEventMessage) => void;
  /** A command's events (more than one), each with its rooms: one NOTIFY instead of one per event */
  'ticket:events': (relayed: [string[], TicketEventMessage][]) => void;
}
export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
const CATCH_UP_LIMIT = 1000;

/** What a socket is sent of an event: ids, version and status, no payload (clients refetch over HTTP). */
function message(e: Pick<PublishedEvent, 'id' | 'type' | 'ticketId' | 'assignmentId' | 'version' | 'toStatus' | 'createdAt'>): TicketEventMessage {
  return { id: e.id, type: e.type, ticketId: e.ticketId, assignmentId: e.assignmentId, version: e.version, toStatus: e.toStatus, at: e.createdAt };
}

function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}

/**
 * Socket.IO on the app's HTTP server. The handshake is authenticated with the same session cookie or
 * bearer token as HTTP; a cookie handshake must come from the app's own origin (no cross-site sockets).
 * With PostgreSQL, @socket.io/postgres-adapter carries emits between app instances.
 */
export async function attachRealtime(
  server: http.Server,
  deps: Pick<Deps, 'db' | 'database' | 'clock' | 'bus' | 'logger'> &
    WithConfig<'INSTANCE_ID' | 'DATABASE_URL' | 'DATABASE_SESSION_URL' | 'SOCKET_RECHECK_MS' | SessionConfig>,
): Promise<{ io: RealtimeServer; close(): Promise<void> /** the periodic credential check, run now: how many sockets it cut */; recheck(): Promise<number> }> {
  // perMessageDeflate off (engine.io's default, kept explicit): a broadcast's websocket frame is then built once
  // and the same bytes written to every socket; compressing would deflate ~150 bytes once per socket.
  const io: RealtimeServer = new Server(server, { serveClient: false, cors: undefined, connectionStateRecovery: undefined, perMessageDeflate: false });
  // Engine.IO answers /socket.io/ before Koa: the instance name on its responses too (polls, the WebSocket upgrade).
  const servedBy = deps.config.INSTANCE_ID;
  if (servedBy) io.engine.on('headers', (headers: Record<string, string>) => void (headers['X-Served-By'] = servedBy));
  let pool: import('pg').Pool | null = null;
  if (deps.database.driver === 'postgres' && deps.config.DATABASE_URL) {
    const { default: pg } = await import('pg');
    const { createAdapter } = await import('@socket.io/postgres-adapter');
    // LISTEN/NOTIFY needs a session of its own: never through a transaction-mode pgbouncer (DATABASE_SESSION_URL).
    pool = new pg.Pool({
      connectionString: deps.config.DATABASE_SESSION_URL ?? deps.config.DATABASE_URL,
      max: 3,
      application_name: servedBy ? `jiesu-realtime:${servedBy}` : 'jiesu-realtime',
    });
    pool.on('error', (err) => deps.logger.warn({ err }, 'realtime adapter pool error'));
    // The adapter keeps one client checked out for LISTEN and handles its 'end' (it reconnects) but not its
    // 'error': when the server dies that client's error would be uncaught and take the process down.
    pool.on('connect', (client) => client.on('error', (err) => deps.logger.warn({ err }, 'realtime adapter connection lost')));
    // Instances starting together would race on "if not exists" (duplicate type): one at a time, under a
    // transaction-scoped advisory lock (a multi-statement simple query is one implicit transaction).
    await pool.query(
      `select pg_advisory_xact_lock(hashtext('jiesu:socket_io_attachments'));
       create table if not exists socket_io_attachments (id bigserial unique, created_at timestamptz default now(), payload bytea)`,
    );
    io.adapter(createAdapter(pool, { errorHandler: (err) => deps.logger.warn({ err }, 'realtime adapter error') }));
    onPeerSilent(io, (lastSeen) => {
      announceMissed(io, deps.db, lastSeen).then(
        (after) => deps.logger.warn({ after, lastSeen: new Date(lastSeen).toISOString() }, 'an instance went silent: sockets told to catch up'),
        (err) => deps.logger.warn({ err }, 'an instance went silent; telling sockets to catch up failed'),
      );
    });
  }

  io.use(async (socket, next) => {
    try {
      const meta = { ip: socket.handshake.address ?? null, requestId: null };
      const token = typeof socket.handshake.auth?.token === 'string' ? socket.handshake.auth.token : null;
      if (token) {
        const actor = await resolveBearer(deps, token, meta);
        if (!actor) return next(new Error('unauthenticated'));
        socket.data.actor = actor;
        return next();
      }
      const cookie = cookieValue(socket.handshake.headers.cookie, SESSION_COOKIE);
      const origin = socket.handshake.headers.origin;
      if (cookie && origin && new URL(origin).host !== socket.handshake.headers.host) return next(new Error('origin_refused'));
      const s = cookie ? await resolveSession(deps, cookie, meta) : null;
      if (!s) return next(new Error('unauthenticated'));
      socket.data.actor = s.actor;
      next();
    } catch (err) {
      deps.logger.warn({ err }, 'socket handshake failed');
      next(new Error('unavailable'));
    }
  });

  io.on('connection', async (socket: Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>) => {
    const actor = socket.data.actor;
    await socket.join(roomsFor(actor));
    socket.on('ticket:subscribe', async (ticketId, ack) => {
      // A client may send no callback, or any value in its place: answering must never throw (it would be unhandled).
      const reply = typeof ack === 'function' ? ack : () => {};
      try {
        if (!Number.isSafeInteger(ticketId) || ticketId <= 0) return reply({ ok: false, code: 'validation_failed' });
        if (actor.restriction) return reply({ ok: false, code: actor.restriction });
        await loadTicket(deps.db, actor, ticketId);
        await socket.join(rooms.ticket(ticketId));
        reply({ ok: true });
      } catch {
        reply({ ok: false, code: 'ticket_not_found' });
      }
    });
    socket.on('ticket:unsubscribe', (ticketId: unknown) => {
      const id = typeof ticketId === 'number' || typeof ticketId === 'string' ? Number(ticketId) : NaN;
      if (Number.isSafeInteger(id)) void socket.leave(rooms.ticket(id));
    });

    // Catch-up after a reconnect: every event the socket may see since the last one it had, a page of
    // CATCH_UP_LIMIT at a time; a page that is not the last says so ('caught-up', complete: false) and the client
    // asks for the next one ('catch-up' with the page's last id), so a long outage loses nothing.
    const replay = async (last: number) => {
      try {
        const missed = await deps.db
          .select({ e: ticketEvents })
          .from(ticketEvents)
          .innerJoin(tickets, eq(tickets.id, ticketEvents.ticketId))
          .where(and(gt(ticketEvents.id, last), visibleTo(actor)))
          .orderBy(asc(ticketEvents.id))
          .limit(CATCH_UP_LIMIT);
        for (const { e } of missed) {
          socket.emit('ticket:event', message({ ...e, createdAt: e.createdAt.toISOString() }));
        }
        socket.emit('caught-up', { lastEventId: missed.at(-1)?.e.id ?? last, count: missed.length, complete: missed.length < CATCH_UP_LIMIT });
      } catch (err) {
        deps.logger.warn({ err }, 'catch-up failed');
      }
    };
    // Only a number or a numeric string: Number() of a crafted object can throw.
    const eventId = (v: unknown) => (typeof v === 'number' || typeof v === 'string' ? Number(v) : NaN);
    socket.on('catch-up', (after: unknown) => {
      const id = eventId(after);
      if (Number.isSafeInteger(id) && id >= 0) void replay(id);
    });
    const last = eventId(socket.handshake.auth?.lastEventId);
    if (Number.isSafeInteger(last) && last >= 0 && socket.handshake.auth?.lastEventId !== undefined) await replay(last);
  });

  // A command's events, together. This instance's sockets: per event one emit to the union of its rooms — encoded
  // once, and a socket in several of them gets it once. Not io.to(…).emit through the postgres adapter: that awaits
  // the NOTIFY's round trip before writing to any local socket (and would hang with a slow database).
  const unsubscribe = deps.bus.subscribeBatch((events) => {
    const relayed = events.map((e) => [roomsOf(e), message(e)] as [string[], TicketEventMessage]);
    const local = () => {
      for (const [to, msg] of relayed) io.local.to(to).emit('ticket:event', msg);
    };
    if (!pool) return local();
    // The other instances first: one NOTIFY for the command's events, not awaited; each instance emits to its own
    // sockets in those rooms. pg-pool hands out an idle client on the next tick, so the NOTIFY is written then —
    // and the local fan-out, which holds the event loop for its whole length (≈ 12 µs a socket), waits one tick
    // behind it. Emitting here at once would send the NOTIFY only after the last local socket: 5,000 sockets late
    // (measured ≈ 200 ms). One event goes as 'ticket:event', as before, so instances of the previous release
    // still hear the common case during a rolling upgrade.
    if (relayed.length === 1) io.serverSideEmit('ticket:event', ...relayed[0]!);
    else io.serverSideEmit('ticket:events', relayed);
    process.nextTick(local);
  });
  if (pool) {
    io.sockets.on('ticket:event', (to, msg) => void io.local.to(to).emit('ticket:event', msg));
    io.sockets.on('ticket:events', (relayed) => {
      for (const [to, msg] of relayed) io.local.to(to).emit('ticket:event', msg);
    });
  }

  // A call put through to an operator (telephony): to their user room through the postgres adapter, so it reaches
  // the operator's screens on whichever instance holds them.
  const unsubscribeCallPop = deps.bus.onCallPop(({ userId, ...call }) => void io.to(rooms.user(userId)).emit('call:incoming', call));
  // Notification-centre rows new or read: to those users' rooms through the postgres adapter (every instance).
  const unsubscribeInbox = deps.bus.onInboxChanged((userIds) => void io.to(userIds.map(rooms.user)).emit('inbox:changed'));
  // Access ended (sign-out, sign-out everywhere, deactivation, a revoked token): the instance where it happened
  // disconnects the sockets in those rooms — through the postgres adapter, on every instance.
  const unsubscribeEnded = deps.bus.onAccessEnded((ended) => {
    const to = roomsEnded(ended);
    if (!to.length) return;
    deps.logger.info({ reason: ended.reason, rooms: to.length }, 'access ended: disconnecting its sockets on every instance');
    io.in(to).disconnectSockets(true);
  });
  // The net under it: every SOCKET_RECHECK_MS each instance asks, in one query, which of its sockets' sessions and
  // tokens are still live, and disconnects the rest — expiry (nobody publishes it), a broadcast lost with a
  // database hiccup, a socket that connected while its session was being revoked.
  let checking: Promise<number> | null = null;
  const recheck = () => (checking ??= checkSockets().finally(() => (checking = null)));
  const checkSockets = async (): Promise<number> => {
    try {
      const local = [...io.of('/').sockets.values()];
      if (!local.length) return 0;
      const sessionIds = new Set<string>();
      const tokenIds = new Set<number>();
      for (const sock of local) {
        const a = sock.data.actor;
        if (a?.sessionId) sessionIds.add(a.sessionId);
        else if (a?.tokenId !== undefined) tokenIds.add(a.tokenId);
      }
      const live = await liveCredentials(deps.db, deps.clock.now(), { sessionIds: [...sessionIds], tokenIds: [...tokenIds] }, deps.config.SESSION_IDLE_MINUTES);
      let cut = 0;
      for (const sock of local) {
        const a = sock.data.actor;
        const ok = a?.sessionId ? live.sessionIds.has(a.sessionId) : a?.tokenId !== undefined && live.tokenIds.has(a.tokenId);
        if (!ok && sock.connected) {
          sock.disconnect(true);
          cut++;
        }
      }
      return cut;
    } catch (err) {
      deps.logger.warn({ err }, 'socket credential re-check failed');
      return 0;
    }
  };
  const timer = setInterval(() => void recheck(), deps.config.SOCKET_RECHECK_MS);
  timer.unref();

  return {
    io,
    recheck,
    async close() {
      clearInterval(timer);
      unsubscribe();
      unsubscribeEnded();
      unsubscribeCallPop();
      unsubscribeInbox();
      io.disconnectSockets(true);
      await new Promise<void>((r) => io.close(() => r()));
      // pool.end() waits for every checked-out client, and the adapter never gives back a LISTEN client that
      // died with the server (it just takes a new one): after an outage it would wait forever. Bounded.
      if (pool) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([pool.end().catch(() => {}), new Promise<void>((r) => (timer = setTimeout(r, 1000)))]);
        clearTimeout(timer);
      }
    },
  };
}
