/**
 * The event stream the product writes for each generated lifecycle (ticket_created, dispatch, sign, contact,
 * the sweep's overdue warning, reply, approve_reply, the callbacks, close, a repeat contact), with ids and
 * versions in time order, as one INSERT … SELECT per range of tickets.
 */
import { CLOCKS } from '../../../src/domain/sla/clocks.ts';
import { CENTRE } from './deadlines.ts';
import { iso } from './sql.ts';

/** The ticket's status at an instant before its close (for an event that does not move it). */
const statusAt = (at: string) => `case when dispatched_at is null or ${at} < dispatched_at then 'awaiting_dispatch'
  when signed_at is null or ${at} < signed_at then 'awaiting_sign' when replied_at is null or ${at} < replied_at then 'in_progress'
  when approved_at is null or ${at} < approved_at then 'awaiting_review' when cb_at is null or ${at} < cb_at then 'awaiting_callback' else 'callback_disputed' end`;
export const STATUS_NOW = `case when closed_at is not null then 'closed' when cb_at is not null then 'callback_disputed' when approved_at is not null then 'awaiting_callback'
  when replied_at is not null then 'awaiting_review' when signed_at is not null then 'in_progress' when dispatched_at is not null then 'awaiting_sign' else 'awaiting_dispatch' end`;
const unitAct = (from: string, to: string) => `'unitId', lead_unit_id, 'role', 'lead', 'assignmentFrom', '${from}', 'assignmentTo', '${to}'`;
export const REPLY_TEXT = '已联系诉求人，问题已处理完毕。（合成答复）';
/** Contacts' ids: the ticket's own, then its repeat. */
export const CONTACT_ID = 'id * 2';
export const REPEAT_CONTACT_ID = 'id * 2 + 1';

type Staff = 'operator' | 'dispatcher' | 'callback_agent' | 'supervisor' | 'unit_handler';
/**
 * One kind of event. `chain`: its place among the lifecycle's own events, which happen in this order (those
 * present are the first ones, but for the optional callback_retry); the others (`float`: the sweep's warning, a
 * repeat contact) fall between them, after the chain events at or before their time.
 */
