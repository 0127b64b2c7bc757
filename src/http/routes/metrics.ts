import { z } from 'zod';
import { shanghaiDate } from '../../domain/clock.ts';
import { metricsCsv } from '../../domain/metrics/csv.ts';
import { formulas, METRIC_KEYS, type MetricSettings } from '../../domain/metrics/definitions.ts';
import { PERIODS } from '../../domain/metrics/periods.ts';
import { GROUP_BYS, RANKED_LEVELS, type MetricsFilter } from '../../domain/metrics/queries.ts';
import { comparedReport } from '../../domain/metrics/compare.ts';
import { periodSummary } from '../../domain/metrics/summary.ts';
import { DRILL_PARTS, drillTickets } from '../../domain/metrics/drill.ts';
import { RANKING_PERIODS, rankings } from '../../domain/metrics/rankings.ts';
import { rollupFreshness } from '../../domain/metrics/rollup.ts';
import { loadMetricSettings, metricSettingsPatch, updateMetricSettings } from '../../domain/metrics/settings.ts';
import { CHANNELS, UNIT_ROLES, type Role } from '../../domain/vocab.ts';
import { pickLocale, type Locale } from '../../i18n/messages.ts';
import type { Actor } from '../../domain/auth/actor.ts';
import { readerOf, type Deps } from '../../deps.ts';
import { route, type AnyRoute } from '../route.ts';

/** Supervisors and admins read every unit; unit users read their own subtree. */
const READERS: Role[] = ['supervisor', 'admin', ...UNIT_ROLES];
const intId = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1);
const flag = z.enum(['true', 'false']).default('false');

const metricsQuery = z
  .object({
    period: z.enum(PERIODS).default('month'),
    /**
     * day: YYYY-MM-DD · week: YYYY-Www · month: YYYY-MM · quarter: YYYY-Qn · half: YYYY-H1/H2 · year: YYYY (each also
     * as a date inside it) · custom: YYYY-MM-DD, the range from..to being one bucket; default: the current one
     */
    from: z.string().max(10).optional(),
    /** the last bucket, same format (default: from) */
    to: z.string().max(10).optional(),
    groupBy: z.enum(GROUP_BYS).optional(),
    /** a unit: its subtree only */
    unitId: intId.optional(),
    /** groupBy=unit: the units of this level (each with its subtree); otherwise: only units of this level */
    level: z.enum(RANKED_LEVELS).optional(),
    /** a category and everything below it */
    categoryId: intId.optional(),
    channel: z.enum(CHANNELS).optional(),
    /** count tickets exempted by approved appeals too (default: assessment figures, without them) */
    includeAppealed: flag,
    /** each row with the previous period's figures (环比) and the same period a year earlier (同比) */
    compare: flag,
  })
  .strict();
type MetricsQuery = z.infer<typeof metricsQuery>;

function filterOf(q: MetricsQuery, now: Date): MetricsFilter {
  const today = shanghaiDate(now);
  return {
    period: q.period,
    from: q.from ?? (q.period === 'month' ? today.slice(0, 7) : today),
    to: q.to,
    groupBy: q.groupBy,
    unitId: q.unitId,
    level: q.level,
    categoryId: q.categoryId,
    channel: q.channel,
    includeAppealed: q.includeAppealed === 'true',
  };
}

/**
 * Rates, rankings and freshness read the rollups on the replica when DATABASE_READ_URL is set (they are a
 * minute behind by design; replication adds milliseconds). The settings row stays on the primary, so an
 * admin's change applies to the very next figure.
 */
async function report(deps: Deps, actor: Actor, q: MetricsQuery, locale: Locale) {
  const settings = await loadMetricSettings(deps.db);
  const filter = filterOf(q, deps.clock.now());
  const r = await comparedReport(readerOf(deps), actor, filter, settings, locale, q.compare === 'true');
  return { filter, settings, ...r };
}

