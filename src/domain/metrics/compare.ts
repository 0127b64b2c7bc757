/**
 * Figures beside their comparisons: each row of a metrics report with the same bucket and group in the period
 * just before (环比) and in the same period a year earlier (同比), read from the same rollups with the same
 * filter and scope.
 */
import type { Db } from '../../../db/client.ts';
import type { Actor } from '../auth/actor.ts';
import type { Locale } from '../../i18n/messages.ts';
import { METRIC_KEYS, type MetricKey, type MetricSettings } from './definitions.ts';
import { comparisonRanges, resolveRange } from './periods.ts';
import { metricsReport, type MetricsFilter, type MetricsRow } from './queries.ts';

/** A compared figure: its value, numerator and denominator (the definition is the row's own). */
export type ComparedValue = { value: number | null; numerator: number; denominator: number };
export type Comparison = { bucket: string; start: string; end: string; metrics: Record<MetricKey, ComparedValue> } | null;
export type ComparedRow = MetricsRow & { previous?: Comparison; yearAgo?: Comparison };
export type ComparedRanges = { previous: { start: string; end: string }; yearAgo: { start: string; end: string } };

const compact = (row: MetricsRow): Comparison => ({
  bucket: row.bucket,
  start: row.start,
  end: row.end,
  metrics: Object.fromEntries(
    METRIC_KEYS.map((k) => [k, { value: row.metrics[k].value, numerator: row.metrics[k].numerator, denominator: row.metrics[k].denominator }]),
  ) as Record<MetricKey, ComparedValue>,
});

/** Rows keyed by "bucket position in its range | group id": the n-th bucket compares with the n-th bucket. */
function keyed(f: MetricsFilter, report: Awaited<ReturnType<typeof metricsReport>>): Map<string, MetricsRow> {
  const starts = resolveRange(f.period, f.from, f.to).buckets.map((b) => b.start);
  return new Map(report.rows.map((r) => [`${starts.indexOf(r.start)}|${r.group?.id ?? ''}`, r]));
}

/** The report of `f`, and with `compare` each row's previous-period and year-earlier figures. */
export async function comparedReport(
  db: Db,
  actor: Actor,
  f: MetricsFilter,
  settings: MetricSettings,
  locale: Locale,
  compare: boolean,
): Promise<{ range: { start: string; end: string }; rows: ComparedRow[]; comparisons: ComparedRanges | null }> {
  const main = await metricsReport(db, actor, f, settings, locale);
  if (!compare) return { ...main, comparisons: null };
  const { previous, yearAgo } = comparisonRanges(f.period, resolveRange(f.period, f.from, f.to));
  const pf: MetricsFilter = { ...f, from: previous.from, to: previous.to };
  const yf: MetricsFilter = { ...f, from: yearAgo.from, to: yearAgo.to };
  const [p, y] = [await metricsReport(db, actor, pf, settings, locale), await metricsReport(db, actor, yf, settings, locale)];
  const [pk, yk] = [keyed(pf, p), keyed(yf, y)];
  const mk = keyed(f, main);
  const rows = [...mk.entries()].map(([key, row]): ComparedRow => {
    const [pr, yr] = [pk.get(key), yk.get(key)];
    return { ...row, previous: pr ? compact(pr) : null, yearAgo: yr ? compact(yr) : null };
  });
  return { range: main.range, rows, comparisons: { previous: p.range, yearAgo: y.range } };
}
