/**
 * The units' clocks of one ticket as the metric fold (contributions.ts) follows them: per assignment, the
 * sign, response and completion clocks with their deadlines read from the stream, and the lead's 按时办结率
 * judgement. Fed the ticket's events in order; what each credits goes to `push`.
 */
import type { Clock } from '../../contract/vocab.ts';
import { shanghaiDate } from '../clock.ts';
import { Cohort, date, inTime, NONE, type Due, type Emit } from './cohort.ts';
import { isCountedWarning, type AssignmentFacts, type StreamEvent } from './stream.ts';

/** Everything the fold keeps about one assignment. */
export type AState = {
  facts: AssignmentFacts;
  lead: boolean;
  /** A sub-assignment (handed down by a unit): its clocks are its unit's, its 办结 is its parent's approval. */
  sub: boolean;
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

const dayOf = (due: Due, fallback: string) => (due.waiting ? due.waiting : due.at ? shanghaiDate(due.at) : fallback);

export class UnitClocks {
  /** The top-level lead assignment holding the ticket (the ticket's lead unit); null before dispatch and after a return. */
  lead: AState | null = null;
  /** Whether the ticket was reopened (its close then counts as redone). */
  private reopened = false;
  protected readonly states = new Map<number, AState>();
  private readonly matched = new Set<number>();
  protected readonly ordered: AssignmentFacts[];

  constructor(
    assignments: readonly AssignmentFacts[],
    protected readonly push: Emit,
  ) {
    this.ordered = [...assignments].sort((a, b) => a.id - b.id);
  }

  private placeResponse(s: AState) {
    s.response.cohort.place(
      dayOf(s.due.response, s.dispatchDay),
      s.due.response.waiting !== null && s.response.judged !== 'met' && s.response.judged !== 'missed',
    );
  }

  private placeComplete(s: AState) {
    s.complete.cohort.place(dayOf(s.due.complete, s.completeStartDay), s.due.complete.waiting !== null && !(s.complete.final && s.onTime.judged !== 'unknown'));
  }

  /** A judgement certain whatever the deadline: a pending clock is placed on its earliest possible due day. */
  private settleResponse(s: AState, judged: 'met' | 'missed') {
    s.response.judged = judged;
    if (judged === 'met') {
      s.response.cohort.add('respondedOnTime');
      if (s.lead) s.response.cohort.add('leadRespondedOnTime');
    }
    this.placeResponse(s);
  }

  /** 按时办结率's judgement of a lead completion clock, on `day` (a sub-assignment's also as the sub-level part). */
  protected judge(s: AState, ok: boolean, day: string) {
    s.onTime.judged = ok ? 'met' : 'missed';
    this.push('completionJudged', s.facts.unitId, day, 1);
    if (s.sub) this.push('subCompletionJudged', s.facts.unitId, day, 1);
    if (!ok) return;
    this.push('closedOnTime', s.facts.unitId, day, 1);
    if (s.sub) this.push('subClosedOnTime', s.facts.unitId, day, 1);
  }

  /** A lead completion clock not judged yet, finished at `finishedAt` (its close, or its parent's approval): judged on `day`, or later once the calendar places its deadline. */
  protected judgeFinish(s: AState, finishedAt: Date, day: string) {
    if (s.onTime.judged !== null) return;
    const ok = inTime(finishedAt, s.due.complete);
    if (ok === null) s.onTime = { judged: 'unknown', finishedAt, closeDay: day };
    else this.judge(s, ok, day);
  }

  protected missCompletion(s: AState, on: Date | null, fallbackDay: string) {
    if (!s.lead || s.onTime.judged === 'met' || s.onTime.judged === 'missed') return;
    this.judge(s, false, on ? shanghaiDate(on) : fallbackDay);
  }

  /** The sign and response clocks stop for good (the ticket left the units' hands): what never happened is a miss. */
  protected stopClocks(s: AState) {
    if (!s.sign.done && !s.sign.final) {
      s.sign.final = true;
      if (s.sign.pending) {
        s.sign.pending = false;
        this.push('signPending', s.facts.unitId, s.dispatchDay, -1);
      }
    }
    if (s.response.judged === null) this.settleResponse(s, 'missed');
  }

  /** The completion clock's cohort is final (an assisting unit's once the ticket left the units; the lead's at close or return). */
  protected finishCompletion(s: AState) {
    s.complete.final = true;
    this.placeComplete(s);
  }

  protected newState(a: AssignmentFacts, day: string, due: Record<Clock, Due>, sub = !!a.parentId): AState {
    const isLead = a.role === 'lead';
    const current = () => this.push;
    const s: AState = {
      facts: a,
      lead: isLead,
      sub,
      dispatchDay: day,
      due,
      completeStartDay: day,
      live: true,
      sign: { done: false, at: null, pending: due.sign.waiting !== null, final: false },
      response: {
        judged: null,
        contactedAt: null,
        cohort: new Cohort(
          a.unitId,
          isLead ? ['responseDue', 'leadResponseDue'] : ['responseDue'],
          isLead ? ['responsePending', 'leadResponsePending'] : ['responsePending'],
          current,
        ),
      },
      complete: {
        cohort: new Cohort(
          a.unitId,
          isLead ? ['completeDue', 'leadCompleteDue'] : ['completeDue'],
          isLead ? ['completePending', 'leadCompletePending'] : ['completePending'],
          current,
        ),
        replied: false,
        lastReplyAt: null,
        terminationAt: null,
        final: false,
      },
      onTime: { judged: null, finishedAt: null, closeDay: null },
    };
    if (s.sign.pending) this.push('signPending', a.unitId, day, 1);
    this.placeResponse(s);
    this.placeComplete(s);
    return s;
  }

  /**
   * The assignments a dispatch wrote: per unit, the first of its top-level rows not yet matched to a dispatch
   * (ids ascend with dispatches; sub-assignments are named by their hand-down).
   */
  private assignmentsOfDispatch(unitIds: number[]) {
    return unitIds.flatMap((unitId, i) => {
      const a = this.ordered.find((x) => !x.parentId && !this.matched.has(x.id) && x.unitId === unitId && x.role === (i === 0 ? 'lead' : 'assist'));
      if (!a) return [];
      this.matched.add(a.id);
      return [a];
    });
  }

  /** The deadlines a dispatch or a hand-down wrote (both payloads carry `deadlines` and `awaitingCalendar`). */
  protected deadlinesOf(e: StreamEvent<'dispatch' | 'hand_down'>, a: AssignmentFacts): Record<Clock, Due> {
    const d = e.payload.deadlines;
    const waiting = new Map<Clock, string>();
    for (const w of e.payload.awaitingCalendar ?? []) if (w.date) waiting.set(w.clock, w.date);
    const pick = (clock: Clock, fallback: Date | null | undefined): Due => {
      const w = waiting.get(clock);
      if (w) return { at: null, waiting: w };
      if (d) return { at: date(d[clock]), waiting: null };
      return { at: fallback ?? null, waiting: null };
    };
    return {
      sign: pick('sign', a.signDueAt),
      response: pick('response', a.responseDueAt),
      complete: pick('complete', a.originalCompleteDueAt ?? a.completeDueAt),
    };
  }

  /** A clock's deadline became known (a recomputation, an extension, a reopen) or moved. */
  protected setDeadline(s: AState, clock: Clock, due: Due) {
    s.due[clock] = due;
    if (clock === 'sign') {
      if (!s.sign.pending || due.waiting) return;
      // Known now: a sign already recorded is judged against it; the pending mark goes.
      s.sign.pending = false;
      this.push('signPending', s.facts.unitId, s.dispatchDay, -1);
      if (s.sign.done && s.sign.at && inTime(s.sign.at, due) === true) this.push('signedOnTime', s.facts.unitId, s.dispatchDay, 1);
      return;
    }
    if (clock === 'response') {
      if (s.response.judged === 'unknown' && !due.waiting) {
        const ok = inTime(s.response.contactedAt!, due) === true;
        this.settleResponse(s, ok ? 'met' : 'missed');
        return;
      }
      this.placeResponse(s);
      return;
    }
    if (s.onTime.judged === 'unknown' && !due.waiting) this.judge(s, inTime(s.onTime.finishedAt!, due) === true, s.onTime.closeDay!);
    this.placeComplete(s);
  }

  /** What one event does to the clocks (events that touch none are ignored). */
  read(e: StreamEvent, day: string) {
    const add = (counter: Parameters<Emit>[0], unitId: number, onDay: string, delta = 1) => this.push(counter, unitId, onDay, delta);
    const s = e.assignmentId !== null ? this.states.get(e.assignmentId) : undefined;
    /** The assignment a centre decision names in its payload. */
    const named = (assignmentId: number | undefined) => (assignmentId === undefined ? undefined : this.states.get(assignmentId));

    switch (e.type) {
      case 'dispatch': {
        const leadUnitId = e.payload.leadUnitId;
        const assists = e.payload.assistUnitIds ?? [];
        if (leadUnitId === undefined) break;
        for (const unitId of [leadUnitId, ...assists]) add('dispatched', unitId, day);
        add('leadDispatched', leadUnitId, day);
        this.lead = null;
        for (const a of this.assignmentsOfDispatch([leadUnitId, ...assists])) {
          const st = this.newState(a, day, this.deadlinesOf(e, a));
          this.states.set(a.id, st);
          if (st.lead) this.lead = st;
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
            add('signPending', s.facts.unitId, s.dispatchDay, -1);
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
        } else this.settleResponse(s, ok ? 'met' : 'missed');
        break;
      }
      case 'reply':
        if (!s) break;
        // A reply without a contact before it: the response clock stops, missed.
        if (s.response.judged === null) this.settleResponse(s, 'missed');
        if (!s.complete.replied) {
          s.complete.replied = true;
          add('replied', s.facts.unitId, s.dispatchDay);
          s.complete.cohort.add('repliedDue');
        }
        s.complete.lastReplyAt = e.createdAt;
        if (s.lead && inTime(e.createdAt, s.due.complete) === false) this.missCompletion(s, s.due.complete.at, day);
        break;
      case 'request_termination':
        if (!s) break;
        s.complete.terminationAt = e.createdAt;
        if (s.lead && inTime(e.createdAt, s.due.complete) === false) this.missCompletion(s, s.due.complete.at, day);
        break;
      case 'reject_termination':
        for (const st of this.states.values()) st.complete.terminationAt = null;
        break;
      case 'sla_warning': {
        // Counted only when a completion clock went overdue (see isCountedWarning).
        if (s && isCountedWarning(e)) this.missCompletion(s, date(e.payload.dueAt) ?? s.due.complete.at, day);
        break;
      }
      case 'approve_extension': {
        const st = named(e.payload.assignmentId);
        if (!st) break;
        const missedAt = date(e.payload.missedAt);
        if (missedAt) this.missCompletion(st, missedAt, day);
        const newDueAt = date(e.payload.newDueAt);
        if (newDueAt) this.setDeadline(st, 'complete', { at: newDueAt, waiting: null });
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
          this.setDeadline(s, clock, { at: null, waiting: waitingFrom });
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
          this.setDeadline(s, clock, due);
        }
        break;
      }
      case 'approve_reply':
        // The ticket leaves the units: every clock stops; an assisting unit's or a sub-assignment's completion
        // cohort is final (a reopen restarts the top-level lead's completion clock only).
        for (const st of this.states.values()) {
          if (!st.live) continue;
          this.stopClocks(st);
          if (!st.lead || st.sub) this.finishCompletion(st);
        }
        break;
      case 'approve_return': {
        const returned = named(e.payload.assignmentId);
        if (returned) {
          add('leadReturned', returned.facts.unitId, returned.dispatchDay);
          returned.complete.cohort.add('leadCompleteReturned');
        }
        for (const st of this.states.values()) {
          if (!st.live) continue;
          st.live = false;
          this.stopClocks(st);
          this.finishCompletion(st);
        }
        this.lead = null;
        break;
      }
      case 'reopen': {
        this.reopened = true;
        if (this.lead) add('reopened', this.lead.facts.unitId, day);
        const st = named(e.payload.assignmentId) ?? this.lead;
        if (!st) break;
        st.complete.terminationAt = null;
        // The completion clock restarts (or resumes, under a policy that keeps the old deadline).
        if ('completeDueAt' in e.payload) {
          const at = date(e.payload.completeDueAt);
          st.completeStartDay = day;
          this.setDeadline(st, 'complete', at ? { at, waiting: null } : st.due.complete.at ? NONE : st.due.complete);
        }
        break;
      }
    }
  }

  /** Any event that closes a ticket a unit holds: the unit's completion and outcome counters; every clock stops. */
  close(e: StreamEvent, day: string) {
    const add = (counter: Parameters<Emit>[0], unitId: number, onDay: string) => this.push(counter, unitId, onDay, 1);
    if (this.lead) {
      const l = this.lead;
      add('completed', l.facts.unitId, l.dispatchDay);
      add('closed', l.facts.unitId, day);
      if (this.reopened) add('closedRedone', l.facts.unitId, day);
      l.complete.cohort.add('completedDue');
      // A terminated ticket is judged at the unit's request, not at the reviewer's approval.
      this.judgeFinish(l, (e.type === 'approve_termination' ? l.complete.terminationAt : null) ?? l.complete.lastReplyAt ?? e.createdAt, day);
    }
    for (const st of this.states.values()) {
      if (!st.live) continue;
      st.live = false;
      this.stopClocks(st);
      this.finishCompletion(st);
    }
  }
}
