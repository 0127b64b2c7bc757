/**
 * The start-up check of the keys against the database: nothing secret is stored there, so the check reads a
 * sample of the stored ciphertext (the newest and the oldest sealed value of each encrypted column) and refuses
 * to start when one names a data key the configured keys lack, or does not open with it (another key under the
 * same id). Starting anyway would show callers' data as errors and write new data no other instance can read.
 * It also says whether the oldest rows are still plaintext or unindexed (an upgraded database), and whether a
 * sampled value is sealed under another data key than the active one (a rotation under way): the server then
 * runs the backfill (encryption-backfill.ts) in the background, so a restart with a new active key re-encrypts
 * while the instance serves — the only way with embedded PGlite, where no second process may open the folder.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { rowsOf } from '../tickets/queries.ts';
import { ENCRYPTED, reencryptAll, RotationStopped } from './encryption-backfill.ts';
import { CIPHER_PREFIX, CipherError, decryptPii, keyIdOf, keyring } from './keyring.ts';

export class KeyMismatchError extends Error {
  constructor(
    readonly table: string,
    readonly column: string,
    readonly keyId: string,
    readonly source: string,
  ) {
    super(
      `${table}.${column} holds personal data encrypted under data key "${keyId}", which the configured keys (${source}) cannot open: ` +
        'add that key (from the key file of the instance that wrote it) to the "data" keys and start again; never start with new keys over encrypted data',
    );
  }
}

/** How many of the oldest rows of a table are looked at for legacy plaintext. */
const OLDEST = 1000;

export async function checkKeysAgainstData(db: Db, source: string): Promise<{ legacy: boolean; rotation: boolean }> {
  let legacy = false;
  let rotation = false;
  for (const t of ENCRYPTED) {
    for (const c of t.columns) {
      const v = sql.identifier(c.name);
      const table = sql.identifier(t.table);
      // The newest and the oldest sealed value, each found within a bounded number of rows from its end.
      const rows = rowsOf<{ v: string | null; legacy: boolean }>(
        await db.execute(sql`
          (select v, false as legacy from (select ${v} as v from ${table} order by id desc limit ${OLDEST}) x
            where left(v, ${CIPHER_PREFIX.length}) = ${CIPHER_PREFIX} limit 1)
          union all
          (select v, false from (select ${v} as v from ${table} order by id limit ${OLDEST}) x
            where left(v, ${CIPHER_PREFIX.length}) = ${CIPHER_PREFIX} limit 1)
          union all
          (select null, true from (select ${v} as v${c.index ? sql`, ${sql.identifier(c.index.column)} as i` : sql``} from ${table} order by id limit ${OLDEST}) x
            where left(v, ${CIPHER_PREFIX.length}) <> ${CIPHER_PREFIX}${c.index ? sql` or (v is not null and i is null)` : sql``} limit 1)`),
      );
      for (const r of rows) {
        if (r.legacy) legacy = true;
        else if (r.v) {
          try {
            decryptPii(r.v);
            if (keyIdOf(r.v) !== keyring().activeId) rotation = true;
          } catch (err) {
            if (err instanceof CipherError) throw new KeyMismatchError(t.table, c.name, keyIdOf(r.v) ?? '?', source);
            throw err;
          }
        }
      }
    }
  }
  return { legacy, rotation };
}

/**
 * At start: the key check (throws KeyMismatchError), then, when the oldest rows are still plaintext or unindexed
 * or a value lies under an older data key, the backfill in the background with its progress logged. `stop` ends it between two batches (shutdown).
 */
export async function checkKeysAndBackfill(
  db: Db,
  logger: { info: (o: object, m: string) => void; error: (o: object, m: string) => void },
  source: string,
): Promise<{ stop: () => Promise<void> }> {
  const { legacy, rotation } = await checkKeysAgainstData(db, source);
  // The benchmark's passthrough keyring writes plaintext on purpose: nothing to encrypt behind its back.
  if (!(legacy || rotation) || keyring().passthrough) return { stop: async () => {} };
  let stopping = false;
  let last = 0;
  logger.info(
    { legacy, rotation, activeKey: keyring().activeId },
    legacy
      ? 'personal data from before encryption found: encrypting and indexing it in the background'
      : 'personal data under an older data key found: re-encrypting it under the active key in the background',
  );
  const run = reencryptAll(db, {
    stopped: () => stopping,
    onBatch: (p) => {
      if (Date.now() - last < 5000) return;
      last = Date.now();
      logger.info(p, 'encrypting personal data at rest');
    },
  }).then(
    (r) => logger.info({ tables: r.tables, remaining: r.remaining }, 'personal data at rest encrypted under the active key'),
    (err) => {
      if (!(err instanceof RotationStopped)) logger.error({ err }, 'encrypting personal data at rest failed (run npm run keys:rotate)');
    },
  );
  return {
    stop: async () => {
      stopping = true;
      await run;
    },
  };
}
