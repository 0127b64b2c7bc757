import { sweep } from '../domain/sla/sweep.ts';
import { escalateSupervision } from '../domain/supervision/escalation.ts';
import type { Job } from './schedule.ts';

/**
 * Every minute by default (SLA_SWEEP_CRON): fires the SLA warnings, reminders (催办) and supervision items
 * (督办) that have come due (src/domain/sla/sweep.ts), then moves 督办 still overdue up a level and records
 * accountability (src/domain/supervision/escalation.ts). A run still going when the next is due is skipped; a run
 * takes at most 200 batches, the next continues.
 */
export const slaSweepJob: Job = {
  name: 'sla-sweep',
  cron: (config) => config.SLA_SWEEP_CRON,
  run: async (deps, now) => ({ ...(await sweep(deps, now)), ...(await escalateSupervision(deps, now)) }),
};