type EventSpec = { type: string; at: string; from: string; to: string; payload: string; public: string; assignment?: true; bump?: false; actor?: Staff } & (
  | { chain: string }
  | { float: 'warning' | 'repeat' }
);
const q = (s: string) => `'${s}'`;
/** In the order of a lifecycle. */
const EVENTS: EventSpec[] = [
  {
    type: q('ticket_created'),
    chain: '0',
    at: 'created_at',
    from: 'null',
    to: `case when disp in ('direct_answer', 'not_accepted') then 'closed' else 'awaiting_dispatch' end`,
    public: 'true',
    actor: 'operator',
    payload: `jsonb_build_object('channel', channel, 'categoryId', category_id, 'disposition', case when disp = 'pending' then 'dispatch' else disp end)
      || case disp when 'direct_answer' then jsonb_build_object('kbArticleId', s.kb_id) when 'not_accepted' then jsonb_build_object('reason', '不属于受理范围（合成）') else '{}'::jsonb end`,
  },
  {
    type: q('dispatch'),
    chain: '1',
    at: 'dispatched_at',
    from: q('awaiting_dispatch'),
    to: q('awaiting_sign'),
    public: 'true',
    actor: 'dispatcher',
    payload: `jsonb_build_object('leadUnitId', lead_unit_id, 'assistUnitIds', '[]'::jsonb, 'designate', false, 'note', null,
      'deadlines', jsonb_build_object(${CLOCKS.map((c) => `'${c}', ${iso(`${c}_due_at`)}`).join(', ')}), 'awaitingCalendar', '[]'::jsonb, 'centre', ${CENTRE.dispatch.json})`,
  },
  {
    type: q('sign'),
    chain: '2',
    at: 'signed_at',
    from: q('awaiting_sign'),
    to: q('in_progress'),
    public: 'true',
    assignment: true,
    actor: 'unit_handler',
    payload: `jsonb_build_object(${unitAct('awaiting_sign', 'in_progress')})`,
  },
  {
    type: q('contact'),
    chain: '3',
    at: 'contact_at',
    from: q('in_progress'),
    to: q('in_progress'),
    public: 'false',
    assignment: true,
    actor: 'unit_handler',
    payload: `jsonb_build_object('method', 'phone', 'summary', '已电话联系诉求人，了解诉求详情。', 'contactedAt', ${iso('contact_at')}, 'recordedAt', ${iso('contact_at')},
      'backdateReason', null, ${unitAct('in_progress', 'in_progress')})`,
  },
  {
    type: q('sla_warning'),
    float: 'warning',
    at: 'warned_at',
    from: 'null',
    to: 'null',
    public: 'false',
    assignment: true,
    bump: false,
    payload: `jsonb_build_object('clock', 'complete', 'level', 'overdue', 'dueAt', ${iso('complete_due_at')}, 'markAt', ${iso('complete_due_at')}, 'cycle', 0,
      'unitId', lead_unit_id, 'reminderId', null, 'supervisionId', null)`,
  },
  {
    type: q('reply'),
    chain: '4',
    at: 'replied_at',
    from: q('in_progress'),
    to: q('awaiting_review'),
    public: 'true',
    assignment: true,
    actor: 'unit_handler',
    payload: `jsonb_build_object('content', '${REPLY_TEXT}', ${unitAct('in_progress', 'replied')})`,
  },
  {
    type: q('approve_reply'),
    chain: '5',
    at: 'approved_at',
    from: q('awaiting_review'),
    to: q('awaiting_callback'),
    public: 'true',
    actor: 'dispatcher',
    payload: `jsonb_build_object('note', null, 'centre', ${CENTRE.review.json})`,
  },
  {
    type: q('callback_retry'),
    chain: '6',
    at: 'retry_at',
    from: q('awaiting_callback'),
    to: q('awaiting_callback'),
    public: 'false',
    actor: 'callback_agent',
    payload: `jsonb_build_object('round', 1, 'attempt', 1, 'reached', false, 'solved', null, 'satisfaction', null, 'comment', null, 'centre', ${CENTRE.retry.json})`,
  },
  {
    type: `case when disputed then 'callback_dispute' else 'callback_close' end`,
    chain: '6 + (retry_at is not null)::int',
    at: 'cb_at',
    from: q('awaiting_callback'),
    to: `case when disputed then 'callback_disputed' else 'closed' end`,
    public: 'not disputed',
    actor: 'callback_agent',
    payload: `jsonb_build_object('round', 1, 'attempt', 1 + (retry_at is not null)::int, 'reached', true, 'solved', solved, 'satisfaction', satisfaction, 'comment', null, 'centre', ${CENTRE.call.json})`,
  },
  {
    type: q('close'),
    chain: '7 + (retry_at is not null)::int',
    at: 'case when disputed then closed_at end',
    from: q('callback_disputed'),
    to: q('closed'),
    public: 'true',
    actor: 'supervisor',
    payload: `jsonb_build_object('note', '已向诉求人解释说明，予以办结。（合成）')`,
  },
  {
    type: q('contact_linked'),
    float: 'repeat',
    at: 'repeat_at',
    from: statusAt('repeat_at'),
    to: statusAt('repeat_at'),
    public: 'false',
    actor: 'operator',
    payload: `jsonb_build_object('contactId', ${REPEAT_CONTACT_ID}, 'channel', channel)`,
  },
];
/**
 * Ids and versions follow time, as the product's do: a chain event's id is 3 × its place; a warning or repeat
 * contact falls into the gap after the last chain event at or before it (+1, +2; by time when both fall into
 * the same gap). The version counts the events that bump it (all but the sweep's warning, which records the
 * version it found). Ids leave gaps within a ticket, as the product's do.
 */
const EVENT_SLOTS = 32;
const FLOATS = ['warning', 'repeat'] as const;
const floatAt = (kind: (typeof FLOATS)[number]) => EVENTS.find((e) => 'float' in e && e.float === kind)!.at;
/** The gap a warning or repeat contact falls into: the chain events at or before it (a column of bench.t, computed once). */
const gapOf = (kind: (typeof FLOATS)[number]) => `${kind}_gap`;
export const GAPS = () =>
  FLOATS.map((f) => `${EVENTS.flatMap((e) => ('chain' in e ? [`coalesce((${e.at}) <= (${floatAt(f)}), false)::int`] : [])).join(' + ')} as ${gapOf(f)}`).join(
    ', ',
  );
