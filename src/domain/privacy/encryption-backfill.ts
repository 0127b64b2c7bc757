/**
 * Re-encryption of personal data at rest, in batches beside a live system: every value not under the active data
 * key (legacy plaintext from before encryption, or a value under an older key) is sealed again under the active
 * key, and every missing blind index is filled. `npm run keys:rotate` runs it (src/cli/keys.ts); the server runs
 * it in the background at start when the oldest rows are still plaintext (an upgraded database).
 *
 * Each batch is one transaction of at most `batchSize` rows, taken by keyset on the primary key with FOR UPDATE
 * SKIP LOCKED, so a row a live command holds is passed over (not waited for) and the run never blocks intake; a
 * later pass takes what was skipped. The blind-index key is not rotated here (every index would change at once).
 */
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { audit } from '../audit.ts';
import { rowsOf } from '../tickets/queries.ts';
import { nameIndex, phoneIndex } from './caller-index.ts';
import { CIPHER_PREFIX, decryptPii, encryptPii, keyring } from './keyring.ts';

type Column = { name: string; index?: { column: string; of: (plain: string) => string } };
type Target = { table: string; key: string[]; columns: Column[] };

/** Every encrypted column (db/schema: the encryptedText columns) and the blind index kept beside it. */
export const ENCRYPTED: Target[] = [
  {
    table: 'tickets',
    key: ['id'],
    columns: [
      { name: 'caller_phone', index: { column: 'caller_phone_index', of: phoneIndex } },
      { name: 'caller_name', index: { column: 'caller_name_index', of: nameIndex } },
    ],
  },
  { table: 'contacts', key: ['id'], columns: [{ name: 'caller_phone', index: { column: 'caller_phone_index', of: phoneIndex } }, { name: 'caller_name' }] },
  { table: 'notifications', key: ['id'], columns: [{ name: 'recipient' }] },
  { table: 'users', key: ['id'], columns: [{ name: 'totp_secret' }] },
];
/** Drafts keep their JSON sealed as `{ sealed }` (src/domain/drafts/drafts.ts); `sealed` stands for the body here. */
const DRAFTS = { table: 'drafts', key: ['user_id', 'key'] };

const activePrefix = () => `${CIPHER_PREFIX}${keyring().activeId}:`;
/** A value that is there and is not under the active key (plaintext included). */
const stale = (v: SQLWrapper) => sql`(${v} is not null and left(${v}, ${activePrefix().length}) <> ${activePrefix()})`;
const needsWork = (c: Column) => {
  const v = sql.identifier(c.name);
  return c.index ? sql`(${stale(v)} or (${v} is not null and ${sql.identifier(c.index.column)} is null))` : stale(v);
};
const draftValue = sql`case when jsonb_typeof(body -> 'sealed') = 'string' and (select count(*) from jsonb_object_keys(body)) = 1 then body ->> 'sealed' else 'plain' end`;

export type RotationProgress = { table: string; rows: number; values: number; indexes: number };
export type RotationReport = { activeId: string; tables: RotationProgress[]; remaining: Record<string, Record<string, number>> };

type Row = Record<string, string | null>;

async function pass(db: Db, t: Target, batchSize: number, onBatch: (p: RotationProgress) => void): Promise<RotationProgress> {
  const done: RotationProgress = { table: t.table, rows: 0, values: 0, indexes: 0 };
  const cols = t.columns.flatMap((c) => [c.name, ...(c.index ? [c.index.column] : [])]);
  let after = 0;
  for (;;) {
    const batch = await db.transaction(async (tx) => {
      const rows = rowsOf<Row & { id: string }>(
        await tx.execute(sql`
          select id::text as id, ${sql.join(
            cols.map((c) => sql.identifier(c)),
            sql`, `,
          )}
          from ${sql.identifier(t.table)}
          where id > ${after} and (${sql.join(t.columns.map(needsWork), sql` or `)})
          order by id limit ${batchSize}
          for update skip locked`),
      );
      if (!rows.length) return null;
      const changed = rows.map((r) => {
        const out: Row = { id: r.id };
        for (const c of t.columns) {
          const v = r[c.name];
          if (v === null || v === undefined) continue;
          const plain = decryptPii(v);
          if (!v.startsWith(activePrefix())) (out[c.name] = encryptPii(plain)), done.values++;
          else out[c.name] = v;
          if (c.index) {
            out[c.index.column] = c.index.of(plain);
            if (r[c.index.column] === null) done.indexes++;
          }
        }
        return out;
      });
      const set = cols.map((c) => sql`${sql.identifier(c)} = coalesce(x.${sql.identifier(c)}, ${sql.identifier(t.table)}.${sql.identifier(c)})`);
      await tx.execute(sql`
        update ${sql.identifier(t.table)} set ${sql.join(set, sql`, `)}
        from jsonb_to_recordset(${JSON.stringify(changed)}::jsonb) as x(id bigint, ${sql.raw(cols.map((c) => `"${c}" text`).join(', '))})
        where ${sql.identifier(t.table)}.id = x.id`);
      return rows;
    });
    if (!batch) return done;
    done.rows += batch.length;
    after = Number(batch[batch.length - 1]!.id);
    onBatch(done);
  }
}

