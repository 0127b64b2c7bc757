/**
 * The notification centre's rows (消息中心), written from the ticket events that cause them, in the transaction
 * that writes the events: a notification exists exactly when its event committed. One set-based statement per
 * call whatever the number of events — the recorder passes its one event (only for the types below). The SLA
 * sweep writes its warnings' rows in its own statement (src/domain/sla/sweep.ts), the same rows as this one's
 * (a test compares them). The unique (user, kind, event) makes a second write of the same event a no-op.
 *
 * Who receives what (never the actor who caused it):
 * - dispatched: the unit roles of each unit a dispatch or a hand-down names (lead and assisting);
 * - reopened: the unit roles of the reopened (lead) assignment's unit;
 * - review_requested: a top-level lead's reply or any top-level request → every dispatcher (the centre reviews);
 *   a sub-assignment's reply or request → the unit roles of the parent assignment's unit;
 * - review_decided: the unit whose request or reply the centre or the parent decided (a recall too), an appeal's unit;
 * - warning: the unit of the assignment whose warning level (yellow, red, overdue) the sweep fired;
 * - rating: a bad rating of the unit (差评) to verify; its appeal → every supervisor (review_requested); the centre's
 *   confirmation or dismissal → the unit (review_decided); a verification clock's warning → the unit (warning);
 * - supervised: 督办 on a unit (or, without one, the ticket's top-level lead unit); escalated 督办 → the leaders
 *   of the level above.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import type { TicketEventType } from '../../contract/events.ts';
import { rowsOf } from '../tickets/queries.ts';
import { executePrepared } from '../../../db/prepared.ts';

const DISPATCHED: TicketEventType[] = ['dispatch', 'hand_down'];
const REQUESTS: TicketEventType[] = ['reply', 'request_return', 'request_extension', 'request_termination'];
/** Centre decisions naming the decided assignment in their payload (approve_reply: the top-level lead's) */
const CENTRE_DECISIONS: TicketEventType[] = [
  'approve_return',
  'reject_return',
  'approve_extension',
  'reject_extension',
  'approve_termination',
  'reject_termination',
  'approve_reply',
  'reject_reply',
];
const SUB_DECISIONS: TicketEventType[] = [
  'approve_sub_reply',
  'reject_sub_reply',
  'approve_sub_return',
  'reject_sub_return',
  'approve_sub_extension',
  'reject_sub_extension',
  'recall',
];
const APPEAL_DECISIONS: TicketEventType[] = ['appeal_approved', 'appeal_rejected'];
const VERIFICATION_DECISIONS: TicketEventType[] = ['verification_confirmed', 'verification_dismissed'];

/** The event types that notify someone: the recorder writes notifications only for these. */
export const NOTIFYING_TYPES: ReadonlySet<TicketEventType> = new Set<TicketEventType>([
  ...DISPATCHED,
  'reopen',
  ...REQUESTS,
  ...CENTRE_DECISIONS,
  ...SUB_DECISIONS,
  ...APPEAL_DECISIONS,
  'sla_warning',
  'supervise',
  'supervision_escalated',
  'citizen_rated',
  'verification_appealed',
  ...VERIFICATION_DECISIONS,
  'verification_warning',
]);

const list = (types: TicketEventType[]) => sql.raw(types.map((t) => `'${t}'`).join(', '));
/** The top-level lead assignment of the event's ticket (the latest: a re-dispatch makes a new one) */
const topLead = sql`(select tl.id from assignments tl where tl.ticket_id = e.ticket_id and tl.parent_id is null and tl.role = 'lead' order by tl.id desc limit 1)`;

/**
 * Writes the notifications the events `eventIds` cause (in the caller's transaction) and returns the users who
 * got a new row, once each: realtime tells their sockets after the commit.
 */
export async function writeNotifications(tx: Db, eventIds: number[]): Promise<number[]> {
  if (!eventIds.length) return [];
  // Built once (db/prepared.ts): every dispatch, review and warning runs it; the ids travel as one array parameter.
  const rows = rowsOf<{ user_id: unknown }>(await executePrepared(tx, 'write notifications', () => WRITE_NOTIFICATIONS, { ids: `{${eventIds.join(',')}}` }));
  return [...new Set(rows.map((r) => Number(r.user_id)))];
}

