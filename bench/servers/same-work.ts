/**
 * The same-work baseline of intake: the rows one auto-dispatched intake writes, written by one SQL statement in
 * one transaction (the day's number taken just before, as the product takes it) with no framework, validation, routing, calendar, presenter or events bus — the physical limit
 * for that work on the machine. Counted from the product itself (one request, every table's rows before and after):
 * the day's ticket-number counter, the ticket (already dispatched: status, deadlines' due date, search terms,
 * street and district), its contact, two events (created, dispatch — each queued for the metrics by the same
 * trigger as the product's), the lead assignment with its three deadlines and nine SLA marks (the trigger keeps the
 * ticket's unit ids and due dates as for the product), the unit users' two inbox rows, the caller's SMS receipt and
 * the Idempotency-Key row. The caller's name and number are sealed with SM4 and indexed as the product does.
 * Used by bare-same-server.ts (postgres.js) and bare-same-pglite-server.ts (PGlite).
 */
import { createHash } from 'node:crypto';
import { blindIndex, encryptPii, keyringOf, TEST_KEYS, useKeyring } from '../../src/domain/privacy/keyring.ts';

useKeyring(keyringOf(TEST_KEYS));

export type Body = { content: string; caller: { name?: string; phone: string }; lat?: number; lng?: number; categoryId: number };
export type Context = { portalId: number; centreId: number; leadUnitId: number; streetId: number; districtId: number; policyId: number; unitUserIds: number[] };

/** The fixed parts, read once at start from the seeded demo city. */
export const CONTEXT_SQL = `select
  (select id from users where username = 'portal') as "portalId",
  (select id from units where kind = 'centre' order by id limit 1) as "centreId",
  (select id from units where code = 'dep-cgw') as "leadUnitId",
  (select id from units where code = 's-donghua') as "streetId",
  (select id from units where code = 'd-dongcheng') as "districtId",
  (select id from sla_policies order by id limit 1) as "policyId",
  (select array_agg(id order by id) from users where unit_id = (select id from units where code = 'dep-cgw') and role in ('unit_handler', 'unit_leader')) as "unitUserIds"`;

const MARKS = (h: number) =>
  JSON.stringify(
    [
      [40, 'sign', 'yellow'],
      [40, 'response', 'yellow'],
      [42, 'sign', 'red'],
      [42, 'response', 'red'],
      [44, 'sign', 'overdue'],
      [44, 'response', 'overdue'],
      [110, 'complete', 'yellow'],
      [150, 'complete', 'red'],
      [h, 'complete', 'overdue'],
    ].map(([hours, clock, level]) => ({ at: new Date(Date.now() + (hours as number) * 3600_000).toISOString(), clock, level })),
  );

/** Character bigrams of the text, as the product's search terms. */
const bigrams = (s: string) => {
  const c = [...s.replace(/[^\p{L}\p{N}]/gu, '')];
  return c
    .slice(0, -1)
    .map((x, i) => x + c[i + 1])
    .join(' ');
};

/**
 * The day's number, taken first in a statement of its own (autocommitted), as the product's head query takes it:
 * inside the writing statement the counter row would stay locked until that commits, serializing every intake
 * behind it (measured: half the throughput at 50 connections).
 */
export const COUNTER_STATEMENT = `insert into ticket_number_counters (day, last) values (current_date, 1)
  on conflict (day) do update set last = ticket_number_counters.last + 1 returning last`;

