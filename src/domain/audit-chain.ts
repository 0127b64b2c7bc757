/**
 * The tamper-evident audit chain (等保 2.0 level 3, security audit: records protected against alteration and
 * deletion). Audit rows are inserted as always, in the transaction of the change they record, with no global
 * lock (intake does not wait). The sealer chains them shortly after, one instance at a time (advisory lock):
 * it reads the unsealed rows (seq is null) in id order, gives each the next seq, prevMac = the previous row's mac
 * (GENESIS_MAC before the first) and mac = HMAC-SM3(audit key, prevMac ‖ canonical(seq, row content)), and
 * records a seal (the batch's last seq and mac) in audit_seals, in one transaction. The row trigger of migration
 * 0023 lets exactly that update through (null → value, once, nothing else changing).
 *
 * `verifyChain` walks the chain in seq order, a batch at a time, recomputing every mac and checking every link,
 * and that the last row is the newest seal (cutting rows off the end shows). Its first row is anchored either by
 * GENESIS_MAC at seq 1 or by the retention purge's own audit row, which recorded the last purged seq and mac
 * (src/domain/audit-retention.ts). The canonical form is built from what the database returns, the same way for
 * the sealer and the verifier: jsonb details parsed and re-serialised with sorted keys (PostgreSQL reorders
 * them), the time as UTC text to the microsecond from the database itself (no driver's Date parsing in between).
 *
 * What a chain cannot show on its own: someone with the database owner's rights and time to spare may cut rows
 * off the end together with the newest seals. The sealer logs every seal (seq and mac) to the application log,
 * which a deployment ships elsewhere; that copy is the outside anchor (docs/audit.md).
 */
import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { auditSeals } from '../../db/schema/index.ts';
import { hmacSm3 } from '../adapters/crypto/sm.ts';
import { keyring } from './privacy/keyring.ts';
import { rowsOf } from './tickets/queries.ts';

/** pg advisory lock key of the sealer and the purge ("jiesu audit"): one chain writer at a time across instances. */
export const AUDIT_CHAIN_LOCK = 7212351;
/** The prevMac of the chain's very first row. */
export const GENESIS_MAC = '0'.repeat(64);
/** The audit action of the retention purge, whose details anchor the chain's new first row. */
export const PURGE_ACTION = 'audit_purged';

/** A row as the chain reads it: every field text (or null), exactly as the database renders it. */
type ChainRow = {
  id: string;
  at: string;
  userId: string | null;
  role: string | null;
  ip: string | null;
  requestId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: string;
};
export type SealedRow = ChainRow & { seq: string | null; prevMac: string | null; mac: string | null };

const COLUMNS = sql.raw(
  `id::text as "id", to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as "at", user_id::text as "userId",
   role::text as "role", ip, request_id as "requestId", action, target_type as "targetType", target_id as "targetId",
   details::text as "details"`,
);
/** The row with its place in the chain (export, verification). */
export const SEALED_COLUMNS = sql`${COLUMNS}, seq::text as seq, prev_mac as "prevMac", mac`;

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/** A row's content as the chain covers it, in order: its fields as text, and its details parsed (for a canonical form). */
export function contentOf(r: ChainRow): { fields: (string | null)[]; details: unknown } {
  return { fields: [r.id, r.at, r.userId, r.role, r.ip, r.requestId, r.action, r.targetType, r.targetId], details: JSON.parse(r.details) as unknown };
}

/** HMAC-SM3 (hex) of a row at its place in the chain. */
export function macOf(key: Buffer, prevMac: string, seq: number, r: ChainRow): string {
  const { fields, details } = contentOf(r);
  const content = canonicalJson([String(seq), ...fields, details]);
  return hmacSm3(key, 'jiesu/audit/v1\n', prevMac, '\n', content).toString('hex');
}

async function lock(tx: Db, wait: boolean): Promise<boolean> {
  if (wait) {
    await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
    return true;
  }
  return rowsOf<{ ok: boolean }>(await tx.execute(sql`select pg_try_advisory_xact_lock(${AUDIT_CHAIN_LOCK}) as ok`))[0]?.ok === true;
}

/** Takes the chain's lock for this transaction (the purge holds it while it cuts the chain's head). */
export const lockChain = (tx: Db) => lock(tx, true);

