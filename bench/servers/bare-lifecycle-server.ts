/**
 * Child process: the bare baseline of a unit's sign and reply and of the ticket list, on PostgreSQL — Koa +
 * postgres.js (pool of 10, as the app), no authentication, validation, policy, transition table or presenter: the
 * statements the product's work comes down to. Sign and reply: one statement (the assignment updated guarded by its
 * version and status, its clock's SLA marks dropped; the ticket's status and version; the event, whose trigger
 * queues it for the metrics as the product's; for a reply the dispatchers' inbox rows), then the ticket with its
 * assignments read back as the answer. The list: one SELECT of a page of 50 newest first (the lead unit, its
 * deadline and the category's name joined), the callers' name and number decrypted and the number masked as the
 * product's list does. The acting user and unit come in headers (x-user-id, x-unit-id).
 */
import { randomUUID } from 'node:crypto';
import type Koa from 'koa';
import Router from '@koa/router';
import postgres from 'postgres';
import { decryptPii, keyringOf, TEST_KEYS, useKeyring } from '../../src/domain/privacy/keyring.ts';
import { maskPhone } from '../../src/domain/tickets/inputs.ts';
import { serveBare } from './bare-koa.ts';

useKeyring(keyringOf(TEST_KEYS));
const sql = postgres(process.env.DATABASE_URL!, { max: 10, onnotice: () => {} });

/**
 * The marks of the clocks that keep running, and the next check among them (stopClock of src/domain/sla/clocks.ts).
 * Rows written by servers/same-work.ts hold their marks as a JSON string (its jsonb parameters go through
 * postgres.js as text that is encoded once more), so the string is read as the array it holds.
 */
const MARKS = `(case when jsonb_typeof(sla_marks) = 'string' then (sla_marks #>> '{}')::jsonb else sla_marks end)`;
const marksWithout = (clocks: string) => `sla_marks = coalesce((select jsonb_agg(m) from jsonb_array_elements(${MARKS}) m
      where m->>'clock' not in (${clocks})), '[]'::jsonb),
    next_check_at = (select min((m->>'at')::timestamptz) from jsonb_array_elements(${MARKS}) m where m->>'clock' not in (${clocks}))`;

const step = (o: {
  type: string;
  from: string;
  to: string;
  ticketFrom: string;
  ticketTo: string;
  set: string;
  ticketSet: string;
  payload: string;
  notify: boolean;
}) => `with a as (
  update assignments set status = '${o.to}', version = version + 1, ${o.set}
  where id = $1 and version = $3 and status = '${o.from}'
  returning id, ticket_id, unit_id, role
), t as (
  update tickets set status = '${o.ticketTo}', version = tickets.version + 1, updated_at = now(), status_changed_at = now()${o.ticketSet}
  from a where tickets.id = a.ticket_id returning tickets.id, tickets.version
), e as (
  insert into ticket_events (ticket_id, assignment_id, type, actor_id, actor_role, actor_unit_id, from_status, to_status, version, payload, public, ip, request_id)
  select t.id, a.id, '${o.type}', $2, 'unit_handler', a.unit_id, '${o.ticketFrom}', '${o.ticketTo}', t.version,
    jsonb_build_object('role', a.role, 'unitId', a.unit_id, 'assignmentFrom', '${o.from}', 'assignmentTo', '${o.to}'${o.payload}), true, $4, $5
  from t, a returning id, ticket_id
)${
  o.notify
    ? `, n as (
  insert into user_notifications (user_id, kind, ticket_id, event_id, payload)
  select u.id, 'review_requested', e.ticket_id, e.id, '{"event":"${o.type}"}'::jsonb from e, users u where u.active and u.role = 'dispatcher'
)`
    : ''
}
select id from t`;

