/**
 * The metric fold along the chain of levels (hand-computed): a sub-assignment's clocks count for its own unit
 * exactly as a dispatched assignment's do, its parent's approval is its 办结, and the ticket's outcomes stay with
 * the top-level lead. Hours from 3/10 10:00 Asia/Shanghai; the event streams are those the chain's commands write
 * (hand_down with its sub-assignments and deadlines, the parent's decisions on the sub-assignment).
 */
import { describe, expect, it } from 'vitest';
import { ticketDeltas, type AssignmentFacts, type StreamEvent } from '../../src/domain/metrics/contributions.ts';
import type { HandDownPayload } from '../../src/contract/events.ts';
import { at, dispatch, ev, expectBatchInvariant, iso, of, ticket } from './metrics-contributions-fixtures.ts';

const D = 21; // district: the centre's lead
const S = 22; // street: D's lead sub-assignment
const C = 23; // community: S's lead sub-assignment
const S2 = 24; // another street: D's assisting sub-assignment
const fact = (id: number, unitId: number, role: 'lead' | 'assist', parentId: number | null, h: number): AssignmentFacts => ({
  id,
  unitId,
  role,
  parentId,
  dispatchedAt: at(h),
  signDueAt: null,
  responseDueAt: null,
  completeDueAt: null,
});
const facts = [fact(201, D, 'lead', null, 1), fact(202, S, 'lead', 201, 2.5), fact(203, S2, 'assist', 201, 2.5), fact(204, C, 'lead', 202, 5)];
const handDown = (h: number, parent: number, p: Partial<HandDownPayload> & { due: [number, number, number] }) =>
  ev(h, 'hand_down', {
    assignmentId: parent,
    payload: {
      assistUnitIds: [],
      deadlines: { sign: iso(p.due[0]), response: iso(p.due[1]), complete: iso(p.due[2]) },
      clamped: [],
      awaitingCalendar: [],
      ...p,
    },
  });
const decide = <K extends 'approve_sub_reply' | 'approve_sub_return' | 'recall' | 'approve_sub_extension'>(h: number, type: K, sub: number, payload = {}) =>
  ev(h, type, { assignmentId: sub, payload } as Partial<StreamEvent<K>>);

/** Centre → 区D (lead) → 街道S (lead) + 街道S2 (assisting) → 社区C (lead, S's). */
const chain: StreamEvent[] = [
  ev(0, 'ticket_created', { toStatus: 'awaiting_dispatch', payload: { channel: 'phone', disposition: 'dispatch' } }),
  dispatch(1, { leadUnitId: D, assistUnitIds: [] }), // D: sign 3, response 5, completion 49 (3/12 11:00)
  ev(1.5, 'sign', { assignmentId: 201 }),
  ev(2, 'contact', { assignmentId: 201, payload: { contactedAt: iso(2) } }),
  handDown(2.5, 201, { subAssignmentIds: [202, 203], leadUnitId: S, assistUnitIds: [S2], due: [4.5, 6.5, 49] }),
  ev(3, 'sign', { assignmentId: 202 }),
  ev(4, 'contact', { assignmentId: 202, payload: { contactedAt: iso(4) } }),
  ev(5, 'sign', { assignmentId: 203 }), // S2 signs half an hour late
  handDown(5, 202, { subAssignmentIds: [204], leadUnitId: C, due: [7, 9, 30] }),
  ev(6, 'sign', { assignmentId: 204 }),
  ev(7, 'reply', { assignmentId: 203 }), // S2 replies without contacting: its response is missed
  ev(8, 'reply', { assignmentId: 204 }), // C too
  decide(9, 'approve_sub_reply', 204), // S approves C's reply: C's 办结, on time (8 ≤ 30)
  ev(10, 'reply', { assignmentId: 202 }),
  decide(11, 'approve_sub_reply', 202), // D approves S's: on time (10 ≤ 49)
  decide(12, 'approve_sub_reply', 203),
  ev(13, 'reply', { assignmentId: 201 }),
  ev(14, 'approve_reply', { fromStatus: 'awaiting_review', toStatus: 'awaiting_callback' }),
  ev(30, 'callback_close', {
    fromStatus: 'awaiting_callback',
    toStatus: 'closed',
    payload: { reached: true, solved: 'solved', satisfaction: 'satisfied' },
  }),
];

