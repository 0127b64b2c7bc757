import { sealAudit } from '../domain/audit-chain.ts';
import { purgeAudit } from '../domain/audit-retention.ts';
import type { Job } from './schedule.ts';

/**
 * Chains new audit rows every five seconds (one instance at a time: the others skip their turn). Each seal goes
 * to the application log too — a copy of the chain's end outside the database (docs/audit.md).
 */
export const auditSealJob: Job = {
  name: 'audit-seal',
  cron: '*/5 * * * * *',
  onStart: true,
  run: (deps) => sealAudit(deps.db, { onSeal: (seal) => deps.logger.info({ auditSeal: seal }, 'audit rows sealed') }),
};

/** Deletes audit rows past AUDIT_RETENTION_DAYS (sealed, from the head of the chain), at RETENTION_CRON. */
export const auditRetentionJob: Job = {
  name: 'audit-retention',
  cron: (config) => config.RETENTION_CRON,
  run: async (deps, now) => {
    const r = await purgeAudit(deps.db, now, deps.config.AUDIT_RETENTION_DAYS);
    if (r.rows) deps.logger.info({ auditPurge: r }, 'audit rows past retention purged');
    return r;
  },
};
