/**
 * What each ticket event adds to the metric counters — a pure fold over one ticket's event stream.
 *
 * An event's contribution depends only on the events of its ticket that precede it (by id) and on facts
 * that no longer change once that event has happened (an assignment's unit, dispatch time and sign /
 * response deadlines; its last reply and completion deadline once the ticket has closed). Events of one
 * ticket are written under the ticket's row lock, so when an event is visible, so is everything before it:
 * the rollup can count events in any order, in any batches, and always adds the same numbers.
 *
 * An approved appeal (免考) for unit U moves everything U has been credited with for this ticket to the
 * `appealed` side, and everything U is credited with later goes there too.
 */
import { shanghaiDate } from '../clock.ts';
import { INTAKE_UNIT, type Counter } from './counters.ts';

export type StreamEvent = {
  id: number;
  ticketId: number;
  assignmentId: number | null;
  type: string;
  fromStatus: string | null;
  toStatus: string | null;
  payload: Record<string, unknown>;
  createdAt: Date;
};

export type TicketFacts = { id: number; categoryId: number; channel: string; createdAt: Date };

export type AssignmentFacts = {
  id: number;
  unitId: number;
  role: 'lead' | 'assist';
  dispatchedAt: Date;
  signDueAt: Date | null;
  responseDueAt: Date | null;
  repliedAt: Date | null;
  completeDueAt: Date | null;
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

/** Event types the fold reads; any event that closes the ticket is read too, whatever its type. */
export const COUNTED_EVENT_TYPES = [
  'ticket_created',
  'contact_linked',
  'decline',
  'merge',
  'dispatch',
  'sign',
  'contact',
  'reply',
  'approve_return',
  'reopen',
  'callback_close',
  'callback_dispute',
  'callback_unreached',
  'appeal_approved',
] as const;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null);

/**
 * The deltas of every event of one ticket whose id is in `emit` (all of them when omitted).
 * `events` must hold the ticket's stream up to at least the last emitted event, in id order.
 */
