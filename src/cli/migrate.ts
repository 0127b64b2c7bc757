import { connect, migrate } from '../../db/client.ts';
import { loadConfig } from '../config.ts';

const config = loadConfig();
const database = await connect({ url: config.DATABASE_URL, dataDir: config.DATA_DIR });
await migrate(database, config.DATABASE_URL);
console.log(`migrations applied (${database.driver})`);
await database.close();
