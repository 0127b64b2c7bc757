/**
 * Child process: the whole product as `npm start` composes it (src/main.ts: Koa app, realtime, the
 * postgres adapter), jobs off, logging off, on DATABASE_URL (or PGlite at DATA_DIR). Tells the parent its
 * port over IPC, and answers 'rss' with its memory. The keys are the fixed test keys (JIESU_KEYS from the
 * parent); BENCH_PII=off makes this process write callers' data unencrypted and unindexed (the keyring's
 * benchmark-only passthrough), the baseline of the encryption figure.
 */
import { start } from '../../src/main.ts';
import { loadConfig } from '../../src/config.ts';
import { keyring, useKeyring } from '../../src/domain/privacy/keyring.ts';
import { serveParent } from './child.ts';

const passthrough = () => useKeyring({ ...keyring(), passthrough: true });
const app = await start(loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', JOBS: 'false', LOG_LEVEL: 'silent', SEED_DEMO: 'false' }), {
  keysInstalled: process.env.BENCH_PII === 'off' ? passthrough : undefined,
});
serveParent(app.port, { stop: () => app.stop() });
