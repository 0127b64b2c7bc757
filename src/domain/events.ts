import { EventEmitter } from 'node:events';
import type { TicketEventOf, TicketEventType } from '../contract/events.ts';
import type { IncomingCall, TicketEventMessage } from '../contract/socket.ts';

/** A ticket event as published after commit: ids and version only; clients refetch over HTTP. */
export type PublishedEvent = Omit<TicketEventMessage, 'at'> & {
  /** Units whose members should hear of it: the assigned units and every unit above them. */
  unitIds: number[];
  /** The user who logged the ticket (operators follow their own tickets). */
  createdBy: number | null;
  createdAt: string;
};

/** In-process bus: realtime and dashboards subscribe; it is fed only after a transaction commits. */
export class EventBus {
  private emitter = new EventEmitter();
  constructor() {
    this.emitter.setMaxListeners(100);
  }
  /** One command's events, after its commit: each to `subscribe`, then all of them at once to `subscribeBatch`. */
  publish(events: PublishedEvent[]): void {
    for (const e of events) this.emitter.emit('event', e);
    if (events.length) this.emitter.emit('events', events);
  }
  subscribe(fn: (e: PublishedEvent) => void): () => void {
    this.emitter.on('event', fn);
    return () => this.emitter.off('event', fn);
  }
  /** A command's events together (realtime relays them to the other instances in one message). */
  subscribeBatch(fn: (events: PublishedEvent[]) => void): () => void {
    this.emitter.on('events', fn);
    return () => this.emitter.off('events', fn);
  }
  /** Credentials that stopped being valid (published after the change commits): realtime cuts their sockets. */
  endAccess(ended: AccessEnded): void {
    this.emitter.emit('access-ended', ended);
  }
  onAccessEnded(fn: (ended: AccessEnded) => void): () => void {
    this.emitter.on('access-ended', fn);
    return () => this.emitter.off('access-ended', fn);
  }
  /** Users with notification-centre rows new or marked read (after the commit): realtime tells their sockets, on every instance. */
  inboxChanged(userIds: number[]): void {
    if (userIds.length) this.emitter.emit('inbox', userIds);
  }
  onInboxChanged(fn: (userIds: number[]) => void): () => void {
    this.emitter.on('inbox', fn);
    return () => this.emitter.off('inbox', fn);
  }
  /**
   * A call put through to an operator (the telephony hook): realtime pops the caller on that operator's screens,
   * on every instance. False when nothing listens (no realtime server attached to this process).
   */
  popCall(call: CallPop): boolean {
    return this.emitter.emit('call-pop', call);
  }
  onCallPop(fn: (call: CallPop) => void): () => void {
    this.emitter.on('call-pop', fn);
    return () => this.emitter.off('call-pop', fn);
  }
}

/** An incoming call for one operator (users.id), with the number and the agent name the telephony system sent. */
export type CallPop = { userId: number } & IncomingCall;

/**
 * Sessions (by id, the cookie's hash), API tokens (by id) or whole users whose access ended: signed out,
 * signed out everywhere, deactivated, token revoked. Every socket opened with one of them is disconnected.
 */
export type AccessEnded = { reason: 'signed_out' | 'deactivated' | 'token_revoked'; sessionIds?: string[]; tokenIds?: number[]; userIds?: number[] };

/**
 * A ticket_events row read back as the event it was written as. Every writer goes through the contract's types
 * (record(), the SLA sweep, the recomputation), so the stored payload is the one of the row's type: readers
 * switch on `type` and read that payload's fields without coercing them.
 */
export function storedEvent<R extends { type: TicketEventType; payload: unknown }>(row: R): Omit<R, 'type' | 'payload'> & TicketEventOf {
  return row as Omit<R, 'type' | 'payload'> & TicketEventOf;
}
