/**
 * The keys of one process: SM4 data keys for personal data at rest (several, by id, one active — rotation
 * re-encrypts the rest), the blind-index key (caller look-ups without decrypting), and the audit chain's
 * HMAC-SM3 key. Loaded once at start from configuration (JIESU_KEYS) or a key file (KEY_FILE, created on first
 * start), never from or into the database. The drizzle column type of encrypted fields (db/schema/encrypted.ts)
 * reads them from here, so every query that selects such a column decrypts it and every insert encrypts it.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { hmacSm3, sealKey, sm4Open, sm4Seal, type SealKey } from '../../adapters/crypto/sm.ts';
import { keyFileOf, moveLegacyKeyFile } from '../security/key-file.ts';

const hex32 = z.string().regex(/^[0-9a-f]{64}$/i, '64 hex digits (32 bytes)');
export const keyFileSchema = z
  .object({
    data: z.record(z.string().regex(/^[A-Za-z0-9_-]{1,16}$/, 'key ids: letters, digits, _ - (at most 16)'), hex32),
    active: z.string(),
    index: hex32,
    audit: hex32,
  })
  .strict()
  .refine((k) => k.active in k.data, { message: 'active must name one of the data keys', path: ['active'] });
export type KeyFile = z.infer<typeof keyFileSchema>;

export type Keyring = {
  activeId: string;
  data: Map<string, SealKey>;
  index: Buffer;
  audit: Buffer;
  /**
   * Benchmark only (bench/servers/app-server.ts, BENCH_PII=off): new values are written as plaintext and blind
   * indexes are the values themselves, so one run can measure intake with and without the cryptography. Nothing
   * in a deployment's configuration sets it.
   */
  passthrough?: true;
};

/** Ciphertext as stored: `sm4:<key id>:<base64url(iv ‖ ciphertext ‖ HMAC-SM3 tag)>`. Anything else is legacy plaintext. */
export const CIPHER_PREFIX = 'sm4:';

export function newKeyFile(): KeyFile {
  const k = () => randomBytes(32).toString('hex');
  return { data: { '1': k() }, active: '1', index: k(), audit: k() };
}

export function keyringOf(file: KeyFile): Keyring {
  const data = new Map<string, SealKey>();
  for (const [id, hex] of Object.entries(file.data)) data.set(id, sealKey(Buffer.from(hex, 'hex')));
  return { activeId: file.active, data, index: Buffer.from(file.index, 'hex'), audit: Buffer.from(file.audit, 'hex') };
}

/**
 * The keys from JIESU_KEYS, else from the key file (created with fresh keys, mode 0600, when missing: a laptop's
 * first start). Several instances must share one: set JIESU_KEYS or point KEY_FILE at the same file. The default
 * file lies beside the data folder, never in it; one left at the old default inside it is moved out first
 * (src/domain/security/key-file.ts), and `legacy` says so for the start-up log.
 */
export function loadKeyFile(cfg: { JIESU_KEYS?: string; KEY_FILE?: string; DATA_DIR: string }): {
  file: KeyFile;
  source: string;
  created: boolean;
  legacy: ReturnType<typeof moveLegacyKeyFile>;
} {
  const parse = (text: string, source: string) => {
    const r = keyFileSchema.safeParse(JSON.parse(text));
    if (!r.success) throw new Error(`Invalid keys in ${source}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return r.data;
  };
  if (cfg.JIESU_KEYS) return { file: parse(cfg.JIESU_KEYS, 'JIESU_KEYS'), source: 'JIESU_KEYS', created: false, legacy: null };
  const legacy = moveLegacyKeyFile(cfg);
  const file = keyFileOf(cfg)!;
  if (fs.existsSync(file)) return { file: parse(fs.readFileSync(file, 'utf8'), file), source: file, created: false, legacy };
  const fresh = newKeyFile();
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(fresh, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return { file: fresh, source: file, created: true, legacy };
}

let current: Keyring | null = null;

/** Installs the process's keys (at start, in tests, and by the rotation command when it adds a key). */
export function useKeyring(k: Keyring): void {
  current = k;
}

export function keyring(): Keyring {
  if (!current) throw new Error('keys not loaded: call useKeyring(keyringOf(loadKeyFile(config).file)) at start');
  return current;
}

/** Encrypts with the active data key. */
export function encryptPii(plaintext: string): string {
  const k = keyring();
  if (k.passthrough) return plaintext;
  const label = `${CIPHER_PREFIX}${k.activeId}:`;
  return label + sm4Seal(k.data.get(k.activeId)!, label, plaintext).toString('base64url');
}

/** Thrown when a stored value cannot be decrypted: a data key missing from the keyring, or a tag that does not verify. */
export class CipherError extends Error {
  constructor(readonly keyId: string) {
    super(`personal data could not be decrypted with data key "${keyId}" (missing from the keys, or the value was altered)`);
  }
}

/** Decrypts a stored value; a value without the prefix is legacy plaintext (from before encryption) and is returned as is. */
export function decryptPii(stored: string): string {
  if (!stored.startsWith(CIPHER_PREFIX)) return stored;
  const end = stored.indexOf(':', CIPHER_PREFIX.length);
  const id = stored.slice(CIPHER_PREFIX.length, end);
  const key = keyring().data.get(id);
  const out = key ? sm4Open(key, stored.slice(0, end + 1), Buffer.from(stored.slice(end + 1), 'base64url')) : null;
  if (out === null) throw new CipherError(id);
  return out;
}

/** The data key id a stored value is under (null: legacy plaintext). */
export function keyIdOf(stored: string): string | null {
  if (!stored.startsWith(CIPHER_PREFIX)) return null;
  return stored.slice(CIPHER_PREFIX.length, stored.indexOf(':', CIPHER_PREFIX.length));
}

/**
 * A keyed blind index (HMAC-SM3, 128 bits, base64url): equal inputs give equal indexes, so an exact look-up needs
 * no decryption, and without the index key the value cannot be guessed from it (not even by trying every number).
 * `kind` keeps a phone's index from ever matching a name's.
 */
export function blindIndex(kind: 'phone' | 'name' | 'id_number', value: string): string {
  if (keyring().passthrough) return value;
  return hmacSm3(keyring().index, kind, '\u0000', value.normalize('NFKC').trim()).subarray(0, 16).toString('base64url');
}

/** Loads the configured keys and installs them for this process; says where they came from (for the start-up log). */
export function installKeys(cfg: { JIESU_KEYS?: string; KEY_FILE?: string; DATA_DIR: string }) {
  const { file, source, created, legacy } = loadKeyFile(cfg);
  useKeyring(keyringOf(file));
  return { source, created, activeId: file.active, legacy };
}

/** Fixed keys for tests and benchmarks only (testConfig): never for a deployment. */
export const TEST_KEYS: KeyFile = {
  data: { t1: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' },
  active: 't1',
  index: 'fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210',
  audit: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
};
