import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { aggregate, ticketDeltas, type AssignmentFacts, type Delta, type StreamEvent, type TicketFacts } from '../../src/domain/metrics/contributions.ts';

const H = 3600_000;
const T0 = Date.parse('2026-03-10T02:00:00Z'); // 10:00 in Shanghai
const at = (h: number) => new Date(T0 + h * H);
const ticket: TicketFacts = { id: 1, categoryId: 7, channel: 'phone', createdAt: at(0) };
const A = 11; // street A, lead
const D = 12; // department, assisting
const assignments: AssignmentFacts[] = [
  { id: 101, unitId: A, role: 'lead', dispatchedAt: at(1), signDueAt: at(3), responseDueAt: at(5), repliedAt: at(30), completeDueAt: at(49) },
  { id: 102, unitId: D, role: 'assist', dispatchedAt: at(1), signDueAt: at(3), responseDueAt: at(5), repliedAt: at(6), completeDueAt: at(49) },
];
let nextId = 1;
const ev = (h: number, type: string, extra: Partial<StreamEvent> = {}): StreamEvent => ({
  id: nextId++,
  ticketId: 1,
  assignmentId: null,
  type,
  fromStatus: null,
  toStatus: null,
  payload: {},
  createdAt: at(h),
  ...extra,
});
/** A full journey: created, dispatched to A with D assisting, worked, a disputed callback, reopen, closed satisfied. */
const stream: StreamEvent[] = [
  ev(0, 'ticket_created', { toStatus: 'awaiting_dispatch', payload: { channel: 'phone', disposition: 'dispatch' } }),
  ev(1, 'dispatch', { payload: { leadUnitId: A, assistUnitIds: [D] } }),
  ev(2, 'sign', { assignmentId: 101 }),
  ev(4, 'sign', { assignmentId: 102 }), // late
  ev(4.5, 'contact', { assignmentId: 101, payload: { contactedAt: at(4.5).toISOString() } }),
  ev(5, 'note', { assignmentId: 101 }), // not counted
  ev(6, 'reply', { assignmentId: 102 }),
  ev(7, 'reply', { assignmentId: 101 }),
  ev(8, 'approve_reply'),
  ev(20, 'callback_dispute', { payload: { reached: true, solved: 'unsolved', satisfaction: 'dissatisfied' } }),
  ev(21, 'reopen', { payload: { assignmentId: 101 } }),
  ev(30, 'reply', { assignmentId: 101 }), // a second reply counts once
  ev(31, 'appeal_filed', { payload: { unitId: A } }), // filing changes nothing
  ev(40, 'callback_close', { fromStatus: 'awaiting_callback', toStatus: 'closed', payload: { reached: true, solved: 'solved', satisfaction: 'basically_satisfied' } }),
];

const sum = (ds: Delta[]) => {
  const m: Record<string, number> = {};
  for (const d of ds) {
    const k = `${d.day}|${d.unitId}|${d.counter}|${d.appealed}`;
    m[k] = (m[k] ?? 0) + d.delta;
  }
  return Object.fromEntries(Object.entries(m).filter(([, v]) => v !== 0).sort());
};

