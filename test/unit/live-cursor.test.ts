/**
 * The web app's reconnect cursor (web/src/live-cursor.ts): a reconnect names the highest id heard at least
 * settleMs ago, so an event with a lower id still on its way when the socket's instance died is replayed; the
 * replay's repeats of what was heard since are dropped.
 */
import { describe, expect, it } from 'vitest';
import { LiveCursor } from '../../web/src/live-cursor.ts';

describe('LiveCursor', () => {
  it('names nothing before any event (the caller resyncs), the start it was given, or just below the first event heard', () => {
    expect(new LiveCursor(5000).last(0)).toBeUndefined();
    expect(new LiveCursor(5000, 41).last(0)).toBe(41);
    const c = new LiveCursor(5000);
    c.fresh(501, 0);
    c.fresh(499, 10);
    expect(c.last(20)).toBe(498);
  });

  it('names the highest id heard settleMs ago, not the highest heard: 500, on its way when 501 came, is replayed', () => {
    const c = new LiveCursor(5000, 100);
    expect(c.fresh(499, 0)).toBe(true);
    expect(c.fresh(501, 1000)).toBe(true);
    // The socket's instance dies before 500 (written on another instance) reached it.
    expect(c.last(2000)).toBe(100);
    expect(c.last(5000)).toBe(499);
    expect(c.last(6000)).toBe(501);
  });

  it('drops the replay’s repeats of events heard since the floor, and lets the missed one through', () => {
    const c = new LiveCursor(5000, 100);
    c.fresh(499, 0);
    c.fresh(501, 1000);
    const since = c.last(2000)!;
    const replay = [499, 500, 501].filter((id) => id > since);
    expect(replay.map((id) => c.fresh(id, 2100))).toEqual([false, true, false]);
    // Settled ids are forgotten: the server never replays at or below the floor.
    c.last(8000);
    expect(c.last(8000)).toBe(501);
    expect(c.fresh(502, 8000)).toBe(true);
  });

  it('keeps what it heard above the floor a handshake named until the replay is in, however long that takes', () => {
    const c = new LiveCursor(5000, 100);
    c.fresh(200, 0);
    c.fresh(201, 4000);
    expect(c.last(6000)).toBe(200); // the handshake names 200 …
    // … and its replay arrives long after 201 settled under the floor (a slow reconnect on a loaded instance).
    expect(c.last(12_000)).toBe(201);
    expect(c.fresh(201, 12_000)).toBe(false);
    expect(c.fresh(202, 12_000)).toBe(true);
    c.caughtUp();
    c.last(20_000);
    expect(c.fresh(203, 20_000)).toBe(true);
  });

  it('forgets everything on reset (signed out)', () => {
    const c = new LiveCursor(5000, 7);
    c.fresh(9, 0);
    c.reset();
    expect(c.last(10_000)).toBeUndefined();
    expect(c.fresh(9, 10_000)).toBe(true);
  });
  it("after 'missed-events' asks from the server's id when it is below the floor, and drops what it heard since (kept 2 minutes)", () => {
    const c = new LiveCursor(5000, 100);
    c.fresh(300, 0); // relayed by the survivor
    c.fresh(302, 1000);
    // 301 was committed on an instance that died before relaying it; the survivor notices 12 s later.
    expect(c.last(12_000)).toBe(302); // the floor has passed 301: a plain catch-up would skip it
    const from = c.missedSince(299, 12_000);
    expect(from).toBe(299);
    expect([300, 301, 302].map((id) => c.fresh(id, 12_500))).toEqual([false, true, false]);
    c.caughtUp();
    // Below the server's id the cursor's floor still wins.
    expect(c.missedSince(900, 13_000)).toBe(302);
  });

  it('forgets settled ids only after the retention, so memory stays bounded', () => {
    const c = new LiveCursor(5000, 0, 60_000);
    for (let id = 1; id <= 100; id++) c.fresh(id, id);
    c.last(30_000);
    expect(c.fresh(50, 30_000)).toBe(false); // settled but heard within a minute: still a repeat
    c.last(200_000);
    c.last(201_500);
    expect(c.fresh(50, 201_500)).toBe(true); // long settled and past retention: forgotten (the server never replays it)
  });
});
