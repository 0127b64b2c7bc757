/**
 * Key tickets (重点督办) by kind, as SQL: which tickets each kind tracks, how many, and the list a supervisor
 * works through. Only tickets still open count (a closed ticket needs no more pressure). The kinds:
 * - `overdue`: an assignment — the centre's dispatch or a sub-assignment, each for its own unit — that is live
 *   (awaiting sign or in progress, its clocks running) and past its completion deadline; one row per such
 *   assignment, the lead's completion clock not counted while its termination request is reviewed;
 * - `repeat>=N`: N calls or more on the ticket (its first contact and the repeats linked or merged into it);
 * - `redo_dissatisfied`: redone at least once, and the latest rated callback — taken in a round after a redo —
 *   dissatisfied;
 * - `returned>=N`: N returns or more approved by the centre (returns of the centre's dispatch; a sub-unit's
 *   return its parent took stays inside the chain).
 * Every other kind lists one row per ticket, with its live lead unit of the centre's dispatch.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import type { Actor } from '../auth/actor.ts';
import { maskPhoneNumbers } from '../privacy/phone-numbers.ts';
import { textMask } from '../tickets/policy.ts';
import { rowsOf } from '../tickets/queries.ts';
import { UNIT_ACTIVE } from '../tickets/status.ts';
import type { KeyTicketKind, TicketStatus } from '../vocab.ts';
import { thresholdOf, type KeyKindSpec } from './kinds.ts';

const list = (values: readonly string[]) =>
  sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );

/** Assignment `a` of ticket `t` has its completion clock running past its deadline at `now`. */
export const completionOverdue = (now: Date): SQL => sql`(a.status in ('awaiting_sign', 'in_progress') and a.clocks_stopped_at is null
  and a.complete_due_at < ${now.toISOString()}::timestamptz and t.status in (${list(UNIT_ACTIVE)})
  and not (t.status = 'termination_requested' and a.role = 'lead' and a.parent_id is null))`;

/** The live lead assignment of the centre's dispatch of ticket `t`. */
const topLead = sql`(select la.id from assignments la where la.ticket_id = t.id and la.role = 'lead' and la.parent_id is null
  and la.status in ('awaiting_sign', 'in_progress', 'replied') order by la.id desc limit 1)`;

/** The rows of one kind: ticket, the assignment the row is about, and the kind's measure (calls, returns, redos, minutes late). */
function kindRows(spec: KeyKindSpec, now: Date): SQL {
  switch (spec.kind) {
    case 'overdue':
      return sql`select a.ticket_id, a.id as assignment_id,
          floor(extract(epoch from (${now.toISOString()}::timestamptz - a.complete_due_at)) / 60)::int as measure
        from assignments a join tickets t on t.id = a.ticket_id
        where ${completionOverdue(now)}`;
    case 'repeat':
      return sql`select t.id as ticket_id, ${topLead} as assignment_id, c.n as measure
        from (select ticket_id, count(*)::int as n from contacts group by ticket_id having count(*) >= ${spec.min}) c
        join tickets t on t.id = c.ticket_id
        where t.status <> 'closed'`;
    case 'redo_dissatisfied':
      return sql`select t.id as ticket_id, ${topLead} as assignment_id, t.redo_count as measure
        from tickets t
        join lateral (select cb.satisfaction, cb.round from callbacks cb
          where cb.ticket_id = t.id and cb.reached and cb.satisfaction is not null order by cb.id desc limit 1) lc on true
        where t.status <> 'closed' and t.redo_count >= 1 and lc.round >= 2 and lc.satisfaction = 'dissatisfied'`;
    case 'returned':
      return sql`select t.id as ticket_id, ${topLead} as assignment_id, r.n as measure
        from (select rq.ticket_id, count(*)::int as n from assignment_requests rq join assignments ra on ra.id = rq.assignment_id
              where rq.kind = 'return' and rq.status = 'approved' and ra.parent_id is null
              group by rq.ticket_id having count(*) >= ${spec.min}) r
        join tickets t on t.id = r.ticket_id
        where t.status <> 'closed'`;
  }
}

