/**
 * The red and black lists (红黑榜): the units of one level ranked by a weighted composite of their rates, read
 * from the same rollups as every dashboard (queries.ts).
 */
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { units } from '../../../db/schema/index.ts';
import type { Actor } from '../auth/actor.ts';
import type { Locale } from '../../i18n/messages.ts';
import type { MetricKey, MetricSettings, MetricValue } from './definitions.ts';
import { bucketOf, type Period } from './periods.ts';
import { metricsReport, type RankedLevel } from './queries.ts';

/** Weighted in the composite (好评率 only when the centre gives it a weight), and the citizen's ratings shown beside. */
const RANKED_KEYS = ['response_rate', 'solved_rate', 'satisfaction_rate', 'good_review_rate'] as const;
const SHOWN_KEYS = [...RANKED_KEYS, 'bad_review_rate', 'bad_review_rectification_rate'] as const;
type RankedMetrics = Record<(typeof SHOWN_KEYS)[number], MetricValue>;
export type RankedUnit = {
  rank: number;
  unit: { id: number; name: string; code: string; kind: string };
  /** over the unit's subtree (含下级): what the rank is by */
  composite: number;
  metrics: RankedMetrics;
  /** the unit's own figures (本级), shown beside: null composite when a weighted rate has nothing due at this level */
  own: { composite: number | null; metrics: RankedMetrics };
};
/** Rankings come by month, quarter, half-year or year (the county reports quote quarterly and half-year places). */
export const RANKING_PERIODS = ['month', 'quarter', 'half', 'year'] as const satisfies readonly Period[];
export type RankingPeriod = (typeof RANKING_PERIODS)[number];

/** The composite Σ wᵢ × rateᵢ ÷ Σ wᵢ (0–100) of one unit's figures, or the weighted rates it lacks. */
function composite(metrics: Record<MetricKey, MetricValue>, weights: MetricSettings['rankingWeights']) {
  const w = (k: (typeof RANKED_KEYS)[number]) => weights[k] ?? 0;
  const missing = RANKED_KEYS.filter((k) => w(k) > 0 && metrics[k].value === null);
  const total = RANKED_KEYS.reduce((s, k) => s + w(k), 0);
  const value = RANKED_KEYS.reduce((s, k) => s + w(k) * (metrics[k].value ?? 0), 0) / total;
  return {
    missing,
    composite: missing.length ? null : Math.round(value * 10000) / 100,
    metrics: Object.fromEntries(SHOWN_KEYS.map((k) => [k, metrics[k]])) as RankedMetrics,
  };
}

/**
 * Units of one level ranked by the composite Σ weight × rate ÷ Σ weight (0–100) of 响应率, 解决率, 满意率 (and 好评率 if weighted),
 * each over the unit's subtree for the period (含下级: along the chain each clock is its own unit's, so a
 * district's subtree counts its own clocks and its streets' once each); its own figures (本级) come beside. A
 * unit with nothing due for a weighted component is not ranked (listed as unranked). Red list: the best; black
 * list: the worst (worst first); never overlapping.
 */
export async function rankings(
  db: Db,
  actor: Actor,
  q: { level: RankedLevel; period: RankingPeriod; from: string; includeAppealed: boolean },
  settings: MetricSettings,
  locale: Locale,
) {
  const report = await metricsReport(
    db,
    actor,
    { period: q.period, from: q.from, groupBy: 'unit', level: q.level, includeAppealed: q.includeAppealed },
    settings,
    locale,
  );
  const all = await db
    .select({ id: units.id, name: units.name, code: units.code, kind: units.kind })
    .from(units)
    .where(and(eq(units.kind, q.level), eq(units.active, true)))
    .orderBy(asc(units.code));
  const byUnit = new Map(report.rows.map((r) => [Number(r.group!.id), r]));
  const w = settings.rankingWeights;
  const ranked: Omit<RankedUnit, 'rank'>[] = [];
  const unranked: { unit: RankedUnit['unit']; missing: string[] }[] = [];
  for (const u of all) {
    const row = byUnit.get(u.id);
    const subtree = row ? composite(row.metrics, w) : null;
    if (!row || !subtree || subtree.composite === null) {
      unranked.push({ unit: u, missing: subtree ? [...subtree.missing] : RANKED_KEYS.filter((k) => (w[k] ?? 0) > 0) });
      continue;
    }
    const own = composite(row.own!.metrics, w);
    ranked.push({ unit: u, composite: subtree.composite, metrics: subtree.metrics, own: { composite: own.composite, metrics: own.metrics } });
  }
  ranked.sort((a, b) => b.composite - a.composite || (a.unit.code < b.unit.code ? -1 : 1));
  const withRank: RankedUnit[] = ranked.map((r, i) => ({ ...r, rank: i > 0 && ranked[i - 1]!.composite === r.composite ? 0 : i + 1 }));
  for (let i = 1; i < withRank.length; i++) if (withRank[i]!.rank === 0) withRank[i]!.rank = withRank[i - 1]!.rank;
  const n = Math.min(settings.rankingSize, Math.floor(withRank.length / 2));
  const bucket = bucketOf(q.period, q.from)!;
  return {
    level: q.level,
    period: q.period,
    bucket: bucket.label,
    start: bucket.start,
    end: bucket.end,
    /** the month, for a monthly ranking (as before periods other than months existed) */
    month: q.period === 'month' ? bucket.label : null,
    weights: w,
    ranked: withRank,
    red: withRank.slice(0, n),
    black: n ? withRank.slice(-n).reverse() : [],
    unranked,
  };
}
