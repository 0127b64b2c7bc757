/**
 * A level's chain workbench: what its unit holds and may hand down, what its sub-units hold (with their
 * clocks), and what they sent back for its decision — replies, returns, extension requests. Read-only; one
 * unit's view (the actor's own unit, never a sibling's). Each row carries its clocks as the ticket view does
 * (state, level, the year a clock awaiting the calendar needs), so every screen shows a waiting clock alike.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import type { Actor } from '../auth/actor.ts';
import { maskPhoneNumbers } from '../privacy/phone-numbers.ts';
import { firedAlerts } from '../sla/assignment-clocks.ts';
import { clockStates, type Mark } from '../sla/clocks.ts';
import type { UnitKind, WarningLevel } from '../vocab.ts';
import type { HandDownLevels } from './chain.ts';
import { textMask } from './policy.ts';
import { clocksLevel, presentClocks } from './presenter.ts';
import { rowsOf, type AssignmentRow } from './queries.ts';

const UNIT_ACTIVE_SQL = sql.raw(`('in_progress', 'return_requested', 'termination_requested', 'awaiting_review')`);

type Row = {
  id: number;
  ticket_id: number;
  number: string;
  title: string;
  ticket_status: string;
  confidential: boolean;
  allow_direct_contact: boolean;
  unit_id: number;
  unit_name: string;
  unit_kind: UnitKind;
  role: 'lead' | 'assist';
  status: string;
  version: number;
  parent_id: number | null;
  dispatched_at: Date;
  signed_at: Date | null;
  first_contact_at: Date | null;
  replied_at: Date | null;
  reply_content: string | null;
  sign_due_at: Date | null;
  response_due_at: Date | null;
  complete_due_at: Date | null;
  warning_level: WarningLevel;
  sla_policy_id: number | null;
  sla_cycle: number;
  /** jsonb read as text: the drivers hand jsonb back differently */
  sla_marks: string;
  sla_waiting: string;
  complete_started_at: Date | null;
  ended_at: Date | null;
  clocks_stopped_at: Date | null;
  complete_missed_at: Date | null;
  clamped_clocks: string[];
  hand_down_note: string | null;
  request_id: number | null;
  request_kind: 'return' | 'extension' | null;
  request_reason: string | null;
  request_due_at: Date | null;
  requested_at: Date | null;
};

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
const date = (d: Date | string | null) => (d ? new Date(d) : null);
type Fired = Map<number, Awaited<ReturnType<typeof firedAlerts>>>;

/**
 * A row's clocks as of now, as the ticket view works them out. No termination hold: termination is asked by the
 * top level's lead, whose assignment is never a workbench row while the request is pending.
 */
function clocksOf(r: Row, fired: Fired, now: Date) {
  const a = {
    status: r.status,
    slaPolicyId: r.sla_policy_id,
    slaCycle: Number(r.sla_cycle),
    slaMarks: JSON.parse(r.sla_marks) as Mark[],
    slaWaiting: JSON.parse(r.sla_waiting) as AssignmentRow['slaWaiting'],
    signDueAt: date(r.sign_due_at),
    responseDueAt: date(r.response_due_at),
    completeDueAt: date(r.complete_due_at),
    completeStartedAt: date(r.complete_started_at),
    signedAt: date(r.signed_at),
    firstContactAt: date(r.first_contact_at),
    repliedAt: date(r.replied_at),
    endedAt: date(r.ended_at),
    clocksStoppedAt: date(r.clocks_stopped_at),
    completeMissedAt: date(r.complete_missed_at),
  };
  const states = clockStates(a, fired.get(Number(r.id)) ?? [], now);
  return { level: clocksLevel(r.warning_level, states), ...presentClocks(a, states) };
}

function present(actor: Actor, r: Row, fired: Fired, now: Date) {
  const mask = textMask(actor, { confidential: r.confidential, allowDirectContact: r.allow_direct_contact }, 'list');
  const text = (s: string | null) => (s === null ? null : maskPhoneNumbers(s, mask));
  const { level, sla, awaitingCalendar } = clocksOf(r, fired, now);
  return {
    assignmentId: Number(r.id),
    ticketId: Number(r.ticket_id),
    number: r.number,
    title: text(r.title),
    ticketStatus: r.ticket_status,
    unit: { id: r.unit_id, name: r.unit_name, kind: r.unit_kind },
    role: r.role,
    status: r.status,
    version: r.version,
    parentId: r.parent_id === null ? null : Number(r.parent_id),
    dispatchedAt: iso(r.dispatched_at),
    signedAt: iso(r.signed_at),
    firstContactAt: iso(r.first_contact_at),
    repliedAt: iso(r.replied_at),
    replyContent: text(r.reply_content),
    deadlines: { sign: iso(r.sign_due_at), response: iso(r.response_due_at), complete: iso(r.complete_due_at) },
    warningLevel: level,
    sla,
    awaitingCalendar,
    clampedClocks: r.clamped_clocks,
    handDownNote: text(r.hand_down_note),
    request: r.request_id
      ? {
          id: Number(r.request_id),
          kind: r.request_kind,
          reason: text(r.request_reason),
          requestedDueAt: iso(r.request_due_at),
          requestedAt: iso(r.requested_at),
        }
      : null,
  };
}

