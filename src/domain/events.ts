import { EventEmitter } from 'node:events';

/** A ticket event as published after commit: ids and version only; clients refetch over HTTP. */
export type PublishedEvent = {
  id: number;
  type: string;
  ticketId: number;
  assignmentId: number | null;
  version: number;
  toStatus: string | null;
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
  publish(events: PublishedEvent[]): void {
    for (const e of events) this.emitter.emit('event', e);
  }
  subscribe(fn: (e: PublishedEvent) => void): () => void {
    this.emitter.on('event', fn);
    return () => this.emitter.off('event', fn);
  }
  /** Credentials that stopped being valid (published after the change commits): realtime cuts their sockets. */
  endAccess(ended: AccessEnded): void {
    this.emitter.emit('access-ended', ended);
  }
  onAccessEnded(fn: (ended: AccessEnded) => void): () => void {
    this.emitter.on('access-ended', fn);
    return () => this.emitter.off('access-ended', fn);
  }
}

/**
 * Sessions (by id, the cookie's hash), API tokens (by id) or whole users whose access ended: signed out,
 * signed out everywhere, deactivated, token revoked. Every socket opened with one of them is disconnected.
 */
export type AccessEnded = { reason: 'signed_out' | 'deactivated' | 'token_revoked'; sessionIds?: string[]; tokenIds?: number[]; userIds?: number[] };
