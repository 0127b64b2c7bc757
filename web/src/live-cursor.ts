/**
 * What a reconnecting socket names as its last event (the handshake's `lastEventId`; the server replays every
 * event above it that the user may see).
 *
 * Not the highest id heard: events do not arrive in id order. Ids are taken when a transaction inserts its event
 * and published when it commits, so a later id can commit first; and an event written on another instance
 * reaches this one through PostgreSQL (NOTIFY) a moment after this instance's own events. A socket whose
 * instance dies can have heard id 501 here while 500, written elsewhere, was still on its way — naming 501 would
 * skip 500 for good. So the cursor names the highest id heard at least `settleMs` ago (the floor): anything at
 * or below it that was ever coming has come. The replay then repeats what was heard since the floor, and
 * `fresh` drops those repeats (the ids heard since the floor are kept for that).
 */
export class LiveCursor {
  private floor: number | undefined;
  private recent: { id: number; at: number }[] = [];
  /**
   * ids heard that a replay may still repeat, with when they were heard: above the floor, above the floor a
   * pending handshake named, or heard within `retainMs` (a 'missed-events' replay may start below the floor)
   */
  private since = new Map<number, number>();
  /** the floor the last handshake named, until its catch-up arrives: the replay starts there, not at the floor */
  private named: number | undefined;
  private pruned = 0;

  constructor(
    private settleMs = 5000,
    start?: number,
    private retainMs = 120_000,
  ) {
    this.floor = start;
  }

  /** Records an event; false when it repeats one already heard (a replay after a reconnect). */
  fresh(id: number, now = Date.now()): boolean {
    this.settle(now);
    if (this.since.has(id)) return false;
    this.since.set(id, now);
    this.recent.push({ id, at: now });
    return true;
  }

  /**
   * The `lastEventId` to reconnect with: the floor; before anything settled, just below the first event heard
   * (undefined when nothing was heard: the caller must resync instead). What was heard above it is kept until
   * `caughtUp()`, however long the handshake and the replay take.
   */
  last(now = Date.now()): number | undefined {
    this.settle(now);
    const value = this.floor ?? (this.recent.length ? Math.min(...this.recent.map((r) => r.id)) - 1 : undefined);
    if (value !== undefined) this.named = Math.min(this.named ?? value, value);
    return value;
  }

  /**
   * The server's 'missed-events': another instance died before relaying what it committed, so events after `after`
   * may never have come. The id to ask a catch-up from: `after`, or the floor if lower. What was heard since then
   * (within `retainMs`) is still known, so the replay's repeats are dropped.
   */
  missedSince(after: number, now = Date.now()): number {
    const last = this.last(now);
    const from = last === undefined ? after : Math.min(after, last);
    this.named = Math.min(this.named ?? from, from);
    return from;
  }

  /** The replay after a handshake is complete (the server's 'caught-up'). */
  caughtUp() {
    this.named = undefined;
  }

  /** Forgets everything (signed out). */
  reset() {
    this.floor = undefined;
    this.named = undefined;
    this.recent = [];
    this.since.clear();
  }

  private settle(now: number) {
    // Arrival order: every event heard before now − settleMs moves under the floor.
    while (this.recent.length && now - this.recent[0]!.at >= this.settleMs) {
      const { id } = this.recent.shift()!;
      if (this.floor === undefined || id > this.floor) this.floor = id;
    }
    // A replay sends only ids above the floor its handshake named: ids at or below it need no remembering. Pruned
    // at most once a second (a pass over the set).
    const keepAbove = this.named ?? this.floor;
    if (keepAbove === undefined || now - this.pruned < 1000) return;
    this.pruned = now;
    for (const [id, at] of this.since) if (id <= keepAbove && now - at >= this.retainMs) this.since.delete(id);
  }
}
