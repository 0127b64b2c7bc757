import { z } from 'zod';
import cron from 'node-cron';
import { SMS_GATEWAYS } from './domain/notifications/gateway.ts';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** postgres:// URL; unset → embedded PGlite in DATA_DIR */
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().default('./data'),
  /** Seed the demo city on first start */
  SEED_DEMO: bool.default(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  COOKIE_SECURE: bool.default(false),
  /** Trust X-Forwarded-* from a reverse proxy (nginx) for client addresses */
  TRUST_PROXY: bool.default(false),
  /** Days back that duplicate hints look for the same caller or the same category near the same address */
  DUPLICATE_WINDOW_DAYS: z.coerce.number().int().positive().default(30),
  /** Callback attempts before a ticket is closed as unreached */
  CALLBACK_MAX_ATTEMPTS: z.coerce.number().int().positive().default(3),
  /** Callbacks fall due this many days after the reply is approved, at the start of that Asia/Shanghai day (1 = the next day) */
  CALLBACK_DUE_DAYS: z.coerce.number().int().min(0).max(30).default(1),
  /** Metrics rollup: when it runs (node-cron, Asia/Shanghai) and how many events one transaction counts */
  METRICS_ROLLUP_CRON: z.string().default('* * * * *'),
  METRICS_ROLLUP_BATCH_SIZE: z.coerce.number().int().positive().max(20_000).default(2000),
  /** Base URL citizens see in messages (look-up link) */
  PUBLIC_BASE_URL: z.string().default('http://localhost:3000'),
  /** Run the scheduled jobs (SLA sweep, notification delivery, calendar checks) in this instance */
  JOBS: bool.default(true),
  /** Largest accepted JSON body */
  BODY_LIMIT: z.string().default('256kb'),
  // ---- SLA sweep (issue 3 §4)
  /** When the SLA sweep runs (node-cron, Asia/Shanghai); every minute by default */
  SLA_SWEEP_CRON: z.string().refine((s) => cron.validate(s), { message: 'not a valid cron expression' }).default('* * * * *'),
  /** Assignments the sweep locks and fires per transaction */
  SLA_SWEEP_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(200),
  // ---- notifications and attachments (issue 3 §5–6)
  /** SMS gateway: 'record' keeps messages in the outbox for admins to read (no SMS leaves the system) */
  SMS_GATEWAY: z.enum(SMS_GATEWAYS).default('record'),
  /** Outbox rows the deliverer claims per batch */
  NOTIFY_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(50),
  /** Attempts before a message is marked failed (retryable failures back off: 1 min, 5 min, 15 min, 1 h) */
  NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(5),
  /** Largest accepted attachment, in bytes (checked while streaming) */
  ATTACHMENT_MAX_BYTES: z.coerce.number().int().positive().default(10 * 1024 * 1024),
  /** Folder of the local-disk attachment store */
  ATTACHMENTS_DIR: z.string().default('./data/attachments'),
});

export type Config = z.infer<typeof Env>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration:\n${lines}`);
  }
  return parsed.data;
}

/** Defaults for tests and embedded use. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({}), LOG_LEVEL: 'silent', SEED_DEMO: false, ...overrides };
}
