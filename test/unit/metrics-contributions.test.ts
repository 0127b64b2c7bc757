/**
 * The metric contributions of a ticket's event stream (the worked examples of docs/metrics.md): each counter to
 * the right unit and day, due-day cohorts that move with extensions and recomputations, and 按时办结率.
 */
import { describe, expect, it } from 'vitest';
import { ticketDeltas, type StreamEvent } from '../../src/domain/metrics/contributions.ts';
import type { AwaitingCalendar, DispatchPayload } from '../../src/contract/events.ts';
import { A, assignments, dispatch, ev, expectBatchInvariant, iso, of, stream, sum, ticket } from './metrics-contributions-fixtures.ts';

describe('ticketDeltas', () => {
  it('credits each counter to the right unit and day', () => {
    expect(sum(ticketDeltas(ticket, stream, assignments))).toEqual({
      '2026-03-10|0|contacts|false': 1,
      '2026-03-10|11|callbacksDue|false': 1, // 回访率: the approved reply's round, called back the same day
      '2026-03-10|11|callbacksMade|false': 1,
      // by dispatch day
      '2026-03-10|11|dispatched|false': 1,
      '2026-03-10|11|leadDispatched|false': 1,
      '2026-03-10|11|signedOnTime|false': 1,
      '2026-03-10|11|replied|false': 1,
      '2026-03-10|11|completed|false': 1,
      // the response clock, due 3/10 15:00
      '2026-03-10|11|responseDue|false': 1,
      '2026-03-10|11|leadResponseDue|false': 1,
      '2026-03-10|11|respondedOnTime|false': 1,
      '2026-03-10|11|leadRespondedOnTime|false': 1,
      '2026-03-10|12|dispatched|false': 1,
      '2026-03-10|12|replied|false': 1,
      '2026-03-10|12|responseDue|false': 1, // replied without contacting the caller: due, not met
      // D's completion clock: due 3/12 11:00
      '2026-03-12|12|completeDue|false': 1,
      '2026-03-12|12|repliedDue|false': 1,
      // the disputed callback and the reopen: 20–21 h = 3/11 06:00–07:00 in Shanghai
      '2026-03-11|11|callbacksConcluded|false': 1,
      '2026-03-11|11|callbackAttempts|false': 1,
      '2026-03-11|11|callbacksValid|false': 1,
      '2026-03-11|11|solvedAnswers|false': 1,
      '2026-03-11|11|rated|false': 1,
      '2026-03-11|11|reopened|false': 1,
      // the closing callback at 40 h = 3/11 18:00Z, already 3/12 02:00 in Shanghai
      '2026-03-12|11|callbacksConcluded|false': 1,
      '2026-03-12|11|callbackAttempts|false': 1,
      '2026-03-12|11|callbacksValid|false': 1,
      '2026-03-12|11|solvedAnswers|false': 1,
      '2026-03-12|11|solved|false': 1,
      '2026-03-12|11|rated|false': 1,
      '2026-03-12|11|basicallySatisfied|false': 1,
      '2026-03-12|11|closed|false': 1,
      '2026-03-12|11|completionJudged|false': 1,
      '2026-03-12|11|closedOnTime|false': 1, // last reply at 30 h, due (restarted by the reopen) at 69 h
      '2026-03-12|11|closedRedone|false': 1,
      // A's completion clock moved with the reopen from 3/12 to 3/13 07:00
      '2026-03-13|11|completeDue|false': 1,
      '2026-03-13|11|leadCompleteDue|false': 1,
      '2026-03-13|11|repliedDue|false': 1,
      '2026-03-13|11|completedDue|false': 1,
    });
  });

  it('an approved appeal moves what the unit was credited with to the appealed side, and what comes later too; other units keep theirs', () => {
    const appealAt = stream.findIndex((e) => e.type === 'reopen');
    const withAppeal = [...stream.slice(0, appealAt), ev(20.5, 'appeal_approved', { payload: { unitId: A } }), ...stream.slice(appealAt)].map((e, i) => ({
      ...e,
      id: i + 1,
    }));
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

  it('after a return the ticket has no lead until dispatched again; the returned clock stays due, not met', () => {
    const returned = [
      stream[0]!,
      dispatch(1, { assistUnitIds: [] }),
      ev(2, 'approve_return', { payload: { assignmentId: 101 } }),
      ev(3, 'decline', { fromStatus: 'awaiting_dispatch', toStatus: 'closed' }),
    ];
    expect(sum(ticketDeltas(ticket, returned, assignments))).toEqual({
      '2026-03-10|0|contacts|false': 1,
      '2026-03-10|0|notAccepted|false': 1,
      '2026-03-10|11|dispatched|false': 1,
      '2026-03-10|11|leadDispatched|false': 1,
      '2026-03-10|11|leadReturned|false': 1,
      '2026-03-10|11|responseDue|false': 1,
      '2026-03-10|11|leadResponseDue|false': 1,
      '2026-03-12|11|completeDue|false': 1,
      '2026-03-12|11|leadCompleteDue|false': 1,
      '2026-03-12|11|leadCompleteReturned|false': 1,
    });
  });

  it('counted in any batches, in any order, the sums are those of counting everything at once', () => {
    expectBatchInvariant(stream);
  });
});

describe('due-day cohorts', () => {
  const created = () => ev(0, 'ticket_created', { toStatus: 'awaiting_dispatch', payload: { channel: 'phone', disposition: 'dispatch' } });
  const leadOnly = (over: Partial<DispatchPayload> = {}) => dispatch(1, { assistUnitIds: [], ...over });

  it("a completion clock is counted on its deadline's day and moves with an extension and a recomputation (−1 old day, +1 new)", () => {
    const events = [
      created(),
      leadOnly(),
      ev(2, 'sign', { assignmentId: 101 }),
      ev(3, 'contact', { assignmentId: 101, payload: { contactedAt: iso(3) } }),
      ev(10, 'approve_extension', { payload: { assignmentId: 101, newDueAt: iso(100), previousDueAt: iso(49), missedAt: null } }), // 3/14 14:00
      ev(11, 'sla_recomputed', {
        assignmentId: 101,
        payload: { reason: 'calendar_day_set', cycle: 1, changes: [{ clock: 'complete', from: iso(100), to: iso(130) }] },
      }), // 3/15 20:00
      ev(20, 'reply', { assignmentId: 101 }),
    ];
    const ds = ticketDeltas(ticket, events, assignments);
    expect(of(ds, A)).toMatchObject({ '2026-03-15 completeDue': 1, '2026-03-15 leadCompleteDue': 1, '2026-03-15 repliedDue': 1 });
    expect(Object.keys(of(ds, A)).filter((k) => k.includes('completeDue') && !k.startsWith('2026-03-15'))).toEqual([]);
    // What the extension's event itself added: off 3/12, on 3/14.
    const ext = sum(ticketDeltas(ticket, events, assignments, new Set([events[4]!.id])));
    expect(ext).toEqual({
      '2026-03-12|11|completeDue|false': -1,
      '2026-03-12|11|leadCompleteDue|false': -1,
      '2026-03-14|11|completeDue|false': 1,
      '2026-03-14|11|leadCompleteDue|false': 1,
    });
    expectBatchInvariant(events);
  });

  it('a clock awaiting the calendar is pending, out of the rates, until recomputed; then it is due on its new day', () => {
    const waiting: AwaitingCalendar[] = [
      { clock: 'response', date: '2027-01-01' },
      { clock: 'complete', date: '2027-01-01' },
    ];
    const events = [
      created(),
      leadOnly({ deadlines: { sign: iso(3), response: null, complete: null }, awaitingCalendar: waiting }),
      ev(2, 'sign', { assignmentId: 101 }),
      ev(30, 'reply', { assignmentId: 101 }), // no contact: a miss whatever the deadline — placed on 2027-01-01, its earliest due day
    ];
    expect(of(ticketDeltas(ticket, events.slice(0, 3), assignments), A)).toMatchObject({
      '2027-01-01 responsePending': 1,
      '2027-01-01 leadResponsePending': 1,
      '2027-01-01 completePending': 1,
      '2027-01-01 leadCompletePending': 1,
    });
    const replied = of(ticketDeltas(ticket, events, assignments), A);
    expect(replied).toMatchObject({ '2027-01-01 responseDue': 1, '2027-01-01 completePending': 1 });
    expect(replied['2027-01-01 responsePending']).toBeUndefined();
    expect(replied['2027-01-01 repliedDue']).toBeUndefined(); // held back while pending: never a numerator without its denominator
    const recomputed = [
      ...events,
      ev(40, 'sla_recomputed', {
        assignmentId: 101,
        payload: { reason: 'calendar_import', cycle: 0, changes: [{ clock: 'complete', from: null, to: '2027-01-06T10:00:00.000Z' }] },
      }),
    ];
    const after = of(ticketDeltas(ticket, recomputed, assignments), A);
    expect(after).toMatchObject({ '2027-01-06 completeDue': 1, '2027-01-06 leadCompleteDue': 1, '2027-01-06 repliedDue': 1 });
    expect(after['2027-01-01 completePending']).toBeUndefined();
    expectBatchInvariant(recomputed);
  });

  it('a sign-in clock awaiting the calendar is pending (out of 及时签收率) and counted once recomputed; a contact before the first missing day is certainly in time', () => {
    const events = [
      created(),
      leadOnly({
        deadlines: { sign: null, response: null, complete: iso(49) },
        awaitingCalendar: [
          { clock: 'sign', date: '2027-01-01' },
          { clock: 'response', date: '2027-01-01' },
        ],
      }),
      ev(2, 'sign', { assignmentId: 101 }), // 2026-03-10: before 2027-01-01, so in time whatever the deadline
      ev(3, 'contact', { assignmentId: 101, payload: { contactedAt: iso(3) } }),
    ];
    const ds = of(ticketDeltas(ticket, events, assignments), A);
    expect(ds).toMatchObject({ '2026-03-10 signedOnTime': 1, '2027-01-01 responseDue': 1, '2027-01-01 respondedOnTime': 1 });
    expect(ds['2026-03-10 signPending']).toBeUndefined();
    // Signed on or after the first missing day: unknown until recomputed.
    const lateSign = [events[0]!, events[1]!, { ...ev(2, 'sign', { assignmentId: 101 }), createdAt: new Date('2027-01-02T02:00:00Z') }];
    expect(of(ticketDeltas(ticket, lateSign, assignments), A)).toMatchObject({ '2026-03-10 signPending': 1 });
    expect(of(ticketDeltas(ticket, lateSign, assignments), A)['2026-03-10 signedOnTime']).toBeUndefined();
    const resolved = [
      ...lateSign,
      ev(5, 'sla_recomputed', {
        assignmentId: 101,
        payload: { reason: 'calendar_import', cycle: 0, changes: [{ clock: 'sign', from: null, to: '2027-01-04T02:00:00.000Z' }] },
      }),
    ];
    const r = of(ticketDeltas(ticket, resolved, assignments), A);
    expect(r['2026-03-10 signPending']).toBeUndefined();
    expect(r['2026-03-10 signedOnTime']).toBe(1);
    expectBatchInvariant(resolved);
  });

  it('a reply without a contact before it is a response miss; a contact after the reply does not make it a response', () => {
    const events = [
      created(),
      leadOnly(),
      ev(2, 'sign', { assignmentId: 101 }),
      ev(3, 'reply', { assignmentId: 101 }),
      ev(3.5, 'contact', { assignmentId: 101, payload: { contactedAt: iso(3.5) } }),
    ];
    const ds = of(ticketDeltas(ticket, events, assignments), A);
    expect(ds['2026-03-10 leadResponseDue']).toBe(1);
    expect(ds['2026-03-10 leadRespondedOnTime']).toBeUndefined();
  });
});

describe('按时办结率: judged once, open-and-overdue counts as late', () => {
  const start = () => [
    ev(0, 'ticket_created', { toStatus: 'awaiting_dispatch', payload: {} }),
    dispatch(1, { assistUnitIds: [] }),
    ev(2, 'sign', { assignmentId: 101 }),
  ];
  const overdue = (h: number) => ev(h, 'sla_warning', { assignmentId: 101, payload: { clock: 'complete', level: 'overdue', dueAt: iso(49), cycle: 0 } });
  const closeAt = (h: number) =>
    ev(h, 'callback_close', { fromStatus: 'awaiting_callback', toStatus: 'closed', payload: { reached: true, solved: 'solved', satisfaction: 'satisfied' } });

  it("the overdue warning judges the ticket late on its deadline's day while it is still open; the close later adds no second judgement", () => {
    const open = [...start(), overdue(49.02)];
    expect(of(ticketDeltas(ticket, open, assignments), A)).toMatchObject({ '2026-03-12 completionJudged': 1 });
    const closed = [...open, ev(60, 'reply', { assignmentId: 101 }), ev(61, 'approve_reply'), closeAt(70)];
    const ds = of(ticketDeltas(ticket, closed, assignments), A);
    expect(ds['2026-03-12 completionJudged']).toBe(1);
    expect(ds['2026-03-13 completionJudged']).toBeUndefined();
    expect(Object.keys(ds).some((k) => k.endsWith('closedOnTime'))).toBe(false);
    expectBatchInvariant(closed);
  });

  it('a reply after the deadline is a miss even without the sweep', () => {
    const ds = of(ticketDeltas(ticket, [...start(), ev(50, 'reply', { assignmentId: 101 }), ev(51, 'approve_reply'), closeAt(60)], assignments), A);
    expect(ds['2026-03-12 completionJudged']).toBe(1);
    expect(Object.keys(ds).some((k) => k.endsWith('closedOnTime'))).toBe(false);
  });

  it('an extension approved after the deadline keeps the miss (missedAt), though the reply beats the new deadline', () => {
    const events = [
      ...start(),
      ev(50, 'approve_extension', { payload: { assignmentId: 101, newDueAt: iso(120), previousDueAt: iso(49), missedAt: iso(49) } }),
      ev(60, 'reply', { assignmentId: 101 }),
      ev(61, 'approve_reply'),
      closeAt(70),
    ];
    const ds = of(ticketDeltas(ticket, events, assignments), A);
    expect(ds['2026-03-12 completionJudged']).toBe(1);
    expect(Object.keys(ds).some((k) => k.endsWith('closedOnTime'))).toBe(false);
    // Without missedAt (approved in time) the same journey is on time.
    const inTime = events.map((e) => (e.type === 'approve_extension' ? { ...e, payload: { ...e.payload, missedAt: null } } : e));
    expect(of(ticketDeltas(ticket, inTime, assignments), A)).toMatchObject({ '2026-03-13 completionJudged': 1, '2026-03-13 closedOnTime': 1 });
  });

  it("a terminated ticket is judged at the unit's request, not at the reviewer's approval", () => {
    const term = (requestAt: number, approveAt: number) => [
      ...start(),
      ev(requestAt, 'request_termination', { assignmentId: 101 }),
      ev(approveAt, 'approve_termination', { fromStatus: 'termination_requested', toStatus: 'closed', payload: { assignmentId: 101 } }),
    ];
    // Requested at 40 h (due 49 h, 3/12), approved at 70 h (3/13): on time, judged on the close's day.
    expect(of(ticketDeltas(ticket, term(40, 70), assignments), A)).toMatchObject({ '2026-03-13 completionJudged': 1, '2026-03-13 closedOnTime': 1 });
    // Requested at 50 h: late, on the deadline's day.
    const late = of(ticketDeltas(ticket, term(50, 70), assignments), A);
    expect(late).toMatchObject({ '2026-03-12 completionJudged': 1 });
    expect(Object.keys(late).some((k) => k.endsWith('closedOnTime'))).toBe(false);
    // A rejected request no longer counts: the close is judged on the reply.
    const rejected = [
      ...start(),
      ev(40, 'request_termination', { assignmentId: 101 }),
      ev(41, 'reject_termination', { payload: { assignmentId: 101 } }),
      ev(55, 'reply', { assignmentId: 101 }),
      ev(56, 'approve_reply'),
      closeAt(60),
    ];
    expect(Object.keys(of(ticketDeltas(ticket, rejected, assignments), A)).some((k) => k.endsWith('closedOnTime'))).toBe(false);
  });
});
