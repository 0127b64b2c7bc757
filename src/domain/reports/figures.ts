/**
 * The figures of the monthly analysis report (每月热线分析报告), computed once when a report is generated
 * and stored with it (monthly_reports.data), so a stored report never changes when the data does.
 *
 * Volumes, channels, categories, the daily trend and every rate come from the metric rollups through
 * metricsReport / rankings (src/domain/metrics): the same numbers, definitions and appeal rules as the
 * dashboards and /api/metrics.csv. What the rollups do not keep — overdue warnings, supervision, return
 * requests, reopens and appeals by unit, typical cases — is counted from ticket_events (indexed by time)
 * and the ticket tables (event-counts.ts, cases.ts). What the figures are: contents.ts. Nothing here holds a
 * caller's name or number.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { categories, units } from '../../../db/schema/index.ts';
import { systemActor } from '../auth/actor.ts';
import { CENTRE_METRIC_KEYS, METRIC_KEYS, type MetricKey, type MetricSettings, type MetricValue } from '../metrics/definitions.ts';
import { CHANNEL_NAMES, LEVEL_NAMES, metricsReport, RANKED_LEVELS, type MetricsRow } from '../metrics/queries.ts';
import { rankings } from '../metrics/rankings.ts';
import { rollupFreshness } from '../metrics/rollup.ts';
import { rowsOf } from '../tickets/queries.ts';
import { CHANNELS, type Channel } from '../vocab.ts';
import { typicalCases } from './cases.ts';
import {
  change,
  round,
  TOP_CATEGORIES,
  UNIT_RATE_KEYS,
  type LevelFigure,
  type MonthlyFigures,
  type RankedFigure,
  type RateFigure,
  type UnitFigure,
  type UnitRateCounts,
  type UnitRateKey,
} from './contents.ts';
import { countedFigures } from './event-counts.ts';
import { reportHotspots } from './hotspots.ts';
import { keySupervisionFigures } from './key-supervision-section.ts';
import type { KeyKindSpec } from '../supervision/kinds.ts';
import { monthSpan, previousMonth } from './months.ts';
import { triageFigures } from './triage-section.ts';
import type { TriageSettingsIn } from '../metrics/triage.ts';

const LOCALE = 'zh-CN' as const;
/** Tickets the centre dispatched (派单工单): lead assignments less those a unit handed down. */
const dispatchedTickets = (c: MetricsRow['counters']) => c.leadDispatched - c.leadHandedDown;
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
export async function computeMonthlyFigures(
  db: Db,
  month: string,
  opts: { settings: MetricSettings; now: Date; triage?: TriageSettingsIn; keyKinds?: KeyKindSpec[] },
): Promise<MonthlyFigures> {
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
  const counted = await countedFigures(db, span, {
    closed: vol.counters.closed,
    // Tickets: the top-level leads' judgements (a sub-assignment's 办结 on time is not a ticket closed on time).
    closedOnTime: vol.counters.closedOnTime - vol.counters.subClosedOnTime,
    closedRedone: vol.counters.closedRedone,
    onTimeRate: rateOf('on_time_completion_rate'),
    returnRate: rateOf('return_rate'),
    redoRate: rateOf('redo_rate'),
  });

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
      dispatched: change(dispatchedTickets(vol.counters), dispatchedTickets(volBefore.counters)),
      closed: counter('closed'),
      rates,
    },
    daily: daily.rows.map((r) => ({ day: r.start, contacts: r.counters.contacts, dispatched: dispatchedTickets(r.counters), closed: r.counters.closed })),
    channels,
    categories: await categoryFigures(db, (f) => metrics(f, true), month, prev),
    units: { weights: settings.rankingWeights, size: settings.rankingSize, levels: await levelFigures(db, month, settings) },
    overdue: counted.overdue,
    centre: { rates: centreRates, clocks: counted.centreClocks },
    returns: counted.returns,
    redo: counted.redo,
    appeals: counted.appeals,
    hotspots: await reportHotspots(db, span),
    typicalCases: await typicalCases(db, span),
    keySupervision: await keySupervisionFigures(db, span, opts.keyKinds && { specs: opts.keyKinds, now: opts.now }),
    ...(opts.triage ? { triage: await triageFigures(db, month, opts.triage) } : {}),
  };
}

async function categoryFigures(
  db: Db,
  metrics: (f: Omit<Parameters<typeof metricsReport>[2], 'includeAppealed'>) => ReturnType<typeof metricsReport>,
  month: string,
  prev: string,
) {
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
  const paths = await categoryPaths(
    db,
    top.map((c) => c.id),
  );
  return {
    total,
    top: top.map((c, i) => {
      const p = then.findIndex((x) => x.id === c.id);
      return {
        rank: i + 1,
        id: c.id,
        name: c.name,
        path: paths.get(c.id) ?? c.name,
        share: share(c.contacts, total),
        previousRank: p >= 0 ? p + 1 : null,
        ...change(c.contacts, then[p]?.contacts ?? 0),
      };
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

/** Each rate's numerator and denominator (0 / 0 for a unit without figures). */
const countsOf = (m: Record<UnitRateKey, MetricValue> | undefined) =>
  Object.fromEntries(UNIT_RATE_KEYS.map((k) => [k, [m?.[k].numerator ?? 0, m?.[k].denominator ?? 0]])) as UnitRateCounts;

/** Each unit level's rates (every unit, with its subtree: 含下级; and its own: 本级) and its red and black lists. */
async function levelFigures(db: Db, month: string, settings: MetricSettings): Promise<LevelFigure[]> {
  const actor = systemActor('supervisor');
  const out: LevelFigure[] = [];
  for (const level of RANKED_LEVELS) {
    const r = await rankings(db, actor, { level, period: 'month', from: month, includeAppealed: false }, settings, LOCALE);
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
        counts: countsOf(row?.metrics),
        own: {
          dispatched: row?.own?.counters.dispatched ?? 0,
          handedDown: row?.own?.counters.handedDown ?? 0,
          leadDispatched: row?.own?.counters.leadDispatched ?? 0,
          rates: Object.fromEntries(UNIT_RATE_KEYS.map((k) => [k, row?.own?.metrics[k].value ?? null])) as Record<UnitRateKey, number | null>,
          counts: countsOf(row?.own?.metrics),
        },
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