/** Everything else, in one statement and one transaction; $30 is the counter value COUNTER_STATEMENT returned. */
export const STATEMENT = `with n as (select $30::int as last), t as (
  insert into tickets (number, status, version, channel, type, category_id, title, content, lat, lng, street_unit_id, district_unit_id,
    street_source, caller_name, caller_phone, caller_phone_index, caller_name_index, caller_phone_last4, created_by, dispatched_at, search_terms)
  select 'S' || to_char(current_date, 'YYYYMMDD') || '-' || lpad(n.last::text, 6, '0'), 'awaiting_sign', 2, 'online', 'complaint', $1, $2, $3, $4, $5, $6, $7,
    'coordinates', $8, $9, $10, $11, $12, $13, now(), $14 from n
  returning id, number, created_at
), c as (
  insert into contacts (ticket_id, channel, caller_name, caller_phone, caller_phone_index, content, created_by)
  select id, 'online', $15, $16, $10, $3, $13 from t returning id
), e1 as (
  insert into ticket_events (ticket_id, type, actor_id, actor_role, actor_unit_id, to_status, version, payload, public, ip, request_id)
  select id, 'ticket_created', $13, 'intake_client', $17, 'awaiting_dispatch', 1, $18::text::jsonb, true, $19, $20 from t returning id
), a as (
  insert into assignments (ticket_id, unit_id, role, status, sla_policy_id, sign_due_at, response_due_at, complete_due_at, next_check_at, complete_started_at, sla_marks)
  select id, $21, 'lead', 'awaiting_sign', $22, now() + interval '44 hours', now() + interval '44 hours', now() + interval '180 hours', now() + interval '40 hours', now(), $23::text::jsonb
  from t returning id
), e2 as (
  insert into ticket_events (ticket_id, type, from_status, to_status, version, payload, public)
  select id, 'dispatch', 'awaiting_dispatch', 'awaiting_sign', 2, $24::text::jsonb, true from t returning id
), un as (
  insert into user_notifications (user_id, kind, ticket_id, event_id, payload)
  select u.id, 'dispatched', t.id, e2.id, $25::text::jsonb from t, e2, unnest($26::int[]) as u(id)
), sms as (
  insert into notifications (ticket_id, audience, recipient, template, body)
  select id, 'citizen', $27, 'intake_receipt', '【12345热线】您的诉求已受理，工单号' || number || '。查询进度：http://localhost/lookup?n=' || number from t
), ik as (
  insert into idempotency_keys (user_id, key, request_hash, ticket_id, contact_id, linked) select $13, $28, $29, t.id, c.id, false from t, c
)
select id, number, created_at from t`;

/** The statement's parameters for one request: the caller sealed (five values, as intake) and indexed; `last` the day's counter. */
export function parameters(b: Body, x: Context, key: string, requestId: string, last: number): unknown[] {
  const name = b.caller.name ?? '';
  const deadlines = {
    sign: new Date(Date.now() + 44 * 3600_000).toISOString(),
    response: new Date(Date.now() + 44 * 3600_000).toISOString(),
    complete: new Date(Date.now() + 180 * 3600_000).toISOString(),
  };
  return [
    b.categoryId,
    b.content.slice(0, 30),
    b.content,
    b.lat ?? null,
    b.lng ?? null,
    x.streetId,
    x.districtId,
    encryptPii(name),
    encryptPii(b.caller.phone),
    blindIndex('phone', b.caller.phone),
    blindIndex('name', name),
    b.caller.phone.slice(-4),
    x.portalId,
    bigrams(b.content),
    encryptPii(name),
    encryptPii(b.caller.phone),
    x.centreId,
    JSON.stringify({ channel: 'online', categoryId: b.categoryId, disposition: 'dispatch' }),
    '127.0.0.1',
    requestId,
    x.leadUnitId,
    x.policyId,
    MARKS(180),
    JSON.stringify({
      auto: true,
      note: '自动派单',
      ruleId: 1,
      deadlines,
      designate: false,
      leadUnitId: x.leadUnitId,
      copyUnitIds: [],
      assistUnitIds: [],
      awaitingCalendar: [],
    }),
    JSON.stringify({ event: 'dispatch', unitId: x.leadUnitId }),
    x.unitUserIds,
    encryptPii(b.caller.phone),
    key,
    createHash('sha256').update(JSON.stringify(b)).digest('hex'),
    last,
  ];
}