export type ChainEnd = { seq: number; mac: string };

/**
 * Where the next row attaches: the newest seal, or the highest sealed row if that is further on (a seal lost
 * must never make the sealer hand out a seq twice).
 */
async function chainEnd(tx: Db): Promise<ChainEnd> {
  const [seal] = rowsOf<{ seq: string; mac: string }>(
    await tx.execute(sql`select last_seq::text as seq, last_mac as mac from audit_seals order by id desc limit 1`),
  );
  const [row] = rowsOf<{ seq: string; mac: string }>(
    await tx.execute(sql`select seq::text as seq, mac from audit_log where seq is not null order by audit_log.seq desc limit 1`),
  );
  const best = [seal, row].filter((x) => x !== undefined).sort((a, b) => Number(b.seq) - Number(a.seq))[0];
  return best ? { seq: Number(best.seq), mac: best.mac } : { seq: 0, mac: GENESIS_MAC };
}

export type SealResult = { sealed: number; batches: number; skipped: boolean; last: ChainEnd | null };

/**
 * Chains every unsealed row, `batchSize` a transaction. `wait`: wait for another sealer rather than skip (before
 * a verification or an export, which must see everything sealed); the scheduled sealer skips its turn instead.
 */
export async function sealAudit(
  db: Db,
  opts: { batchSize?: number; wait?: boolean; key?: Buffer; onSeal?: (seal: ChainEnd & { rows: number }) => void } = {},
): Promise<SealResult> {
  const batchSize = opts.batchSize ?? 1000;
  const key = opts.key ?? keyring().audit;
  const out: SealResult = { sealed: 0, batches: 0, skipped: false, last: null };
  for (;;) {
    const done = await db.transaction(async (tx) => {
      if (!(await lock(tx, opts.wait === true))) return null;
      const rows = rowsOf<ChainRow>(await tx.execute(sql`select ${COLUMNS} from audit_log where seq is null order by audit_log.id limit ${batchSize}`));
      if (rows.length === 0) return 0;
      let { seq, mac } = await chainEnd(tx);
      const values = rows.map((r) => {
        const prev = mac;
        seq += 1;
        mac = macOf(key, prev, seq, r);
        return sql`(${r.id}::bigint, ${seq}::bigint, ${prev}::text, ${mac}::text)`;
      });
      await tx.execute(
        sql`update audit_log a set seq = v.seq, prev_mac = v.prev, mac = v.mac
              from (values ${sql.join(values, sql`, `)}) as v(id, seq, prev, mac)
             where a.id = v.id and a.seq is null`,
      );
      await tx.insert(auditSeals).values({ lastSeq: seq, lastMac: mac, rows: rows.length });
      out.last = { seq, mac };
      opts.onSeal?.({ seq, mac, rows: rows.length });
      return rows.length;
    });
    if (done === null) {
      out.skipped = out.batches === 0;
      return out;
    }
    if (done > 0) {
      out.sealed += done;
      out.batches += 1;
    }
    if (done < batchSize) return out;
  }
}

export type BrokenReason =
  /** the row's content (or its seq, prevMac or mac) is not what was sealed */
  | 'altered'
  /** rows are missing before this seq (id null: the missing row) */
  | 'missing'
  /** the row does not link to the one before it */
  | 'link'
  /** the first remaining row is anchored neither by the genesis nor by a purge record */
  | 'unanchored'
  /** the chain does not end where the newest seal says (rows cut off the end) */
  | 'seal_mismatch';

export type VerifyReport = {
  ok: boolean;
  /** rows whose mac was recomputed */
  checked: number;
  firstSeq: number | null;
  lastSeq: number | null;
  firstBroken: { seq: number; id: number | null; reason: BrokenReason } | null;
  unsealed: { count: number; oldestId: number | null; oldestAt: string | null };
  seal: { lastSeq: number; lastMac: string; sealedAt: string } | null;
};

async function newestSeal(db: Db): Promise<VerifyReport['seal']> {
  const [s] = rowsOf<{ lastSeq: string; lastMac: string; sealedAt: Date | string }>(
    await db.execute(sql`select last_seq::text as "lastSeq", last_mac as "lastMac", sealed_at as "sealedAt" from audit_seals order by id desc limit 1`),
  );
  return s ? { lastSeq: Number(s.lastSeq), lastMac: s.lastMac, sealedAt: new Date(s.sealedAt).toISOString() } : null;
}

