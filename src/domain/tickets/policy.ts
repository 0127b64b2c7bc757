import type { Actor } from '../auth/actor.ts';
import { isCentre, isUnit } from '../auth/actor.ts';
import type { Role } from '../vocab.ts';
import type { AssignmentAction, TicketAction } from './status.ts';
import type { TextMask } from '../privacy/phone-numbers.ts';

/** Which roles may perform each ticket-level action (legality is the transition table's business). */
export const TICKET_ACTION_ROLES: Record<TicketAction, readonly Role[]> = {
  dispatch: ['dispatcher'],
  decline: ['dispatcher'],
  merge: ['dispatcher'],
  approve_return: ['dispatcher'],
  reject_return: ['dispatcher'],
  approve_extension: ['dispatcher'],
  reject_extension: ['dispatcher'],
  approve_termination: ['dispatcher'],
  reject_termination: ['dispatcher'],
  approve_reply: ['dispatcher'],
  reject_reply: ['dispatcher'],
  callback_close: ['callback_agent'],
  callback_dispute: ['callback_agent'],
  callback_retry: ['callback_agent'],
  callback_unreached: ['callback_agent'],
  reopen: ['supervisor'],
  close: ['supervisor'],
};

export const ASSIGNMENT_ACTION_ROLES: Record<AssignmentAction, readonly Role[]> = {
  sign: ['unit_handler', 'unit_leader'],
  contact: ['unit_handler', 'unit_leader'],
  note: ['unit_handler', 'unit_leader'],
  reply: ['unit_handler', 'unit_leader'],
  request_return: ['unit_handler', 'unit_leader'],
  request_extension: ['unit_handler', 'unit_leader'],
  request_termination: ['unit_handler', 'unit_leader'],
  hand_down: ['unit_handler', 'unit_leader'],
  triage: ['unit_handler', 'unit_leader'],
};

export const mayTicket = (actor: Pick<Actor, 'role'>, action: TicketAction) => TICKET_ACTION_ROLES[action].includes(actor.role);

/** Only members of the assigned unit itself act on an assignment (a parent unit can read, not act). */
export const mayAssignment = (actor: Pick<Actor, 'role' | 'unitId'>, action: AssignmentAction, unitId: number) =>
  ASSIGNMENT_ACTION_ROLES[action].includes(actor.role) && actor.unitId === unitId;

/** May read every ticket (centre staff). Unit roles read only their subtree's tickets; others nothing. */
export const readsAll = (actor: Pick<Actor, 'role'>) => isCentre(actor);
export const readsScoped = (actor: Pick<Actor, 'role'>) => isUnit(actor);

/**
 * What the actor may see of the caller. Centre staff see everything (and the read is audited);
 * units see a masked number unless the caller allowed direct contact; a confidential ticket hides
 * the caller from units entirely.
 */
export type CallerVisibility = 'full' | 'masked' | 'hidden';
export function callerVisibility(actor: Pick<Actor, 'role'>, t: { confidential: boolean; allowDirectContact: boolean }): CallerVisibility {
  if (isCentre(actor)) return 'full';
  if (t.confidential) return 'hidden';
  return t.allowDirectContact ? 'full' : 'masked';
}

/**
 * How phone numbers in a ticket's free text (demand, title, notes, contact summaries, replies, reasons) are shown:
 * whole exactly where the caller's own number is shown whole — one ticket's detail and history, to whoever sees
 * the caller in full (centre staff; a unit when the caller allowed direct contact). Lists mask them for everyone,
 * as they mask the caller's number; a ticket whose caller is hidden (confidential, for units) loses them entirely.
 */
export function textMask(actor: Pick<Actor, 'role'>, t: { confidential: boolean; allowDirectContact: boolean }, view: 'detail' | 'list'): TextMask {
  const vis = callerVisibility(actor, t);
  if (vis === 'hidden') return 'redact';
  return vis === 'full' && view === 'detail' ? 'none' : 'partial';
}