describe('the fold along the chain of levels (hand-computed)', () => {
  const deltas = ticketDeltas(ticket, chain, facts);

  it("a lead sub-assignment's clocks are its own unit's: hand-down day, its deadlines' days, 办结 at the parent's approval", () => {
    expect(of(deltas, S)).toEqual({
      '2026-03-10 dispatched': 1,
      '2026-03-10 handedDown': 1,
      '2026-03-10 leadDispatched': 1,
      '2026-03-10 leadHandedDown': 1,
      '2026-03-10 signedOnTime': 1,
      '2026-03-10 replied': 1,
      '2026-03-10 completed': 1,
      // response due 3/10 16:30, contact at 14:00
      '2026-03-10 responseDue': 1,
      '2026-03-10 leadResponseDue': 1,
      '2026-03-10 respondedOnTime': 1,
      '2026-03-10 leadRespondedOnTime': 1,
      // judged at D's approval (3/10 21:00): its last reply (20:00) by its deadline
      '2026-03-10 completionJudged': 1,
      '2026-03-10 closedOnTime': 1,
      '2026-03-10 subCompletionJudged': 1,
      '2026-03-10 subClosedOnTime': 1,
      // its completion clock (due 3/12 11:00, the parent's) on 3/12: due, replied, completed
      '2026-03-12 completeDue': 1,
      '2026-03-12 leadCompleteDue': 1,
      '2026-03-12 repliedDue': 1,
      '2026-03-12 completedDue': 1,
    });
  });

  it('a sub-assignment of a sub-assignment counts for its unit in the same way; a reply without contact is its response miss', () => {
    expect(of(deltas, C)).toEqual({
      '2026-03-10 dispatched': 1,
      '2026-03-10 handedDown': 1,
      '2026-03-10 leadDispatched': 1,
      '2026-03-10 leadHandedDown': 1,
      '2026-03-10 signedOnTime': 1,
      '2026-03-10 replied': 1,
      '2026-03-10 completed': 1,
      '2026-03-10 responseDue': 1,
      '2026-03-10 leadResponseDue': 1,
      '2026-03-10 completionJudged': 1,
      '2026-03-10 closedOnTime': 1,
      '2026-03-10 subCompletionJudged': 1,
      '2026-03-10 subClosedOnTime': 1,
      // due 3/11 16:00
      '2026-03-11 completeDue': 1,
      '2026-03-11 leadCompleteDue': 1,
      '2026-03-11 repliedDue': 1,
      '2026-03-11 completedDue': 1,
    });
  });

  it('an assisting sub-assignment is assessed on sign-in and reply, never on 办结 (as an assisting unit)', () => {
    expect(of(deltas, S2)).toEqual({
      '2026-03-10 dispatched': 1,
      '2026-03-10 handedDown': 1,
      '2026-03-10 replied': 1,
      '2026-03-10 responseDue': 1,
      '2026-03-12 completeDue': 1,
      '2026-03-12 repliedDue': 1,
    });
  });

  it("the ticket's outcomes (close, callback, 按时办结率 of the ticket) stay with the top-level lead; the district's own clocks are its own only", () => {
    expect(of(deltas, D)).toEqual({
      '2026-03-10 dispatched': 1,
      '2026-03-10 leadDispatched': 1,
      '2026-03-10 signedOnTime': 1,
      '2026-03-10 replied': 1,
      '2026-03-10 completed': 1,
      '2026-03-10 responseDue': 1,
      '2026-03-10 leadResponseDue': 1,
      '2026-03-10 respondedOnTime': 1,
      '2026-03-10 leadRespondedOnTime': 1,
      '2026-03-11 closed': 1,
      '2026-03-11 completionJudged': 1,
      '2026-03-11 closedOnTime': 1,
      '2026-03-11 callbacksConcluded': 1,
      '2026-03-11 callbacksDue': 1, // 回访率: the round opened by the approved reply, called back
      '2026-03-11 callbacksMade': 1,
      '2026-03-11 callbackAttempts': 1,
      '2026-03-11 callbacksValid': 1,
      '2026-03-11 solvedAnswers': 1,
      '2026-03-11 solved': 1,
      '2026-03-11 rated': 1,
      '2026-03-11 satisfied': 1,
      '2026-03-12 completeDue': 1,
      '2026-03-12 leadCompleteDue': 1,
      '2026-03-12 repliedDue': 1,
      '2026-03-12 completedDue': 1,
    });
  });

  it('counted in any batches, in any order, the sums are those of counting everything at once', () => {
    expectBatchInvariant(chain, facts);
  });
});

