import type { Job } from './schedule.ts';
import { hotspotsJob } from './hotspots.ts';
import { calendarCoverageJob } from './calendar-coverage.ts';
import { notifyJob } from './notify.ts';
import { slaSweepJob } from './sla-sweep.ts';
import { metricsRollupJob } from './metrics-rollup.ts';
import { partitionsJob } from './partitions.ts';
import { monthlyReportJob } from './monthly-report.ts';
import { ratingVerificationsJob } from './rating-verifications.ts';
import { auditRetentionJob, auditSealJob } from './audit.ts';
import { piiRetentionJob } from './privacy.ts';
import { assistFirstModelJob, assistRetrainJob } from './assist-retrain.ts';

/** Every scheduled job of the product; main.ts schedules this list (JOBS=false turns it off). */
export const jobs: Job[] = [
  calendarCoverageJob, // calendar coverage ending within 60 days → system alert, daily 08:00
  notifyJob, // notification outbox → SMS gateway, every minute
  slaSweepJob, // SLA warnings, reminders and supervision, every minute (SLA_SWEEP_CRON)
  metricsRollupJob, // ticket events → metric rollups, every minute (METRICS_ROLLUP_CRON)
  partitionsJob, // monthly partitions ahead for ticket_events and audit_log once partitioned, daily (PARTITION_CRON)
  hotspotsJob, // 未诉先办 spikes (category × street) → system alerts for supervisors, daily 07:30
  ratingVerificationsJob, // 差评核实 clocks: deadlines placed, warnings and overdue, every 5 minutes
  monthlyReportJob, // last month's analysis report (PDF + XLSX) when it has none, daily 02:00 (MONTHLY_REPORT_CRON)
  auditSealJob, // new audit rows chained with HMAC-SM3 (tamper-evident), every 5 seconds
  auditRetentionJob, // audit rows past AUDIT_RETENTION_DAYS purged from the chain's head, daily (RETENTION_CRON)
  piiRetentionJob, // callers' data of tickets closed over PII_RETENTION_DAYS ago anonymised, daily (RETENTION_CRON)
  assistRetrainJob, // suggestion models retrained on closed tickets as new versions, nightly (ASSIST_RETRAIN_CRON)
  assistFirstModelJob, // a first suggestion model once enough tickets have closed, at start (background) and hourly
];
