import { pino } from 'pino';
import { connect, migrate } from '../../db/client.ts';
import { loadConfig } from '../config.ts';
import { seedDemoOnce } from '../demo/seed.ts';
import { installKeys } from '../domain/privacy/keyring.ts';

const config = loadConfig();
installKeys(config);
const logger = pino({ level: config.LOG_LEVEL, base: { app: 'jiesu' } });
const database = await connect({ url: config.DATABASE_URL, dataDir: config.DATA_DIR });
await migrate(database, config.DATABASE_URL);
const r = await seedDemoOnce({ db: database.db, database, config, logger }, { historyDays: config.DEMO_HISTORY_DAYS });
if (!r.seeded) logger.info('demo city already present: nothing to do');
await database.close();