/** How many rows and tickets each tracked kind has now. */
export async function keyTicketCounts(db: Db, specs: KeyKindSpec[], now: Date) {
  if (!specs.length) return [];
  const parts = specs.map(
    (s) => sql`select ${s.kind}::text as kind, count(*)::int as n, count(distinct k.ticket_id)::int as tickets from (${kindRows(s, now)}) k`,
  );
  const rows = rowsOf<{ kind: KeyTicketKind; n: number; tickets: number }>(await db.execute(sql.join(parts, sql` union all `)));
  return specs.map((s) => {
    const r = rows.find((x) => x.kind === s.kind);
    return { kind: s.kind, threshold: thresholdOf(s), count: Number(r?.n ?? 0), tickets: Number(r?.tickets ?? 0) };
  });
}

type KeyRow = {
  ticket_id: unknown;
  number: string;
  title: string;
  status: TicketStatus;
  confidential: boolean;
  allow_direct_contact: boolean;
  supervision_level: number;
  redo_count: number;
  assignment_id: unknown;
  parent_id: unknown;
  unit_id: number | null;
  unit_name: string | null;
  due: string | null;
  late: boolean | null;
  measure: number;
  escalation: number | null;
  accountable: number;
};

/** Worst first: the longest overdue, the most calls, redos or returns; then the oldest ticket. */
export async function keyTicketList(db: Db, spec: KeyKindSpec, now: Date, viewer: Pick<Actor, 'role'>, page: { limit: number; offset: number }) {
  const rows = rowsOf<KeyRow>(
    await db.execute(sql`
      select t.id as ticket_id, t.number, t.title, t.status::text as status, t.confidential, t.allow_direct_contact,
        t.supervision_level, t.redo_count, a.id as assignment_id, a.parent_id, a.unit_id, u.name as unit_name,
        to_char(a.complete_due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as due,
        ${completionOverdue(now)} as late, k.measure,
        (select max(s.escalation_level) from supervision_items s
          where s.ticket_id = t.id and s.kind = 'supervision' and s.resolved_at is null) as escalation,
        (select count(*)::int from accountability_items ai where ai.ticket_id = t.id and ai.resolved_at is null) as accountable
      from (${kindRows(spec, now)}) k
      join tickets t on t.id = k.ticket_id
      left join assignments a on a.id = k.assignment_id
      left join units u on u.id = a.unit_id
      order by k.measure desc, t.id, a.id
      limit ${page.limit} offset ${page.offset}`),
  );
  return rows.map((r) => {
    const mask = textMask(viewer, { confidential: r.confidential, allowDirectContact: r.allow_direct_contact }, 'list');
    const dueAt = r.due;
    return {
      ticket: { id: Number(r.ticket_id), number: r.number, title: maskPhoneNumbers(r.title, mask), status: r.status },
      assignmentId: r.assignment_id === null ? null : Number(r.assignment_id),
      /** A sub-assignment (handed down), counted for its own unit */
      handedDown: r.parent_id !== null,
      unit: r.unit_id === null ? null : { id: r.unit_id, name: r.unit_name },
      completeDueAt: dueAt,
      /** Minutes past the completion deadline (null: not overdue now) */
      overdueMinutes: r.late && dueAt ? Math.floor((now.getTime() - Date.parse(dueAt)) / 60_000) : null,
      /** calls (repeat), approved returns (returned), redos (redo_dissatisfied), minutes overdue (overdue) */
      measure: Number(r.measure),
      redoCount: r.redo_count,
      supervisionLevel: r.supervision_level,
      /** The highest level of its open 督办: 1 noticed to the unit, 2 escalated to the level above; null: none open */
      escalationLevel: r.escalation === null ? null : Number(r.escalation),
      openAccountability: Number(r.accountable),
    };
  });
}
