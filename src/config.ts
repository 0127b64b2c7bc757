import { z } from 'zod';

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
  /** Base URL citizens see in messages (look-up link) */
  PUBLIC_BASE_URL: z.string().default('http://localhost:3000'),
  /** Run the scheduled jobs (SLA sweep, notification delivery, calendar checks) in this instance */
  JOBS: bool.default(true),
  /** Largest accepted JSON body */
  BODY_LIMIT: z.string().default('256kb'),
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