/** The notification-centre rows of the events `ids` (a bigint array literal), returning their users. */
const WRITE_NOTIFICATIONS = sql`
      with e as (
        select id, ticket_id, assignment_id, type, payload, actor_id, created_at from ticket_events
        where id = any(${sql.placeholder('ids')}::bigint[]) and type in (${list([...NOTIFYING_TYPES])})
      ),
      -- Per event: the kind, and either a unit (its unit roles; leaders only if said) or a centre role.
      target as (
        select e.id as event_id, tg.kind, tg.unit_id, tg.role, tg.leaders
        from e cross join lateral (
          select 'dispatched' as kind, (e.payload->>'leadUnitId')::int as unit_id, null::text as role, false as leaders
            where e.type in (${list(DISPATCHED)})
          union all select 'dispatched', x::int, null, false
            from jsonb_array_elements_text(case when e.type in (${list(DISPATCHED)}) then e.payload->'assistUnitIds' else '[]'::jsonb end) x
          union all select 'reopened', a.unit_id, null, false
            from assignments a where e.type = 'reopen' and a.id = (e.payload->>'assignmentId')::bigint
          union all select 'review_requested', p.unit_id, case when a.parent_id is null then 'dispatcher' end, false
            from assignments a left join assignments p on p.id = a.parent_id
            where e.type in (${list(REQUESTS)}) and a.id = e.assignment_id and (a.parent_id is not null or a.role = 'lead')
          union all select 'review_decided', a.unit_id, null, false
            from assignments a
            where e.type in (${list(CENTRE_DECISIONS)}) and a.id = coalesce((e.payload->>'assignmentId')::bigint, ${topLead})
          union all select 'review_decided', (e.payload->>'subUnitId')::int, null, false where e.type in (${list(SUB_DECISIONS)})
          union all select 'review_decided', (e.payload->>'unitId')::int, null, false where e.type in (${list(APPEAL_DECISIONS)})
          union all select 'warning', (e.payload->>'unitId')::int, null, false where e.type in ('sla_warning', 'verification_warning')
          union all select 'rating', (e.payload->>'unitId')::int, null, false
            where e.type = 'citizen_rated' and e.payload->>'verificationId' is not null
          union all select 'review_requested', null, 'supervisor', false where e.type = 'verification_appealed'
          union all select 'review_decided', (e.payload->>'unitId')::int, null, false where e.type in (${list(VERIFICATION_DECISIONS)})
          union all select 'supervised', coalesce((e.payload->>'unitId')::int, (select tl.unit_id from assignments tl where tl.id = ${topLead})), null, false
            where e.type = 'supervise'
          union all select 'supervised', (e.payload->>'toUnitId')::int, null, true where e.type = 'supervision_escalated'
        ) tg
      )
      insert into user_notifications (user_id, kind, ticket_id, event_id, payload, created_at)
      select distinct u.id, tg.kind, e.ticket_id, e.id,
        jsonb_strip_nulls(jsonb_build_object('event', e.type, 'unitId', tg.unit_id, 'clock', e.payload->'clock', 'redo', e.payload->'redo',
          'level', case when e.type in ('sla_warning', 'verification_warning', 'citizen_rated') then e.payload->'level' end,
          'supervisionLevel', case when e.type = 'supervise' then e.payload->'supervisionLevel' when e.type = 'supervision_escalated' then e.payload->'level' end)),
        e.created_at
      from target tg
      join e on e.id = tg.event_id
      join users u on u.active and (
        (tg.unit_id is not null and u.unit_id = tg.unit_id and u.role in ('unit_handler', 'unit_leader') and (not tg.leaders or u.role = 'unit_leader'))
        or (tg.role is not null and u.role::text = tg.role)
      )
      where u.id is distinct from e.actor_id
      on conflict do nothing
      returning user_id`;
