import type { Db } from '../../../db/client.ts';
import { isUnit, type Actor } from '../auth/actor.ts';
import { audit } from '../audit.ts';
import { completionHolds, firedAlerts } from '../sla/assignment-clocks.ts';
import { clockStates, maxLevel, type Clock, type ClockState, type CompletionHold, type WarningLevel } from '../sla/clocks.ts';
import { subDecision, SUB_DECISIONS, unitStep, type SubDecision } from './chain.ts';
import { maskPhone } from './inputs.ts';
import { callerVisibility, mayAssignment, mayTicket, textMask } from './policy.ts';
import { maskPhoneNumbers } from '../privacy/phone-numbers.ts';
import { categoryPath, contactCount, pendingRequests, ticketAssignments, type AssignmentRow, type TicketRow } from './queries.ts';
import { ASSIGNMENT_ACTIONS, LIVE_ASSIGNMENT, TICKET_ACTIONS, ticketTransition, type AssignmentStatus, type TicketAction } from './status.ts';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** The caller block as this actor may see it. */
export function presentCaller(actor: Actor, t: TicketRow, opts: { list?: boolean } = {}) {
  const vis = callerVisibility(actor, t);
  if (vis === 'hidden') return { name: null, phone: null, masked: true, confidential: true };
  // Lists always mask: full numbers are shown on the detail view only, where each read is audited.
  const full = vis === 'full' && !opts.list;
  return {
    name: vis === 'full' || !t.confidential ? t.callerName : null,
    phone: t.callerPhone ? (full ? t.callerPhone : maskPhone(t.callerPhone)) : null,
    masked: !full,
    confidential: t.confidential,
  };
}

/** Ticket-level actions that are both legal now and permitted to the actor: the UI's buttons. */
function ticketAbilities(actor: Actor, t: TicketRow, pending: { kind: string }[]): string[] {
  const out: string[] = [];
  const pendingKinds = new Set(pending.map((p) => p.kind));
  for (const action of TICKET_ACTIONS) {
    if (action.startsWith('callback_')) continue;
    if (!mayTicket(actor, action) || !ticketTransition(t.status, action).ok) continue;
    const needs: Partial<Record<TicketAction, string>> = { approve_extension: 'extension', reject_extension: 'extension' };
    if (needs[action] && !pendingKinds.has(needs[action]!)) continue;
    out.push(action);
  }
  if (mayTicket(actor, 'callback_close') && ticketTransition(t.status, 'callback_close').ok) out.push('callback');
  return out;
}

export function summary(actor: Actor, t: TicketRow & { awaitingCalendar?: boolean }) {
  return {
    id: t.id,
    number: t.number,
    status: t.status,
    version: t.version,
    channel: t.channel,
    type: t.type,
    urgency: t.urgency,
    categoryId: t.categoryId,
    title: maskPhoneNumbers(t.title, textMask(actor, t, 'list')),
    address: t.address,
    caller: presentCaller(actor, t, { list: true }),
    warningLevel: t.warningLevel,
    /** Lists: a clock of the ticket awaits the calendar (the detail view says which and for which year) */
    ...(t.awaitingCalendar === undefined ? {} : { awaitingCalendar: Boolean(t.awaitingCalendar) }),
    redoCount: t.redoCount,
    closeReason: t.closeReason,
    createdAt: iso(t.createdAt),
    updatedAt: iso(t.updatedAt),
    closedAt: iso(t.closedAt),
  };
}

/** An assignment's level: its stored one, or higher where a clock's level has risen since the sweep last ran. */
export const clocksLevel = (stored: WarningLevel, c: Record<Clock, ClockState>) => maxLevel(stored, c.sign.level, c.response.level, c.complete.level);

type ClockFields = Pick<AssignmentRow, 'slaPolicyId' | 'slaCycle' | 'completeStartedAt' | 'clocksStoppedAt' | 'completeMissedAt' | 'slaWaiting'>;

/**
 * An assignment's clocks as every view carries them (the ticket view, the chain workbench): per clock its
 * deadline, level and state, and the clocks awaiting the calendar with the date and year each needs.
 */
export function presentClocks(a: ClockFields, clocks: Record<Clock, ClockState>) {
  return {
    sla: {
      policyId: a.slaPolicyId,
      cycle: a.slaCycle,
      completeStartedAt: iso(a.completeStartedAt),
      /** Per clock: deadline, level, and state (running, paused, awaiting_calendar, met, missed, stopped, none) */
      clocks: Object.fromEntries(
        Object.entries(clocks).map(([k, c]) => [
          k,
          { dueAt: iso(c.dueAt), level: c.level, stoppedAt: iso(c.stoppedAt), state: c.state, awaitingCalendar: c.awaitingCalendar, missedAt: iso(c.missedAt) },
        ]),
      ),
      /** Every clock stopped here: the ticket left the units' hands */
      clocksStoppedAt: iso(a.clocksStoppedAt),
      /** The completion deadline had passed when an extension moved it: a miss that stays a miss */
      completeMissedAt: iso(a.completeMissedAt),
    },
    /** This assignment's clocks awaiting the calendar, with the date and year each needs */
    awaitingCalendar: a.slaWaiting.map((w) => ({ clock: w.clock, date: w.date, year: Number(w.date.slice(0, 4)) })),
  };
}

