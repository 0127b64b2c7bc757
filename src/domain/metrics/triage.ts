/**
 * The two rates of triage at the receiving level (docs/metrics.md, "Triage"), counted on the due day like the
 * other clock rates:
 * - 普通件1小时答复率 quick_reply_rate: ordinary tickets whose first reply came by the quick-reply deadline ÷
 *   ordinary tickets whose quick-reply deadline falls in the period;
 * - 研判按时率 triage_on_time_rate: triage clocks met (triaged by the deadline) ÷ triage clocks whose deadline
 *   falls in the period; a clock awaiting the calendar is pending on its dispatch day (in neither), one triaged
 *   while it waited is in time on that day (a deadline never placed cannot be missed).
 * Read from the assignments' triage columns and the reply events (not the rollup: a few rows per ticket, for
 * the receiving units only), per receiving unit (its own clocks), with the same scope and appeal rules as
 * /api/metrics.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { units } from '../../../db/schema/index.ts';
import type { Actor } from '../auth/actor.ts';
import type { Locale } from '../../i18n/messages.ts';
import { rowsOf } from '../tickets/queries.ts';
import type { MetricValue } from './definitions.ts';
import { addDays, bucketsOfRange, resolveRange, type Period } from './periods.ts';
import { scopeOf } from './queries.ts';

export const TRIAGE_METRIC_KEYS = ['quick_reply_rate', 'triage_on_time_rate'] as const;
export type TriageMetricKey = (typeof TRIAGE_METRIC_KEYS)[number];

/** The names and definitions, in both languages (the limits are the current settings'). */
export function triageDefinitions(limits: { replyMinutes: number; acceptDays: number }) {
  const { replyMinutes: m, acceptDays: d } = limits;
  return {
    quick_reply_rate: {
      name: { 'zh-CN': '普通件1小时答复率', en: 'Ordinary tickets replied in time' },
      definition: {
        'zh-CN': `研判为普通件、自接收起 ${m} 分钟内首次答复的件数 ÷ 答复时限在本期内的普通件数`,
        en: `ordinary tickets first replied to within ${m} minutes of receipt ÷ ordinary tickets whose reply deadline falls in the period`,
      },
    },
    triage_on_time_rate: {
      name: { 'zh-CN': '研判按时率', en: 'Triaged on time' },
      definition: {
        'zh-CN': `自接收起 ${d} 个工作日内研判分类（复杂件同时受理）的件数 ÷ 研判时限在本期内的件数（待日历的不计入）`,
        en: `tickets triaged (a complex one accepted) within ${d} working days of receipt ÷ triage clocks due in the period (those awaiting the calendar left out)`,
      },
    },
  } satisfies Record<TriageMetricKey, { name: Record<Locale, string>; definition: Record<Locale, string> }>;
}

export type TriageCounts = Record<TriageMetricKey, { due: number; met: number; pending: number }>;
const zero = (): TriageCounts => ({ quick_reply_rate: { due: 0, met: 0, pending: 0 }, triage_on_time_rate: { due: 0, met: 0, pending: 0 } });

export function triageValues(c: TriageCounts, defs: ReturnType<typeof triageDefinitions>, locale: Locale): Record<TriageMetricKey, MetricValue> {
  const one = (k: TriageMetricKey): MetricValue => ({
    name: defs[k].name[locale],
    value: c[k].due > 0 ? c[k].met / c[k].due : null,
    numerator: c[k].met,
    denominator: c[k].due,
    pending: c[k].pending,
    unit: 'rate',
    definition: defs[k].definition[locale],
  });
  return { quick_reply_rate: one('quick_reply_rate'), triage_on_time_rate: one('triage_on_time_rate') };
}

export type TriageFilter = { period: Period; from: string; to?: string; unitId?: number; includeAppealed: boolean; groupBy?: 'unit' };
export type TriageSettingsIn = { kinds: string[]; replyMinutes: number; acceptDays: number };
type Raw = { unit_id: number; day: string; clock: TriageMetricKey; due: number; met: number; pending: number };

/** The start of a Shanghai day as an instant. */
const dayStart = (day: string) => new Date(`${day}T00:00:00+08:00`).toISOString();
const shanghaiDay = (col: SQL) => sql`to_char(${col} at time zone 'Asia/Shanghai', 'YYYY-MM-DD')`;

