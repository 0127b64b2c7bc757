import type { Deps } from '../deps.ts';
import { rollup } from '../domain/metrics/rollup.ts';
import type { Job } from './schedule.ts';

/** Counts new ticket events into the metric rollups; see src/domain/metrics/rollup.ts. */
export async function runMetricsRollup(deps: Deps, now: Date) {
  const r = await rollup(deps, now);
  if (r.events) deps.logger.debug({ ...r }, 'metrics rollup counted events');
  return r;
}

/** Every minute by default (METRICS_ROLLUP_CRON): dashboards lag the lifecycle by about a minute. */
export const metricsRollupJob: Job = { name: 'metrics-rollup', cron: (config) => config.METRICS_ROLLUP_CRON, run: runMetricsRollup };