/** What a command that has just written the ticket already knows, so the presenter need not read it back. */
export type PresentKnown = {
  assignments?: Awaited<ReturnType<typeof ticketAssignments>>;
  categoryPath?: { id: number; name: string }[];
  contacts?: number;
  pendingRequests?: Awaited<ReturnType<typeof pendingRequests>>;
  firedAlerts?: Awaited<ReturnType<typeof firedAlerts>>;
};

/** The full view of one ticket for this actor. Reading full caller details is written to the audit log. */
export async function presentTicket(db: Db, actor: Actor, t: TicketRow, now: Date = new Date(), known: PresentKnown = {}) {
  const [assignmentRows, pending, category, contactsN] = await Promise.all([
    known.assignments ?? ticketAssignments(db, t.id),
    known.pendingRequests ?? pendingRequests(db, t.id),
    known.categoryPath ?? categoryPath(db, t.categoryId),
    known.contacts ?? contactCount(db, t.id),
  ]);
  const caller = presentCaller(actor, t);
  const fired =
    known.firedAlerts ??
    (await firedAlerts(
      db,
      assignmentRows.map(({ a }) => a.id),
    ));
  // A termination request holds the lead's completion clock: paused while pending, judged at its time once approved.
  const holds: Map<number, CompletionHold> =
    t.closeReason === 'terminated'
      ? await completionHolds(db, t.id)
      : new Map(pending.filter((p) => p.kind === 'termination').map((p) => [p.assignmentId, { at: p.requestedAt, pending: true }]));
  // Each clock's level and state as of now (the sweep may not have run yet); stored levels only ever lag behind.
  const clocks = new Map(
    assignmentRows.map(({ a }) => [
      a.id,
      clockStates(
        a,
        fired.filter((f) => f.assignmentId === a.id),
        now,
        holds.get(a.id) ?? null,
      ),
    ]),
  );
  const parentOf = (id: number | null) => assignmentRows.find(({ a }) => a.id === id)?.a ?? null;
  const parentStatus = (id: number | null) => (parentOf(id)?.status as AssignmentStatus | undefined) ?? null;
  // A sub-assignment's request waits for its parent (one at a time); the centre's queue is the top level's.
  const isSub = (assignmentId: number) => assignmentRows.some(({ a }) => a.id === assignmentId && a.parentId !== null);
  const subRequest = (assignmentId: number) => pending.find((r) => r.assignmentId === assignmentId && r.kind !== 'termination') ?? null;
  const centrePending = pending.filter((r) => !isSub(r.assignmentId));
  const hasLiveSubs = (id: number) => assignmentRows.some(({ a }) => a.parentId === id && LIVE_ASSIGNMENT.includes(a.status as AssignmentStatus));
  const subRequestKind = (a: { id: number; parentId: number | null }) =>
    a.parentId ? ((subRequest(a.id)?.kind as 'return' | 'extension' | undefined) ?? null) : null;
  const presentRequest = (r: (typeof pending)[number] | null) =>
    r ? { id: r.id, kind: r.kind, reason: text(r.reason), requestedDueAt: iso(r.requestedDueAt), requestedAt: iso(r.requestedAt) } : null;
  const waiting = assignmentRows.flatMap(({ a }) => a.slaWaiting).sort((x, y) => x.date.localeCompare(y.date));
  const levelOf = (a: (typeof assignmentRows)[number]['a']) => clocksLevel(a.warningLevel, clocks.get(a.id)!);
  if (!caller.masked && t.callerPhone) {
    await audit(db, actor, 'read_caller_contact', { type: 'ticket', id: t.id }, { number: t.number });
  }
  // Phone numbers typed into the ticket's texts: whole only for those who see the caller's number whole.
  const text = (s: string | null) => (s === null ? null : maskPhoneNumbers(s, textMask(actor, t, 'detail')));
  return {
    ...summary(actor, t),
    title: text(t.title)!,
    warningLevel: maxLevel(
      t.warningLevel,
      ...assignmentRows.filter(({ a }) => LIVE_ASSIGNMENT.includes(a.status as AssignmentStatus)).map(({ a }) => levelOf(a)),
    ),
    caller,
    category: { id: t.categoryId, path: category.map((c) => c.name) },
    content: text(t.content)!,
    lat: t.lat,
    lng: t.lng,
    streetUnitId: t.streetUnitId,
    districtUnitId: t.districtUnitId,
    /** How the street was found: operator / coordinates / address (routing) */
    streetSource: t.streetSource,
    allowDirectContact: t.allowDirectContact,
    window: t.windowMatter ? { matter: text(t.windowMatter), hallDepartment: t.windowHallDepartment, reason: t.windowReason } : null,
    close: t.closeReason
      ? {
          reason: t.closeReason,
          note: text(t.closeNote),
          kbArticleId: t.kbArticleId,
          transferredTo: t.transferredTo,
          mergedIntoTicketId: t.mergedIntoTicketId,
        }
      : null,
    publicReply: text(t.publicReply),
    /** The callback round (1, +1 with every reopen) and the attempts made in it */
    callbackRound: t.callbackRound,
    callbackAttempts: t.callbackAttempts,
    /** Clocks of this ticket awaiting the calendar (deadline past the table): the first date and year needed, and how many */
    awaitingCalendar: waiting.length ? { date: waiting[0]!.date, year: Number(waiting[0]!.date.slice(0, 4)), clocks: waiting.length } : null,
    contacts: contactsN,
    dispatchedAt: iso(t.dispatchedAt),
    repliedAt: iso(t.repliedAt),
    assignments: assignmentRows.map(({ a, unitName, unitKind }) => ({
      id: a.id,
      unit: { id: a.unitId, name: unitName, kind: unitKind },
      role: a.role,
      status: a.status,
      version: a.version,
      designated: a.designated,
      dispatchedAt: iso(a.dispatchedAt),
      signedAt: iso(a.signedAt),
      /** The first contact as the unit claims it, and when it was recorded (a late entry shows as the gap) */
      firstContactAt: iso(a.firstContactAt),
      firstContactRecordedAt: iso(a.firstContactRecordedAt),
      repliedAt: iso(a.repliedAt),
      replyContent: text(a.replyContent),
      deadlines: {
        sign: iso(a.signDueAt),
        response: iso(a.responseDueAt),
        complete: iso(a.completeDueAt),
        originalComplete: iso(a.originalCompleteDueAt),
      },
      ...presentClocks(a, clocks.get(a.id)!),
      warningLevel: levelOf(a),
      abilities: ASSIGNMENT_ACTIONS.filter(
        (action) =>
          mayAssignment(actor, action, a.unitId) &&
          unitStep(t.status, { ...a, status: a.status as AssignmentStatus }, parentStatus(a.parentId), action, subRequestKind(a)).ok &&
          // With live sub-assignments, a unit neither replies upward nor hands down again (recall or decide first).
          !((action === 'reply' || action === 'hand_down') && hasLiveSubs(a.id)) &&
          // Triage belongs to the receiving level (its dispatch started a triage clock), once.
          !(action === 'triage' && (a.triage !== null || a.triageDueAt === null)) &&
          !(action === 'request_return' && a.designated),
      ),
      /** The assignment this one was handed down from (null: the centre's dispatch), the parent's note, and the clocks clamped to the parent's */
      parentId: a.parentId,
      handDownNote: a.parentId ? text(a.handDownNote) : null,
      clampedClocks: a.clampedClocks,
      /** Triage at the receiving level (普通 / 复杂) */
      triage: a.triage ? { level: a.triage, at: iso(a.triagedAt) } : null,
      triageDueAt: iso(a.triageDueAt),
      quickReplyDueAt: iso(a.quickReplyDueAt),
      /** A sub-assignment's request waiting for its parent's decision */
      request: a.parentId ? presentRequest(subRequest(a.id)) : null,
      /** What this actor may decide on this sub-assignment now (a member of the parent's unit) */
      decisions: a.parentId ? subDecisionsFor(actor, t.status, a, parentOf(a.parentId), subRequestKind(a)) : [],
    })),
    pendingRequests: centrePending.map((r) => ({
      id: r.id,
      kind: r.kind,
      assignmentId: r.assignmentId,
      reason: text(r.reason),
      requestedDueAt: iso(r.requestedDueAt),
      requestedAt: iso(r.requestedAt),
    })),
    abilities: ticketAbilities(actor, t, centrePending),
  };
}

/** The decisions a member of the parent's unit may take on a sub-assignment now (none for anyone else). */
function subDecisionsFor(
  actor: Actor,
  ticketStatus: TicketRow['status'],
  a: { role: 'lead' | 'assist'; status: string; designated: boolean },
  parent: { unitId: number; status: string } | null,
  pending: 'return' | 'extension' | null,
): SubDecision[] {
  if (!parent || !isUnit(actor) || actor.unitId !== parent.unitId) return [];
  return SUB_DECISIONS.filter(
    (d) =>
      subDecision(ticketStatus, { role: a.role, status: a.status as AssignmentStatus, designated: a.designated, pending }, parent.status as AssignmentStatus, d)
        .ok,
  );
}
