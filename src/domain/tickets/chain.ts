/**
 * The chain of levels as pure rules: which unit may hand an assignment down to which, how a sub-assignment's
 * clocks fit inside its parent's, and what a sub-assignment's unit and its parent may do at each step.
 *
 * The centre dispatches a ticket to a unit (a top-level assignment). A unit holding an assignment may hand it
 * down to units beneath it — a district to its streets and district departments, a street to its communities —
 * as one lead and any assisting units: each hand-down makes sub-assignments whose parent is the holder's
 * assignment. The parent stays accountable upward; whatever a sub-unit sends back (a reply, a return, an
 * extension request) goes to the parent, which decides, never to the centre.
 *
 * Nothing here touches the database, the clock or the actor's session: the commands that will use these rules
 * load the rows, ask, and write.
 */
import {
  SUB_DECISIONS,
  UNIT_KINDS,
  type SubDecision,
  type AssignmentAction,
  type AssignmentRole,
  type AssignmentStatus,
  type TicketStatus,
  type UnitKind,
} from '../vocab.ts';
import { assignmentTransition, UNIT_ACTIVE } from './status.ts';

// ---------------------------------------------------------------- who may hand down to whom

/** Unit kind → the kinds it may hand down to (always within its own subtree). */
export type HandDownLevels = Partial<Record<UnitKind, readonly UnitKind[]>>;

/** 市交办、区受理，部门、街道、社区落实: a district hands down to its streets and departments, they to communities. */
export const DEFAULT_HAND_DOWN_LEVELS: HandDownLevels = { district: ['street', 'department'], street: ['community'], department: ['community'] };

const KINDS: readonly string[] = UNIT_KINDS;

/**
 * Reads the configured levels: `district>street,department;street>community` (an empty text: nobody hands
 * down). Throws with the offending part on an unknown kind or a malformed pair, so a bad setting stops the
 * start rather than silently allowing or forbidding a level.
 */
export function parseHandDownLevels(text: string): HandDownLevels {
  const levels: Partial<Record<UnitKind, UnitKind[]>> = {};
  for (const part of text
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([a-z]+)\s*>\s*([a-z,\s]+)$/.exec(part);
    const from = m?.[1];
    const to = m?.[2]?.split(',').map((k) => k.trim());
    if (!from || !to || ![from, ...to].every((k) => KINDS.includes(k)) || to.includes(from)) {
      throw new Error(`hand-down levels: cannot read "${part}" (expected e.g. district>street,department; kinds: ${KINDS.join(', ')})`);
    }
    levels[from as UnitKind] = [...new Set([...(levels[from as UnitKind] ?? []), ...(to as UnitKind[])])];
  }
  return levels;
}

export type ChainUnit = { id: number; kind: UnitKind; path: string; active: boolean };

export type HandDownRefusal = 'hand_down_not_allowed' | 'hand_down_outside_subtree' | 'hand_down_to_self' | 'unit_inactive';

/** May a unit of `from` hand an assignment down to `to`? Beneath it (its subtree, not itself), of a kind its level hands to, active. */
export function handDownCheck(levels: HandDownLevels, from: ChainUnit, to: ChainUnit): { ok: true } | { ok: false; code: HandDownRefusal } {
  if (to.id === from.id) return { ok: false, code: 'hand_down_to_self' };
  if (!to.path.startsWith(from.path)) return { ok: false, code: 'hand_down_outside_subtree' };
  if (!levels[from.kind]?.includes(to.kind)) return { ok: false, code: 'hand_down_not_allowed' };
  if (!to.active) return { ok: false, code: 'unit_inactive' };
  return { ok: true };
}

// ---------------------------------------------------------------- clocks inside the parent's

export type ChainClock = 'sign' | 'response' | 'complete';
export type ChainDeadlines = Record<ChainClock, Date | null>;

