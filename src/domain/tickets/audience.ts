/**
 * The one piece of SQL that records ticket events and says who hears of each. Every writer of events — the
 * recorder (one event a call, src/domain/tickets/record.ts), the SLA sweep and the calendar recompute (a batch in
 * one set-based statement) — records them with `recordEvents`, one statement that inserts them and reads who hears of
 * each, and turns each row into the event it publishes after the commit through `toPublished`.
 *
 * Who hears of an event: every unit on the path of a unit the ticket is assigned to (a district hears of its
 * streets) and the user who logged the ticket (operators follow their own tickets).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { PublishedEvent } from '../events.ts';

/** The id of the user who logged ticket `ticketId` (an SQL expression: a parameter, or a column of the event row). */
const creatorOf = (ticketId: SQL): SQL<number | null> => sql`(select aud_t.created_by from tickets aud_t where aud_t.id = ${ticketId})`;

/**
 * The paths of every unit assigned to ticket `ticketId`, '/'-joined in assignment order ("/1/4///1/5/"): each
 * path starts and ends with '/', so splitting on '/' gives every unit id on them.
 */
const unitPathsOf = (ticketId: SQL): SQL<string | null> =>
  sql`(select string_agg(aud_u.path, '/' order by aud_a.id) from assignments aud_a join units aud_u on aud_u.id = aud_a.unit_id where aud_a.ticket_id = ${ticketId})`;

/** Both, as the columns `created_by` and `paths` of a SELECT list. */
const audienceColumns = (ticketId: SQL): SQL => sql`${creatorOf(ticketId)} as created_by, ${unitPathsOf(ticketId)} as paths`;

/** A ticket event's columns, by their names in the table; those left out take the column's default. */
export type EventColumns = {
  ticket_id: SQL;
  type: SQL;
  version: SQL;
  payload: SQL;
  created_at: SQL;
  assignment_id?: SQL;
  actor_id?: SQL;
  actor_role?: SQL;
  actor_unit_id?: SQL;
  from_status?: SQL;
  to_status?: SQL;
  public?: SQL;
  ip?: SQL;
  request_id?: SQL;
};

/**
 * The statement that records ticket events: `with ev as (insert into ticket_events …), … select … from ev`. It
 * inserts the events `values` describes — one row of values (`values (…)`, whose parameters take the columns'
 * types), or with `from` a row per source row (`select … from … [order by …]`, ids in that order) — and selects each
 * event's `id, ticket_id, assignment_id, version, created_by, paths` (an `EventRow`) in id order, with `select`'s
 * columns besides. A batch writer puts its own CTEs `before` the insert (its source) and `after` it (what the events
 * cause: they may read `ev`, which returns `returning`'s columns too).
 *
 * Who hears of each event is read in the final SELECT, not in the insert's RETURNING: in the SLA sweep's statement
 * the same subqueries in RETURNING cost ≈ 20 % more database CPU (docs/benchmarks.md).
 */
export function recordEvents(values: EventColumns, opts: { from?: SQL; orderBy?: SQL; returning?: SQL; before?: SQL; after?: SQL; select?: SQL } = {}): SQL {
  const columns = Object.keys(values) as (keyof EventColumns)[];
  const list = sql.join(
    columns.map((c) => values[c]!),
    sql`, `,
  );
  const source = opts.from ? sql`select ${list} from ${opts.from}${opts.orderBy ? sql` order by ${opts.orderBy}` : sql``}` : sql`values (${list})`;
  const before = opts.before ? sql`${opts.before}, ` : sql``;
  const after = opts.after ? sql`, ${opts.after}` : sql``;
  const returning = opts.returning ? sql`, ${opts.returning}` : sql``;
  const select = opts.select ? sql`, ${opts.select}` : sql``;
  return sql`with ${before}ev as (
    insert into ticket_events (${sql.raw(columns.join(', '))}) ${source}
    returning id, ticket_id, assignment_id, version${returning}
  )${after}
  select ev.id, ev.ticket_id, ev.assignment_id, ev.version, ${audienceColumns(sql`ev.ticket_id`)}${select}
  from ev
  order by ev.id`;
}

/** An inserted event with its audience, as `recordEvents` returns it (ids may come back as strings: bigint). */
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
