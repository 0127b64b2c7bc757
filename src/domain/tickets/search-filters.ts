import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { assignmentRequests, assignments, tickets } from '../../../db/schema/index.ts';
import { isCentre, isUnit, type Actor } from '../auth/actor.ts';
import { shanghaiDate } from '../clock.ts';
import { URGENCIES, WARNING_LEVELS } from '../vocab.ts';
import { commaList, listTicketsQuery } from './inputs.ts';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const flag = z.enum(['true', 'false']);
const positive = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1);

export const SORTS = ['received', '-received', 'due', '-due', 'closed', '-closed', 'warning', '-warning'] as const;
export type Sort = (typeof SORTS)[number];

/**
 * The filters of the ticket list (GET /api/tickets), its export and saved views: one schema, so a saved view's
 * filters are exactly what the list accepts. All optional, combined with AND, always within what the actor may see.
 */
export const ticketFilters = listTicketsQuery.omit({ before: true, limit: true }).extend({
  /** ticket number with or without its dash; 8 digits or more (a prefix: a day's tickets) */
  number: z
    .string()
    .trim()
    .regex(/^\d{8}-?\d{0,10}$/, 'YYYYMMDD-NNNNNN, with or without the dash, or its first 8+ digits')
    .optional(),
  q: z.string().trim().min(1).max(100).optional(),
  /** caller phone: a whole number or its last 4 digits (centre roles only; numbers are encrypted, so no other part matches) */
  phone: z
    .string()
    .trim()
    .regex(/^[\d -]{4,20}$/)
    .refine((s) => s.replace(/\D/g, '').length >= 4, 'at least 4 digits')
    .optional(),
  /** caller name, exactly (centre roles only; names are encrypted and matched by their blind index) */
  name: z.string().trim().min(1).max(40).optional(),
  unitId: positive.optional(),
  subtree: flag.optional(),
  categoryId: positive.optional(),
  urgency: commaList(URGENCIES, 100).optional(),
  warningLevel: commaList(WARNING_LEVELS, 100).optional(),
  supervised: flag.optional(),
  receivedFrom: day.optional(),
  receivedTo: day.optional(),
  dueFrom: day.optional(),
  dueTo: day.optional(),
  closedFrom: day.optional(),
  closedTo: day.optional(),
  overdue: flag.optional(),
  /** waiting for the user's own review (待我审核): see awaitingReviewOf */
  awaitingReview: flag.optional(),
  sort: z.enum(SORTS).optional(),
});
export type TicketFilters = z.infer<typeof ticketFilters>;

/** The list's query: the filters plus paging (the opaque cursor, or the older ?before=<id>). */
export const ticketListQuery = ticketFilters.extend({
  cursor: z.string().max(300).optional(),
  before: listTicketsQuery.shape.before,
  limit: listTicketsQuery.shape.limit,
});
export type TicketListQuery = z.infer<typeof ticketListQuery>;

/** A saved view's filters: the list's filters, nothing else (unknown keys refused). */
export const savedFilters = ticketFilters.strict();

/**
 * 待我审核: what waits for a decision by the actor's desk. The centre: replies, returns and terminations waiting in
 * their review status, and top-level extension requests (pending beside the ticket's status) — the dispatch desk's
 * review queues. A unit: its direct sub-assignments' replies and return / extension requests waiting for its
 * decision (the chain workbench's `decisions`). Anyone else: nothing.
 */
export function awaitingReviewOf(actor: Actor): SQL {
  if (isCentre(actor)) {
    return sql`(${tickets.status} in ('awaiting_review', 'return_requested', 'termination_requested') or exists (select 1
      from ${assignmentRequests} r join ${assignments} a on a.id = r.assignment_id
      where r.ticket_id = ${tickets.id} and r.kind = 'extension' and r.status = 'pending' and a.parent_id is null))`;
  }
  if (!isUnit(actor)) return sql`false`;
  return sql`${tickets.status} in ('in_progress', 'return_requested', 'termination_requested', 'awaiting_review') and exists (select 1
    from ${assignments} s join ${assignments} p on p.id = s.parent_id
    where s.ticket_id = ${tickets.id} and p.unit_id = ${actor.unitId} and s.status in ('awaiting_sign', 'in_progress', 'replied')
      and (s.status = 'replied' or exists (select 1 from ${assignmentRequests} r
        where r.assignment_id = s.id and r.status = 'pending' and r.kind in ('return', 'extension'))))`;
}

/** A Asia/Shanghai calendar day as an instant range [start, end). */
export function shanghaiDay(d: string): { start: Date; end: Date } {
  const start = new Date(`${d}T00:00:00+08:00`);
  return { start, end: new Date(start.getTime() + 86_400_000) };
}

const list = (s: string | undefined) => s?.split(',').filter(Boolean) ?? [];
export { list as commaValues };

/**
 * The dashed form (or its prefix) of a number typed with or without the dash, and the day its first 8 digits name
 * (`YYYY-MM-DD`, or null when they are no date). A number begins with the Asia/Shanghai date of the ticket's
 * receipt, taken from the same instant as `created_at` (numbering.ts, intake), so a prefix search may bound
 * `created_at` to that day: one day of the received-time index instead of every ticket whose number matches.
 */
export function dashedNumber(n: string): { value: string; exact: boolean; day: string | null } {
  const digits = n.replace('-', '');
  const value = digits.length > 8 ? `${digits.slice(0, 8)}-${digits.slice(8)}` : `${digits}-`;
  const day = `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}`;
  const { start } = shanghaiDay(day);
  const isDay = !Number.isNaN(start.getTime()) && shanghaiDate(start) === day;
  return { value, exact: digits.length >= 14, day: isDay ? day : null };
}