/** The (lastPurgedSeq → lastPurgedMac) anchors the retention purge recorded. */
async function purgeAnchors(db: Db): Promise<Map<number, string>> {
  const rows = rowsOf<{ seq: string | null; mac: string | null }>(
    await db.execute(sql`select details->>'lastPurgedSeq' as seq, details->>'lastPurgedMac' as mac from audit_log where action = ${PURGE_ACTION}`),
  );
  return new Map(rows.filter((r) => r.seq !== null && r.mac !== null).map((r) => [Number(r.seq), r.mac!]));
}

/** Walks the whole chain (sealed rows in seq order, `batchSize` at a time) and reports the first broken link. */
export async function verifyChain(db: Db, opts: { batchSize?: number; key?: Buffer } = {}): Promise<VerifyReport> {
  const batchSize = opts.batchSize ?? 2000;
  const key = opts.key ?? keyring().audit;
  const [u] = rowsOf<{ count: number; oldestId: string | null; oldestAt: Date | string | null }>(
    await db.execute(sql`select count(*)::int as count, min(id)::text as "oldestId", min(at) as "oldestAt" from audit_log where seq is null`),
  );
  const unsealed = {
    count: Number(u?.count ?? 0),
    oldestId: u?.oldestId ? Number(u.oldestId) : null,
    oldestAt: u?.oldestAt ? new Date(u.oldestAt).toISOString() : null,
  };
  const report: VerifyReport = { ok: true, checked: 0, firstSeq: null, lastSeq: null, firstBroken: null, unsealed, seal: await newestSeal(db) };
  const broken = (seq: number, id: number | null, reason: BrokenReason) => {
    report.ok = false;
    report.firstBroken = { seq, id, reason };
    return report;
  };

  let prev = null as { seq: number; mac: string } | null;
  let anchors: Map<number, string> | null = null;
  for (;;) {
    // The rows after the last one checked, up to a short batch.
    for (;;) {
      const after: SQL = prev ? sql`where seq > ${prev.seq}` : sql`where seq is not null`;
      const rows: SealedRow[] = rowsOf<SealedRow>(
        await db.execute(sql`select ${SEALED_COLUMNS} from audit_log ${after} order by audit_log.seq limit ${batchSize}`),
      );
      for (const r of rows) {
        const seq = Number(r.seq);
        const id = Number(r.id);
        if (prev === null) {
          report.firstSeq = seq;
          const anchored = seq === 1 ? r.prevMac === GENESIS_MAC : (anchors ??= await purgeAnchors(db)).get(seq - 1) === r.prevMac;
          if (!anchored) return broken(seq, id, seq === 1 ? 'link' : 'unanchored');
        } else {
          if (seq !== prev.seq + 1) return broken(prev.seq + 1, null, 'missing');
          if (r.prevMac !== prev.mac) return broken(seq, id, 'link');
        }
        if (r.prevMac === null || r.mac !== macOf(key, r.prevMac, seq, r)) return broken(seq, id, 'altered');
        report.checked += 1;
        report.lastSeq = seq;
        prev = { seq, mac: r.mac };
      }
      if (rows.length < batchSize) break;
    }
    // The sealer may have gone on meanwhile (no long transaction holds a snapshot: on PGlite it would stop intake):
    // a newer seal than the last one read means more rows to walk; the same seal ahead of the rows means a cut tail.
    const latest = await newestSeal(db);
    const grew = latest !== null && latest.lastSeq !== report.seal?.lastSeq;
    report.seal = latest;
    if (!grew || prev === null || latest.lastSeq <= prev.seq) break;
  }
  const seal = report.seal;
  if (seal && (prev === null || seal.lastSeq !== prev.seq || seal.lastMac !== prev.mac)) {
    return broken(prev === null ? seal.lastSeq : Math.min(prev.seq + 1, seal.lastSeq), null, 'seal_mismatch');
  }
  if (!seal && prev !== null) return broken(prev.seq, null, 'seal_mismatch');
  return report;
}
