import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { assignmentRequests, assignments, categories, contacts, ticketEvents, tickets, units } from '../../../db/schema/index.ts';
import type { Actor } from '../auth/actor.ts';
import { NotFoundError } from '../errors.ts';
import { readsAll, readsScoped } from './policy.ts';
import { categoryAncestry, type References } from '../reference.ts';

export type TicketRow = typeof tickets.$inferSelect;
export type AssignmentRow = typeof assignments.$inferSelect;

/**
 * The visibility rule as SQL over `tickets`: centre staff see all; a unit sees tickets that were ever
 * assigned to it or to a unit below it; an intake client sees what it submitted; anyone else nothing.
 */
export function visibleTo(actor: Actor): SQL {
  if (readsAll(actor)) return sql`true`;
  if (readsScoped(actor)) {
    return sql`exists (select 1 from ${assignments} a join ${units} u on u.id = a.unit_id
      where a.ticket_id = ${tickets.id} and u.path like ${`${actor.unitPath}%`})`;
  }
  if (actor.role === 'intake_client') return sql`${tickets.createdBy} = ${actor.userId}`;
  return sql`false`;
}

/** Load a ticket the actor may read, optionally locking it; otherwise 404 (never 403: existence is not disclosed). */
export async function loadTicket(db: Db, actor: Actor, id: number, opts: { lock?: boolean } = {}): Promise<TicketRow> {
  const q = db
    .select()
    .from(tickets)
    .where(and(eq(tickets.id, id), visibleTo(actor)));
  const rows = opts.lock ? await q.for('update', { of: tickets }) : await q;
  if (!rows[0]) throw new NotFoundError('ticket_not_found');
  return rows[0];
}

export async function findTicketIdByNumber(db: Db, actor: Actor, number: string): Promise<number> {
  const rows = await db
    .select({ id: tickets.id })
    .from(tickets)
    .where(and(eq(tickets.number, number), visibleTo(actor)));
  if (!rows[0]) throw new NotFoundError('ticket_not_found');
  return rows[0].id;
}

export async function ticketAssignments(db: Db, ticketId: number) {
  return db
    .select({ a: assignments, unitName: units.name, unitKind: units.kind })
    .from(assignments)
    .innerJoin(units, eq(units.id, assignments.unitId))
    .where(eq(assignments.ticketId, ticketId))
    .orderBy(asc(assignments.id));
}

export async function pendingRequests(db: Db, ticketId: number) {
  return db
    .select()
    .from(assignmentRequests)
    .where(and(eq(assignmentRequests.ticketId, ticketId), eq(assignmentRequests.status, 'pending')))
    .orderBy(asc(assignmentRequests.id));
}

/** A category and its ancestors, root first; from `refs`, the command's copy of the reference data, when given. */
export async function categoryPath(db: Db, categoryId: number, refs?: References): Promise<{ id: number; name: string }[]> {
  if (refs) return categoryAncestry(refs, categoryId).map((c) => ({ id: c.id, name: c.name }));
  const rows = await db.execute<{ id: number; name: string }>(sql`
    with recursive up as (
      select id, name, parent_id, level from ${categories} where id = ${categoryId}
      union all
      select c.id, c.name, c.parent_id, c.level from ${categories} c join up on c.id = up.parent_id
    ) select id, name from up order by level`);
  return rowsOf(rows);
}

export async function ticketEventsOf(db: Db, ticketId: number) {
  return db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticketId)).orderBy(asc(ticketEvents.id));
}

export async function contactCount(db: Db, ticketId: number): Promise<number> {
  const rows = await db.select({ n: sql<number>`count(*)::int` }).from(contacts).where(eq(contacts.ticketId, ticketId));
  return rows[0]?.n ?? 0;
}

/** db.execute returns an array on postgres.js and { rows } on PGlite. */
export function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows: T[] }).rows ?? []);
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
