/**
 * The same-work baseline of the moving sweep: exactly the rows the product's `sweep()` writes when marks come due,
 * written by plain set-based SQL in one transaction — no claim, no locks, no TypeScript between statements, no
 * product code (the labels and the SMS template are data). The physical limit for that work on the machine.
 *
 * What the product's moving pass writes, counted from the product (every table's rows written before and after one
 * pass, `written` below): per level fired one sla_alerts row, one 'sla_warning' event (queued for the metrics by the
 * product's trigger: one metrics_queue row), one notification-centre row per active handler and leader of the unit
 * (user_notifications); per overdue level a reminder (催办) and a supervision item (督办); one SMS per assignment and
 * clock naming the worst level fired; the assignment's marks, next check and level; the ticket's level, 催办 and
 * 督办 counts. Here: the due marks into a temporary table (the same firing rules: live assignments, clocks running,
 * tickets in the units' hands, no held completion clock), the ids of the items and events drawn from their
 * sequences there, then one INSERT … SELECT per table and one UPDATE … FROM each for the assignments and tickets.
 *
 * `written` also gives the check: per table the rows written since a transaction id (xmin newer), and a digest of
 * their content without ids and default timestamps — equal after both passes means the same rows.
 */
import fs from 'node:fs';
import type postgres from 'postgres';
import { CLOCK_LABELS } from '../../src/contract/labels.ts';
import { DEFAULT_TEMPLATES } from '../../src/domain/notifications/outbox.ts';
import { LEVEL_LABEL } from '../../src/domain/sla/escalation.ts';
import { LIVE_ASSIGNMENT, UNIT_ACTIVE } from '../../src/domain/tickets/status.ts';

const list = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(', ');
const iso = (col: string) => `to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
/** Asia/Shanghai, as shanghaiMinute: UTC + 8 h, no daylight saving */
const minute = (col: string) => `to_char((${col} at time zone 'UTC') + interval '8 hours', 'YYYY-MM-DD HH24:MI')`;

/** The statements of one pass, in order; named parameters: :now (ISO), :clocks and :levels (labels), :template (the default SMS template). */
export const SAME_WORK_STATEMENTS = [
  `create temporary table due on commit drop as
   select a.id as a, a.ticket_id as t, a.unit_id as u, m->>'clock' as c, (m->>'level')::warning_level as l, m->>'at' as at,
     a.sla_cycle as y, t.version as v, t.number as num, nullif(trim(un.notify_phone), '') as ph, d.due,
     nextval(pg_get_serial_sequence('ticket_events', 'id')) as eid,
     case when m->>'level' = 'overdue' then nextval(pg_get_serial_sequence('supervision_items', 'id')) end as rid,
     case when m->>'level' = 'overdue' then nextval(pg_get_serial_sequence('supervision_items', 'id')) end as sid
   from assignments a
   join tickets t on t.id = a.ticket_id
   join units un on un.id = a.unit_id
   cross join lateral jsonb_array_elements(a.sla_marks) m
   cross join lateral (select case m->>'clock' when 'sign' then a.sign_due_at when 'response' then a.response_due_at else a.complete_due_at end as due) d
   where a.next_check_at <= :now::timestamptz and m->>'at' <= :now
     and a.status in (${list(LIVE_ASSIGNMENT)}) and a.clocks_stopped_at is null and t.status in (${list(UNIT_ACTIVE)})
     and not (a.role = 'lead' and t.status = 'termination_requested' and m->>'clock' = 'complete')
   for update of a, t`,
  'analyze due',
  `insert into sla_alerts (assignment_id, clock, level, cycle, fired_at) select a, c, l, y, :now::timestamptz from due`,
  `insert into supervision_items (id, ticket_id, assignment_id, unit_id, kind, reason, clock, created_at) overriding system value
   select k.id, due.t, due.a, due.u, k.kind, k.prefix || (:clocks::jsonb ->> due.c) || '已超期（期限 ' || coalesce(${minute('due.due')}, '—') || '）', due.c, :now::timestamptz
   from due cross join lateral (values (due.rid, 'reminder', '催办：'), (due.sid, 'supervision', '督办：')) k(id, kind, prefix)
   where due.l = 'overdue'`,
  `insert into ticket_events (id, ticket_id, assignment_id, type, version, payload, public, created_at) overriding system value
   select eid, t, a, 'sla_warning', v, jsonb_build_object('clock', c, 'level', l, 'dueAt', ${iso('due')}, 'markAt', at, 'cycle', y, 'unitId', u,
     'reminderId', rid, 'supervisionId', sid), false, :now::timestamptz
   from due`,
  `insert into notifications (ticket_id, audience, unit_id, recipient, template, body)
   select distinct on (a, c) t, 'unit', u, ph, 'unit_warning',
     replace(replace(replace(replace(coalesce((select body from message_templates where key = 'unit_warning'), :template), '{number}', num),
       '{clock}', :clocks::jsonb ->> c), '{level}', :levels::jsonb ->> l::text), '{dueAt}', coalesce(${minute('due')}, ''))
   from due where ph is not null
   order by a, c, l desc`,
  `insert into user_notifications (user_id, kind, ticket_id, event_id, payload, created_at)
   select us.id, 'warning', due.t, due.eid, jsonb_build_object('event', 'sla_warning', 'unitId', due.u, 'clock', due.c, 'level', due.l), :now::timestamptz
   from due join users us on us.unit_id = due.u and us.active and us.role in ('unit_handler', 'unit_leader')`,
  `with moved as (
     update assignments x set
       sla_marks = (select coalesce(jsonb_agg(e order by e->>'at', (e->>'level')::warning_level, array_position(array['sign', 'response', 'complete'], e->>'clock')), '[]')
                    from jsonb_array_elements(x.sla_marks) e where e->>'at' > :now),
       next_check_at = (select min((e->>'at')::timestamptz) from jsonb_array_elements(x.sla_marks) e where e->>'at' > :now),
       warning_level = greatest(x.warning_level, g.l)
     from (select a, max(l) as l, count(*) filter (where l = 'overdue')::int as o from due group by a) g
     where x.id = g.a
     returning x.ticket_id, x.warning_level, g.o
   )
   update tickets t set warning_level = greatest(t.warning_level, p.l), reminder_count = t.reminder_count + p.o, supervision_level = t.supervision_level + p.o
   from (select ticket_id, max(warning_level) as l, sum(o)::int as o from moved group by ticket_id) p
   where t.id = p.ticket_id and (p.l > t.warning_level or p.o > 0)`,
];

type Params = { now: string; clocks: Record<string, string>; levels: Record<string, string>; template: string };

/** `:name` → `$n`, numbered in order of first use, with the values to bind. */
function bind(text: string, params: Params): [string, never[]] {
  const names: (keyof Params)[] = [];
  const out = text.replace(/:(now|clocks|levels|template)\b/g, (_, n: keyof Params) => {
    if (!names.includes(n)) names.push(n);
    return `$${names.indexOf(n) + 1}::text`;
  });
  return [out, names.map((n) => (typeof params[n] === 'string' ? params[n] : JSON.stringify(params[n])) as never)];
}

/** One pass at `now`: every statement in one transaction; seconds from BEGIN to COMMIT, and each statement's milliseconds. */
export async function sameWorkSweep(sql: postgres.Sql, now: string): Promise<{ seconds: number; fired: number; statements: number[] }> {
  const params: Params = { now, clocks: CLOCK_LABELS, levels: LEVEL_LABEL, template: DEFAULT_TEMPLATES.unit_warning! };
  const statements: number[] = [];
  let fired = 0;
  const t0 = performance.now();
  await sql.begin(async (tx) => {
    for (const [i, text] of SAME_WORK_STATEMENTS.entries()) {
      const s0 = performance.now();
      const r = await tx.unsafe(...bind(text, params));
      statements.push(Math.round(performance.now() - s0));
      if (i === 2) fired = r.count;
    }
  });
  return { seconds: (performance.now() - t0) / 1000, fired, statements };
}

/**
 * CPU milliseconds (user + system, from /proc: Linux, the server on this machine) each client backend of the database
 * has used so far. The difference over a pass (`cpuSince`) is the database's work for it, whatever the machine's load.
 */
export async function backendCpu(sql: postgres.Sql): Promise<Map<number, number>> {
  const rows = await sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = current_database() and backend_type = 'client backend'`;
  const out = new Map<number, number>();
  for (const { pid } of rows) {
    const stat = fs.existsSync(`/proc/${pid}/stat`) ? fs.readFileSync(`/proc/${pid}/stat`, 'utf8') : null;
    const f = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (f) out.set(pid, ((Number(f[11]) + Number(f[12])) * 1000) / 100); // utime + stime in USER_HZ ticks
  }
  return out;
}

