/**
 * Where the key file lives. Never inside the embedded database's data folder: `npm run db:backup` (PGlite's
 * dumpDataDir) and a copy of the folder carry everything in it, and the keys must not travel with the ciphertext
 * they open (docs/encryption.md). Unset KEY_FILE means a file beside the folder: DATA_DIR=./data → ./data.keys.json.
 * Until 2026-12 the default was DATA_DIR/keys.json; a start moves such a file out (moveLegacyKeyFile).
 */
import fs from 'node:fs';
import path from 'node:path';

type KeyConfig = { JIESU_KEYS?: string; KEY_FILE?: string; DATA_DIR: string };

/** The key file when KEY_FILE is unset: beside the data folder, named after it. */
export const defaultKeyFile = (dataDir: string) => `${path.resolve(dataDir)}.keys.json`;

/** The old default, inside the data folder. */
export const legacyKeyFile = (dataDir: string) => path.join(dataDir, 'keys.json');

/** The key file this configuration reads (null: the keys come from JIESU_KEYS). */
export const keyFileOf = (cfg: KeyConfig) => (cfg.JIESU_KEYS ? null : (cfg.KEY_FILE ?? defaultKeyFile(cfg.DATA_DIR)));

/** Whether `file` lies in `dir` or below it. */
export function isInside(file: string, dir: string): boolean {
  const rel = path.relative(path.resolve(dir), path.resolve(file));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * With the default key file (neither JIESU_KEYS nor KEY_FILE set): a key file at the old default, inside the data
 * folder, moves to the new default when none is there yet — renamed, or copied (mode 0600) and removed when the
 * folder is a mount of its own. Says what moved, or that an old one stays because both exist (the backup then
 * refuses until someone decides which is right).
 */
export function moveLegacyKeyFile(cfg: KeyConfig): { moved: { from: string; to: string } } | { leftBehind: string } | null {
  if (cfg.JIESU_KEYS || cfg.KEY_FILE) return null;
  const from = legacyKeyFile(cfg.DATA_DIR);
  if (!fs.existsSync(from)) return null;
  const to = defaultKeyFile(cfg.DATA_DIR);
  if (fs.existsSync(to)) return { leftBehind: from };
  try {
    fs.renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    fs.copyFileSync(from, to, fs.constants.COPYFILE_EXCL);
    fs.chmodSync(to, 0o600);
    fs.rmSync(from);
  }
  return { moved: { from, to } };
}

/** Refuses a data folder that holds a key file (the old default's name, or the configured KEY_FILE). */
export function assertNoKeyFileIn(dataDir: string, cfg: Pick<KeyConfig, 'KEY_FILE'> = {}): void {
  const inside = [legacyKeyFile(dataDir), ...(cfg.KEY_FILE && isInside(cfg.KEY_FILE, dataDir) ? [cfg.KEY_FILE] : [])].filter((f) => fs.existsSync(f));
  if (inside.length) {
    throw new Error(
      `${inside.join(', ')}: a key file in the data folder would go into the backup with the data it decrypts. ` +
        `Move it out (the default is ${defaultKeyFile(dataDir)}; or set KEY_FILE elsewhere) and back it up apart.`,
    );
  }
}
