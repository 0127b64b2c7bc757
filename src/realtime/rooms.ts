import type { Actor } from '../domain/auth/actor.ts';
import { isUnit } from '../domain/auth/actor.ts';
import type { PublishedEvent } from '../domain/events.ts';

/** Room names live here and nowhere else. Only the server joins sockets to rooms. */
export const rooms = {
  user: (id: number) => `user:${id}`,
  unit: (id: number) => `unit:${id}`,
  ticket: (id: number) => `ticket:${id}`,
  /** dispatchers, callback agents, supervisors, admins: every ticket event */
  staff: 'staff',
  supervisors: 'supervisors',
};

const STAFF: Actor['role'][] = ['dispatcher', 'callback_agent', 'supervisor', 'admin'];

/** The rooms a socket joins on connect, from its actor alone: a unit user joins only its own unit's room. */
export function roomsFor(actor: Actor): string[] {
  const r = [rooms.user(actor.userId)];
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
