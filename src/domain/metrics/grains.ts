/**
 * The rollup grains: the same counters summed over fewer dimensions. Every delta goes to every grain;
 * a query reads the smallest grain that has the dimensions and the time resolution it needs.
 */
import { metricsCategoryMonthly, metricsDaily, metricsUnitDaily, metricsUnitMonthly } from '../../../db/schema/index.ts';

export type Dim = 'unitId' | 'categoryId';
export type Grain = {
  name: string;
  table: typeof metricsDaily | typeof metricsUnitDaily | typeof metricsUnitMonthly | typeof metricsCategoryMonthly;
  tableName: string;
  /** day: one row per Asia/Shanghai day; month: per month (stored as its first day) */
  time: 'day' | 'month';
  dims: readonly Dim[];
};

export const GRAINS: readonly Grain[] = [
  { name: 'daily', table: metricsDaily, tableName: 'metrics_daily', time: 'day', dims: ['unitId', 'categoryId'] },
  { name: 'unit_daily', table: metricsUnitDaily, tableName: 'metrics_unit_daily', time: 'day', dims: ['unitId'] },
  { name: 'unit_monthly', table: metricsUnitMonthly, tableName: 'metrics_unit_monthly', time: 'month', dims: ['unitId'] },
  { name: 'category_monthly', table: metricsCategoryMonthly, tableName: 'metrics_category_monthly', time: 'month', dims: ['categoryId'] },
];

/** The smallest grain with these dimensions at this resolution (monthly grains answer month periods only). */
export function pickGrain(need: { unit: boolean; category: boolean; monthly: boolean }): Grain {
  const fits = GRAINS.filter((g) => (!need.unit || g.dims.includes('unitId')) && (!need.category || g.dims.includes('categoryId')) && (need.monthly || g.time === 'day'));
  // Fewer dimensions and coarser time first.
  return fits.sort((a, b) => a.dims.length - b.dims.length || (a.time === 'month' ? -1 : 0) - (b.time === 'month' ? -1 : 0))[0]!;
}

export const monthOf = (day: string) => `${day.slice(0, 7)}-01`;
