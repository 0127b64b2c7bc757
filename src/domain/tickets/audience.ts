/**
 * Who hears of a ticket event: every unit on the path of a unit the ticket is assigned to (a district hears
 * of its streets) and the user who logged the ticket (operators follow their own tickets).
 *
 * Every writer of events reads it in the statement that inserts them — the recorder in its INSERT's own
 * RETURNING (one round trip an event), the SLA sweep and the calendar recompute in the final SELECT of their
 * set-based statements — through these fragments, and turns each row into the event it publishes after the
 * commit through `toPublished`.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { PublishedEvent } from '../events.ts';

/** The id of the user who logged ticket `ticketId` (an SQL expression: a parameter, or a column of the event row). */
export const creatorOf = (ticketId: SQL): SQL<number | null> => sql`(select aud_t.created_by from tickets aud_t where aud_t.id = ${ticketId})`;

/**
 * The paths of every unit assigned to ticket `ticketId`, '/'-joined in assignment order ("/1/4///1/5/"): each
 * path starts and ends with '/', so splitting on '/' gives every unit id on them.
 */
export const unitPathsOf = (ticketId: SQL): SQL<string | null> =>
  sql`(select string_agg(aud_u.path, '/' order by aud_a.id) from assignments aud_a join units aud_u on aud_u.id = aud_a.unit_id where aud_a.ticket_id = ${ticketId})`;

/** Both, as the columns `created_by` and `paths` of a SELECT list (raw statements: the sweep, the recompute). */
export const audienceColumns = (ticketId: SQL): SQL => sql`${creatorOf(ticketId)} as created_by, ${unitPathsOf(ticketId)} as paths`;

/** An inserted event with its audience, as a statement returns it (ids may come back as strings: bigint). */
export type EventRow = { id: unknown; ticket_id: unknown; assignment_id: unknown; version: number; created_by: unknown; paths: string | null };

/** The event published after the commit, from its row; what the row does not hold comes from the writer. */
export function toPublished(e: EventRow, type: PublishedEvent['type'], createdAt: string, toStatus: PublishedEvent['toStatus'] = null): PublishedEvent {
  return {
    id: Number(e.id),
    type,
    ticketId: Number(e.ticket_id),
    assignmentId: e.assignment_id === null ? null : Number(e.assignment_id),
    version: e.version,
    toStatus,
    unitIds: [...new Set((e.paths ?? '').split('/').filter(Boolean).map(Number))],
    createdBy: e.created_by === null ? null : Number(e.created_by),
    createdAt,
  };
}
