import { pino } from 'pino';
import { connect, migrate } from '../../db/client.ts';
import { seedDemo } from '../../db/seed.ts';
import { loadConfig } from '../config.ts';
import { seedDemoHistory } from '../demo/history.ts';

const config = loadConfig();
const database = await connect({ url: config.DATABASE_URL, dataDir: config.DATA_DIR });
await migrate(database, config.DATABASE_URL);
const r = await seedDemo(database.db, { log: console.log });
console.log(r.seeded ? 'demo city seeded' : 'demo city already present: nothing to do');
if (r.seeded) {
  const logger = pino({ level: config.LOG_LEVEL, base: { app: 'jiesu' } });
  await seedDemoHistory({ db: database.db, database, config, logger }, { days: config.DEMO_HISTORY_DAYS });
}
await database.close();