describe('ticketDeltas', () => {
  it('credits each counter to the right unit and day', () => {
    expect(sum(ticketDeltas(ticket, stream, assignments))).toEqual({
      '2026-03-10|0|contacts|false': 1,
      '2026-03-10|11|dispatched|false': 1,
      '2026-03-10|11|leadDispatched|false': 1,
      '2026-03-10|11|signedOnTime|false': 1,
      '2026-03-10|11|respondedOnTime|false': 1,
      '2026-03-10|11|leadRespondedOnTime|false': 1,
      '2026-03-10|11|replied|false': 1,
      '2026-03-10|11|completed|false': 1, // by the dispatch day
      '2026-03-10|12|dispatched|false': 1,
      '2026-03-10|12|replied|false': 1,
      // the disputed callback and the reopen: 20–21 h = 3/11 06:00–07:00 in Shanghai
      '2026-03-11|11|callbacksConcluded|false': 1,
      '2026-03-11|11|callbacksValid|false': 1,
      '2026-03-11|11|solvedAnswers|false': 1,
      '2026-03-11|11|rated|false': 1,
      '2026-03-11|11|reopened|false': 1,
      // the closing callback at 40 h = 3/11 18:00Z, already 3/12 02:00 in Shanghai
      '2026-03-12|11|callbacksConcluded|false': 1,
      '2026-03-12|11|callbacksValid|false': 1,
      '2026-03-12|11|solvedAnswers|false': 1,
      '2026-03-12|11|solved|false': 1,
      '2026-03-12|11|rated|false': 1,
      '2026-03-12|11|basicallySatisfied|false': 1,
      '2026-03-12|11|closed|false': 1,
      '2026-03-12|11|closedOnTime|false': 1, // last reply at 30 h, due at 49 h
      '2026-03-12|11|closedRedone|false': 1,
    });
  });

  it('an approved appeal moves what the unit was credited with to the appealed side, and what comes later too; other units keep theirs', () => {
    const appealAt = stream.findIndex((e) => e.type === 'reopen');
    const withAppeal = [...stream.slice(0, appealAt), ev(20.5, 'appeal_approved', { payload: { unitId: A } }), ...stream.slice(appealAt)].map((e, i) => ({ ...e, id: i + 1 }));
    const plain = sum(ticketDeltas(ticket, stream, assignments));
    const appealed = sum(ticketDeltas(ticket, withAppeal, assignments));
    const expected = Object.fromEntries(Object.entries(plain).map(([k, v]) => [k.includes('|11|') ? k.replace('|false', '|true') : k, v]));
    expect(appealed).toEqual(expected);
  });

  it('an event at 2026-03-31T17:00Z counts on April 1st (Asia/Shanghai)', () => {
    const late: StreamEvent = { ...ev(0, 'ticket_created', { payload: { disposition: 'direct_answer' } }), createdAt: new Date('2026-03-31T17:00:00Z') };
    const early: StreamEvent = { ...late, id: 999, createdAt: new Date('2026-03-31T15:59:59.999Z') };
    expect(ticketDeltas({ ...ticket, createdAt: late.createdAt }, [late], []).map((d) => d.day)).toEqual(['2026-04-01', '2026-04-01']);
    expect(ticketDeltas({ ...ticket, createdAt: early.createdAt }, [early], []).map((d) => d.day)).toEqual(['2026-03-31', '2026-03-31']);
  });

  it('a reply after the (extended) completion deadline is not on time; after a return the ticket has no lead until dispatched again', () => {
    const late = assignments.map((a) => (a.id === 101 ? { ...a, repliedAt: at(50) } : a));
    expect(sum(ticketDeltas(ticket, stream, late))['2026-03-12|11|closedOnTime|false']).toBeUndefined();
    expect(sum(ticketDeltas(ticket, stream, late))['2026-03-12|11|closed|false']).toBe(1);
    const returned = [
      stream[0]!,
      ev(1, 'dispatch', { payload: { leadUnitId: A, assistUnitIds: [] } }),
      ev(2, 'approve_return', { payload: { assignmentId: 101 } }),
      ev(3, 'decline', { fromStatus: 'awaiting_dispatch', toStatus: 'closed' }),
    ];
    expect(sum(ticketDeltas(ticket, returned, assignments))).toEqual({
      '2026-03-10|0|contacts|false': 1,
      '2026-03-10|0|notAccepted|false': 1,
      '2026-03-10|11|dispatched|false': 1,
      '2026-03-10|11|leadDispatched|false': 1,
      '2026-03-10|11|leadReturned|false': 1,
    });
  });

  it('counted in any batches, in any order, the sums are those of counting everything at once', () => {
    const all = aggregate(ticketDeltas(ticket, stream, assignments));
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 4 }), { minLength: stream.length, maxLength: stream.length }), (batchOf) => {
        const batches = new Map<number, Set<number>>();
        stream.forEach((e, i) => (batches.get(batchOf[i]!) ?? batches.set(batchOf[i]!, new Set()).get(batchOf[i]!)!).add(e.id));
        const deltas = [...batches.values()].reverse().flatMap((emit) => ticketDeltas(ticket, stream, assignments, emit));
        expect(aggregate(deltas)).toEqual(all);
      }),
    );
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
