import type { Deps } from '../deps.ts';
import { ensurePartitionsAhead } from '../ops/partition.ts';
import type { Job } from './schedule.ts';

/**
 * Keeps PARTITION_AHEAD_MONTHS monthly partitions ready for the tables `npm run db:partition` converted
 * (ticket_events, audit_log). A no-op while they are not partitioned; one instance at a time (advisory
 * lock, others skip). A row for a month without a partition would be refused, so the job runs daily and
 * stays months ahead: a stopped job has that long to be noticed.
 */
export async function createPartitionsAhead(deps: Deps, now: Date) {
  const r = await ensurePartitionsAhead(deps.database, now, deps.config.PARTITION_AHEAD_MONTHS);
  if (r.created.length) deps.logger.info({ created: r.created }, 'monthly partitions created');
  return r;
}

/** Daily at 03:17 Asia/Shanghai by default (PARTITION_CRON). */
export const partitionsJob: Job = { name: 'partitions-ahead', cron: (config) => config.PARTITION_CRON, run: createPartitionsAhead };