export function ticketDeltas(ticket: TicketFacts, events: readonly StreamEvent[], assignments: readonly AssignmentFacts[], emit?: ReadonlySet<number>): Delta[] {
  const byId = new Map(assignments.map((a) => [a.id, a]));
  const out: Delta[] = [];
  /** Everything credited so far (for appeals to move). */
  const credited: Delta[] = [];
  const appealedUnits = new Set<number>();
  let createdDay = shanghaiDate(ticket.createdAt);
  /** The lead unit holding the ticket and the day its assignment was dispatched; null before dispatch and after a return. */
  let lead: { unitId: number; day: string } | null = null;
  let reopened = false;
  const contacted = new Set<number>();
  const replied = new Set<number>();

  for (const e of events) {
    const day = shanghaiDate(e.createdAt);
    const mine: Delta[] = [];
    const add = (counter: Counter, unitId: number, onDay: string, channel = ticket.channel) =>
      mine.push({ day: onDay, unitId, categoryId: ticket.categoryId, channel, appealed: false, counter, delta: 1 });
    const forAssignment = (counter: Counter, a: AssignmentFacts) => add(counter, a.unitId, shanghaiDate(a.dispatchedAt));
    const a = e.assignmentId !== null ? byId.get(e.assignmentId) : undefined;

    switch (e.type) {
      case 'ticket_created': {
        createdDay = day;
        const channel = str(e.payload.channel) ?? ticket.channel;
        add('contacts', INTAKE_UNIT, day, channel);
        if (e.payload.disposition === 'direct_answer') add('directAnswers', INTAKE_UNIT, day, channel);
        if (e.payload.disposition === 'not_accepted') add('notAccepted', INTAKE_UNIT, day, channel);
        break;
      }
      case 'contact_linked': {
        const channel = str(e.payload.channel) ?? ticket.channel;
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
        const leadUnitId = num(e.payload.leadUnitId);
        const assists = Array.isArray(e.payload.assistUnitIds) ? e.payload.assistUnitIds.map(num).filter((n): n is number => n !== null) : [];
        if (leadUnitId === null) break;
        for (const unitId of [leadUnitId, ...assists]) add('dispatched', unitId, day);
        add('leadDispatched', leadUnitId, day);
        lead = { unitId: leadUnitId, day };
        break;
      }
      case 'sign':
        if (a && (!a.signDueAt || e.createdAt <= a.signDueAt)) forAssignment('signedOnTime', a);
        break;
      case 'contact': {
        if (!a || contacted.has(a.id)) break;
        contacted.add(a.id);
        const at = str(e.payload.contactedAt) ? new Date(str(e.payload.contactedAt)!) : e.createdAt;
        if (!a.responseDueAt || at <= a.responseDueAt) {
          forAssignment('respondedOnTime', a);
          if (a.role === 'lead') forAssignment('leadRespondedOnTime', a);
        }
        break;
      }
      case 'reply':
        if (a && !replied.has(a.id)) {
          replied.add(a.id);
          forAssignment('replied', a);
        }
        break;
      case 'approve_return': {
        const returned = byId.get(num(e.payload.assignmentId) ?? -1);
        if (returned) forAssignment('leadReturned', returned);
        lead = null;
        break;
      }
      case 'reopen':
        reopened = true;
        if (lead) add('reopened', lead.unitId, day);
        break;
      case 'callback_close':
      case 'callback_dispute': {
        if (!lead) break;
        const solved = str(e.payload.solved);
        const satisfaction = str(e.payload.satisfaction);
        add('callbacksConcluded', lead.unitId, day);
        if (solved || satisfaction) add('callbacksValid', lead.unitId, day);
        if (solved) add('solvedAnswers', lead.unitId, day);
        if (solved === 'solved') add('solved', lead.unitId, day);
        if (solved === 'partly') add('partlySolved', lead.unitId, day);
        if (satisfaction) add('rated', lead.unitId, day);
        if (satisfaction === 'satisfied') add('satisfied', lead.unitId, day);
        if (satisfaction === 'basically_satisfied') add('basicallySatisfied', lead.unitId, day);
        break;
      }
      case 'callback_unreached':
        if (lead) add('callbacksConcluded', lead.unitId, day);
        break;
      case 'appeal_approved': {
        const unitId = num(e.payload.unitId);
        if (unitId === null || appealedUnits.has(unitId)) break;
        appealedUnits.add(unitId);
        for (const d of credited) {
          if (d.unitId !== unitId || d.appealed) continue;
          mine.push({ ...d, delta: -d.delta }, { ...d, appealed: true });
        }
        break;
      }
    }

    // Any event that closes a ticket a unit holds: the unit's completion and outcome counters.
    if (e.toStatus === 'closed' && e.fromStatus !== 'closed' && lead) {
      const leadRow = latestLead(assignments);
      add('completed', lead.unitId, lead.day);
      add('closed', lead.unitId, day);
      const finishedAt = leadRow?.repliedAt ?? e.createdAt;
      if (!leadRow?.completeDueAt || finishedAt <= leadRow.completeDueAt) add('closedOnTime', lead.unitId, day);
      if (reopened) add('closedRedone', lead.unitId, day);
    }

    for (const d of mine) {
      if (e.type !== 'appeal_approved' && d.unitId !== INTAKE_UNIT && appealedUnits.has(d.unitId)) d.appealed = true;
      credited.push(d);
      if (!emit || emit.has(e.id)) out.push(d);
    }
  }
  return out;
}

/** The ticket's current lead assignment: after a return, the one dispatched last. */
function latestLead(assignments: readonly AssignmentFacts[]): AssignmentFacts | undefined {
  let best: AssignmentFacts | undefined;
  for (const a of assignments) if (a.role === 'lead' && (!best || a.id > best.id)) best = a;
  return best;
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