const definitionsOf = (s: MetricSettings, locale: Locale) =>
  Object.fromEntries(METRIC_KEYS.map((k) => [k, formulas(s)[k].text[locale]])) as Record<(typeof METRIC_KEYS)[number], string>;

export const metricRoutes: AnyRoute[] = [
  route({
    method: 'get',
    path: '/api/metrics',
    summary:
      'The rates of docs/domain.md §7 per period (day / week / month / quarter / half-year / year, or one custom range; Asia/Shanghai), with compare=true beside the previous period and the same period a year earlier, optionally grouped by unit (its subtree, 含下级, with its own figures, 本级, in `own`), category, channel or unit level; each as {value, numerator, denominator, definition}. From the rollups (see freshness).',
    tag: 'metrics',
    access: READERS,
    query: metricsQuery,
    handler: async ({ deps, actor, query, ctx }) => {
      const locale = pickLocale(ctx.get('accept-language'));
      const r = await report(deps, actor, query, locale);
      return {
        body: {
          period: r.filter.period,
          from: r.range.start,
          to: r.range.end,
          groupBy: r.filter.groupBy ?? null,
          filters: {
            unitId: r.filter.unitId ?? null,
            level: r.filter.level ?? null,
            categoryId: r.filter.categoryId ?? null,
            channel: r.filter.channel ?? null,
            includeAppealed: r.filter.includeAppealed,
          },
          settings: r.settings,
          freshness: await rollupFreshness(readerOf(deps)),
          metrics: METRIC_KEYS,
          comparisons: r.comparisons,
          rows: r.rows,
        },
      };
    },
  }),
  route({
    method: 'get',
    path: '/api/metrics.csv',
    summary: 'The same table as GET /api/metrics as CSV (UTF-8 with BOM, for Excel), with the definitions below it; by unit, a 含下级 and a 本级 line per unit',
    tag: 'metrics',
    access: READERS,
    query: metricsQuery,
    responseDescription: 'text/csv',
    handler: async ({ deps, actor, query, ctx }) => {
      const locale = pickLocale(ctx.get('accept-language'));
      const r = await report(deps, actor, query, locale);
      const name = `metrics-${r.filter.period}-${r.range.start}-${r.range.end}${r.filter.groupBy ? `-by-${r.filter.groupBy}` : ''}.csv`;
      return {
        body: metricsCsv(r.rows, locale, { grouped: !!r.filter.groupBy, definitions: definitionsOf(r.settings, locale) }),
        headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}"`, 'Cache-Control': 'no-store' },
      };
    },
  }),
  route({
    method: 'get',
    path: '/api/metrics/rankings',
    summary:
      'Red and black lists (红黑榜) of one unit level for a month, quarter, half-year or year, by the weighted composite of 响应率, 解决率 and 满意率 (default 30/35/35) over each unit’s subtree (含下级), its own figures (本级) beside',
    tag: 'metrics',
    access: ['supervisor', 'admin'],
    query: z
      .object({
        level: z.enum(RANKED_LEVELS),
        /** month (default), quarter, half (half-year) or year */
        period: z.enum(RANKING_PERIODS).default('month'),
        /** the period: 2026-03, 2026-Q1, 2026-H1, 2026, or any date in it; default: the current one */
        from: z.string().max(10).optional(),
        /** YYYY-MM: the same as period=month&from=YYYY-MM (kept for existing callers) */
        month: z
          .string()
          .regex(/^\d{4}-\d{2}$/)
          .optional(),
        includeAppealed: flag,
      })
      .strict(),
    handler: async ({ deps, actor, query, ctx }) => {
      const locale = pickLocale(ctx.get('accept-language'));
      const settings = await loadMetricSettings(deps.db);
      const period = query.month ? 'month' : query.period;
      const from = query.month ?? query.from ?? shanghaiDate(deps.clock.now());
      const r = await rankings(
        readerOf(deps),
        actor,
        { level: query.level, period, from, includeAppealed: query.includeAppealed === 'true' },
        settings,
        locale,
      );
      return { body: { ...r, size: settings.rankingSize, freshness: await rollupFreshness(readerOf(deps)) } };
    },
  }),
  route({
    method: 'get',
    path: '/api/metrics/tickets',
    summary:
      'Drill-down: the exact tickets behind one figure’s numerator or denominator (the same period, unit scope — 含下级 or 本级 — category, channel and appeal side as GET /api/metrics), newest first, each with what it adds; totals.value equals the figure’s numerator or denominator, totals.tickets counts the tickets (null for a figure above 2,000, whose list is read newest first without counting)',
    tag: 'metrics',
    access: READERS,
    query: z
      .object({
        metric: z.enum(METRIC_KEYS),
        part: z.enum(DRILL_PARTS),
        period: z.enum(PERIODS).default('month'),
        from: z.string().max(10).optional(),
        to: z.string().max(10).optional(),
        unitId: intId.optional(),
        scope: z.enum(['subtree', 'own']).default('subtree'),
        categoryId: intId.optional(),
        channel: z.enum(CHANNELS).optional(),
        includeAppealed: flag,
        before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      })
      .strict(),
    handler: async ({ deps, actor, query, ctx }) => {
      const locale = pickLocale(ctx.get('accept-language'));
      const settings = await loadMetricSettings(deps.db);
      const today = shanghaiDate(deps.clock.now());
      const from = query.from ?? (query.period === 'month' ? today.slice(0, 7) : today);
      // Read from the primary: the ticket rows must be the ones the list shows, and the ledger follows the rollup.
      return { body: await drillTickets(deps.db, actor, { ...query, from, includeAppealed: query.includeAppealed === 'true' }, settings, locale) };
    },
  }),
  route({
    method: 'get',
    path: '/api/metrics/summary',
    summary:
      'One period’s summary sentence, as the county reports open with (上半年受理热线工单N件，办结率…，回复率…，满意率…): the city, or a unit with everything below it (a unit user: their own by default), with 满意率 against the same period a year earlier and, for a ranked unit, its place in its level',
    tag: 'metrics',
    access: READERS,
    query: z
      .object({
        period: z.enum(PERIODS).default('half'),
        from: z.string().max(10).optional(),
        /** custom only: the range's last day */
        to: z.string().max(10).optional(),
        unitId: intId.optional(),
      })
      .strict(),
    handler: async ({ deps, actor, query, ctx }) => {
      const locale = pickLocale(ctx.get('accept-language'));
      const settings = await loadMetricSettings(deps.db);
      const from = query.from ?? shanghaiDate(deps.clock.now());
      const to = query.period === 'custom' ? query.to : undefined;
      return { body: await periodSummary(readerOf(deps), actor, { period: query.period, from, to, unitId: query.unitId }, settings, locale) };
    },
  }),
  route({
    method: 'get',
    path: '/api/metrics/settings',
    summary: 'Metric definition choices (e.g. whether 基本满意 counts as satisfied) and each definition in words',
    tag: 'metrics',
    access: READERS,
    handler: async ({ deps, ctx }) => {
      const settings = await loadMetricSettings(deps.db);
      return { body: { settings, definitions: definitionsOf(settings, pickLocale(ctx.get('accept-language'))) } };
    },
  }),
  route({
    method: 'put',
    path: '/api/metrics/settings',
    summary: 'Change metric definition choices (admin; audited). Rates are computed when read, so every figure, past ones too, follows at once',
    tag: 'metrics',
    access: ['admin'],
    body: metricSettingsPatch,
    handler: async ({ deps, actor, body, ctx }) => {
      const settings = await updateMetricSettings(deps, actor, body);
      return { body: { settings, definitions: definitionsOf(settings, pickLocale(ctx.get('accept-language'))) } };
    },
  }),
];