/** Database CPU seconds spent since `before` (a backend opened since counts from zero). */
export async function cpuSince(sql: postgres.Sql, before: Map<number, number>): Promise<number> {
  let ms = 0;
  for (const [pid, now] of await backendCpu(sql)) ms += now - (before.get(pid) ?? 0);
  return ms / 1000;
}

/** A transaction id to count rows written from (32-bit, as xmin). */
export async function xidNow(sql: postgres.Sql): Promise<number> {
  const [r] = await sql`select (txid_current() % 4294967296)::bigint as x`;
  return Number(r!.x);
}

/** Per table: rows written (inserted or updated) since the transaction `since`, and a digest of their content. */
export type Written = Record<string, { rows: number; digest: string }>;

/** Columns left out of the digest: ids and timestamps that default to now() differ between two passes doing the same work. */
const VOLATILE = ['id', 'event_id', 'next_attempt_at', 'created_at'];

/**
 * The rows every table of the public schema holds written after `since`, with an order-free digest of their content
 * (ids, the items' ids in the events' payload and default timestamps left out; whether an event names its items kept).
 */
export async function written(sql: postgres.Sql, since: number): Promise<Written> {
  const tables = await sql<{ name: string; payload: boolean }[]>`
    select c.relname as name, exists (select 1 from pg_attribute p where p.attrelid = c.oid and p.attname = 'payload' and not p.attisdropped) as payload
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`;
  const out: Written = {};
  for (const { name, payload } of tables) {
    const body = payload
      ? `(to_jsonb(r) - $1::text[]) || jsonb_build_object('payload', (r.payload - 'reminderId' - 'supervisionId') ||
           jsonb_build_object('items', r.payload->>'reminderId' is not null and r.payload->>'supervisionId' is not null))`
      : `to_jsonb(r) - $1::text[]`;
    const [x] = await sql.unsafe(
      `select count(*)::int as rows, coalesce(sum(hashtextextended((${body})::text, 0)::numeric), 0)::text as digest
       from "${name}" r where (r.xmin::text)::bigint > $2`,
      [VOLATILE, since],
    );
    if (x!.rows) out[name] = { rows: Number(x!.rows), digest: String(x!.digest) };
  }
  return out;
}

/** The tables where two passes wrote different rows (count or content), as 'table: a rows / b rows' lines. */
export function differences(a: Written, b: Written): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((t) => a[t]?.rows !== b[t]?.rows || a[t]?.digest !== b[t]?.digest)
    .map((t) => `${t}: ${a[t]?.rows ?? 0} / ${b[t]?.rows ?? 0} rows${a[t]?.rows === b[t]?.rows ? ' (content differs)' : ''}`);
}
