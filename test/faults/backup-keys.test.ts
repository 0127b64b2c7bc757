/**
 * The keys never travel with the data: with the default configuration the key file lies beside the PGlite data
 * folder (DATA_DIR=…/data → …/data.keys.json), a start moves a key file left at the old default (DATA_DIR/keys.json)
 * out of the folder, and `npm run db:backup` holds no key material — neither a key file among the tarball's files nor
 * any key's bytes — and refuses a folder that still holds one (src/domain/security/key-file.ts, src/cli/backup.ts).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { connect, migrate } from '../../db/client.ts';
import { backupPglite } from '../../src/cli/backup.ts';
import { loadConfig } from '../../src/config.ts';
import { keyringOf, newKeyFile, TEST_KEYS, useKeyring } from '../../src/domain/privacy/keyring.ts';
import { defaultKeyFile, moveLegacyKeyFile } from '../../src/domain/security/key-file.ts';
import { start } from '../../src/main.ts';
import { makeTickets, readBack } from './backup-fixture.ts';

const cleanup: (() => unknown)[] = [];
afterAll(async () => {
  useKeyring(keyringOf(TEST_KEYS));
  for (const f of cleanup.reverse()) await f();
});

const temp = () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jiesu-backup-keys-'));
  cleanup.push(() => fs.rmSync(tmp, { recursive: true, force: true }));
  return tmp;
};
/** Every key of a key file, as the hex in the file and as the raw bytes. */
const keyMaterial = (k: ReturnType<typeof newKeyFile>) =>
  [...Object.values(k.data), k.index, k.audit].flatMap((hex) => [Buffer.from(hex), Buffer.from(hex, 'hex')]);

describe('the key file and the PGlite backup', () => {
  it('a start moves the old default key file out of the data folder, and a backup with the default configuration holds no key material', async () => {
    const tmp = temp();
    const live = path.join(tmp, 'data');
    const oldFile = path.join(live, 'keys.json');
    const newFile = path.join(tmp, 'data.keys.json');
    expect(defaultKeyFile(live)).toBe(newFile);

    // A folder as the old default left it: callers sealed with the keys of DATA_DIR/keys.json, which lies inside.
    const template = inject('pgliteTemplate');
    const source = await connect({ dataDir: live, ...(template ? { loadDataDir: new Blob([fs.readFileSync(template)]) } : {}) });
    if (!template) await migrate(source);
    const keys = newKeyFile();
    fs.writeFileSync(oldFile, JSON.stringify(keys), { mode: 0o600 });
    useKeyring(keyringOf(keys));
    const { w, ids, views } = await makeTickets(source);
    await source.close();

    // Started with the default configuration (no KEY_FILE, no JIESU_KEYS): the file moves out, and the data still
    // opens — fresh keys would have stopped the start (the key check), so these are the moved ones.
    const app = await start(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: live, SEED_DEMO: 'false', JOBS: 'false', LOG_LEVEL: 'silent' }));
    try {
      expect(fs.existsSync(oldFile)).toBe(false);
      expect(JSON.parse(fs.readFileSync(newFile, 'utf8'))).toEqual(keys);
      expect(fs.statSync(newFile).mode & 0o777).toBe(0o600);
      expect(await readBack(app.deps.database, w, ids)).toEqual(views);
    } finally {
      await app.stop();
    }

    const file = path.join(tmp, 'backup.tar.gz');
    await backupPglite(live, file);
    const names = execFileSync('tar', ['-tzf', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')
      .filter(Boolean);
    expect(names.length).toBeGreaterThan(100);
    expect(names.some((n) => /PG_VERSION$/.test(n))).toBe(true);
    expect(names.filter((n) => /keys?\b|\.json$/i.test(path.basename(n)))).toEqual([]);
    const tar = gunzipSync(fs.readFileSync(file));
    for (const k of keyMaterial(keys)) expect(tar.includes(k), `key material ${k.toString('hex').slice(0, 8)}… in the backup`).toBe(false);
  }, 180_000);

  it('a backup refuses a data folder that still holds a key file; KEY_FILE inside DATA_DIR is refused at start', async () => {
    const tmp = temp();
    const live = path.join(tmp, 'data');
    const template = inject('pgliteTemplate');
    const db = await connect({ dataDir: live, ...(template ? { loadDataDir: new Blob([fs.readFileSync(template)]) } : {}) });
    await db.close();
    const keys = JSON.stringify(newKeyFile());

    // Both files there (copied back by hand, or a start that found the new one present): the old one stays put and
    // the backup refuses until someone removes it.
    fs.writeFileSync(path.join(live, 'keys.json'), keys);
    fs.writeFileSync(defaultKeyFile(live), keys);
    expect(moveLegacyKeyFile({ DATA_DIR: live })).toEqual({ leftBehind: path.join(live, 'keys.json') });
    await expect(backupPglite(live, path.join(tmp, 'a.tar.gz'))).rejects.toThrow(/key file in the data folder/);
    expect(fs.existsSync(path.join(tmp, 'a.tar.gz'))).toBe(false);
    // With the keys configured otherwise nothing is moved, and the backup still refuses the file.
    expect(moveLegacyKeyFile({ DATA_DIR: live, JIESU_KEYS: keys })).toBeNull();
    expect(moveLegacyKeyFile({ DATA_DIR: live, KEY_FILE: path.join(tmp, 'elsewhere.json') })).toBeNull();
    fs.rmSync(path.join(live, 'keys.json'));

    // A KEY_FILE of another name inside the folder: refused by the configuration, and by the backup.
    const inside = path.join(live, 'secrets', 'k.json');
    expect(() => loadConfig({ DATA_DIR: live, KEY_FILE: inside })).toThrow(/KEY_FILE: inside DATA_DIR/);
    expect(loadConfig({ DATA_DIR: live, KEY_FILE: path.join(tmp, 'k.json') }).KEY_FILE).toBe(path.join(tmp, 'k.json'));
    fs.mkdirSync(path.dirname(inside));
    fs.writeFileSync(inside, keys);
    await expect(backupPglite(live, path.join(tmp, 'b.tar.gz'), { KEY_FILE: inside })).rejects.toThrow(/k\.json: a key file in the data folder/);
    fs.rmSync(inside);
    expect((await backupPglite(live, path.join(tmp, 'c.tar.gz'), { KEY_FILE: inside })).bytes).toBeGreaterThan(1000);
  }, 120_000);
});