/** Whether a repeat contact came first, both in the same gap. */
const REPEAT_FIRST = `coalesce(${gapOf('repeat')} = ${gapOf('warning')} and (${floatAt('repeat')}) < (${floatAt('warning')}), false)`;
const REPEAT_BEFORE = (t: string) => `coalesce((${floatAt('repeat')}) < (${t}), false)::int`;
function order(e: EventSpec): { pos: string; version: string } {
  if ('chain' in e) return { pos: `3 * (${e.chain})`, version: `(${e.chain}) + 1 + ${REPEAT_BEFORE(e.at)}` };
  const k = gapOf(e.float);
  const offset = e.float === 'warning' ? `case when ${REPEAT_FIRST} then 2 else 1 end` : `case when ${REPEAT_FIRST} then 1 else 2 end`;
  return { pos: `3 * (${k} - 1) + ${offset}`, version: e.float === 'warning' ? `${k} + ${REPEAT_BEFORE(e.at)}` : `${k} + 1` };
}
/** The ticket's version at now: every event but the warning bumps it. */
export const TICKET_VERSION = EVENTS.filter((e) => e.bump !== false)
  .map((e) => `(${e.at} is not null)::int`)
  .join(' + ');

export const STAFF = `(select (select id from users where username = 'operator1') as operator, (select id from users where username = 'dispatcher1') as dispatcher,
  (select id from users where username = 'callback1') as callback_agent, (select id from users where username = 'supervisor1') as supervisor,
  (select id from units where kind = 'centre' order by id limit 1) as centre_unit, (select min(id) from kb_articles) as kb_id) s`;
/** Each unit's handler (the first), who signs, contacts and replies for it. */
export const HANDLER = `left join (select unit_id, min(id) as user_id from users where role = 'unit_handler' and active group by unit_id) h on h.unit_id = t.lead_unit_id`;
const actorOf = (a: Staff | undefined) =>
  !a
    ? ['null::int', 'null::role', 'null::int']
    : a === 'unit_handler'
      ? ['h.user_id', `case when h.user_id is not null then 'unit_handler'::role end`, 'case when h.user_id is not null then lead_unit_id end']
      : [`s.${a}`, `'${a}'::role`, 's.centre_unit'];

/** The events of the tickets with ids lo–hi. */
export function eventsSql(lo: number, hi: number) {
  // Only for the events that happened: every row of the list is computed for every ticket.
  const ifAny = (e: EventSpec, x: string) => `case when (${e.at}) is not null then ${x} end`;
  const values = EVENTS.map((e) => {
    const o = order(e);
    return `((${e.type})::text, (${e.at})::timestamptz, ${e.assignment ? 'id' : 'null::bigint'}, (${ifAny(e, e.from)})::text, (${ifAny(e, e.to)})::text,
      (${ifAny(e, o.version)})::int, (${ifAny(e, o.pos)})::int, ${ifAny(e, e.payload)}, (${e.public})::boolean, ${actorOf(e.actor).join(', ')})`;
  });
  return `
    insert into ticket_events (id, ticket_id, assignment_id, type, actor_id, actor_role, actor_unit_id, from_status, to_status, version, payload, public, created_at)
    overriding system value
    select t.id * ${EVENT_SLOTS} + e.pos, t.id, e.assignment_id, e.type, e.actor_id, e.actor_role, e.actor_unit_id, e.from_status, e.to_status, e.version, e.payload, e.public, e.at
    from bench.t t cross join ${STAFF} ${HANDLER} cross join lateral (values
      ${values.join(',\n      ')}
    ) as e(type, at, assignment_id, from_status, to_status, version, pos, payload, public, actor_id, actor_role, actor_unit_id)
    where t.id between ${lo} and ${hi} and e.at is not null`;
}
