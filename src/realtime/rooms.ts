import type { Actor } from '../domain/auth/actor.ts';
import { isUnit } from '../domain/auth/actor.ts';
import type { AccessEnded, PublishedEvent } from '../domain/events.ts';

/** Room names live here and nowhere else. Only the server joins sockets to rooms. */
export const rooms = {
  user: (id: number) => `user:${id}`,
  unit: (id: number) => `unit:${id}`,
  ticket: (id: number) => `ticket:${id}`,
  /** The sockets of one sign-in (the session id is the cookie's hash) or one API token: to end them together */
  session: (id: string) => `session:${id}`,
  token: (id: number) => `token:${id}`,
  /** dispatchers, callback agents, supervisors, admins: every ticket event */
  staff: 'staff',
  supervisors: 'supervisors',
};

const STAFF: Actor['role'][] = ['dispatcher', 'callback_agent', 'supervisor', 'admin'];

/**
 * The rooms a socket joins on connect, from its actor alone: a unit user joins only its own unit's room. Every
 * socket is also in its user's room and its credential's (session or token) room: where sign-outs reach it.
 * A restricted session's socket is in those alone.
 */
export function roomsFor(actor: Actor): string[] {
  const r = [rooms.user(actor.userId)];
  if (actor.sessionId) r.push(rooms.session(actor.sessionId));
  if (actor.tokenId !== undefined) r.push(rooms.token(actor.tokenId));
  // A session held to the sign-in policy (a password to change, a second factor to enrol) hears nothing of the
  // tickets until it is met — as its HTTP requests are refused — only what ends it; the web app reloads then.
  if (actor.restriction) return r;
  if (isUnit(actor)) r.push(rooms.unit(actor.unitId));
  if (STAFF.includes(actor.role)) r.push(rooms.staff);
  if (actor.role === 'supervisor') r.push(rooms.supervisors);
  return r;
}

/** The rooms an event goes to: staff, the creator, the ticket's subscribers, and every unit on an assigned unit's path. */
export function roomsOf(e: PublishedEvent): string[] {
  const r = [rooms.staff, rooms.ticket(e.ticketId), ...e.unitIds.map(rooms.unit)];
  if (e.createdBy) r.push(rooms.user(e.createdBy));
  return r;
}

/** The rooms whose sockets lose their access: the ended sessions, tokens and (deactivated) users. */
export function roomsEnded(e: AccessEnded): string[] {
  return [...(e.sessionIds ?? []).map(rooms.session), ...(e.tokenIds ?? []).map(rooms.token), ...(e.userIds ?? []).map(rooms.user)];
}
