import type { Deps } from '../deps.ts';
import { rebuildLedgerStep } from '../domain/metrics/ledger-rebuild.ts';
import { rollup } from '../domain/metrics/rollup.ts';
import type { Job } from './schedule.ts';

/** Rebuild steps per run while a database's drill-down ledger is being rebuilt (500 tickets each). */
const LEDGER_STEPS_PER_RUN = 20;

/**
 * Counts new ticket events into the metric rollups (src/domain/metrics/rollup.ts); on a database that counted
 * events before the drill-down ledger existed, then rebuilds the ledger a slice at a time until it is complete.
 */
export async function runMetricsRollup(deps: Deps, now: Date) {
  const r = await rollup(deps, now);
  if (r.events) deps.logger.debug({ ...r }, 'metrics rollup counted events');
  for (let i = 0; i < LEDGER_STEPS_PER_RUN; i++) if (await rebuildLedgerStep(deps.db)) break;
  return r;
}

/** Every minute by default (METRICS_ROLLUP_CRON): dashboards lag the lifecycle by about a minute. */
export const metricsRollupJob: Job = { name: 'metrics-rollup', cron: (config) => config.METRICS_ROLLUP_CRON, run: runMetricsRollup };
