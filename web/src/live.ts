import { io, type Socket } from 'socket.io-client';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ClientToServerEvents, HandshakeAuth, IncomingCall, ServerToClientEvents, TicketEventMessage } from '../../src/contract/socket.ts';
import { sessionEnded } from './api.ts';
import { LiveCursor } from './live-cursor.ts';

export type LiveStatus = 'connecting' | 'online' | 'offline';

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let socket: LiveSocket | null = null;
/** The last event a reconnect names: see ./live-cursor.ts for why it is not simply the highest id heard. */
const cursor = new LiveCursor();
let status: LiveStatus = 'offline';
const eventListeners = new Set<(e: TicketEventMessage) => void>();
const resyncListeners = new Set<() => void>();
/** Catch-up pages asked for since the last complete one (see 'caught-up' below). */
const MAX_CATCH_UP_PAGES = 10;
let catchUpPages = 0;
const callListeners = new Set<(c: IncomingCall) => void>();
const statusListeners = new Set<(s: LiveStatus) => void>();
const inboxListeners = new Set<() => void>();

function setStatus(s: LiveStatus) {
  status = s;
  for (const l of statusListeners) l(s);
}

/**
 * One socket per tab, authenticated by the session cookie in the handshake. After a reconnect the
 * handshake carries the last event id, the server replays what was missed, and screens refetch.
 */
export function connectLive() {
  if (socket) return;
  setStatus('connecting');
  socket = io({
    transports: ['websocket', 'polling'],
    auth: (cb: (data: HandshakeAuth) => void) => {
      const lastEventId = cursor.last();
      cb(lastEventId === undefined ? {} : { lastEventId });
    },
  });
  let connectedBefore = false;
  socket.on('connect', () => {
    setStatus('online');
    // Events missed before any event arrived cannot be replayed by id: refetch instead.
    if (connectedBefore && cursor.last() === undefined) for (const l of resyncListeners) l();
    connectedBefore = true;
  });
  socket.on('disconnect', (reason) => {
    setStatus('connecting');
    // The server cut the socket: signed out (here or everywhere), deactivated or expired — or an instance going
    // down. The client does not reconnect by itself after that: ask whether the session still stands.
    if (reason === 'io server disconnect') void afterServerDisconnect(socket);
  });
  socket.on('connect_error', () => setStatus('offline'));
  socket.on('ticket:event', (e) => {
    // The replay after a reconnect repeats what was heard since the cursor's floor: screens hear each event once.
    if (!cursor.fresh(e.id)) return;
    for (const l of eventListeners) l(e);
  });
  socket.on('caught-up', (info) => {
    // A page that is not the last: ask for the next (the server sends at most 1,000 events a page) — up to ten
    // pages; past that the screens reload what they show instead of replaying a long outage event by event.
    if (!info.complete && ++catchUpPages < MAX_CATCH_UP_PAGES) return void socket?.emit('catch-up', info.lastEventId);
    catchUpPages = 0;
    cursor.caughtUp();
    if (!info.complete) for (const l of resyncListeners) l();
  });
  // Another instance died before relaying what it had committed: ask for a catch-up from where events may have
  // been missed — after a random pause, so a whole instance's sockets do not ask in the same instant.
  socket.on('missed-events', ({ after }) => {
    setTimeout(() => socket?.emit('catch-up', cursor.missedSince(after)), Math.random() * 3000);
  });
  socket.on('call:incoming', (c) => {
    for (const l of callListeners) l(c);
  });
  // The user's notification centre changed (new rows, or read elsewhere); on every (re)connect too, as
  // changes while the socket was away are not replayed.
  socket.on('inbox:changed', () => {
    for (const l of inboxListeners) l();
  });
  socket.on('connect', () => {
    for (const l of inboxListeners) l();
  });
}

async function afterServerDisconnect(cut: LiveSocket | null) {
  const res = await fetch('/api/auth/session', { credentials: 'same-origin', headers: { accept: 'application/json' } }).catch(() => null);
  if (cut !== socket) return; // signed out meanwhile, or a new socket
  if (res?.status === 401) {
    disconnectLive();
    sessionEnded();
  } else setTimeout(() => cut?.connect(), 1000);
}

export function disconnectLive() {
  socket?.disconnect();
  socket = null;
  cursor.reset();
  setStatus('offline');
}

/** Asks the server to send this ticket's events too (a ticket outside the socket's rooms). */
export function subscribeTicket(ticketId: number) {
  socket?.emit('ticket:subscribe', ticketId, () => {});
}

/**
 * Calls `onEvent` for every ticket event and `onResync` when the screen should reload everything (a
 * catch-up that could not be complete). The latest callbacks are used without resubscribing.
 */
export function useTicketEvents(onEvent: (e: TicketEventMessage) => void, onResync?: () => void) {
  const ref = useRef({ onEvent, onResync });
  ref.current = { onEvent, onResync };
  useEffect(() => {
    const ev = (e: TicketEventMessage) => ref.current.onEvent(e);
    const rs = () => ref.current.onResync?.();
    eventListeners.add(ev);
    resyncListeners.add(rs);
    return () => {
      eventListeners.delete(ev);
      resyncListeners.delete(rs);
    };
  }, []);
}

/** Keeps `fn` (its latest version) in `listeners` while the component is mounted. */
function useListener<A extends unknown[]>(listeners: Set<(...a: A) => void>, fn: (...a: A) => void) {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    const l = (...a: A) => ref.current(...a);
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
}

export const useIncomingCalls = (fn: (c: IncomingCall) => void) => useListener(callListeners, fn);

/** Calls `fn` whenever the signed-in user's notification centre changed ('inbox:changed', or a reconnect). */
export const useInboxChanged = (fn: () => void) => useListener(inboxListeners, fn);

export function useLiveStatus(): LiveStatus {
  const [s, set] = useState(status);
  useEffect(() => {
    statusListeners.add(set);
    set(status);
    return () => void statusListeners.delete(set);
  }, []);
  return s;
}
