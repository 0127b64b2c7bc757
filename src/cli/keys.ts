/**
 * `npm run keys:rotate` — re-encrypts callers' personal data (and second-factor secrets, SMS recipients, drafts)
 * under the active data key, in batches beside the running instances, and fills missing blind indexes; then says
 * how many values remain under any other key. `npm run keys:rotate -- --status` only counts.
 *
 * To rotate: add a new data key id to the key file (or JIESU_KEYS), set `active` to it, restart every instance
 * with the new keys (they then encrypt with it and still read the old ones), run this command; remove the old
 * key only when it reports nothing left under it. A restarted instance that finds values under an older key does
 * the same in the background (src/domain/privacy/key-check.ts): with embedded PGlite, where no second process may
 * open the data folder, that restart is how to rotate while the system runs; this command needs the server stopped.
 */
import { parseArgs } from 'node:util';
import { connect, migrate } from '../../db/client.ts';
import { loadConfig } from '../config.ts';
import { reencryptAll, remainingOutsideActiveKey } from '../domain/privacy/encryption-backfill.ts';
import { checkKeysAgainstData } from '../domain/privacy/key-check.ts';
import { installKeys } from '../domain/privacy/keyring.ts';

const { values } = parseArgs({ options: { status: { type: 'boolean' }, batch: { type: 'string' } } });
const batchSize = values.batch ? Number(values.batch) : 1000;
if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) throw new Error('--batch: a whole number of rows, 1 to 100000');

const config = loadConfig();
const keys = installKeys(config);
const database = await connect({ url: config.DATABASE_URL, dataDir: config.DATA_DIR });
try {
  await migrate(database, config.DATABASE_SESSION_URL ?? config.DATABASE_URL);
  await checkKeysAgainstData(database.db, keys.source);
  console.log(`keys from ${keys.source}; active data key "${keys.activeId}"`);
  let remaining: Record<string, Record<string, number>>;
  if (values.status) remaining = await remainingOutsideActiveKey(database.db);
  else {
    let last = 0;
    const report = await reencryptAll(database.db, {
      batchSize,
      onBatch: (p) => {
        if (Date.now() - last < 2000) return;
        last = Date.now();
        console.log(`  ${p.table}: ${p.rows} rows, ${p.values} values re-encrypted, ${p.indexes} indexes filled…`);
      },
    });
    for (const t of report.tables) console.log(`${t.table}: ${t.rows} rows, ${t.values} values re-encrypted, ${t.indexes} blind indexes filled`);
    remaining = report.remaining;
  }
  const left = Object.entries(remaining).flatMap(([table, byKey]) => Object.entries(byKey).map(([key, n]) => `${table}: ${n} under ${key}`));
  if (left.length) {
    console.log(`not yet under "${keys.activeId}" (rows locked during the run, or written by an instance with older keys; run again):`);
    for (const l of left) console.log(`  ${l}`);
    process.exitCode = 1;
  } else console.log(`every value is under "${keys.activeId}": older data keys may be removed from the keys`);
} finally {
  await database.close();
}