async function passDrafts(db: Db, batchSize: number, onBatch: (p: RotationProgress) => void): Promise<RotationProgress> {
  const done: RotationProgress = { table: DRAFTS.table, rows: 0, values: 0, indexes: 0 };
  let after: [number, string] = [0, ''];
  for (;;) {
    const batch = await db.transaction(async (tx) => {
      const rows = rowsOf<{ user_id: number; key: string; body: Record<string, unknown> }>(
        await tx.execute(sql`
          select user_id, key, body from drafts
          where (user_id, key) > (${after[0]}, ${after[1]}) and left(${draftValue}, ${activePrefix().length}) <> ${activePrefix()}
          order by user_id, key limit ${batchSize}
          for update skip locked`),
      );
      for (const r of rows) {
        const plain = typeof r.body.sealed === 'string' && Object.keys(r.body).length === 1 ? decryptPii(r.body.sealed) : JSON.stringify(r.body);
        const sealed = { sealed: encryptPii(plain) };
        await tx.execute(sql`update drafts set body = ${JSON.stringify(sealed)}::jsonb where user_id = ${r.user_id} and key = ${r.key}`);
      }
      return rows;
    });
    if (!batch.length) return done;
    done.rows += batch.length;
    done.values += batch.length;
    const last = batch[batch.length - 1]!;
    after = [Number(last.user_id), last.key];
    onBatch(done);
  }
}

/**
 * How many stored values each table holds under each data key other than the active one ('plaintext': legacy
 * values), and how many blind indexes are missing. All zero: the old keys may be removed from the key file.
 */
export async function remainingOutsideActiveKey(db: Db): Promise<Record<string, Record<string, number>>> {
  const out: Record<string, Record<string, number>> = {};
  const keyOf = (v: SQLWrapper) => sql`case when left(${v}, ${CIPHER_PREFIX.length}) = ${CIPHER_PREFIX} then split_part(${v}, ':', 2) else 'plaintext' end`;
  const count = async (table: string, from: SQL, where: SQL) => {
    const rows = rowsOf<{ k: string; n: number }>(
      await db.execute(sql`select ${from} as k, count(*)::int as n from ${sql.identifier(table)} where ${where} group by 1`),
    );
    for (const r of rows) {
      out[table] ??= {};
      out[table][r.k] = (out[table][r.k] ?? 0) + Number(r.n);
    }
  };
  for (const t of ENCRYPTED) {
    for (const c of t.columns) {
      const v = sql.identifier(c.name);
      await count(t.table, keyOf(v), stale(v));
      if (c.index) await count(t.table, sql`'missing index'`, sql`${v} is not null and ${sql.identifier(c.index.column)} is null`);
    }
  }
  await count(DRAFTS.table, keyOf(draftValue), sql`left(${draftValue}, ${activePrefix().length}) <> ${activePrefix()}`);
  return out;
}

export class RotationStopped extends Error {
  constructor() {
    super('re-encryption stopped between batches');
  }
}

/**
 * Re-encrypts every value not under the active key and fills missing blind indexes, table by table, passes until a
 * pass finds nothing more (rows skipped while locked are taken by the next pass). Audited once when anything changed.
 */
export async function reencryptAll(
  db: Db,
  opts: { batchSize?: number; onBatch?: (p: RotationProgress) => void; maxPasses?: number; stopped?: () => boolean } = {},
): Promise<RotationReport> {
  const batchSize = opts.batchSize ?? 1000;
  // A stop (the server shutting down) ends the run between two batches: each batch is committed on its own.
  const onBatch = (p: RotationProgress) => {
    opts.onBatch?.(p);
    if (opts.stopped?.()) throw new RotationStopped();
  };
  const totals = new Map<string, RotationProgress>();
  for (let i = 0; i < (opts.maxPasses ?? 3); i++) {
    const results = [];
    for (const t of ENCRYPTED) results.push(await pass(db, t, batchSize, onBatch));
    results.push(await passDrafts(db, batchSize, onBatch));
    for (const r of results) {
      const sum = totals.get(r.table) ?? { table: r.table, rows: 0, values: 0, indexes: 0 };
      totals.set(r.table, { table: r.table, rows: sum.rows + r.rows, values: sum.values + r.values, indexes: sum.indexes + r.indexes });
    }
    if (results.every((r) => r.rows === 0)) break;
  }
  const tables = [...totals.values()];
  const activeId = keyring().activeId;
  if (tables.some((t) => t.rows > 0))
    await audit(db, null, 'pii_reencrypted', { type: 'data_key', id: activeId }, { tables: Object.fromEntries(tables.map((t) => [t.table, t])) });
  return { activeId, tables, remaining: await remainingOutsideActiveKey(db) };
}
