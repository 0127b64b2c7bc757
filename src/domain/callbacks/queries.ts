/**
 * The callback agents' queue (回访) and the supervisors' queue of disputed callbacks.
 *
 * A callback falls due CALLBACK_DUE_DAYS after the reply was approved, at the start of that Asia/Shanghai
 * day (default 1: from 00:00 the next day). The due time is computed when read from the latest
 * approve_reply event, so a change of the setting applies to the whole queue at once; after a reopen,
 * the new approval restarts it.
 *
 * A reopen (重办) starts a new callback round: the queue counts the attempts of the current round only, so
 * after a reopen the agent again has CALLBACK_MAX_ATTEMPTS calls before the ticket closes as unreached.
 */
import { inArray, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { callbacks, ticketEvents, tickets, users } from '../../../db/schema/index.ts';
import type { Actor } from '../auth/actor.ts';
import { mayTicket } from '../tickets/policy.ts';
import { summary } from '../tickets/presenter.ts';
import { rowsOf, visibleTo, type TicketRow } from '../tickets/queries.ts';

export type QueueCursor = { dueAt: string; id: number };

/** "<dueAt ISO>~<ticket id>" — keyset pagination over (due time, id). */
export const encodeCursor = (c: QueueCursor) => `${c.dueAt}~${c.id}`;
export function decodeCursor(s: string): QueueCursor | null {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z)~(\d{1,15})$/.exec(s);
  return m && !Number.isNaN(Date.parse(m[1]!)) ? { dueAt: new Date(m[1]!).toISOString(), id: Number(m[2]) } : null;
}

/** The due instant for an approval instant: 00:00 Asia/Shanghai, `days` calendar days after the approval's date. */
export function callbackDueAt(approvedAt: Date, days: number): Date {
  const shanghai = new Date(approvedAt.getTime() + 8 * 3600_000);
  const midnight = Date.UTC(shanghai.getUTCFullYear(), shanghai.getUTCMonth(), shanghai.getUTCDate() + days);
  return new Date(midnight - 8 * 3600_000);
}

type QueueRow = Record<string, unknown> & {
  ticket_id: number | string;
  approved_at: string | Date;
  due_at: string | Date;
  last_attempt_at: string | Date | null;
};
const toDate = (v: string | Date) => (v instanceof Date ? v : new Date(v));

/** Tickets awaiting callback, soonest due first; `overdue` only those already due at `now`. */
export async function callbackQueue(
  db: Db,
  actor: Actor,
  opts: { now: Date; dueDays: number; maxAttempts: number; limit: number; after?: QueueCursor; overdue?: boolean },
) {
  const due = sql`((ap.approved_at at time zone 'Asia/Shanghai')::date + ${opts.dueDays}::int)::timestamp at time zone 'Asia/Shanghai'`;
  const rows = rowsOf<QueueRow>(
    await db.execute(sql`
      select * from (
        select ${tickets.id} as ticket_id, ap.approved_at, ${due} as due_at, lc.last_attempt_at
        from ${tickets}
        cross join lateral (select max(e.created_at) as approved_at from ${ticketEvents} e where e.ticket_id = ${tickets.id} and e.type = 'approve_reply') ap
        left join lateral (
          select max(c.created_at) as last_attempt_at from ${callbacks} c where c.ticket_id = ${tickets.id} and c.round = ${tickets.callbackRound}
        ) lc on true
        where ${tickets.status} = 'awaiting_callback' and ${visibleTo(actor)} and ap.approved_at is not null
      ) q
      where true
        ${opts.after ? sql`and (q.due_at, q.ticket_id) > (${opts.after.dueAt}::timestamptz, ${opts.after.id})` : sql``}
        ${opts.overdue ? sql`and q.due_at <= ${opts.now.toISOString()}::timestamptz` : sql``}
      order by q.due_at, q.ticket_id
      limit ${opts.limit}`),
  );
  const ticketRows = await ticketsById(
    db,
    rows.map((r) => Number(r.ticket_id)),
  );
  const items = rows.map((r) => {
    const t = ticketRows.get(Number(r.ticket_id))!;
    const dueAt = toDate(r.due_at);
    return {
      ticket: summary(actor, t),
      approvedAt: toDate(r.approved_at).toISOString(),
      callbackDueAt: dueAt.toISOString(),
      overdue: dueAt <= opts.now,
      /** The callback round (2 after the first reopen…); attempts and the last attempt count within it */
      round: t.callbackRound,
      attempts: t.callbackAttempts,
      attemptsLeft: Math.max(0, opts.maxAttempts - t.callbackAttempts),
      lastAttemptAt: r.last_attempt_at ? toDate(r.last_attempt_at).toISOString() : null,
    };
  });
  const last = items.at(-1);
  return { items, nextCursor: items.length === opts.limit && last ? encodeCursor({ dueAt: last.callbackDueAt, id: last.ticket.id }) : null };
}

async function ticketsById(db: Db, ids: number[]): Promise<Map<number, TicketRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select().from(tickets).where(inArray(tickets.id, ids));
  return new Map(rows.map((t) => [t.id, t]));
}

type DisputedRow = {
  ticket_id: number | string;
  round: number;
  attempt: number;
  reached: boolean;
  solved: string | null;
  satisfaction: string | null;
  comment: string | null;
  agent_id: number | null;
  agent_name: string | null;
  at: string | Date;
};

/** Tickets whose callback found the caller dissatisfied or the matter unsolved, oldest dispute first, with that callback's answers. */
export async function disputedQueue(db: Db, actor: Actor, opts: { limit: number }) {
  const rows = rowsOf<DisputedRow>(
    await db.execute(sql`
      select ${tickets.id} as ticket_id, c.round, c.attempt, c.reached, c.solved, c.satisfaction, c.comment, c.agent_id, u.display_name as agent_name, c.created_at as at
      from ${tickets}
      cross join lateral (select * from ${callbacks} c where c.ticket_id = ${tickets.id} order by c.round desc, c.attempt desc, c.id desc limit 1) c
      left join ${users} u on u.id = c.agent_id
      where ${tickets.status} = 'callback_disputed' and ${visibleTo(actor)}
      order by c.created_at, ${tickets.id}
      limit ${opts.limit}`),
  );
  const ticketRows = await ticketsById(
    db,
    rows.map((r) => Number(r.ticket_id)),
  );
  return {
    items: rows.map((r) => ({
      ticket: summary(actor, ticketRows.get(Number(r.ticket_id))!),
      callback: {
        round: r.round,
        attempt: r.attempt,
        reached: r.reached,
        solved: r.solved,
        satisfaction: r.satisfaction,
        comment: r.comment,
        agent: r.agent_id ? { id: r.agent_id, name: r.agent_name } : null,
        at: toDate(r.at).toISOString(),
      },
      /** What the actor can do next: POST /api/tickets/:id/reopen or /close */
      abilities: (['reopen', 'close'] as const).filter((a) => mayTicket(actor, a)),
    })),
  };
}
