/**
 * The rollup grains: the same counters summed over fewer dimensions. Every delta goes to every grain;
 * a query reads the smallest grain that has the dimensions and the time resolution it needs.
 */
import { metricsCategoryMonthly, metricsDaily, metricsSubtreeMonthly, metricsUnitDaily, metricsUnitMonthly } from '../../../db/schema/index.ts';

export type Dim = 'unitId' | 'categoryId';
export type Grain = {
  name: string;
  table: typeof metricsDaily | typeof metricsUnitDaily | typeof metricsUnitMonthly | typeof metricsSubtreeMonthly | typeof metricsCategoryMonthly;
  tableName: string;
  /** day: one row per Asia/Shanghai day; month: per month (stored as its first day) */
  time: 'day' | 'month';
  dims: readonly Dim[];
  /**
   * The unit is a subtree: each delta is also counted for every ancestor on its unit's path (unit 0, the
   * centre's intake, only for itself), all channels together (no channel column). Read only for "each unit
   * with everything below it" (groupBy=unit) without a channel filter.
   */
  subtree?: true;
};

export const GRAINS: readonly Grain[] = [
  { name: 'daily', table: metricsDaily, tableName: 'metrics_daily', time: 'day', dims: ['unitId', 'categoryId'] },
  { name: 'unit_daily', table: metricsUnitDaily, tableName: 'metrics_unit_daily', time: 'day', dims: ['unitId'] },
  { name: 'unit_monthly', table: metricsUnitMonthly, tableName: 'metrics_unit_monthly', time: 'month', dims: ['unitId'] },
  { name: 'subtree_monthly', table: metricsSubtreeMonthly, tableName: 'metrics_subtree_monthly', time: 'month', dims: ['unitId'], subtree: true },
  { name: 'category_monthly', table: metricsCategoryMonthly, tableName: 'metrics_category_monthly', time: 'month', dims: ['categoryId'] },
];

/** The smallest grain with these dimensions at this resolution (monthly grains answer month periods only). */
export function pickGrain(need: { unit: boolean; category: boolean; monthly: boolean }): Grain {
  const fits = GRAINS.filter(
    (g) => !g.subtree && (!need.unit || g.dims.includes('unitId')) && (!need.category || g.dims.includes('categoryId')) && (need.monthly || g.time === 'day'),
  );
  // Fewer dimensions and coarser time first.
  return fits.sort((a, b) => a.dims.length - b.dims.length || (a.time === 'month' ? -1 : 0) - (b.time === 'month' ? -1 : 0))[0]!;
}

/** The monthly per-subtree grain: every unit's figures with its descendants', one row per unit and month. */
export const SUBTREE_MONTHLY: Grain = GRAINS.find((g) => g.subtree)!;

/** The units a unit's counts are credited to in a subtree grain: every unit on its path (ids in "/1/5/23/"). */
export const pathUnits = (path: string): number[] =>
  path
    .split('/')
    .filter((x) => /^[0-9]+$/.test(x))
    .map(Number);

export const monthOf = (day: string) => `${day.slice(0, 7)}-01`;
