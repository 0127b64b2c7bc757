/**
 * What the contribution tests (test/unit/metrics-contributions*.test.ts) share: a ticket with a lead and an
 * assisting assignment, events built by hour, a full journey's stream, the sums of the deltas, and the check that
 * counting in batches gives the same sums.
 */
import { expect } from 'vitest';
import fc from 'fast-check';
import { aggregate, ticketDeltas, type AssignmentFacts, type Delta, type StreamEvent, type TicketFacts } from '../../src/domain/metrics/contributions.ts';
import type { DispatchPayload, TicketEventType } from '../../src/contract/events.ts';

export const H = 3600_000;
export const T0 = Date.parse('2026-03-10T02:00:00Z'); // 10:00 in Shanghai
export const at = (h: number) => new Date(T0 + h * H);
export const ticket: TicketFacts = { id: 1, categoryId: 7, channel: 'phone', createdAt: at(0) };
export const A = 11; // street A, lead
export const D = 12; // department, assisting
export const iso = (h: number) => at(h).toISOString();
export const assignments: AssignmentFacts[] = [
  { id: 101, unitId: A, role: 'lead', dispatchedAt: at(1), signDueAt: at(3), responseDueAt: at(5), completeDueAt: at(49) },
  { id: 102, unitId: D, role: 'assist', dispatchedAt: at(1), signDueAt: at(3), responseDueAt: at(5), completeDueAt: at(49) },
];
let nextId = 1;
/** An event of one type, its payload as given (the fold reads only what the test sets). */
export const ev = <K extends TicketEventType>(h: number, type: K, extra: Partial<Omit<StreamEvent<K>, 'type'>> = {}) =>
  ({
    id: nextId++,
    ticketId: 1,
    assignmentId: null,
    type,
    fromStatus: null,
    toStatus: null,
    payload: {},
    createdAt: at(h),
    ...extra,
  }) as StreamEvent<K>;
/** The dispatch payload: the deadlines every assignment starts with (sign 3 h, response 5 h, completion 49 h by default). */
export const dispatch = (h: number, over: Partial<DispatchPayload> = {}) =>
  ev(h, 'dispatch', {
    payload: { leadUnitId: A, assistUnitIds: [D], deadlines: { sign: iso(3), response: iso(5), complete: iso(49) }, awaitingCalendar: [], ...over },
  });
/** A full journey: created, dispatched to A with D assisting, worked, a disputed callback, reopen, closed satisfied. */
export const stream: StreamEvent[] = [
  ev(0, 'ticket_created', { toStatus: 'awaiting_dispatch', payload: { channel: 'phone', disposition: 'dispatch' } }),
  dispatch(1),
  ev(2, 'sign', { assignmentId: 101 }),
  ev(4, 'sign', { assignmentId: 102 }), // late
  ev(4.5, 'contact', { assignmentId: 101, payload: { contactedAt: iso(4.5) } }),
  ev(5, 'note', { assignmentId: 101 }), // not counted
  ev(6, 'reply', { assignmentId: 102 }), // D never contacted the caller: its response is missed
  ev(7, 'reply', { assignmentId: 101 }),
  ev(8, 'approve_reply'),
  ev(20, 'callback_dispute', { payload: { reached: true, solved: 'unsolved', satisfaction: 'dissatisfied' } }),
  ev(21, 'reopen', { payload: { assignmentId: 101, completeDueAt: iso(69) } }), // the completion clock restarts: due 3/13 07:00
  ev(30, 'reply', { assignmentId: 101 }), // a second reply counts once
  ev(31, 'appeal_filed', { payload: { unitId: A } }), // filing changes nothing
  ev(40, 'callback_close', {
    fromStatus: 'awaiting_callback',
    toStatus: 'closed',
    payload: { reached: true, solved: 'solved', satisfaction: 'basically_satisfied' },
  }),
];

export const sum = (ds: Delta[]) => {
  const m: Record<string, number> = {};
  for (const d of ds) {
    const k = `${d.day}|${d.unitId}|${d.counter}|${d.appealed}`;
    m[k] = (m[k] ?? 0) + d.delta;
  }
  return Object.fromEntries(
    Object.entries(m)
      .filter(([, v]) => v !== 0)
      .sort(),
  );
};
/** The counters of one unit as "day counter", appeal side left out. */
export const of = (ds: Delta[], unitId: number) =>
  Object.fromEntries(
    Object.entries(sum(ds))
      .filter(([k]) => k.split('|')[1] === String(unitId))
      .map(([k, v]) => [`${k.split('|')[0]} ${k.split('|')[2]}`, v]),
  );

/** Counted in any batches, in any order, the sums are those of counting everything at once. */
export function expectBatchInvariant(events: StreamEvent[], facts: AssignmentFacts[] = assignments) {
  const all = aggregate(ticketDeltas(ticket, events, facts));
  fc.assert(
    fc.property(fc.array(fc.nat({ max: 4 }), { minLength: events.length, maxLength: events.length }), (batchOf) => {
      const batches = new Map<number, Set<number>>();
      for (const [i, e] of events.entries()) {
        if (!batches.has(batchOf[i]!)) batches.set(batchOf[i]!, new Set());
        batches.get(batchOf[i]!)!.add(e.id);
      }
      // Each batch sees the stream only up to its last event, as the rollup would when later events are not yet written.
      const deltas = [...batches.values()].reverse().flatMap((emit) => {
        const last = Math.max(...emit);
        return ticketDeltas(
          ticket,
          events.filter((e) => e.id <= last),
          facts,
          emit,
        );
      });
      expect(aggregate(deltas)).toEqual(all);
    }),
  );
}
