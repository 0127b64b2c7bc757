import type { Actor } from '../domain/auth/actor.ts';

/** The protocol's maps and messages are the contract shared with the web app (src/contract/socket.ts). */
export type { ClientToServerEvents, ServerToClientEvents, TicketEventMessage } from '../contract/socket.ts';

/** What the server keeps on each socket: the actor authenticated in the handshake. */
export interface SocketData {
  actor: Actor;
}