/** Per unit and Shanghai day: each clock's due, met and pending counts in the range. */
async function triageCounts(db: Db, actor: Actor, f: TriageFilter, kinds: string[]) {
  const range = resolveRange(f.period, f.from, f.to);
  const scope = await scopeOf(db, actor, f.unitId);
  const [from, to] = [dayStart(range.start), dayStart(addDays(range.end, 1))]; // as text: postgres.js takes no Date in raw SQL
  const where = (col: SQL) => {
    const w: SQL[] = [sql`${col} >= ${from}::timestamptz`, sql`${col} < ${to}::timestamptz`];
    if (scope.path) w.push(sql`a.unit_id in (select id from ${units} where path like ${`${scope.path}%`})`);
    if (!f.includeAppealed)
      w.push(sql`not exists (select 1 from appeals p where p.ticket_id = a.ticket_id and p.unit_id = a.unit_id and p.status = 'approved')`);
    return sql.join(w, sql` and `);
  };
  const triageDay = sql`coalesce(a.triage_due_at, a.dispatched_at)`;
  const replyDay = sql`a.quick_reply_due_at`;
  const receivingKinds = kinds.length ? sql`u.kind::text in ${kinds}` : sql`false`;
  const raw = rowsOf<Raw>(
    await db.execute(sql`
      select a.unit_id, ${shanghaiDay(triageDay)} as day, 'triage_on_time_rate' as clock,
        count(*)::int as due, count(*) filter (where a.triage_due_at is null or a.triaged_at <= a.triage_due_at)::int as met, 0 as pending
      from assignments a where (a.triage_due_at is not null or a.triaged_at is not null) and ${where(triageDay)} group by 1, 2
      union all
      select a.unit_id, ${shanghaiDay(sql`a.dispatched_at`)}, 'triage_on_time_rate', 0, 0, count(*)::int
      from assignments a join ${units} u on u.id = a.unit_id
      where a.parent_id is null and a.role = 'lead' and a.triage_due_at is null and a.triaged_at is null and ${receivingKinds}
        and ${where(sql`a.dispatched_at`)} group by 1, 2
      union all
      select a.unit_id, ${shanghaiDay(replyDay)}, 'quick_reply_rate', count(*)::int,
        count(*) filter (where exists (select 1 from ticket_events e where e.ticket_id = a.ticket_id and e.assignment_id = a.id
          and e.type = 'reply' and e.created_at <= a.quick_reply_due_at))::int, 0
      from assignments a where a.triage = 'ordinary' and a.quick_reply_due_at is not null and ${where(replyDay)} group by 1, 2`),
  );
  return { range, raw };
}

/**
 * The triage rates per bucket of the range: one row per bucket (every bucket, empty ones too), or with
 * groupBy=unit one per bucket and receiving unit that had a triage clock in it.
 */
export async function triageReport(db: Db, actor: Actor, f: TriageFilter, settings: TriageSettingsIn, locale: Locale) {
  const { range, raw } = await triageCounts(db, actor, f, settings.kinds);
  const defs = triageDefinitions(settings);
  const bucketOfDay = bucketsOfRange(f.period, range);
  const byKey = new Map<string, { bucket: string; unitId: number | null; counts: TriageCounts }>();
  if (!f.groupBy) for (const b of range.buckets) byKey.set(b.start, { bucket: b.start, unitId: null, counts: zero() });
  for (const r of raw) {
    const bucket = bucketOfDay(r.day).start;
    const unitId = f.groupBy ? Number(r.unit_id) : null;
    const key = `${bucket}/${unitId}`;
    const row = byKey.get(f.groupBy ? key : bucket) ?? { bucket, unitId, counts: zero() };
    byKey.set(f.groupBy ? key : bucket, row);
    const c = row.counts[r.clock];
    c.due += Number(r.due);
    c.met += Number(r.met);
    c.pending += Number(r.pending);
  }
  const ids = [...new Set([...byKey.values()].flatMap((r) => (r.unitId === null ? [] : [r.unitId])))];
  const names = ids.length
    ? rowsOf<{ id: number; name: string; kind: string; code: string; path: string }>(
        await db.execute(sql`select id, name, kind::text as kind, code, path from ${units} where id in ${ids}`),
      )
    : [];
  const unitOf = new Map(names.map((u) => [Number(u.id), u]));
  const rows = [...byKey.values()].map((r) => {
    const b = bucketOfDay(r.bucket);
    const u = r.unitId === null ? undefined : unitOf.get(r.unitId);
    return {
      bucket: b.label,
      start: b.start,
      end: b.end,
      group: u ? { type: 'unit' as const, id: Number(u.id), name: u.name, kind: u.kind, code: u.code } : null,
      metrics: triageValues(r.counts, defs, locale),
      sort: u?.path ?? '',
    };
  });
  rows.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.sort < b.sort ? -1 : a.sort > b.sort ? 1 : 0));
  return { range: { start: range.start, end: range.end }, rows: rows.map(({ sort: _, ...r }) => r) };
}
