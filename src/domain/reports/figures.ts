/**
 * The figures of the monthly analysis report (每月热线分析报告), computed once when a report is generated
 * and stored with it (monthly_reports.data), so a stored report never changes when the data does.
 *
 * Volumes, channels, categories, the daily trend and every rate come from the metric rollups through
 * metricsReport / rankings (src/domain/metrics): the same numbers, definitions and appeal rules as the
 * dashboards and /api/metrics.csv. What the rollups do not keep — overdue warnings, supervision, return
 * requests, reopens and appeals by unit, typical cases — is counted from ticket_events (indexed by time)
 * and the ticket tables. Nothing here holds a caller's name or number.
 */
import { inArray, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { categories, units } from '../../../db/schema/index.ts';
import { systemActor } from '../auth/actor.ts';
import { CENTRE_METRIC_KEYS, METRIC_KEYS, type MetricKey, type MetricSettings, type MetricUnit, type MetricValue } from '../metrics/definitions.ts';
import { CENTRE_CLOCKS, centreClockOf, type CentreClock } from '../centre/clocks.ts';
import { TICKET_ACTIONS } from '../tickets/status.ts';
import { CHANNEL_NAMES, LEVEL_NAMES, metricsReport, RANKED_LEVELS, rankings, type MetricsRow, type RankedLevel } from '../metrics/queries.ts';
import { rollupFreshness } from '../metrics/rollup.ts';
import { rowsOf } from '../tickets/queries.ts';
import { CHANNELS, type Channel } from '../vocab.ts';
import { APPEAL_REASON_CODES } from '../appeals/inputs.ts';
import { APPEAL_REASON_LABELS } from '../../contract/labels.ts';
import { monthSpan, previousMonth, type MonthSpan } from './months.ts';
import { reportHotspots, type ReportHotspots } from './hotspots.ts';
import { typicalCases, type TypicalCase } from './cases.ts';

const LOCALE = 'zh-CN' as const;
/** Categories listed in the report, by volume. */
export const TOP_CATEGORIES = 10;
/** Units listed in each "most …" table (overdue, returns, reopens, appeals). */
export const TOP_UNITS = 10;

export type Change = { current: number; previous: number; change: number; changeRate: number | null };
/** A rate (a fraction) or, for 平均派单时长, minutes (`unit`); `pending`: clocks awaiting the calendar, left out of it; `changePoints`: percentage points, or minutes. */
export type RateFigure = {
  key: MetricKey;
  name: string;
  value: number | null;
  numerator: number;
  denominator: number;
  pending: number;
  unit: MetricUnit;
  previous: number | null;
  changePoints: number | null;
  definition: string;
};
/** One of the centre's own clocks this month, from the decisions' events: how many, how many within the limit, the waits. */
export type CentreClockFigure = { clock: CentreClock; name: string; decided: number; onTime: number; avgWaitMinutes: number | null; maxWaitMinutes: number | null };
export type ChannelFigure = { channel: Channel; name: string; share: number | null } & Change;
export type CategoryFigure = { rank: number; id: number; name: string; path: string; share: number | null; previousRank: number | null } & Change;
export type UnitRef = { id: number; name: string; kind: string };
/** The rates a unit is assessed on, as fractions (null: nothing due). */
export const UNIT_RATE_KEYS = ['timely_sign_rate', 'response_rate', 'reply_rate', 'completion_rate', 'on_time_completion_rate', 'solved_rate', 'satisfaction_rate', 'return_rate', 'redo_rate'] as const satisfies readonly MetricKey[];
export type UnitRateKey = (typeof UNIT_RATE_KEYS)[number];
export type UnitFigure = { unit: UnitRef & { code: string }; rank: number | null; composite: number | null; dispatched: number; leadDispatched: number; rates: Record<UnitRateKey, number | null> };
export type RankedFigure = { rank: number; unit: UnitRef & { code: string }; composite: number; response: number | null; solved: number | null; satisfaction: number | null };
export type LevelFigure = { level: RankedLevel; name: string; units: UnitFigure[]; red: RankedFigure[]; black: RankedFigure[]; unranked: number };
export type UnitCount = { unit: UnitRef; count: number };

export type MonthlyFigures = {
  schemaVersion: 1;
  month: string;
  previousMonth: string;
  period: { start: string; end: string };
  centreName: string;
  generatedAt: string;
  settings: MetricSettings;
  freshness: { pendingEvents: number; lastRunAt: string | null };
  overview: {
    contacts: Change;
    repeatContacts: Change;
    directAnswers: Change;
    /** tickets dispatched to a lead unit (派单工单) */
    dispatched: Change;
    /** tickets closed while a unit held them (办结) */
    closed: Change;
    rates: RateFigure[];
  };
  daily: { day: string; contacts: number; dispatched: number; closed: number }[];
  channels: ChannelFigure[];
  categories: { total: number; top: CategoryFigure[] };
  units: { weights: MetricSettings['rankingWeights']; size: number; levels: LevelFigure[] };
  overdue: {
    /** overdue warnings the SLA sweep raised this month, by clock (each also issues 催办 and 督办) */
    alerts: { sign: number; response: number; complete: number; total: number };
    tickets: number;
    /** 督办 issued by hand (one click on the wallboard) */
    manualSupervisions: number;
    closed: number;
    closedLate: number;
    onTimeRate: RateFigure;
    byUnit: (UnitCount & { sign: number; response: number; complete: number })[];
  };
  /** The centre's own timeliness (issue 11 §9): its rates, and each clock's decisions with their waits */
  centre: { rates: RateFigure[]; clocks: CentreClockFigure[] };
  returns: { requested: number; approved: number; rejected: number; rate: RateFigure; byUnit: (UnitCount & { approved: number })[] };
  redo: { reopened: number; closedRedone: number; rate: RateFigure; byUnit: UnitCount[] };
  appeals: { filed: number; approved: number; rejected: number; byReason: { code: string; name: string; count: number }[]; byUnit: (UnitCount & { approved: number; rejected: number })[] };
  hotspots: ReportHotspots;
  typicalCases: TypicalCase[];
};


const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;
export const change = (current: number, previous: number): Change => ({ current, previous, change: current - previous, changeRate: previous > 0 ? round((current - previous) / previous) : null });
const share = (n: number, total: number) => (total > 0 ? round(n / total) : null);

function rateFigure(m: MetricValue, key: MetricKey, previous?: MetricValue): RateFigure {
  const prev = previous?.value ?? null;
  return {
    key,
    name: m.name,
    value: m.value,
    numerator: m.numerator,
    denominator: m.denominator,
    pending: m.pending,
    unit: m.unit,
    previous: prev,
    changePoints: m.value !== null && prev !== null ? round((m.value - prev) * (m.unit === 'minutes' ? 1 : 100), 2) : null,
    definition: m.definition,
  };
}

/** Every figure of one month's report, read from `db` (the replica when configured). */
export async function computeMonthlyFigures(db: Db, month: string, opts: { settings: MetricSettings; now: Date }): Promise<MonthlyFigures> {
  const span = monthSpan(month);
  const prev = previousMonth(month);
  const { settings } = opts;
  // The report is the centre's: computed with the centre's view whatever the requester's role.
  const actor = systemActor('supervisor');
  // Volumes count everything that happened; rates and rankings are assessment figures, without the tickets
  // an approved appeal exempted (as on the dashboards by default).
  const metrics = (f: Omit<Parameters<typeof metricsReport>[2], 'includeAppealed'>, everything = false) =>
    metricsReport(db, actor, { ...f, includeAppealed: everything }, settings, LOCALE);

  const assessed = await metrics({ period: 'month', from: prev, to: month });
  const volumes = await metrics({ period: 'month', from: prev, to: month }, true);
  const bucket = (rows: MetricsRow[], b: string) => rows.find((r) => r.bucket === b)!;
  const [cur, before] = [bucket(assessed.rows, month), bucket(assessed.rows, prev)];
  const [vol, volBefore] = [bucket(volumes.rows, month), bucket(volumes.rows, prev)];
  const counter = (k: keyof MetricsRow['counters']) => change(vol.counters[k], volBefore.counters[k]);

  const daily = await metrics({ period: 'day', from: span.start, to: span.end }, true);

  const byChannel = await metrics({ period: 'month', from: prev, to: month, groupBy: 'channel' }, true);
  const channelCount = (b: string, ch: Channel) => byChannel.rows.find((r) => r.bucket === b && r.group?.id === ch)?.counters.contacts ?? 0;
  const channels = CHANNELS.map((ch) => {
    const c = change(channelCount(month, ch), channelCount(prev, ch));
    return { channel: ch, name: CHANNEL_NAMES[ch][LOCALE], share: share(c.current, vol.counters.contacts), ...c };
  }).filter((c) => c.current > 0 || c.previous > 0);

  // The units' rates in the overview; the centre's own in a section of their own.
  const isCentre = (k: MetricKey) => (CENTRE_METRIC_KEYS as readonly MetricKey[]).includes(k);
  const rates = METRIC_KEYS.filter((k) => !isCentre(k)).map((k) => rateFigure(cur.metrics[k], k, before.metrics[k]));
  const centreRates = CENTRE_METRIC_KEYS.map((k) => rateFigure(cur.metrics[k], k, before.metrics[k]));
  const rateOf = (k: MetricKey) => rates.find((r) => r.key === k)!;

  const [centre] = rowsOf<{ name: string }>(await db.execute(sql`select name from ${units} where kind = 'centre' order by id limit 1`));
  const events = await monthEvents(db, span);
  const unitRefs = await unitsById(db, events.map((e) => e.unitId).filter((id): id is number => id !== null));

  return {
    schemaVersion: 1,
    month,
    previousMonth: prev,
    period: { start: span.start, end: span.end },
    centreName: centre?.name ?? '12345热线服务中心',
    generatedAt: opts.now.toISOString(),
    settings,
    freshness: await rollupFreshness(db),
    overview: {
      contacts: counter('contacts'),
      repeatContacts: counter('repeatContacts'),
      directAnswers: counter('directAnswers'),
      dispatched: counter('leadDispatched'),
      closed: counter('closed'),
      rates,
    },
    daily: daily.rows.map((r) => ({ day: r.start, contacts: r.counters.contacts, dispatched: r.counters.leadDispatched, closed: r.counters.closed })),
    channels,
    categories: await categoryFigures(db, (f) => metrics(f, true), month, prev),
    units: { weights: settings.rankingWeights, size: settings.rankingSize, levels: await levelFigures(db, month, settings) },
    overdue: overdueFigures(events, unitRefs, await overdueTickets(db, span), vol.counters.closed, vol.counters.closedOnTime, rateOf('on_time_completion_rate')),
    centre: { rates: centreRates, clocks: await centreClocks(db, span) },
    returns: returnFigures(events, unitRefs, rateOf('return_rate')),
    redo: { ...redoFigures(events, unitRefs), closedRedone: vol.counters.closedRedone, rate: rateOf('redo_rate') },
    appeals: appealFigures(events, unitRefs),
    hotspots: await reportHotspots(db, span),
    typicalCases: await typicalCases(db, span),
  };
}

async function categoryFigures(db: Db, metrics: (f: Omit<Parameters<typeof metricsReport>[2], 'includeAppealed'>) => ReturnType<typeof metricsReport>, month: string, prev: string) {
  const rows = (await metrics({ period: 'month', from: prev, to: month, groupBy: 'category' })).rows;
  const volumes = (bucket: string) =>
    rows
      .filter((r) => r.bucket === bucket && r.counters.contacts > 0)
      .map((r) => ({ id: Number(r.group!.id), name: r.group!.name, code: r.group!.code ?? '', contacts: r.counters.contacts }))
      .sort((a, b) => b.contacts - a.contacts || (a.code < b.code ? -1 : 1));
  const now = volumes(month);
  const then = volumes(prev);
  const total = now.reduce((s, c) => s + c.contacts, 0);
  const top = now.slice(0, TOP_CATEGORIES);
  const paths = await categoryPaths(db, top.map((c) => c.id));
  return {
    total,
    top: top.map((c, i) => {
      const p = then.findIndex((x) => x.id === c.id);
      return { rank: i + 1, id: c.id, name: c.name, path: paths.get(c.id) ?? c.name, share: share(c.contacts, total), previousRank: p >= 0 ? p + 1 : null, ...change(c.contacts, then[p]?.contacts ?? 0) };
    }),
  };
}

/** 大类 / 中类 / 小类 of each category. */
async function categoryPaths(db: Db, ids: number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (!ids.length) return out;
  const rows = rowsOf<{ id: number; path: string }>(
    await db.execute(sql`
      with recursive up as (
        select id as leaf, id, parent_id, name, 0 as depth from ${categories} where id in ${ids}
        union all select up.leaf, c.id, c.parent_id, c.name, up.depth + 1 from ${categories} c join up on c.id = up.parent_id)
      select leaf as id, string_agg(name, ' / ' order by depth desc) as path from up group by leaf`),
  );
  for (const r of rows) out.set(Number(r.id), r.path);
  return out;
}

/** Each unit level's rates (every unit, with its subtree) and its red and black lists. */
async function levelFigures(db: Db, month: string, settings: MetricSettings): Promise<LevelFigure[]> {
  const actor = systemActor('supervisor');
  const out: LevelFigure[] = [];
  for (const level of RANKED_LEVELS) {
    const r = await rankings(db, actor, { level, month, includeAppealed: false }, settings, LOCALE);
    if (r.ranked.length + r.unranked.length === 0) continue;
    const report = await metricsReport(db, actor, { period: 'month', from: month, groupBy: 'unit', level, includeAppealed: false }, settings, LOCALE);
    const rowOf = new Map(report.rows.map((x) => [Number(x.group!.id), x]));
    const rankOf = new Map(r.ranked.map((x) => [x.unit.id, x]));
    const units: UnitFigure[] = [...r.ranked.map((x) => x.unit), ...r.unranked.map((x) => x.unit)].map((u) => {
      const row = rowOf.get(u.id);
      const ranked = rankOf.get(u.id);
      return {
        unit: { id: u.id, name: u.name, code: u.code, kind: u.kind },
        rank: ranked?.rank ?? null,
        composite: ranked?.composite ?? null,
        dispatched: row?.counters.dispatched ?? 0,
        leadDispatched: row?.counters.leadDispatched ?? 0,
        rates: Object.fromEntries(UNIT_RATE_KEYS.map((k) => [k, row?.metrics[k].value ?? null])) as Record<UnitRateKey, number | null>,
      };
    });
    const ranked = (x: (typeof r.ranked)[number]): RankedFigure => ({
      rank: x.rank,
      unit: { id: x.unit.id, name: x.unit.name, code: x.unit.code, kind: x.unit.kind },
      composite: x.composite,
      response: x.metrics.response_rate.value,
      solved: x.metrics.solved_rate.value,
      satisfaction: x.metrics.satisfaction_rate.value,
    });
    out.push({ level, name: LEVEL_NAMES[level][LOCALE], units, red: r.red.map(ranked), black: r.black.map(ranked), unranked: r.unranked.length });
  }
  return out;
}

// ---------------------------------------------------------------- counted from ticket events

type EventCount = { type: string; level: string | null; clock: string | null; reasonCode: string | null; unitId: number | null; n: number };

const EVENT_TYPES = ['sla_warning', 'supervise', 'request_return', 'approve_return', 'reject_return', 'reopen', 'appeal_filed', 'appeal_approved', 'appeal_rejected'];

/**
 * The month's events the report counts, by type and unit: the unit named in the event (assignment
 * actions, appeals, SLA warnings), else the unit of the assignment it refers to (return reviews, reopens).
 */
async function monthEvents(db: Db, span: MonthSpan): Promise<EventCount[]> {
  const int = (path: string) => sql.raw(`case when e.payload->>'${path}' ~ '^[0-9]+$' then (e.payload->>'${path}')::bigint end`);
  const rows = rowsOf<EventCount>(
    await db.execute(sql`
      select e.type, e.payload->>'level' as level, e.payload->>'clock' as clock, e.payload->>'reasonCode' as "reasonCode",
        coalesce(${int('unitId')}, a.unit_id)::int as "unitId", count(*)::int as n
      from ticket_events e
        left join assignments a on a.id = coalesce(e.assignment_id, ${int('assignmentId')})
      where e.created_at >= ${span.from.toISOString()}::timestamptz and e.created_at < ${span.to.toISOString()}::timestamptz
        and e.type in ${EVENT_TYPES}
      group by 1, 2, 3, 4, 5`),
  );
  return rows.map((r) => ({ ...r, unitId: r.unitId === null ? null : Number(r.unitId), n: Number(r.n) }));
}

export const CENTRE_CLOCK_NAMES: Record<CentreClock, string> = {
  dispatch: '派单',
  reply_review: '答复审核',
  return_review: '退单审核',
  extension_review: '延期审核',
  termination_review: '终止审核',
  callback: '回访（每轮首次）',
};

/** The actions that end a centre clock (src/domain/centre/clocks.ts), as event types. */
const CENTRE_EVENT_TYPES = TICKET_ACTIONS.filter((a) => centreClockOf(a) !== null);

/**
 * Each centre clock's decisions this month, from the `centre` payload of their events: a callback round counts
 * once, at its first attempt (as 回访及时率 does).
 */
async function centreClocks(db: Db, span: MonthSpan): Promise<CentreClockFigure[]> {
  const rows = rowsOf<{ clock: string; n: number; on_time: number; avg: string | number | null; max: number | null }>(
    await db.execute(sql`
      select e.payload->'centre'->>'clock' as clock, count(*)::int as n,
        count(*) filter (where (e.payload->'centre'->>'onTime')::boolean)::int as on_time,
        avg((e.payload->'centre'->>'waitedMinutes')::numeric) as avg, max((e.payload->'centre'->>'waitedMinutes')::int) as max
      from ticket_events e
      where e.created_at >= ${span.from.toISOString()}::timestamptz and e.created_at < ${span.to.toISOString()}::timestamptz
        and e.type in ${CENTRE_EVENT_TYPES} and e.payload ? 'centre'
        and (e.type not like 'callback%' or not exists (
          select 1 from ticket_events p where p.ticket_id = e.ticket_id and p.id < e.id and p.type like 'callback%'
            and p.id > coalesce((select max(a.id) from ticket_events a where a.ticket_id = e.ticket_id and a.id < e.id and a.type = 'approve_reply'), 0)))
      group by 1`),
  );
  return CENTRE_CLOCKS.map((clock) => {
    const r = rows.find((x) => x.clock === clock);
    return {
      clock,
      name: CENTRE_CLOCK_NAMES[clock],
      decided: Number(r?.n ?? 0),
      onTime: Number(r?.on_time ?? 0),
      avgWaitMinutes: r?.avg === null || r?.avg === undefined ? null : round(Number(r.avg), 1),
      maxWaitMinutes: r?.max === null || r?.max === undefined ? null : Number(r.max),
    };
  });
}

/** Tickets with at least one overdue warning this month. */
async function overdueTickets(db: Db, span: MonthSpan): Promise<number> {
  const [r] = rowsOf<{ n: number }>(
    await db.execute(sql`
      select count(distinct ticket_id)::int as n from ticket_events
      where created_at >= ${span.from.toISOString()}::timestamptz and created_at < ${span.to.toISOString()}::timestamptz
        and type = 'sla_warning' and payload->>'level' = 'overdue'`),
  );
  return Number(r?.n ?? 0);
}

async function unitsById(db: Db, ids: number[]): Promise<Map<number, UnitRef>> {
  const distinct = [...new Set(ids)];
  const rows = distinct.length ? await db.select({ id: units.id, name: units.name, kind: units.kind }).from(units).where(inArray(units.id, distinct)) : [];
  return new Map(rows.map((u) => [u.id, u]));
}

const sum = (rows: EventCount[], pick: (e: EventCount) => boolean) => rows.filter(pick).reduce((s, e) => s + e.n, 0);

/** Per-unit sums of several measures, the top units by the first one (ties: by name). */
function topUnits<M extends Record<string, (e: EventCount) => boolean>>(rows: EventCount[], refs: Map<number, UnitRef>, measures: M, by: keyof M): (UnitCount & Record<keyof M, number>)[] {
  type Sums = Record<keyof M, number>;
  const per = new Map<number, Sums>();
  for (const e of rows) {
    if (e.unitId === null || !refs.has(e.unitId)) continue;
    for (const k of Object.keys(measures) as (keyof M)[]) {
      if (!measures[k]!(e)) continue;
      const m = per.get(e.unitId) ?? (Object.fromEntries(Object.keys(measures).map((x) => [x, 0])) as Sums);
      m[k] += e.n;
      per.set(e.unitId, m);
    }
  }
  return [...per.entries()]
    .filter(([, m]) => m[by] > 0)
    .map(([id, m]) => ({ unit: refs.get(id)!, count: m[by], ...m }))
    .sort((a, b) => b.count - a.count || a.unit.name.localeCompare(b.unit.name, 'zh-CN'))
    .slice(0, TOP_UNITS);
}

function overdueFigures(events: EventCount[], refs: Map<number, UnitRef>, tickets: number, closed: number, closedOnTime: number, onTimeRate: RateFigure): MonthlyFigures['overdue'] {
  const overdue = (clock?: string) => (e: EventCount) => e.type === 'sla_warning' && e.level === 'overdue' && (!clock || e.clock === clock);
  const alerts = { sign: sum(events, overdue('sign')), response: sum(events, overdue('response')), complete: sum(events, overdue('complete')), total: sum(events, overdue()) };
  const byUnit = topUnits(events, refs, { total: overdue(), sign: overdue('sign'), response: overdue('response'), complete: overdue('complete') }, 'total').map(({ total: _t, ...r }) => r);
  return { alerts, tickets, manualSupervisions: sum(events, (e) => e.type === 'supervise'), closed, closedLate: closed - closedOnTime, onTimeRate, byUnit };
}

function returnFigures(events: EventCount[], refs: Map<number, UnitRef>, rate: RateFigure): MonthlyFigures['returns'] {
  const is = (type: string) => (e: EventCount) => e.type === type;
  return {
    requested: sum(events, is('request_return')),
    approved: sum(events, is('approve_return')),
    rejected: sum(events, is('reject_return')),
    rate,
    byUnit: topUnits(events, refs, { requested: is('request_return'), approved: is('approve_return') }, 'requested').map(({ requested: _r, ...x }) => x),
  };
}

function redoFigures(events: EventCount[], refs: Map<number, UnitRef>) {
  const reopen = (e: EventCount) => e.type === 'reopen';
  return { reopened: sum(events, reopen), byUnit: topUnits(events, refs, { n: reopen }, 'n').map(({ unit, count }) => ({ unit, count })) };
}

function appealFigures(events: EventCount[], refs: Map<number, UnitRef>): MonthlyFigures['appeals'] {
  const is = (type: string) => (e: EventCount) => e.type === type;
  const filed = events.filter(is('appeal_filed'));
  return {
    filed: sum(events, is('appeal_filed')),
    approved: sum(events, is('appeal_approved')),
    rejected: sum(events, is('appeal_rejected')),
    byReason: APPEAL_REASON_CODES.map((code) => ({ code, name: APPEAL_REASON_LABELS[code], count: sum(filed, (e) => e.reasonCode === code) })).filter((r) => r.count > 0),
    byUnit: topUnits(events, refs, { filed: is('appeal_filed'), approved: is('appeal_approved'), rejected: is('appeal_rejected') }, 'filed').map(({ filed: _f, ...x }) => x),
  };
}
