/**
 * What each ticket event adds to the metric counters — a pure fold over one ticket's event stream.
 *
 * An event's contribution depends only on the events of its ticket that precede it (by id) and on facts
 * that never change once that event has happened (an assignment's unit, role and dispatch time). Deadlines
 * are read from the stream itself — the dispatch's `deadlines` and `awaitingCalendar`, an approved
 * extension's `newDueAt`, a reopen's `completeDueAt`, `sla_uncomputable` and `sla_recomputed` — never from
 * the assignment row, which later events rewrite (only events written before they carried deadlines fall
 * back to the row). Events of one ticket are written under the ticket's row lock, so when an event is
 * visible, so is everything before it: the rollup can count events in any order, in any batches, and
 * always adds the same numbers.
 *
 * Clocks (docs/metrics.md):
 * - a response or completion clock is a cohort of its deadline's Asia/Shanghai day: what it is credited
 *   with (due, met, replied, closed…) sits on that day and moves with the deadline (−1 on the old day, +1 on
 *   the new) while the deadline moves;
 * - a clock awaiting the calendar has no due day: it is *pending* on the first day the calendar lacks, out
 *   of every rate, until a recomputation gives it a deadline — or until it stops with an outcome that is
 *   certain whatever the deadline (a contact before the first missing day is in time; a reply without a
 *   contact is a miss), when it is placed on that first missing day, its earliest possible due day;
 * - the lead's completion clock is judged once for 按时办结率: missed on the deadline's day as soon as a miss
 *   shows (overdue fired, a late reply or termination request, an extension approved after the deadline),
 *   else at the close — on time when the lead's finishing act (its last reply; for a termination, the
 *   request) came by the deadline.
 *
 * An approved appeal (免考) for unit U moves everything U has been credited with for this ticket to the
 * `appealed` side, and everything U is credited with later goes there too.
 */
import type { TicketEventPayloads, TicketEventType } from '../../contract/events.ts';
import type { AssignmentRole, Clock, TicketStatus } from '../../contract/vocab.ts';
import { shanghaiDate } from '../clock.ts';
import { INTAKE_UNIT, type Counter } from './counters.ts';

/**
 * One stored event as the fold reads it: its type decides its payload (src/contract/events.ts). Any field may
 * be absent — an event written before the field existed (a dispatch before `deadlines`) — and the fold falls back.
 */
export type StreamEvent<K extends TicketEventType = TicketEventType> = {
  [T in K]: {
    id: number;
    ticketId: number;
    assignmentId: number | null;
    type: T;
    fromStatus: TicketStatus | null;
    toStatus: TicketStatus | null;
    payload: Partial<TicketEventPayloads[T]>;
    createdAt: Date;
  };
}[K];

export type TicketFacts = { id: number; categoryId: number; channel: string; createdAt: Date };

export type AssignmentFacts = {
  id: number;
  unitId: number;
  role: AssignmentRole;
  dispatchedAt: Date;
  /** Read only for events written before the dispatch and reopen payloads carried deadlines. */
  signDueAt: Date | null;
  responseDueAt: Date | null;
  completeDueAt: Date | null;
  originalCompleteDueAt?: Date | null;
};

export type Delta = {
  day: string;
  unitId: number;
  categoryId: number;
  channel: string;
  appealed: boolean;
  counter: Counter;
  delta: number;
};

/** Event types the fold reads; any event that closes the ticket is read too, whatever its type (see `isCounted`). */
export const COUNTED_EVENT_TYPES = [
  'ticket_created',
  'contact_linked',
  'decline',
  'merge',
  'dispatch',
  'sign',
  'contact',
  'reply',
  'request_termination',
  'reject_termination',
  'approve_termination',
  'approve_reply',
  'reject_reply',
  'approve_return',
  'reject_return',
  'approve_extension',
  'reject_extension',
  'reopen',
  'callback_close',
  'callback_dispute',
  'callback_retry',
  'callback_unreached',
  'appeal_approved',
  'sla_uncomputable',
  'sla_recomputed',
] as const satisfies readonly TicketEventType[];
/** Of the SLA sweep's warnings, only a completion clock going overdue counts (a miss for 按时办结率). */
export const isCountedWarning = (e: StreamEvent<'sla_warning'>) => e.payload.level === 'overdue' && e.payload.clock === 'complete';

