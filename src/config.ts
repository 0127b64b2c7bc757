import { z } from 'zod';
import cron from 'node-cron';
import { UNIT_KINDS } from './contract/vocab.ts';
import { parseHandDownLevels } from './domain/tickets/chain.ts';
import { parseKeyKinds } from './domain/supervision/kinds.ts';
import { TEST_KEYS } from './domain/privacy/keyring.ts';
import { isInside } from './domain/security/key-file.ts';

/**
 * The SMS gateways an instance can be configured with (SMS_GATEWAY); src/adapters/sms-gateway.ts builds each.
 * Listed here, not there, so the configuration depends on no adapter: a new name fails to compile until
 * smsGatewayFor handles it.
 */
export const SMS_GATEWAYS = ['record'] as const;

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const Env = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default('0.0.0.0'),
    /** postgres:// URL; unset → embedded PGlite in DATA_DIR */
    DATABASE_URL: z.string().url().optional(),
    /**
     * postgres:// URL of a streaming replica for heavy reads (metrics, rankings, reports); unset → they read the
     * primary. Needs DATABASE_URL. Writes and operational lists (which refetch on live events) stay on the primary.
     */
    DATABASE_READ_URL: z.string().url().optional(),
    /** postgres.js pool size per instance (primary; the read pool gets the same). Mind max_connections / pgbouncer. */
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(500).default(10),
    /**
     * A connection to the primary that keeps its session — direct, or a session-mode pool — for what needs one:
     * the Socket.IO adapter's LISTEN/NOTIFY and the migration lock. Unset → DATABASE_URL. Set it when
     * DATABASE_URL goes through pgbouncer in transaction mode.
     */
    DATABASE_SESSION_URL: z.string().url().optional(),
    /** Named prepared statements (postgres.js); false behind pgbouncer's transaction mode before 1.21 */
    DATABASE_PREPARE: bool.default(true),
    DATA_DIR: z.string().default('./data'),
    /** Seed the demo city on first start */
    SEED_DEMO: bool.default(true),
    /**
     * With SEED_DEMO: days of simulated history the first start adds to the new city (tickets handled through
     * the real commands up to now; src/demo/, docs/demo.md). 0: the city alone.
     */
    DEMO_HISTORY_DAYS: z.coerce.number().int().min(0).max(365).default(90),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
    /**
     * How often each instance re-checks the credentials of all its sockets (one query) and disconnects those whose
     * session or token expired, was revoked or whose user was deactivated — the net under the sign-out broadcast
     */
    SOCKET_RECHECK_MS: z.coerce.number().int().min(100).max(300_000).default(5000),
    COOKIE_SECURE: bool.default(false),
    /** Trust X-Forwarded-* from a reverse proxy (nginx) for client addresses */
    TRUST_PROXY: bool.default(false),
    /** With TRUST_PROXY: how many proxies in front append to X-Forwarded-For; the client is the entry that many from the right (a client cannot spoof it) */
    PROXY_HOPS: z.coerce.number().int().min(1).max(10).default(1),
    // ---- failed-login throttling, shared by all instances through the database
    /** Failed sign-ins allowed per account (username) before back-off starts */
    LOGIN_FREE_FAILURES_ACCOUNT: z.coerce.number().int().min(1).max(1000).default(5),
    /** Failed sign-ins allowed per client address (any usernames) before back-off starts */
    LOGIN_FREE_FAILURES_ADDRESS: z.coerce.number().int().min(1).max(10_000).default(20),
    /** First back-off; each further failure doubles it */
    LOGIN_BACKOFF_BASE_MS: z.coerce.number().int().min(1).default(1000),
    /** Longest back-off */
    LOGIN_BACKOFF_MAX_MS: z.coerce
      .number()
      .int()
      .min(1)
      .default(15 * 60_000),
    /** A key's failure count starts over after this long without failures */
    LOGIN_FAILURE_FORGET_HOURS: z.coerce.number().positive().default(24),
    /** SIGTERM: how long in-flight requests may take before the remaining connections are cut */
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
    /** Days back that duplicate hints look for the same caller or the same category near the same address */
    DUPLICATE_WINDOW_DAYS: z.coerce.number().int().positive().default(30),
    /** Callback attempts before a ticket is closed as unreached */
    CALLBACK_MAX_ATTEMPTS: z.coerce.number().int().positive().default(3),
    /** Callbacks fall due this many days after the reply is approved, at the start of that Asia/Shanghai day (1 = the next day) */
    CALLBACK_DUE_DAYS: z.coerce.number().int().min(0).max(30).default(1),
    // ---- time at the edges: calendar coverage, late actions, the centre's own clocks, sessions
    /** A first contact claimed more than this many hours before it is recorded needs a reason (shown in the history) */
    CONTACT_BACKDATE_HOURS: z.coerce
      .number()
      .positive()
      .max(24 * 30)
      .default(24),
    /** The centre's own clocks, in natural minutes: a ticket waiting for dispatch (待派单) */
    CENTRE_DISPATCH_LIMIT_MINUTES: z.coerce
      .number()
      .int()
      .positive()
      .max(7 * 1440)
      .default(30),
    /** … a reply waiting for review (答复审核) */
    CENTRE_REPLY_REVIEW_LIMIT_MINUTES: z.coerce
      .number()
      .int()
      .positive()
      .max(7 * 1440)
      .default(240),
    /** … a return request waiting for review (退单审核) */
    CENTRE_RETURN_REVIEW_LIMIT_MINUTES: z.coerce
      .number()
      .int()
      .positive()
      .max(7 * 1440)
      .default(120),
    /** … an extension request waiting for review (延期审核) */
    CENTRE_EXTENSION_REVIEW_LIMIT_MINUTES: z.coerce
      .number()
      .int()
      .positive()
      .max(7 * 1440)
      .default(240),
    /** … a termination request waiting for review (终止审核) */
    CENTRE_TERMINATION_REVIEW_LIMIT_MINUTES: z.coerce
      .number()
      .int()
      .positive()
      .max(7 * 1440)
      .default(240),
    // ---- the chain of levels
    /**
     * Which unit kinds hand tickets down to which (always within their own subtree): `district>street,department;
     * street>community` (an empty text: nobody hands down; the centre dispatches directly as always)
     */
    HAND_DOWN_LEVELS: z
      .string()
      .default('district>street,department;street>community;department>community')
      .superRefine((s, ctx) => {
        try {
          parseHandDownLevels(s);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
        }
      }),
    /** The receiving level that triages what the centre dispatches (普通 / 复杂): unit kinds, comma-separated */
    TRIAGE_UNIT_KINDS: z
      .string()
      .default('district')
      .refine((s) => s.split(',').every((k) => (UNIT_KINDS as readonly string[]).includes(k.trim())), { message: `unit kinds: ${UNIT_KINDS.join(', ')}` }),
    /** An ordinary (普通) ticket is replied to within this many natural minutes of its receipt */
    TRIAGE_ORDINARY_REPLY_MINUTES: z.coerce.number().int().positive().max(1440).default(60),
    /** A ticket is triaged — and a complex (复杂) one accepted — within this many working days of its receipt */
    TRIAGE_ACCEPT_WORKING_DAYS: z.coerce.number().int().positive().max(10).default(1),
    /**
     * The kinds of key tickets (重点督办) the supervisor tracks, `;`-separated: overdue, repeat>=N (repeated calls),
     * redo_dissatisfied (dissatisfied after a redo), returned>=N (returned N times or more)
     */
    KEY_SUPERVISION_KINDS: z
      .string()
      .default('overdue;repeat>=3;redo_dissatisfied;returned>=2')
      .superRefine((s, ctx) => {
        try {
          parseKeyKinds(s);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
        }
      }),
    /** 督办 still overdue this many working days after its notice to the unit goes to the leader of the level above */
    SUPERVISION_ESCALATE_WORKING_DAYS: z.coerce.number().int().positive().max(30).default(1),
    /** … and this many working days after that escalation, an accountability item (追责) is recorded on the unit */
    ACCOUNTABILITY_AFTER_WORKING_DAYS: z.coerce.number().int().positive().max(60).default(3),
    /** Bad reviews posted by the 好差评 system (POST /api/bad-reviews) without a categoryId go to the leaf category of this name */
    BAD_REVIEW_CATEGORY: z.string().min(1).default('窗口服务'),
    /** 好差评 from callers: the centre verifies a bad rating within this many working days */
    RATING_VERIFY_WORKING_DAYS: z.coerce.number().int().positive().max(30).default(3),
    /** … a confirmed one is rectified and answered to the caller within this many working days of the confirmation */
    RATING_RECTIFY_WORKING_DAYS: z.coerce.number().int().positive().max(60).default(15),
    /** The one-time rating link in the reply notice stays valid this many days */
    RATING_LINK_DAYS: z.coerce.number().int().positive().max(365).default(30),
    /** Metrics rollup: when it runs (node-cron, Asia/Shanghai) and how many events one transaction counts */
    METRICS_ROLLUP_CRON: z.string().default('* * * * *'),
    METRICS_ROLLUP_BATCH_SIZE: z.coerce.number().int().positive().max(20_000).default(2000),
    /**
     * Base URL citizens and clients see (the look-up link in SMS, Open311 discovery); unset → where this server
     * listens: http://localhost:PORT for a wildcard HOST, else http://HOST:PORT (with PORT=0, the real port once
     * listening: src/main.ts)
     */
    PUBLIC_BASE_URL: z.string().url().optional(),
    /** Run the scheduled jobs (SLA sweep, notification delivery, calendar checks) in this instance */
    JOBS: bool.default(true),
    /** Largest accepted JSON body */
    BODY_LIMIT: z.string().default('256kb'),
    // ---- SLA sweep
    /** When the SLA sweep runs (node-cron, Asia/Shanghai); every minute by default */
    SLA_SWEEP_CRON: z
      .string()
      .refine((s) => cron.validate(s), { message: 'not a valid cron expression' })
      .default('* * * * *'),
    /** Assignments the sweep locks and fires per transaction */
    SLA_SWEEP_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(1000),
    // ---- notifications and attachments
    /** SMS gateway: 'record' keeps messages in the outbox for admins to read (no SMS leaves the system) */
    SMS_GATEWAY: z.enum(SMS_GATEWAYS).default('record'),
    /** Outbox rows the deliverer claims per batch */
    NOTIFY_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(50),
    /** Attempts before a message is marked failed (retryable failures back off: 1 min, 5 min, 15 min, 1 h) */
    NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(5),
    /** Largest accepted attachment, in bytes (checked while streaming) */
    ATTACHMENT_MAX_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(10 * 1024 * 1024),
    /** Folder of the local-disk attachment store */
    ATTACHMENTS_DIR: z.string().default('./data/attachments'),
    // ---- monthly analysis report
    /** The Chromium that prints the report's PDF; unset → /usr/bin/chromium when installed, else the one npm installed (@sparticuz/chromium) */
    CHROMIUM_PATH: z.string().optional(),
    /** When the monthly report job looks for last month's report (node-cron, Asia/Shanghai): daily, so it is made on the 1st or the first run after */
    MONTHLY_REPORT_CRON: z
      .string()
      .refine((s) => cron.validate(s), { message: 'not a valid cron expression' })
      .default('0 2 * * *'),
    // ---- security (等保 2.0 level 3): sessions, passwords, second factor, keys, audit, retention (docs/security.md)
    /** A session unused this long ends (and its sockets with it); the 12-hour lifetime still caps it */
    SESSION_IDLE_MINUTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(30),
    /** Passwords: at least this many characters … */
    PASSWORD_MIN_LENGTH: z.coerce.number().int().min(8).max(128).default(10),
    /** … of at least this many of the four classes (lower, upper, digit, symbol) */
    PASSWORD_MIN_CLASSES: z.coerce.number().int().min(1).max(4).default(3),
    /** A new password may not be any of the user's last N */
    PASSWORD_HISTORY: z.coerce.number().int().min(0).max(24).default(5),
    /** A password expires this many days after it was set (0: never); the next sign-in must change it */
    PASSWORD_MAX_AGE_DAYS: z.coerce.number().int().min(0).max(3650).default(0),
    /** The issuer an authenticator app shows beside the account (TOTP enrolment) */
    TOTP_ISSUER: z.string().min(1).max(64).default('接诉 jiesu'),
    /**
     * The keys (JSON: {"data": {"<id>": "<64 hex>"…}, "active": "<id>", "index": "<64 hex>", "audit": "<64 hex>"}):
     * SM4 data keys for personal data at rest, the blind-index key, the audit chain's HMAC key. Never in the database.
     * Unset → read from KEY_FILE.
     */
    JIESU_KEYS: z.string().optional(),
    /**
     * The key file (same JSON); created with fresh random keys (mode 0600) on first start when missing. Unset → beside
     * the data folder (DATA_DIR=./data → ./data.keys.json), never in it: a backup or copy of the folder must not carry
     * the keys (src/domain/security/key-file.ts). One inside the embedded database's data folder is refused.
     */
    KEY_FILE: z.string().optional(),
    /** Audit rows are kept this many days (at least 180: the Cybersecurity Law asks six months); older ones are purged by a job */
    AUDIT_RETENTION_DAYS: z.coerce.number().int().min(180).max(36_500).default(365),
    /** Callers' names and numbers of tickets closed this many days ago are anonymised by a job (0: never) */
    PII_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(1095),
    /** When the security housekeeping runs (audit sealing check, audit retention, PII retention; node-cron, Asia/Shanghai) */
    RETENTION_CRON: z
      .string()
      .refine((s) => cron.validate(s), { message: 'not a valid cron expression' })
      .default('43 3 * * *'),
    // ---- assisted intake (docs/assist.md)
    /** When the category and unit classifiers are retrained from closed tickets (node-cron, Asia/Shanghai) */
    ASSIST_RETRAIN_CRON: z
      .string()
      .refine((s) => cron.validate(s), { message: 'not a valid cron expression' })
      .default('23 2 * * *'),
    /** The closed tickets a retraining learns from: those closed within this many days */
    ASSIST_TRAIN_DAYS: z.coerce.number().int().min(7).max(3650).default(730),
    /**
     * An OpenAI-compatible endpoint (e.g. http://llm.internal:8000/v1) for summaries and reply checks, always as
     * advice to a person; unset → those features are hidden and nothing leaves the machine
     */
    LLM_BASE_URL: z.string().url().optional(),
    /** The bearer key the endpoint expects (unset → no Authorization header) */
    LLM_API_KEY: z.string().optional(),
    /** The model name sent with each request */
    LLM_MODEL: z.string().min(1).max(200).default('qwen2.5-7b-instruct'),
    /** How long one language-model request may take before the advice is given up */
    LLM_TIMEOUT_MS: z.coerce.number().int().min(500).max(120_000).default(20_000),
    // ---- scale-out
    /** This instance's name, sent as X-Served-By on every response (behind nginx: which instance answered); unset → no header */
    INSTANCE_ID: z
      .string()
      .regex(/^[\w.:-]{1,64}$/, 'letters, digits, _ . : - (at most 64)')
      .optional(),
    /** Monthly partitions (npm run db:partition): how many months ahead the job keeps created */
    PARTITION_AHEAD_MONTHS: z.coerce.number().int().min(1).max(24).default(3),
    /** When the partition job runs (node-cron, Asia/Shanghai); a no-op while the tables are not partitioned */
    PARTITION_CRON: z
      .string()
      .refine((s) => cron.validate(s), { message: 'not a valid cron expression' })
      .default('17 3 * * *'),
  })
  .superRefine((env, ctx) => {
    if (env.DATABASE_READ_URL && !env.DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_READ_URL'],
        message: 'needs DATABASE_URL: a read replica follows a PostgreSQL primary (the embedded PGlite has no replicas)',
      });
    }
    if (env.KEY_FILE && !env.JIESU_KEYS && !env.DATABASE_URL && isInside(env.KEY_FILE, env.DATA_DIR)) {
      ctx.addIssue({
        code: 'custom',
        path: ['KEY_FILE'],
        message: `inside DATA_DIR (${env.DATA_DIR}): every backup and copy of the data folder would carry the keys with the data; put it elsewhere`,
      });
    }
    if (env.DATABASE_SESSION_URL && !env.DATABASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['DATABASE_SESSION_URL'], message: 'needs DATABASE_URL: it is a second way to the same PostgreSQL primary' });
    }
  });

export type Config = Omit<z.infer<typeof Env>, 'PUBLIC_BASE_URL'> & { PUBLIC_BASE_URL: string };

/** The base URL of a server listening on host:port, as a browser on this machine reaches it. */
export function listenBaseUrl(host: string, port: number): string {
  const name = ['', '0.0.0.0', '::', '[::]'].includes(host) ? 'localhost' : host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration:\n${lines}`);
  }
  const { PUBLIC_BASE_URL, ...rest } = parsed.data;
  // PORT=0 picks the port at listen time: src/main.ts fills the base in then.
  return { ...rest, PUBLIC_BASE_URL: PUBLIC_BASE_URL ?? (rest.PORT ? listenBaseUrl(rest.HOST, rest.PORT) : '') };
}

/** Defaults for tests and embedded use; PUBLIC_BASE_URL is the test server's own once it listens (test/setup/server.ts). */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({}), LOG_LEVEL: 'silent', SEED_DEMO: false, PUBLIC_BASE_URL: '', JIESU_KEYS: JSON.stringify(TEST_KEYS), ...overrides };
}
