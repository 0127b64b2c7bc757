/**
 * Back up and restore the embedded (PGlite) database: a consistent dump of the data folder as one .tar.gz
 * (PGlite's dumpDataDir), and a restore into a new, empty folder (loadDataDir). The backup takes the
 * folder's lock like the app does, so it refuses to run while the app holds the folder — stop the app first. It
 * never holds the keys: the key file lies beside the folder (src/domain/security/key-file.ts), and a folder that
 * holds one is refused — back the key file up apart, on another medium.
 * For PostgreSQL use pg_dump / pg_restore (docs/operations.md).
 *
 *   npm run db:backup -- <file.tar.gz>            DATA_DIR (default ./data) → file
 *   npm run db:restore -- <file.tar.gz> <folder>  file → a new folder; then start with DATA_DIR=<folder>
 */
import fs from 'node:fs';
import path from 'node:path';
import { connect } from '../../db/client.ts';
import { loadConfig } from '../config.ts';
import { assertNoKeyFileIn, moveLegacyKeyFile } from '../domain/security/key-file.ts';
import { isEntry } from '../runtime.ts';

/** Refuses a folder that holds a key file: the backup must not carry the keys with the data they decrypt. */
export async function backupPglite(dataDir: string, file: string, keys: { KEY_FILE?: string } = {}): Promise<{ bytes: number }> {
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) throw new Error(`${dataDir} is not a PGlite data folder`);
  assertNoKeyFileIn(dataDir, keys);
  const database = await connect({ dataDir });
  try {
    const blob = await database.dump!();
    const bytes = Buffer.from(await blob.arrayBuffer());
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    // Write beside, then rename: a crash mid-write never leaves a truncated file under the backup's name.
    fs.writeFileSync(`${file}.partial`, bytes);
    fs.renameSync(`${file}.partial`, file);
    return { bytes: bytes.length };
  } finally {
    await database.close();
  }
}

export async function restorePglite(file: string, dataDir: string): Promise<void> {
  if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) throw new Error(`${dataDir} is not empty: restore into a new folder`);
  const database = await connect({ dataDir, loadDataDir: new Blob([fs.readFileSync(file)]) });
  try {
    await database.query('select 1'); // opened and readable
  } finally {
    await database.close();
  }
}

if (isEntry(import.meta.url)) {
  const [cmd, file, folder] = process.argv.slice(2);
  const config = loadConfig();
  try {
    if (config.DATABASE_URL) throw new Error('DATABASE_URL is set: back up PostgreSQL with pg_dump -Fc (see docs/operations.md)');
    if (cmd === 'backup' && file) {
      // As a start does: a key file left at the old default inside the folder moves out first.
      const legacy = moveLegacyKeyFile(config);
      if (legacy && 'moved' in legacy) console.log(`moved the key file ${legacy.moved.from} out of the data folder to ${legacy.moved.to}: back it up apart`);
      const { bytes } = await backupPglite(config.DATA_DIR, file, config);
      console.log(`backed up ${config.DATA_DIR} to ${file} (${bytes} bytes)`);
    } else if (cmd === 'restore' && file && folder) {
      await restorePglite(file, folder);
      console.log(`restored ${file} into ${folder}; start the app with DATA_DIR=${folder}`);
    } else {
      console.error('usage: backup <file.tar.gz> | restore <file.tar.gz> <new folder>');
      process.exitCode = 2;
    }
  } catch (err) {
    console.error((err as Error).message);
    process.exitCode = 1;
  }
}
