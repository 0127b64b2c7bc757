/**
 * The Socket.IO protocol between the server (src/realtime/server.ts) and the web app (web/src/live.ts): both
 * type their sockets with these maps. The server sends ids, versions and names only; clients refetch over
 * HTTP, where policies apply.
 */
import type { TicketEventType } from './events.ts';
import type { TicketStatus } from './vocab.ts';

/** A ticket event as pushed to the sockets that may see its ticket. */
export type TicketEventMessage = {
  id: number;
  type: TicketEventType;
  ticketId: number;
  assignmentId: number | null;
  version: number;
  toStatus: TicketStatus | null;
  at: string;
};

/** After a reconnect: every missed event has been sent up to this id (complete: nothing was left out). */
export type CaughtUp = { lastEventId: number; count: number; complete: boolean };

/** A call put through to this operator by the telephony system: the caller's number, the agent, when. */
export type IncomingCall = { phone: string; agent: string; at: string };

/** The answer to a subscription: refused with the problem code of the HTTP API (ticket_not_found…). */
export type SubscribeAck = { ok: boolean; code?: string };

/** The handshake's `auth` from the web app: the session cookie authenticates; a reconnect names its last event. */
export type HandshakeAuth = { lastEventId?: number };

export interface ServerToClientEvents {
  'ticket:event': (e: TicketEventMessage) => void;
  'caught-up': (info: CaughtUp) => void;
  'call:incoming': (call: IncomingCall) => void;
  /** This user's notification centre changed (a new notification, or read elsewhere): refetch its count and list */
  'inbox:changed': () => void;
  /**
   * Another instance died before relaying everything it committed: events after this id may not have reached this
   * socket. Ask a catch-up from there (or from the cursor, if lower); what was already heard is dropped.
   */
  'missed-events': (info: { after: number }) => void;
}

export interface ClientToServerEvents {
  /** Also hear this ticket's events (a ticket outside the socket's rooms, which the actor may read). */
  'ticket:subscribe': (ticketId: number, ack: (r: SubscribeAck) => void) => void;
  'ticket:unsubscribe': (ticketId: number) => void;
  /** The next page of a catch-up the server said was not complete: the events after this id (its 'caught-up' lastEventId). */
  'catch-up': (afterEventId: number) => void;
}