/**
 * A sub-assignment's deadlines never end after its parent's: each one later than the parent's same clock is
 * brought back to it, and the clamped clocks are named (the hand-down event and the sub-unit's view say so). A
 * parent clock that has no deadline (its calendar not imported yet, or no limit) clamps nothing; a parent clock
 * already stopped (the parent signed or made contact) still bounds completion only, since the sub-unit's own
 * sign and first contact are new steps.
 */
export function clampToParent(
  own: ChainDeadlines,
  parent: ChainDeadlines & { stopped?: Partial<Record<ChainClock, boolean>> },
): { deadlines: ChainDeadlines; clamped: ChainClock[] } {
  const deadlines = { ...own };
  const clamped: ChainClock[] = [];
  for (const clock of ['sign', 'response', 'complete'] as const) {
    const bound = clock === 'complete' || !parent.stopped?.[clock] ? parent[clock] : null;
    const mine = own[clock];
    if (bound && (!mine || mine > bound)) {
      // A clock with no deadline of its own (awaiting the calendar) still cannot outlive its parent's.
      deadlines[clock] = bound;
      clamped.push(clock);
    }
  }
  return { deadlines, clamped };
}

/**
 * A sub-unit's extension is the parent's to grant only within the parent's own completion deadline; beyond
 * it the parent must first ask the level above for more time itself.
 */
export function extensionDecision(requestedDueAt: Date, parentCompleteDueAt: Date | null): { ok: true } | { ok: false; code: 'beyond_parent_deadline' } {
  if (parentCompleteDueAt && requestedDueAt > parentCompleteDueAt) return { ok: false, code: 'beyond_parent_deadline' };
  return { ok: true };
}

// ---------------------------------------------------------------- the sub-assignment's own table

/**
 * A sub-assignment's statuses: as a top-level assignment's, plus `completed` — its reply approved by the parent
 * (办结 at this level; the parent may now reply upward using it). `replied` is a reply waiting for the parent.
 */
export const SUB_STATUSES = ['awaiting_sign', 'in_progress', 'replied', 'completed', 'returned', 'closed'] as const;
export type SubStatus = (typeof SUB_STATUSES)[number];

/** What a sub-unit does on its sub-assignment (termination is asked of the centre by the top level only). */
export const SUB_ACTIONS = ['sign', 'contact', 'note', 'reply', 'request_return', 'request_extension', 'hand_down'] as const;
export type SubAction = (typeof SUB_ACTIONS)[number];

/** What the parent's unit decides on its direct sub-assignments (the contract's vocabulary). */
export { SUB_DECISIONS, type SubDecision };

type SubRule = { from: readonly SubStatus[]; to: SubStatus | 'same'; lead: boolean; assist: boolean; pending?: 'return' | 'extension' };

/** Where each action and decision may happen and where it leads; `lead` / `assist`: which role of sub-assignment it applies to. */
export const SUB_TABLE: Record<SubAction | SubDecision, SubRule> = {
  sign: { from: ['awaiting_sign'], to: 'in_progress', lead: true, assist: true },
  contact: { from: ['in_progress', 'replied'], to: 'same', lead: true, assist: true },
  note: { from: ['awaiting_sign', 'in_progress', 'replied'], to: 'same', lead: true, assist: true },
  reply: { from: ['in_progress'], to: 'replied', lead: true, assist: true },
  request_return: { from: ['in_progress'], to: 'same', lead: true, assist: false },
  request_extension: { from: ['in_progress'], to: 'same', lead: true, assist: false },
  // A street that received a sub-assignment (its lead or assisting part) may pass it on to its communities in turn.
  hand_down: { from: ['in_progress'], to: 'same', lead: true, assist: true },
  approve_sub_reply: { from: ['replied'], to: 'completed', lead: true, assist: true },
  reject_sub_reply: { from: ['replied'], to: 'in_progress', lead: true, assist: true },
  approve_sub_return: { from: ['in_progress'], to: 'returned', lead: true, assist: false, pending: 'return' },
  reject_sub_return: { from: ['in_progress'], to: 'same', lead: true, assist: false, pending: 'return' },
  approve_sub_extension: { from: ['in_progress'], to: 'same', lead: true, assist: false, pending: 'extension' },
  reject_sub_extension: { from: ['in_progress'], to: 'same', lead: true, assist: false, pending: 'extension' },
  // The parent takes a sub-assignment back (to hand it to another unit of its subtree, or to do it itself).
  recall: { from: ['awaiting_sign', 'in_progress', 'replied'], to: 'returned', lead: true, assist: true },
};

