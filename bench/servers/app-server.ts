/**
 * Child process: the whole product as `npm start` composes it (src/main.ts: Koa app, realtime, the
 * postgres adapter), jobs off, logging off, on DATABASE_URL (or PGlite at DATA_DIR). Tells the parent its
 * port over IPC, and answers 'rss' with its memory.
 */
import { start } from '../../src/main.ts';
import { loadConfig } from '../../src/config.ts';
import { serveParent } from './child.ts';

const app = await start(loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', JOBS: 'false', LOG_LEVEL: 'silent', SEED_DEMO: 'false' }));
serveParent(app.port, { stop: () => app.stop() });