const date = (v: string | null | undefined): Date | null => {
  if (!v) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
};

/** A clock's deadline: an instant; or awaiting the calendar (`waiting`: the first day it lacks); or none (no policy: cannot be missed). */
type Due = { at: Date | null; waiting: string | null };
const NONE: Due = { at: null, waiting: null };

/** 00:00 of an Asia/Shanghai date. */
const startOfDay = (day: string) => new Date(`${day}T00:00:00+08:00`);

/** Was an act at `t` in time? null when it cannot be known yet (the deadline awaits the calendar and `t` is on or after its first missing day). */
function inTime(t: Date, due: Due): boolean | null {
  if (due.at) return t <= due.at;
  if (due.waiting) return t < startOfDay(due.waiting) ? true : null;
  return true;
}

type Emit = (counter: Counter, unitId: number, day: string, delta: number) => void;

/**
 * What one clock has credited, on one day. While pending (the deadline awaits the calendar) it shows only
 * its pending counters and holds everything else back; placed on a day, it shows its due counters and
 * everything held. Every change emits the difference, so the sums always equal the entry's state.
 */
class Cohort {
  private day: string | null = null;
  private pending = false;
  private readonly facts = new Map<Counter, number>();
  constructor(
    private readonly unitId: number,
    private readonly due: readonly Counter[],
    private readonly waiting: readonly Counter[],
    private readonly emit: () => Emit,
  ) {}

  get isPending() {
    return this.pending;
  }

  /** Shown counters at the current place (due or pending ones, and the facts unless pending). */
  private shown(): Map<Counter, number> {
    const m = new Map<Counter, number>();
    if (this.day === null) return m;
    for (const c of this.pending ? this.waiting : this.due) m.set(c, (m.get(c) ?? 0) + 1);
    if (!this.pending) for (const [c, n] of this.facts) m.set(c, (m.get(c) ?? 0) + n);
    return m;
  }

  private change(mutate: () => void) {
    const before = this.shown();
    const beforeDay = this.day;
    mutate();
    const after = this.shown();
    const emit = this.emit();
    for (const [c, n] of before) if (n) emit(c, this.unitId, beforeDay!, -n);
    for (const [c, n] of after) if (n) emit(c, this.unitId, this.day!, n);
  }

  /** Place the clock on its due day, or as pending on the first day the calendar lacks. */
  place(day: string, pending: boolean) {
    if (day === this.day && pending === this.pending) return;
    this.change(() => {
      this.day = day;
      this.pending = pending;
    });
  }

  add(counter: Counter) {
    if (this.day === null) return;
    this.facts.set(counter, (this.facts.get(counter) ?? 0) + 1);
    if (!this.pending) this.emit()(counter, this.unitId, this.day, 1);
  }
}

/** Everything the fold keeps about one assignment. */
type AState = {
  facts: AssignmentFacts;
  lead: boolean;
  dispatchDay: string;
  due: Record<Clock, Due>;
  /** Start of the completion clock (dispatch or the latest reopen): its day is the cohort of a clock without deadline. */
  completeStartDay: string;
  live: boolean;
  sign: { done: boolean; at: Date | null; pending: boolean; final: boolean };
  response: { judged: 'met' | 'missed' | 'unknown' | null; contactedAt: Date | null; cohort: Cohort };
  complete: { cohort: Cohort; replied: boolean; lastReplyAt: Date | null; terminationAt: Date | null; final: boolean };
  /** 按时办结率 (lead): judged once; 'unknown' while the finishing act's timeliness waits for the calendar. */
  onTime: { judged: 'met' | 'missed' | 'unknown' | null; finishedAt: Date | null; closeDay: string | null };
};