/** The parent's assignment statuses in which it may hand down and decide on its sub-assignments: while it holds the ticket. */
export const PARENT_ACTIVE: readonly SubStatus[] = ['in_progress'];

export type SubState = {
  role: 'lead' | 'assist';
  status: SubStatus;
  /** designated after a disputed return: may not return again, at any level */
  designated: boolean;
  /** the kind of the request waiting for the parent, if any */
  pending: 'return' | 'extension' | null;
};

export type SubRefusal = 'invalid_transition' | 'parent_not_active' | 'designated_cannot_return' | 'no_pending_request' | 'request_pending';

/** Is `action` legal on this sub-assignment now, given its parent's status? Where does it go? */
export function subTransition(
  sub: SubState,
  parentStatus: SubStatus,
  action: SubAction | SubDecision,
): { ok: true; to: SubStatus } | { ok: false; code: SubRefusal } {
  const rule = SUB_TABLE[action];
  if (!rule.from.includes(sub.status) || !(sub.role === 'lead' ? rule.lead : rule.assist)) return { ok: false, code: 'invalid_transition' };
  if (!PARENT_ACTIVE.includes(parentStatus)) return { ok: false, code: 'parent_not_active' };
  if (action === 'request_return' && sub.designated) return { ok: false, code: 'designated_cannot_return' };
  if ((action === 'request_return' || action === 'request_extension') && sub.pending) return { ok: false, code: 'request_pending' };
  if (rule.pending && sub.pending !== rule.pending) return { ok: false, code: 'no_pending_request' };
  return { ok: true, to: rule.to === 'same' ? sub.status : rule.to };
}

// ---------------------------------------------------------------- one step of a unit, at any level

/**
 * Where a unit's action on its assignment leads, for a top-level assignment (the transition table of status.ts:
 * the lead's steps move the ticket) and for a sub-assignment alike (the table above: the ticket stays where it
 * is — a sub-unit answers to its parent, which answers upward). Legal for a sub-assignment only while the
 * ticket is in the units' hands and its parent holds it.
 */
export function unitStep(
  ticket: TicketStatus,
  a: { role: AssignmentRole; status: AssignmentStatus; designated: boolean; parentId: number | null },
  parentStatus: AssignmentStatus | null,
  action: AssignmentAction,
  pending: SubState['pending'] = null,
): { ok: true; ticketTo: TicketStatus; assignmentTo: AssignmentStatus } | { ok: false; code?: SubRefusal } {
  if (a.parentId === null) return assignmentTransition(ticket, a, action);
  // Termination is asked of the centre by the top level; triage belongs to the receiving level.
  if (!(SUB_ACTIONS as readonly string[]).includes(action) || !UNIT_ACTIVE.includes(ticket) || !parentStatus) return { ok: false };
  const t = subTransition({ role: a.role, status: a.status, designated: a.designated, pending }, parentStatus, action as SubAction);
  if (!t.ok) return t;
  return { ok: true, ticketTo: ticket, assignmentTo: t.to };
}

/** A parent's decision on its sub-assignment: legal now? (The ticket must be with the units.) */
export function subDecision(
  ticket: TicketStatus,
  sub: SubState,
  parentStatus: AssignmentStatus,
  decision: SubDecision,
): { ok: true; to: SubStatus } | { ok: false; code: SubRefusal } {
  if (!UNIT_ACTIVE.includes(ticket)) return { ok: false, code: 'invalid_transition' };
  return subTransition(sub, parentStatus, decision);
}