const SIGN = step({
  type: 'sign',
  from: 'awaiting_sign',
  to: 'in_progress',
  ticketFrom: 'awaiting_sign',
  ticketTo: 'in_progress',
  set: `signed_at = now(), signed_by = $2, ${marksWithout(`'sign'`)}`,
  ticketSet: '',
  payload: '',
  notify: false,
});
const REPLY = step({
  type: 'reply',
  from: 'in_progress',
  to: 'replied',
  ticketFrom: 'in_progress',
  ticketTo: 'awaiting_review',
  set: `reply_content = $6, replied_at = now(), replied_by = $2, ${marksWithout(`'complete', 'response'`)}`,
  ticketSet: ', replied_at = now()',
  payload: `, 'content', $6::text`,
  notify: true,
});
const TICKET = `select t.id, t.number, t.status, t.version, t.category_id, t.title, t.content, t.created_at, t.updated_at,
  (select json_agg(json_build_object('id', a.id, 'unitId', a.unit_id, 'role', a.role, 'status', a.status, 'version', a.version,
     'signDueAt', a.sign_due_at, 'completeDueAt', a.complete_due_at, 'signedAt', a.signed_at, 'repliedAt', a.replied_at) order by a.id)
   from assignments a where a.ticket_id = t.id) as assignments
from tickets t where t.id = $1`;

const LIST = (scope: string) => `select t.id, t.number, t.status, t.version, t.channel, t.type, t.urgency, t.category_id, t.title, t.address,
  t.caller_name, t.caller_phone, t.confidential, t.warning_level, t.redo_count, t.close_reason, t.created_at, t.updated_at, t.closed_at,
  exists (select 1 from assignments aw where aw.ticket_id = t.id and aw.sla_waiting <> '[]'::jsonb) as awaiting_calendar,
  c.name as category_name, l.unit_id as lead_unit_id, l.name as lead_unit_name, l.due_at
from tickets t
join categories c on c.id = t.category_id
left join lateral (select a.unit_id, u.name, a.complete_due_at as due_at from assignments a join units u on u.id = a.unit_id
  where a.ticket_id = t.id and a.role = 'lead' and a.parent_id is null order by a.id desc limit 1) l on true
${scope}
order by t.created_at desc, t.id desc limit 51`;
const LIST_CENTRE = LIST('');
const LIST_UNIT = LIST('where t.unit_ids @> array[$1::int]');

const router = new Router();
const lifecycle = (statement: string, extra: (b: Record<string, unknown>) => unknown[]) => async (ctx: Koa.Context) => {
  const b = ctx.request.body as { version: number } & Record<string, unknown>;
  const args = [Number(ctx.params.id), Number(ctx.get('x-user-id')), b.version, '127.0.0.1', randomUUID(), ...extra(b)];
  const [t] = await sql.unsafe(statement, args as never[]);
  if (!t) {
    ctx.status = 409;
    ctx.body = { code: 'version_conflict' };
    return;
  }
  ctx.body = (await sql.unsafe(TICKET, [t.id]))[0];
};
router.post(
  '/assignments/:id/sign',
  lifecycle(SIGN, () => []),
);
router.post(
  '/assignments/:id/reply',
  lifecycle(REPLY, (b) => [b.content]),
);
router.get('/tickets', async (ctx) => {
  const unit = ctx.get('x-unit-id');
  const rows = unit ? await sql.unsafe(LIST_UNIT, [Number(unit)]) : await sql.unsafe(LIST_CENTRE);
  const page = rows.slice(0, 50);
  ctx.body = {
    items: page.map((r) => {
      const phone = r.caller_phone ? decryptPii(r.caller_phone) : null;
      return {
        id: Number(r.id),
        number: r.number,
        status: r.status,
        version: r.version,
        channel: r.channel,
        type: r.type,
        urgency: r.urgency,
        categoryId: r.category_id,
        title: r.title,
        address: r.address,
        caller: {
          name: unit && r.confidential ? null : r.caller_name ? decryptPii(r.caller_name) : null,
          phone: phone ? maskPhone(phone) : null,
          masked: true,
          confidential: r.confidential,
        },
        warningLevel: r.warning_level,
        awaitingCalendar: r.awaiting_calendar,
        redoCount: r.redo_count,
        closeReason: r.close_reason,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
        closedAt: r.closed_at,
        completeDueAt: r.due_at,
        category: { id: r.category_id, name: r.category_name },
        leadUnit: r.lead_unit_id ? { id: r.lead_unit_id, name: r.lead_unit_name } : null,
      };
    }),
    nextCursor: rows.length > 50 ? String(page.at(-1)?.id) : null,
  };
});
serveBare(router, () => sql.end({ timeout: 2 }));