describe('the parent decides: return, recall, extension (hand-computed)', () => {
  it("an approved return is the sub-unit's 退单 (回退率, out of its 办结率); the sub-assignments beneath it stop with it", () => {
    const events: StreamEvent[] = [
      dispatch(1, { leadUnitId: D, assistUnitIds: [] }),
      ev(1.5, 'sign', { assignmentId: 201 }),
      handDown(2.5, 201, { subAssignmentIds: [202, 203], leadUnitId: S, assistUnitIds: [S2], due: [4.5, 6.5, 49] }),
      ev(3, 'sign', { assignmentId: 202 }),
      handDown(4, 202, { subAssignmentIds: [204], leadUnitId: C, due: [7, 9, 30] }),
      decide(5, 'approve_sub_return', 202), // C never signed: stopped with S, a sign-in miss
    ];
    const ds = ticketDeltas(ticket, events, facts);
    expect(of(ds, S)).toMatchObject({ '2026-03-10 leadReturned': 1, '2026-03-12 leadCompleteReturned': 1, '2026-03-10 responseDue': 1 });
    expect(of(ds, S)['2026-03-10 respondedOnTime']).toBeUndefined();
    expect(of(ds, C)).toEqual({
      '2026-03-10 dispatched': 1,
      '2026-03-10 handedDown': 1,
      '2026-03-10 leadDispatched': 1,
      '2026-03-10 leadHandedDown': 1,
      '2026-03-10 responseDue': 1,
      '2026-03-10 leadResponseDue': 1,
      '2026-03-11 completeDue': 1,
      '2026-03-11 leadCompleteDue': 1,
    });
    // The assisting street is not S's: it keeps running, and D's own clocks are untouched.
    expect(of(ds, D)['2026-03-10 leadReturned']).toBeUndefined();
    const later = ticketDeltas(ticket, [...events, ev(6, 'sign', { assignmentId: 203 })], facts);
    expect(of(later, S2)['2026-03-10 signedOnTime']).toBeUndefined(); // 6 > 4.5: late, but counted as its own
    expect(of(later, S2)['2026-03-10 dispatched']).toBe(1);
  });

  it('a recall stops the sub-unit’s clocks as they stand — not a return (no 回退率), not completed', () => {
    const events: StreamEvent[] = [
      dispatch(1, { leadUnitId: D, assistUnitIds: [] }),
      handDown(2.5, 201, { subAssignmentIds: [202, 203], leadUnitId: S, assistUnitIds: [S2], due: [4.5, 6.5, 49] }),
      ev(3, 'sign', { assignmentId: 202 }),
      decide(4, 'recall', 202, { reason: '改由本级办理' }),
      ev(5, 'contact', { assignmentId: 202, payload: { contactedAt: iso(5) } }), // after the recall: nothing
    ];
    const ds = ticketDeltas(ticket, events, facts);
    expect(of(ds, S)).toEqual({
      '2026-03-10 dispatched': 1,
      '2026-03-10 handedDown': 1,
      '2026-03-10 leadDispatched': 1,
      '2026-03-10 leadHandedDown': 1,
      '2026-03-10 signedOnTime': 1,
      '2026-03-10 responseDue': 1,
      '2026-03-10 leadResponseDue': 1,
      '2026-03-12 completeDue': 1,
      '2026-03-12 leadCompleteDue': 1,
    });
  });

  it("the parent's extension moves the sub's completion cohort; granted after the deadline, the miss stays a miss", () => {
    const events: StreamEvent[] = [
      dispatch(1, { leadUnitId: D, assistUnitIds: [] }),
      handDown(2.5, 201, { subAssignmentIds: [202, 203], leadUnitId: S, assistUnitIds: [S2], due: [4.5, 6.5, 30] }), // completion 3/11 16:00
      decide(31, 'approve_sub_extension', 202, { newDueAt: iso(45) }), // 3/11 17:00, after it: missed on 3/11
      ev(40, 'reply', { assignmentId: 202 }),
      decide(41, 'approve_sub_reply', 202),
    ];
    const ds = ticketDeltas(ticket, events, facts);
    expect(of(ds, S)).toMatchObject({
      '2026-03-11 completionJudged': 1,
      '2026-03-11 subCompletionJudged': 1,
      // 3/12 07:00: the cohort moved from 3/11
      '2026-03-12 completeDue': 1,
      '2026-03-12 leadCompleteDue': 1,
      '2026-03-12 completedDue': 1,
    });
    expect(of(ds, S)['2026-03-11 completeDue']).toBeUndefined();
    expect(of(ds, S)['2026-03-12 closedOnTime']).toBeUndefined();
    expect(of(ds, S)['2026-03-12 completionJudged']).toBeUndefined(); // judged once
  });

  it('a later dispatch by the centre to a unit that held a sub-assignment matches the new top-level row, not the old sub-assignment', () => {
    const rows = [...facts, fact(205, S, 'lead', null, 8)];
    const events: StreamEvent[] = [
      dispatch(1, { leadUnitId: D, assistUnitIds: [] }),
      handDown(2.5, 201, { subAssignmentIds: [202, 203], leadUnitId: S, assistUnitIds: [S2], due: [4.5, 6.5, 49] }),
      decide(3, 'recall', 202, { reason: '收回' }),
      decide(3, 'recall', 203, { reason: '收回' }),
      ev(4, 'approve_return', { payload: { assignmentId: 201 } }),
      dispatch(8, { leadUnitId: S, assistUnitIds: [], deadlines: { sign: iso(10), response: iso(12), complete: iso(56) } }),
      ev(9, 'sign', { assignmentId: 205 }),
      ev(9.5, 'reply', { assignmentId: 205 }),
      ev(9.8, 'approve_reply', { fromStatus: 'awaiting_review', toStatus: 'awaiting_callback' }),
      ev(30, 'callback_close', {
        fromStatus: 'awaiting_callback',
        toStatus: 'closed',
        payload: { reached: true, solved: 'solved', satisfaction: 'satisfied' },
      }),
    ];
    const ds = ticketDeltas(ticket, events, rows);
    const s = of(ds, S);
    expect(s['2026-03-10 dispatched']).toBe(2); // the sub-assignment and the centre's dispatch
    expect(s['2026-03-10 handedDown']).toBe(1);
    expect(s['2026-03-10 signedOnTime']).toBe(1); // the top-level row's sign (9 ≤ 10)
    expect(s['2026-03-11 closed']).toBe(1); // the ticket's lead now
    expect(s['2026-03-11 satisfied']).toBe(1);
    expect(of(ds, D)['2026-03-11 closed']).toBeUndefined();
  });
});
