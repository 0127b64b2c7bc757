/** What the server sends: ids, versions and names only — clients refetch over HTTP, where policies apply. */
export type TicketEventMessage = {
  id: number;
  type: string;
  ticketId: number;
  assignmentId: number | null;
  version: number;
  toStatus: string | null;
  at: string;
};

export interface ServerToClientEvents {
  'ticket:event': (e: TicketEventMessage) => void;
  /** After a reconnect: every missed event has been sent up to this id */
  'caught-up': (info: { lastEventId: number; count: number; complete: boolean }) => void;
  'call:incoming': (call: { phone: string; agent: string; at: string }) => void;
}

export interface ClientToServerEvents {
  'ticket:subscribe': (ticketId: number, ack: (r: { ok: boolean; code?: string }) => void) => void;
  'ticket:unsubscribe': (ticketId: number) => void;
}

export interface SocketData {
  actor: import('../domain/auth/actor.ts').Actor;
}
