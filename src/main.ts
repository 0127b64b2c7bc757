import http from 'node:http';
import { pino } from 'pino';
import { connect, migrate, DataDirLockedError, type Database } from '../db/client.ts';
import { seedDemo } from '../db/seed.ts';
import { loadConfig, type Config } from './config.ts';
import { systemClock } from './domain/clock.ts';
import { EventBus } from './domain/events.ts';
import { CalendarStore } from './domain/calendar/store.ts';
import type { Deps } from './deps.ts';
import { createApp } from './http/app.ts';
import { attachRealtime } from './realtime/server.ts';
import { jobs } from './jobs/index.ts';
import { startJobs } from './jobs/schedule.ts';

/** Composition root: config → db (migrated, seeded) → app → listen. */
export async function start(config: Config = loadConfig()) {
  const logger = pino({ level: config.LOG_LEVEL, base: { app: 'jiesu' } });
  let database: Database;
  try {
    database = await connect({ url: config.DATABASE_URL, dataDir: config.DATA_DIR });
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      logger.fatal(err.message);
      process.exitCode = 1;
      throw err;
    }
    throw err;
  }
  logger.info({ driver: database.driver, dataDir: database.driver === 'pglite' ? config.DATA_DIR : undefined }, 'database connected');
  await migrate(database, config.DATABASE_URL);
  if (config.SEED_DEMO) {
    const r = await seedDemo(database.db, { log: (m) => logger.info(m) });
    if (r.seeded) logger.info('demo city seeded');
  }
  const deps: Deps = { db: database.db, database, config, logger, clock: systemClock, bus: new EventBus(), calendar: new CalendarStore() };
  const scheduled = config.JOBS ? startJobs(deps, jobs) : null;
  const app = createApp(deps);
  const server = http.createServer(app.callback());
  const realtime = await attachRealtime(server, deps);
  deps.io = realtime.io;
  await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.PORT;
  logger.info({ port }, `jiesu listening on http://localhost:${port}`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down: stopping jobs, draining requests');
    await scheduled?.stop();
    // Closes the sockets, then the HTTP server, which waits for in-flight requests.
    await realtime.close();
    await database.close();
    logger.info('stopped');
  };
  return { server, deps, port, stop, realtime };
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  start()
    .then(({ stop }) => {
      for (const sig of ['SIGINT', 'SIGTERM'] as const) {
        process.once(sig, () => {
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