/**
 * The deltas of every event of one ticket whose id is in `emit` (all of them when omitted).
 * `events` must hold the ticket's stream up to at least the last emitted event, in id order.
 */
export function ticketDeltas(ticket: TicketFacts, events: readonly StreamEvent[], assignments: readonly AssignmentFacts[], emit?: ReadonlySet<number>): Delta[] {
  const out: Delta[] = [];
  /** Everything credited so far (for appeals to move). */
  const credited: Delta[] = [];
  const appealedUnits = new Set<number>();
  let createdDay = shanghaiDate(ticket.createdAt);
  /** The lead assignment holding the ticket; null before dispatch and after a return. */
  let lead: AState | null = null;
  let reopened = false;
  /** A callback round is open from an approved reply to its first attempt (回访及时率 counts that attempt). */
  let callbackRoundOpen = false;
  const states = new Map<number, AState>();
  const matched = new Set<number>();
  const ordered = [...assignments].sort((a, b) => a.id - b.id);

  let mine: Delta[] = [];
  const push: Emit = (counter, unitId, day, delta) =>
    mine.push({ day, unitId, categoryId: ticket.categoryId, channel: ticket.channel, appealed: false, counter, delta });
  const current = () => push;

  const dayOf = (due: Due, fallback: string) => (due.waiting ? due.waiting : due.at ? shanghaiDate(due.at) : fallback);
  const placeResponse = (s: AState) => s.response.cohort.place(dayOf(s.due.response, s.dispatchDay), s.due.response.waiting !== null && s.response.judged !== 'met' && s.response.judged !== 'missed');
  const placeComplete = (s: AState) => s.complete.cohort.place(dayOf(s.due.complete, s.completeStartDay), s.due.complete.waiting !== null && !(s.complete.final && s.onTime.judged !== 'unknown'));

  /** A judgement certain whatever the deadline: a pending clock is placed on its earliest possible due day. */
  const settleResponse = (s: AState, judged: 'met' | 'missed') => {
    s.response.judged = judged;
    if (judged === 'met') {
      s.response.cohort.add('respondedOnTime');
      if (s.lead) s.response.cohort.add('leadRespondedOnTime');
    }
    placeResponse(s);
  };

  const missCompletion = (s: AState, on: Date | null, fallbackDay: string) => {
    if (!s.lead || s.onTime.judged === 'met' || s.onTime.judged === 'missed') return;
    s.onTime.judged = 'missed';
    push('completionJudged', s.facts.unitId, on ? shanghaiDate(on) : fallbackDay, 1);
  };

  /** The sign and response clocks stop for good (the ticket left the units' hands): what never happened is a miss. */
  const stopClocks = (s: AState) => {
    if (!s.sign.done && !s.sign.final) {
      s.sign.final = true;
      if (s.sign.pending) {
        s.sign.pending = false;
        push('signPending', s.facts.unitId, s.dispatchDay, -1);
      }
    }
    if (s.response.judged === null) settleResponse(s, 'missed');
  };
  /** The completion clock's cohort is final (an assisting unit's once the ticket left the units; the lead's at close or return). */
  const finishCompletion = (s: AState) => {
    s.complete.final = true;
    placeComplete(s);
  };

  const newState = (a: AssignmentFacts, day: string, due: Record<Clock, Due>): AState => {
    const isLead = a.role === 'lead';
    const s: AState = {
      facts: a,
      lead: isLead,
      dispatchDay: day,
      due,
      completeStartDay: day,
      live: true,
      sign: { done: false, at: null, pending: due.sign.waiting !== null, final: false },
      response: {
        judged: null,
        contactedAt: null,
        cohort: new Cohort(a.unitId, isLead ? ['responseDue', 'leadResponseDue'] : ['responseDue'], isLead ? ['responsePending', 'leadResponsePending'] : ['responsePending'], current),
      },
      complete: {
        cohort: new Cohort(a.unitId, isLead ? ['completeDue', 'leadCompleteDue'] : ['completeDue'], isLead ? ['completePending', 'leadCompletePending'] : ['completePending'], current),
        replied: false,
        lastReplyAt: null,
        terminationAt: null,
        final: false,
      },
      onTime: { judged: null, finishedAt: null, closeDay: null },
    };
    if (s.sign.pending) push('signPending', a.unitId, day, 1);
    placeResponse(s);
    placeComplete(s);
    return s;
  };

  /** The assignments a dispatch wrote: per unit, the first of its rows not yet matched to a dispatch (ids ascend with dispatches). */
  const assignmentsOfDispatch = (unitIds: number[]) =>
    unitIds.flatMap((unitId, i) => {
      const a = ordered.find((x) => !matched.has(x.id) && x.unitId === unitId && x.role === (i === 0 ? 'lead' : 'assist'));
      if (!a) return [];
      matched.add(a.id);
      return [a];
    });

  const deadlinesOf = (e: StreamEvent<'dispatch'>, a: AssignmentFacts): Record<Clock, Due> => {
    const d = e.payload.deadlines;
    const waiting = new Map<Clock, string>();
    for (const w of e.payload.awaitingCalendar ?? []) if (w.date) waiting.set(w.clock, w.date);
    const pick = (clock: Clock, fallback: Date | null | undefined): Due => {
      const w = waiting.get(clock);
      if (w) return { at: null, waiting: w };
      if (d) return { at: date(d[clock]), waiting: null };
      return { at: fallback ?? null, waiting: null };
    };
    return { sign: pick('sign', a.signDueAt), response: pick('response', a.responseDueAt), complete: pick('complete', a.originalCompleteDueAt ?? a.completeDueAt) };
  };

  /** A clock's deadline became known (a recomputation, an extension, a reopen) or moved. */
  const setDeadline = (s: AState, clock: Clock, due: Due) => {
    s.due[clock] = due;
    if (clock === 'sign') {
      if (!s.sign.pending || due.waiting) return;
      // Known now: a sign already recorded is judged against it; the pending mark goes.
      s.sign.pending = false;
      push('signPending', s.facts.unitId, s.dispatchDay, -1);
      if (s.sign.done && s.sign.at && inTime(s.sign.at, due) === true) push('signedOnTime', s.facts.unitId, s.dispatchDay, 1);
      return;
    }
    if (clock === 'response') {
      if (s.response.judged === 'unknown' && !due.waiting) {
        const ok = inTime(s.response.contactedAt!, due) === true;
        settleResponse(s, ok ? 'met' : 'missed');
        return;
      }
      placeResponse(s);
      return;
    }
    if (s.onTime.judged === 'unknown' && !due.waiting) {
      const ok = inTime(s.onTime.finishedAt!, due) === true;
      s.onTime.judged = ok ? 'met' : 'missed';
      push('completionJudged', s.facts.unitId, s.onTime.closeDay!, 1);
      if (ok) push('closedOnTime', s.facts.unitId, s.onTime.closeDay!, 1);
    }
    placeComplete(s);
  };

  for (const e of events) {
    const day = shanghaiDate(e.createdAt);
    mine = [];
    const add = (counter: Counter, unitId: number, onDay: string, channel = ticket.channel, delta = 1) =>
      mine.push({ day: onDay, unitId, categoryId: ticket.categoryId, channel, appealed: false, counter, delta });
    const s = e.assignmentId !== null ? states.get(e.assignmentId) : undefined;
    /** The assignment a centre decision names in its payload. */
    const named = (assignmentId: number | undefined) => (assignmentId === undefined ? undefined : states.get(assignmentId));

    switch (e.type) {
      case 'ticket_created': {
        createdDay = day;
        const channel = e.payload.channel ?? ticket.channel;
        add('contacts', INTAKE_UNIT, day, channel);
        if (e.payload.disposition === 'direct_answer') add('directAnswers', INTAKE_UNIT, day, channel);
        if (e.payload.disposition === 'not_accepted') add('notAccepted', INTAKE_UNIT, day, channel);
        break;
      }
      case 'contact_linked': {
        const channel = e.payload.channel ?? ticket.channel;
        add('contacts', INTAKE_UNIT, day, channel);
        add('repeatContacts', INTAKE_UNIT, day, channel);
        break;
      }
      case 'decline':
        add('notAccepted', INTAKE_UNIT, createdDay);
        break;
      case 'merge':
        // The merged ticket's own first contact turns out to have been a repeat.
        add('repeatContacts', INTAKE_UNIT, createdDay);
        break;
      case 'dispatch': {
        const leadUnitId = e.payload.leadUnitId;
        const assists = e.payload.assistUnitIds ?? [];
        if (leadUnitId === undefined) break;
        for (const unitId of [leadUnitId, ...assists]) add('dispatched', unitId, day);
        add('leadDispatched', leadUnitId, day);
        lead = null;
        for (const a of assignmentsOfDispatch([leadUnitId, ...assists])) {
          const st = newState(a, day, deadlinesOf(e, a));
          states.set(a.id, st);
          if (st.lead) lead = st;
        }
        break;
      }
      case 'sign':
        if (s && !s.sign.done && !s.sign.final) {
          s.sign.done = true;
          s.sign.at = e.createdAt;
          const ok = inTime(e.createdAt, s.due.sign);
          if (ok === true) add('signedOnTime', s.facts.unitId, s.dispatchDay);
          if (s.sign.pending && ok !== null) {
            s.sign.pending = false;
            add('signPending', s.facts.unitId, s.dispatchDay, ticket.channel, -1);
          }
        }
        break;
      case 'contact': {
        if (!s || s.response.judged !== null) break;
        const at = date(e.payload.contactedAt) ?? e.createdAt;
        const ok = inTime(at, s.due.response);
        if (ok === null) {
          s.response.judged = 'unknown';
          s.response.contactedAt = at;
        } else settleResponse(s, ok ? 'met' : 'missed');
        break;
      }
      case 'reply':
        if (!s) break;
        // A reply without a contact before it: the response clock stops, missed.
        if (s.response.judged === null) settleResponse(s, 'missed');
        if (!s.complete.replied) {
          s.complete.replied = true;
          add('replied', s.facts.unitId, s.dispatchDay);
          s.complete.cohort.add('repliedDue');
        }
        s.complete.lastReplyAt = e.createdAt;
        if (s.lead && inTime(e.createdAt, s.due.complete) === false) missCompletion(s, s.due.complete.at, day);
        break;
      case 'request_termination':
        if (!s) break;
        s.complete.terminationAt = e.createdAt;
        if (s.lead && inTime(e.createdAt, s.due.complete) === false) missCompletion(s, s.due.complete.at, day);
        break;
      case 'reject_termination':
        for (const st of states.values()) st.complete.terminationAt = null;
        break;
      case 'sla_warning': {
        // Counted only when a completion clock went overdue (see isCountedWarning).
        if (s && isCountedWarning(e)) missCompletion(s, date(e.payload.dueAt) ?? s.due.complete.at, day);
        break;
      }
      case 'approve_extension': {
        const st = named(e.payload.assignmentId);
        if (!st) break;
        const missedAt = date(e.payload.missedAt);
        if (missedAt) missCompletion(st, missedAt, day);
        const newDueAt = date(e.payload.newDueAt);
        if (newDueAt) setDeadline(st, 'complete', { at: newDueAt, waiting: null });
        break;
      }
      case 'sla_uncomputable': {
        // A deadline the calendar could not place now waits for it (a dispatch's own list already says so).
        const { clocks, date: waitingFrom } = e.payload;
        if (!s || !clocks || !waitingFrom) break;
        for (const clock of clocks) {
          const d = s.due[clock];
          if (d.at || d.waiting) continue;
          if (clock === 'sign') {
            if (s.sign.done || s.sign.final) continue;
            s.due.sign = { at: null, waiting: waitingFrom };
            s.sign.pending = true;
            add('signPending', s.facts.unitId, s.dispatchDay);
            continue;
          }
          if (clock === 'response' && s.response.judged !== null) continue;
          setDeadline(s, clock, { at: null, waiting: waitingFrom });
        }
        break;
      }
      case 'sla_recomputed': {
        if (!s || !e.payload.changes) break;
        for (const ch of e.payload.changes) {
          const clock = ch.clock;
          const to = date(ch.to);
          // null = awaiting the calendar again: pending from the old deadline's day (or this day, had it none).
          const from = date(ch.from);
          const due: Due = to ? { at: to, waiting: null } : { at: null, waiting: from ? shanghaiDate(from) : day };
          if (clock === 'sign' && !to) {
            if (s.sign.done || s.sign.final || s.sign.pending) continue;
            s.due.sign = due;
            s.sign.pending = true;
            add('signPending', s.facts.unitId, s.dispatchDay);
            continue;
          }
          setDeadline(s, clock, due);
        }
        break;
      }
      case 'approve_reply':
        // The ticket leaves the units: every clock stops; an assisting unit's completion cohort is final
        // (a reopen restarts the lead's completion clock only).
        callbackRoundOpen = true;
        for (const st of states.values()) {
          if (!st.live) continue;
          stopClocks(st);
          if (!st.lead) finishCompletion(st);
        }
        break;
      case 'approve_return': {
        const returned = named(e.payload.assignmentId);
        if (returned) {
          add('leadReturned', returned.facts.unitId, returned.dispatchDay);
          returned.complete.cohort.add('leadCompleteReturned');
        }
        for (const st of states.values()) {
          if (!st.live) continue;
          st.live = false;
          stopClocks(st);
          finishCompletion(st);
        }
        lead = null;
        break;
      }
      case 'reopen': {
        reopened = true;
        if (lead) add('reopened', lead.facts.unitId, day);
        const st = named(e.payload.assignmentId) ?? lead;
        if (!st) break;
        st.complete.terminationAt = null;
        // The completion clock restarts (or resumes, under a policy that keeps the old deadline).
        if ('completeDueAt' in e.payload) {
          const at = date(e.payload.completeDueAt);
          st.completeStartDay = day;
          setDeadline(st, 'complete', at ? { at, waiting: null } : st.due.complete.at ? NONE : st.due.complete);
        }
        break;
      }
      case 'callback_close':
      case 'callback_dispute': {
        if (!lead) break;
        const solved = e.payload.solved ?? null;
        const satisfaction = e.payload.satisfaction ?? null;
        add('callbacksConcluded', lead.facts.unitId, day);
        add('callbackAttempts', lead.facts.unitId, day);
        if (solved || satisfaction) add('callbacksValid', lead.facts.unitId, day);
        if (solved) add('solvedAnswers', lead.facts.unitId, day);
        if (solved === 'solved') add('solved', lead.facts.unitId, day);
        if (solved === 'partly') add('partlySolved', lead.facts.unitId, day);
        if (satisfaction) add('rated', lead.facts.unitId, day);
        if (satisfaction === 'satisfied') add('satisfied', lead.facts.unitId, day);
        if (satisfaction === 'basically_satisfied') add('basicallySatisfied', lead.facts.unitId, day);
        break;
      }
      case 'callback_retry':
        if (lead) add('callbackAttempts', lead.facts.unitId, day);
        break;
      case 'callback_unreached':
        if (lead) {
          add('callbacksConcluded', lead.facts.unitId, day);
          add('callbackAttempts', lead.facts.unitId, day);
        }
        break;
      case 'appeal_approved': {
        const unitId = e.payload.unitId;
        if (unitId === undefined || appealedUnits.has(unitId)) break;
        appealedUnits.add(unitId);
        for (const d of credited) {
          if (d.unitId !== unitId || d.appealed) continue;
          mine.push({ ...d, delta: -d.delta }, { ...d, appealed: true });
        }
        break;
      }
    }

    // Any event that closes a ticket a unit holds: the unit's completion and outcome counters.
    if (e.toStatus === 'closed' && e.fromStatus !== 'closed') {
      if (lead) {
        const l = lead;
        add('completed', l.facts.unitId, l.dispatchDay);
        add('closed', l.facts.unitId, day);
        if (reopened) add('closedRedone', l.facts.unitId, day);
        l.complete.cohort.add('completedDue');
        if (l.onTime.judged === null) {
          // A terminated ticket is judged at the unit's request, not at the reviewer's approval.
          const finishedAt = (e.type === 'approve_termination' ? l.complete.terminationAt : null) ?? l.complete.lastReplyAt ?? e.createdAt;
          const ok = inTime(finishedAt, l.due.complete);
          if (ok === null) l.onTime = { judged: 'unknown', finishedAt, closeDay: day };
          else {
            l.onTime.judged = ok ? 'met' : 'missed';
            add('completionJudged', l.facts.unitId, day);
            if (ok) add('closedOnTime', l.facts.unitId, day);
          }
        }
      }
      for (const st of states.values()) {
        if (!st.live) continue;
        st.live = false;
        stopClocks(st);
        finishCompletion(st);
      }
    }

    // The centre's own clock, decided by this event (a dispatcher's dispatch, a review, a callback).
    const centre = 'centre' in e.payload ? e.payload.centre : undefined;
    if (centre) {
      const clock = centre.clock;
      const onTime = centre.onTime === true;
      if (clock === 'dispatch') {
        add('dispatchDecisions', INTAKE_UNIT, day);
        add('dispatchWaitMinutes', INTAKE_UNIT, day, ticket.channel, Math.max(0, Math.round(Number(centre.waitedMinutes) || 0)));
        if (onTime) add('dispatchOnTime', INTAKE_UNIT, day);
      } else if (clock === 'callback') {
        if (callbackRoundOpen) {
          add('callbackRounds', INTAKE_UNIT, day);
          if (onTime) add('callbacksOnTime', INTAKE_UNIT, day);
        }
      } else if (clock) {
        add('reviewsDecided', INTAKE_UNIT, day);
        if (onTime) add('reviewsOnTime', INTAKE_UNIT, day);
      }
    }
    if (e.type.startsWith('callback_')) callbackRoundOpen = false;

    for (const d of mine) {
      if (e.type !== 'appeal_approved' && d.unitId !== INTAKE_UNIT && appealedUnits.has(d.unitId)) d.appealed = true;
      credited.push(d);
      if (!emit || emit.has(e.id)) out.push(d);
    }
  }
  return out;
}

/** Sums deltas per rollup key, dropping keys that net to zero on every counter. */
export function aggregate(deltas: readonly Delta[]) {
  const rows = new Map<string, { day: string; unitId: number; categoryId: number; channel: string; appealed: boolean; counts: Partial<Record<Counter, number>> }>();
  for (const d of deltas) {
    const key = `${d.day}|${d.unitId}|${d.categoryId}|${d.channel}|${d.appealed}`;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { day: d.day, unitId: d.unitId, categoryId: d.categoryId, channel: d.channel, appealed: d.appealed, counts: {} }));
    row.counts[d.counter] = (row.counts[d.counter] ?? 0) + d.delta;
  }
  return [...rows.entries()]
    .filter(([, r]) => Object.values(r.counts).some((v) => v !== 0))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, r]) => r);
}
