import http from 'node:http';
import { pino } from 'pino';
import { connect, migrate, DataDirLockedError, type Database } from '../db/client.ts';
import { seedDemoOnce } from './demo/seed.ts';
import { listenBaseUrl, loadConfig, type Config } from './config.ts';
import { installKeys } from './domain/privacy/keyring.ts';
import { checkKeysAndBackfill, KeyMismatchError } from './domain/privacy/key-check.ts';
import { systemClock } from './domain/clock.ts';
import { EventBus } from './domain/events.ts';
import { CalendarStore } from './domain/calendar/store.ts';
import type { Deps } from './deps.ts';
import { createApp } from './http/app.ts';
import { attachRealtime } from './realtime/server.ts';
import { jobs } from './jobs/index.ts';
import { startJobs } from './jobs/schedule.ts';
import { isEntry } from './runtime.ts';

/** Composition root: config → db (migrated, seeded) → app → listen. */
export async function start(config: Config = loadConfig(), hooks: { keysInstalled?: () => void } = {}) {
  const logger = pino({ level: config.LOG_LEVEL, base: { app: 'jiesu' } });
  // The keys of personal data at rest and of the audit chain: from configuration or the key file, never the database.
  const keys = installKeys(config);
  hooks.keysInstalled?.();
  if (keys.created)
    logger.warn({ keyFile: keys.source }, 'created a key file with fresh keys: back it up apart from the database, and give every instance the same keys');
  if (keys.legacy && 'moved' in keys.legacy)
    logger.warn(keys.legacy.moved, 'moved the key file out of the data folder (backups of the folder no longer carry it): back it up apart');
  if (keys.legacy && 'leftBehind' in keys.legacy)
    logger.warn(
      { keyFile: keys.legacy.leftBehind },
      'a key file remains in the data folder beside the one in use: remove it (db:backup refuses while it is there)',
    );
  let database: Database;
  try {
    database = await connect({
      url: config.DATABASE_URL,
      dataDir: config.DATA_DIR,
      max: config.DATABASE_POOL_MAX,
      applicationName: instanceAppName(config, 'jiesu'),
      prepare: config.DATABASE_PREPARE,
    });
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      logger.fatal(err.message);
      process.exitCode = 1;
      throw err;
    }
    throw err;
  }
  logger.info({ driver: database.driver, dataDir: database.driver === 'pglite' ? config.DATA_DIR : undefined }, 'database connected');
  // The migration lock is a session lock: through the session URL when DATABASE_URL is a transaction pool.
  await migrate(database, config.DATABASE_SESSION_URL ?? config.DATABASE_URL);
  // Refuse to start when stored ciphertext names a key the keys lack; encrypt rows from before encryption meanwhile.
  const piiBackfill = await checkKeysAndBackfill(database.db, logger, keys.source).catch(async (err) => {
    if (err instanceof KeyMismatchError) logger.fatal(err.message);
    await database.close();
    throw err;
  });
  // The demo city and, right after it, its history (src/demo/seed.ts).
  if (config.SEED_DEMO) await seedDemoOnce({ db: database.db, database, config, logger }, { historyDays: config.DEMO_HISTORY_DAYS });
  // Heavy reads (metrics, reports) go to the streaming replica when one is configured; writes never do.
  const readDatabase = config.DATABASE_READ_URL
    ? await connect({
        url: config.DATABASE_READ_URL,
        max: config.DATABASE_POOL_MAX,
        applicationName: instanceAppName(config, 'jiesu-read'),
        prepare: config.DATABASE_PREPARE,
      })
    : undefined;
  if (readDatabase) logger.info({ replica: redactUrl(config.DATABASE_READ_URL!) }, 'read replica connected (metrics and reports read there)');
  const deps: Deps = {
    db: database.db,
    database,
    readDb: readDatabase?.db,
    readDatabase,
    config,
    logger,
    clock: systemClock,
    bus: new EventBus(),
    calendar: new CalendarStore(),
  };
  const scheduled = config.JOBS ? startJobs(deps, jobs) : null;
  const app = createApp(deps);
  const server = http.createServer(app.callback());
  const realtime = await attachRealtime(server, deps);
  await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.PORT;
  if (!config.PUBLIC_BASE_URL) config.PUBLIC_BASE_URL = listenBaseUrl(config.HOST, port);
  logger.info({ port, publicBaseUrl: config.PUBLIC_BASE_URL }, `jiesu listening on ${listenBaseUrl(config.HOST, port)}`);

  let stopping: Promise<void> | null = null;
  /**
   * Graceful stop (SIGTERM): refuse new connections at once, disconnect the sockets, let in-flight requests
   * finish (idle keep-alive connections are closed as soon as they are idle), stop the cron jobs and wait for a
   * run in progress; after SHUTDOWN_TIMEOUT_MS, cut whatever is left. Then close the database.
   */
  const stop = () =>
    (stopping ??= (async () => {
      logger.info({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'shutting down: refusing new connections, draining requests, stopping jobs');
      const jobsStopped = (async () => {
        await scheduled?.stop();
        logger.info('jobs stopped');
      })();
      // Closes the sockets, then the HTTP server (no new connections), which resolves once in-flight requests are done.
      const closed = realtime.close();
      const idle = setInterval(() => server.closeIdleConnections(), 100);
      const cut = setTimeout(() => {
        logger.warn('drain timeout: closing the remaining connections');
        server.closeAllConnections();
      }, config.SHUTDOWN_TIMEOUT_MS);
      try {
        await Promise.all([closed, jobsStopped, piiBackfill.stop()]);
        logger.info('connections closed');
      } finally {
        clearInterval(idle);
        clearTimeout(cut);
      }
      await database.close();
      await readDatabase?.close();
      logger.info('stopped');
    })());
  return { server, deps, port, stop, realtime };
}

/** application_name per pool and instance: pg_stat_activity tells which instance and pool a connection is. */
function instanceAppName(config: Config, pool: string): string | undefined {
  if (!config.DATABASE_URL) return undefined;
  return config.INSTANCE_ID ? `${pool}:${config.INSTANCE_ID}` : pool;
}

function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/**
 * Starts the app and stops it cleanly on SIGINT / SIGTERM: `tsx src/main.ts`, and the bundle `npm start` runs
 * (src/serve.ts). A repeated signal joins the stop in progress: Ctrl-C under `npm start` reaches the server twice
 * (from the terminal, and forwarded by cross-env), and the default action of the second would end the process
 * mid-stop.
 */
export function runMain(): void {
  start()
    .then(({ stop }) => {
      for (const sig of ['SIGINT', 'SIGTERM'] as const) {
        process.on(sig, () => {
          stop().then(
            () => process.exit(0),
            () => process.exit(1),
          );
        });
      }
    })
    .catch((err) => {
      if (!(err instanceof DataDirLockedError)) console.error(err);
      else console.error(`\n${err.message}\n`);
      process.exit(1);
    });
}

if (isEntry(import.meta.url)) runMain();
