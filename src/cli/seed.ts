import { connect, migrate } from '../../db/client.ts';
import { seedDemo } from '../../db/seed.ts';
import { loadConfig } from '../config.ts';

const config = loadConfig();
const database = await connect({ url: config.DATABASE_URL, dataDir: config.DATA_DIR });
await migrate(database, config.DATABASE_URL);
const r = await seedDemo(database.db, { log: console.log });
console.log(r.seeded ? 'demo city seeded' : 'demo city already present: nothing to do');
await database.close();
