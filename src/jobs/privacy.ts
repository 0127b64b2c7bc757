import type { Deps } from '../deps.ts';
import { runRetention } from '../domain/privacy/retention.ts';
import type { Job } from './schedule.ts';

/**
 * Callers' names and numbers of tickets closed more than PII_RETENTION_DAYS days ago removed (PIPL; 0: never).
 * Daily at 03:43 Asia/Shanghai by default (RETENTION_CRON); one instance at a time (advisory lock, others stop).
 */
export async function runPiiRetention(deps: Deps, now: Date) {
  const r = await runRetention(deps, now);
  if (r.tickets) deps.logger.info({ tickets: r.tickets, contacts: r.contacts, cutoff: r.cutoff }, "callers' data anonymised (retention)");
  return r;
}

export const piiRetentionJob: Job = { name: 'pii-retention', cron: (config) => config.RETENTION_CRON, run: runPiiRetention };