const COLUMNS = sql`a.id, a.ticket_id, t.number, t.title, t.status as ticket_status, t.confidential, t.allow_direct_contact,
  a.unit_id, u.name as unit_name, u.kind as unit_kind, a.role, a.status, a.version, a.parent_id, a.dispatched_at, a.signed_at,
  a.first_contact_at, a.replied_at, a.reply_content, a.sign_due_at, a.response_due_at, a.complete_due_at, a.warning_level,
  a.sla_policy_id, a.sla_cycle, a.sla_marks::text as sla_marks, a.sla_waiting::text as sla_waiting, a.complete_started_at,
  a.ended_at, a.clocks_stopped_at, a.complete_missed_at,
  a.clamped_clocks, a.hand_down_note, r.id as request_id, r.kind as request_kind, r.reason as request_reason,
  r.requested_due_at as request_due_at, r.requested_at`;

const rows = async <T>(db: Db, q: ReturnType<typeof sql>): Promise<T[]> => rowsOf<T>(await db.execute(q));

/** The workbench of the actor's unit (at most `limit` rows per list, oldest first), its clocks as of `now`. */
export async function chainWorkbench(db: Db, actor: Actor, levels: HandDownLevels, now: Date, limit = 200) {
  const unitId = actor.unitId!;
  const [unit] = await rows<{ id: number; kind: UnitKind; path: string }>(db, sql`select id, kind, path from units where id = ${unitId}`);
  if (!unit) return { unit: null, toHandDown: [], subs: [], decisions: [], handDownTargets: [] };
  const targetKinds = levels[unit.kind] ?? [];
  const request = sql`left join assignment_requests r on r.assignment_id = a.id and r.status = 'pending' and r.kind in ('return', 'extension')`;
  const [held, subs, targets] = await Promise.all([
    targetKinds.length
      ? rows<Row>(
          db,
          sql`
          select ${COLUMNS} from assignments a join tickets t on t.id = a.ticket_id join units u on u.id = a.unit_id ${request}
          where a.unit_id = ${unitId} and a.status = 'in_progress' and t.status in ${UNIT_ACTIVE_SQL}
            and (a.role = 'assist' or a.parent_id is not null or t.status = 'in_progress')
            and not exists (select 1 from assignments s where s.parent_id = a.id and s.status in ('awaiting_sign', 'in_progress', 'replied'))
          order by a.complete_due_at nulls last, a.id limit ${limit}`,
        )
      : [],
    rows<Row>(
      db,
      sql`
      select ${COLUMNS} from assignments a join assignments p on p.id = a.parent_id join tickets t on t.id = a.ticket_id
        join units u on u.id = a.unit_id ${request}
      where p.unit_id = ${unitId} and a.status in ('awaiting_sign', 'in_progress', 'replied') and t.status in ${UNIT_ACTIVE_SQL}
      order by a.complete_due_at nulls last, a.id limit ${limit}`,
    ),
    targetKinds.length
      ? rows<{ id: number; name: string; kind: UnitKind; parent_id: number | null }>(
          db,
          sql`
          select id, name, kind, parent_id from units
          where path like ${`${unit.path}%`} and id <> ${unitId} and active and kind in (${sql.join(
            targetKinds.map((k: UnitKind) => sql`${k}`),
            sql`, `,
          )}) order by kind, name`,
        )
      : [],
  ]);
  const fired: Fired = new Map();
  const ids = [...held, ...subs].map((r) => Number(r.id));
  for (const f of await firedAlerts(db, ids)) fired.set(f.assignmentId, [...(fired.get(f.assignmentId) ?? []), f]);
  const subRows = subs.map((r) => present(actor, r, fired, now));
  return {
    unit: { id: unit.id, kind: unit.kind },
    toHandDown: held.map((r) => present(actor, r, fired, now)),
    subs: subRows,
    /** Sub-replies to review and sub-requests to decide */
    decisions: subRows.filter((s) => s.status === 'replied' || s.request !== null),
    handDownTargets: targets.map((u) => ({ id: u.id, name: u.name, kind: u.kind, parentId: u.parent_id })),
  };
}
