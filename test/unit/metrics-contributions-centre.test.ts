/** Contributions of callbacks and of the centre's own clocks, and aggregate(): the sums the rollup upserts. */
import { describe, expect, it } from 'vitest';
import { aggregate, ticketDeltas } from '../../src/domain/metrics/contributions.ts';
import type { CentreDecision } from '../../src/contract/events.ts';
import { A, assignments, ev, expectBatchInvariant, iso, of, ticket } from './metrics-contributions-fixtures.ts';

describe("callbacks and the centre's own clocks", () => {
  it("有效回访率 counts every attempt; the centre's decisions count from their payload (minutes summed, the first callback of a round)", () => {
    const centre = (clock: CentreDecision['clock'], waitedMinutes: number, onTime: boolean) => ({
      centre: { clock, since: iso(0), waitedMinutes, limitMinutes: 30, onTime },
    });
    const events = [
      ev(0, 'ticket_created', { toStatus: 'awaiting_dispatch', payload: {} }),
      ev(0.75, 'dispatch', {
        payload: {
          leadUnitId: A,
          assistUnitIds: [],
          deadlines: { sign: iso(3), response: iso(5), complete: iso(49) },
          awaitingCalendar: [],
          ...centre('dispatch', 45, false),
        },
      }),
      ev(2, 'sign', { assignmentId: 101 }),
      ev(3, 'contact', { assignmentId: 101, payload: { contactedAt: iso(3) } }),
      ev(4, 'reply', { assignmentId: 101 }),
      ev(5, 'approve_reply', { payload: centre('reply_review', 60, true) }),
      ev(20, 'callback_retry', { payload: { reached: false, ...centre('callback', 900, true) } }),
      ev(21, 'callback_close', {
        fromStatus: 'awaiting_callback',
        toStatus: 'closed',
        payload: { reached: true, solved: 'solved', satisfaction: 'satisfied', ...centre('callback', 960, true) },
      }),
    ];
    const ds = ticketDeltas(ticket, events, assignments);
    expect(of(ds, A)).toMatchObject({ '2026-03-11 callbackAttempts': 2, '2026-03-11 callbacksValid': 1 });
    expect(of(ds, 0)).toEqual({
      '2026-03-10 contacts': 1,
      '2026-03-10 dispatchDecisions': 1,
      '2026-03-10 dispatchWaitMinutes': 45,
      '2026-03-10 reviewsDecided': 1,
      '2026-03-10 reviewsOnTime': 1,
      '2026-03-11 callbackRounds': 1, // the retry started the round; the close is its second call
      '2026-03-11 callbacksOnTime': 1,
    });
    expectBatchInvariant(events);
  });
});

describe('aggregate', () => {
  it('sums per key, drops keys that net to zero and sorts the keys (the upsert order)', () => {
    const base = { day: '2026-03-10', unitId: 1, categoryId: 1, channel: 'phone', appealed: false } as const;
    const rows = aggregate([
      { ...base, unitId: 2, counter: 'closed', delta: 1 },
      { ...base, counter: 'closed', delta: 1 },
      { ...base, counter: 'closed', delta: -1 },
      { ...base, counter: 'rated', delta: 2 },
      { ...base, appealed: true, counter: 'rated', delta: 0 },
    ]);
    expect(rows).toEqual([
      { ...base, counts: { closed: 0, rated: 2 } },
      { ...base, unitId: 2, counts: { closed: 1 } },
    ]);
  });
});
