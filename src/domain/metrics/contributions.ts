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
 * Split by meaning: stream.ts (what the fold reads and emits), cohort.ts (a clock's deadline and what it has
 * credited on its day), unit-clocks.ts (the units' clocks per assignment), chain-clocks.ts (sub-assignments:
 * handed down, each clock counted for its own unit); here the intake, callback, appeal and centre counters
 * and the loop over the stream. The ticket's outcomes (callbacks, redo, close) go to its top-level lead unit.
 *
 * An approved appeal (免考) for unit U moves everything U has been credited with for this ticket to the
 * `appealed` side, and everything U is credited with later goes there too.
 */
import { BAD_RATING_LEVELS } from '../../contract/vocab.ts';
import { shanghaiDate } from '../clock.ts';
import type { Emit } from './cohort.ts';
import { INTAKE_UNIT, type Counter } from './counters.ts';
import type { AssignmentFacts, Delta, StreamEvent, TicketFacts } from './stream.ts';
import { ChainClocks } from './chain-clocks.ts';

export { COUNTED_EVENT_TYPES, isCountedWarning, type AssignmentFacts, type Delta, type StreamEvent, type TicketFacts } from './stream.ts';

/**
 * The deltas of every event of one ticket whose id is in `emit` (all of them when omitted).
 * `events` must hold the ticket's stream up to at least the last emitted event, in id order.
 */
export function ticketDeltas(
  ticket: TicketFacts,
  events: readonly StreamEvent[],
  assignments: readonly AssignmentFacts[],
  emit?: ReadonlySet<number>,
): Delta[] {
  const out: Delta[] = [];
  /** Everything credited so far (for appeals to move). */
  const credited: Delta[] = [];
  const appealedUnits = new Set<number>();
  let createdDay = shanghaiDate(ticket.createdAt);
  /** A callback round is open from an approved reply to its first attempt (回访及时率 counts that attempt). */
  let callbackRoundOpen = false;
  /** The open round's day and unit: 回访率 credits the round's first call to the day the round opened. */
  let round: { day: string; unitId: number } | null = null;
  /** Each rating's day and unit: what later happens to a bad rating is credited there (好差评's cohort is the rating's day). */
  const ratings = new Map<number, { day: string; unitId: number }>();

  let mine: Delta[] = [];
  const push: Emit = (counter, unitId, day, delta) =>
    mine.push({ day, unitId, categoryId: ticket.categoryId, channel: ticket.channel, appealed: false, counter, delta });
  const clocks = new ChainClocks(assignments, push);

  for (const e of events) {
    const day = shanghaiDate(e.createdAt);
    mine = [];
    const add = (counter: Counter, unitId: number, onDay: string, channel = ticket.channel, delta = 1) =>
      mine.push({ day: onDay, unitId, categoryId: ticket.categoryId, channel, appealed: false, counter, delta });
    const lead = clocks.lead;

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
      case 'approve_reply':
        callbackRoundOpen = true;
        round = lead ? { day, unitId: lead.facts.unitId } : null;
        if (round) add('callbacksDue', round.unitId, day);
        clocks.read(e, day);
        break;
      case 'approve_termination':
        if (lead) add('callbacksDueTerminated', lead.facts.unitId, day);
        clocks.read(e, day);
        break;
      case 'citizen_rated': {
        const { ratingId, unitId, level } = e.payload;
        if (ratingId === undefined || unitId === undefined || unitId === null || !level) break;
        ratings.set(ratingId, { day, unitId });
        add('ratingsMade', unitId, day);
        add(BAD_RATING_LEVELS.includes(level) ? 'ratingsBad' : 'ratingsGood', unitId, day);
        break;
      }
      case 'verification_confirmed':
      case 'verification_dismissed':
      case 'verification_rectified': {
        const rated = e.payload.ratingId === undefined ? undefined : ratings.get(e.payload.ratingId);
        if (!rated) break;
        if (e.type === 'verification_confirmed') add('badConfirmed', rated.unitId, rated.day);
        else if (e.type === 'verification_dismissed') add('badDismissed', rated.unitId, rated.day);
        else {
          add('badRectified', rated.unitId, rated.day);
          if (e.payload.onTime) add('badRectifiedOnTime', rated.unitId, rated.day);
        }
        break;
      }
      default:
        // The units' clocks: dispatch, sign, contact, replies, terminations, extensions, deadlines, returns, reopens.
        clocks.read(e, day);
    }

    // Any event that closes a ticket a unit holds: the unit's completion and outcome counters.
    if (e.toStatus === 'closed' && e.fromStatus !== 'closed') clocks.close(e, day);

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
    if (e.type.startsWith('callback_')) {
      if (callbackRoundOpen && round) add('callbacksMade', round.unitId, round.day);
      callbackRoundOpen = false;
      round = null;
    }

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
  const rows = new Map<
    string,
    { day: string; unitId: number; categoryId: number; channel: string; appealed: boolean; counts: Partial<Record<Counter, number>> }
  >();
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
