/**
 * The tamper-evident audit chain: rows sealed with HMAC-SM3 shortly after they are written,
 * verified link by link; an altered, removed or cut-off row is reported at its seq; the retention purge cuts the
 * chain's head and leaves it verifiable; two sealers at once never fork it. Each test has a database of its own:
 * tampering needs the table owner (`alter table … disable trigger user`), as an attacker with the database would.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { connect, type Database } from '../../db/client.ts';
import { auditSeals } from '../../db/schema/index.ts';
import { audit } from '../../src/domain/audit.ts';
import { canonicalJson, GENESIS_MAC, macOf, sealAudit, verifyChain } from '../../src/domain/audit-chain.ts';
import { purgeAudit } from '../../src/domain/audit-retention.ts';
import { TEST_KEYS } from '../../src/domain/privacy/keyring.ts';
import { verifyCommand } from '../../src/cli/audit.ts';
import { driver, freshDatabase } from '../setup/db.ts';

const open: Database[] = [];
afterEach(async () => {
  for (const d of open.splice(0).reverse()) await d.close();
});
async function fresh(): Promise<Database & { url?: string }> {
  const d = await freshDatabase();
  open.push(d);
  return d;
}

const actor = { userId: 7, role: 'audit_admin' as const, ip: '198.51.100.7', requestId: 'req-1' };

/** `n` audit rows with details PostgreSQL will reorder (jsonb sorts keys by length, then bytes). */
async function write(d: Database, n: number, action = 'probe') {
  for (let i = 0; i < n; i++) {
    await audit(
      d.db,
      i % 2 ? actor : null,
      action,
      { type: 'ticket', id: i + 1 },
      { zeta: i, a: { long_key: [1, 'двa', null], b: true }, 中文: '审计', n: 1.5e3 },
    );
  }
}

const seqs = async (d: Database) =>
  (await d.query<{ seq: string; id: string }>(`select seq::text as seq, id::text as id from audit_log order by audit_log.seq`)).map((r) => ({
    seq: Number(r.seq),
    id: Number(r.id),
  }));

/** What an attacker with the table owner's rights does: the guard trigger off for one statement. */
async function asOwner(d: Database, stmt: string, params: unknown[] = []) {
  await d.query('alter table audit_log disable trigger user');
  try {
    await d.query(stmt, params);
  } finally {
    await d.query('alter table audit_log enable trigger user');
  }
}

describe('sealing', () => {
  it('gives every row the next seq, the previous mac and its own HMAC-SM3; the chain verifies and ends at the newest seal', async () => {
    const d = await fresh();
    await write(d, 7);
    const first = await sealAudit(d.db, { batchSize: 3 });
    expect(first).toMatchObject({ sealed: 7, batches: 3, skipped: false });
    const rows = await d.query<{ seq: string; prev_mac: string; mac: string; details: unknown }>(
      `select seq::text, prev_mac, mac, details from audit_log order by audit_log.seq`,
    );
    expect(rows.map((r) => Number(r.seq))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(rows[0]!.prev_mac).toBe(GENESIS_MAC);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_mac).toBe(rows[i - 1]!.mac);
    expect(rows[0]!.mac).toMatch(/^[0-9a-f]{64}$/);
    const seals = await d.db.select().from(auditSeals).orderBy(auditSeals.id);
    expect(seals.map((s) => [s.lastSeq, s.rows])).toEqual([
      [3, 3],
      [6, 3],
      [7, 1],
    ]);
    expect(seals[2]!.lastMac).toBe(rows[6]!.mac);

    const report = await verifyChain(d.db, { batchSize: 4 });
    expect(report).toMatchObject({ ok: true, checked: 7, firstSeq: 1, lastSeq: 7, firstBroken: null, unsealed: { count: 0 } });
    expect(report.seal).toMatchObject({ lastSeq: 7, lastMac: rows[6]!.mac });

    // Nothing new: no seal. New rows continue the chain.
    expect(await sealAudit(d.db)).toMatchObject({ sealed: 0, batches: 0 });
    await write(d, 2);
    expect((await verifyChain(d.db)).unsealed).toMatchObject({ count: 2, oldestId: expect.any(Number) });
    await sealAudit(d.db);
    expect(await verifyChain(d.db)).toMatchObject({ ok: true, checked: 9, lastSeq: 9 });
    // Under another key, every mac is wrong.
    const other = Buffer.alloc(32, 1);
    expect((await verifyChain(d.db, { key: other })).firstBroken).toEqual({ seq: 1, id: expect.any(Number), reason: 'altered' });
  });

  it('the mac covers the canonical form: keys sorted at every level, the time to the microsecond', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
    const row = {
      id: '1',
      at: '2026-12-06T10:00:00.123456Z',
      userId: null,
      role: null,
      ip: null,
      requestId: null,
      action: 'x',
      targetType: null,
      targetId: null,
      details: '{"b":1,"a":2}',
    };
    const key = Buffer.from(TEST_KEYS.audit, 'hex');
    expect(macOf(key, GENESIS_MAC, 1, row)).toBe(macOf(key, GENESIS_MAC, 1, { ...row, details: '{"a": 2, "b": 1}' }));
    expect(macOf(key, GENESIS_MAC, 1, row)).not.toBe(macOf(key, GENESIS_MAC, 1, { ...row, at: '2026-12-06T10:00:00.123457Z' }));
    expect(macOf(key, GENESIS_MAC, 1, row)).not.toBe(macOf(key, GENESIS_MAC, 2, row));
  });

  it('two instances sealing while two write never fork the chain: every row once, seqs 1…n, seals in order', async () => {
    const d = await fresh();
    // On PostgreSQL a second pool on the same database is a second instance; PGlite has one connection.
    const other = driver === 'postgres' ? await connect({ url: d.url!, max: 4 }) : d;
    if (other !== d) open.push(other);
    let writing = true;
    const writer = async (db: Database, tag: string) => {
      for (let i = 0; i < 60; i++) await audit(db.db, null, `concurrent_${tag}`, null, { i });
    };
    const sealer = async (db: Database) => {
      let skipped = 0;
      while (writing) {
        const r = await sealAudit(db.db, { batchSize: 7 });
        if (r.skipped) skipped++;
      }
      return skipped;
    };
    const sealers = [sealer(d), sealer(other)];
    await Promise.all([writer(d, 'a'), writer(other, 'b')]);
    writing = false;
    await Promise.all(sealers);
    await sealAudit(d.db, { wait: true });
    const all = await seqs(d);
    expect(all).toHaveLength(120);
    expect(all.map((r) => r.seq)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    const seals = await d.query<{ last_seq: string; rows: number }>('select last_seq::text, rows from audit_seals order by id');
    let expected = 0;
    for (const s of seals) {
      expected += s.rows;
      expect(Number(s.last_seq)).toBe(expected);
    }
    expect(await verifyChain(d.db)).toMatchObject({ ok: true, checked: 120 });
  }, 60_000);
});

describe('tampering is reported at its seq', () => {
  it('details altered by the table owner: "altered" at that seq; put back, the chain verifies again', async () => {
    const d = await fresh();
    await write(d, 6);
    await sealAudit(d.db);
    const at4 = (await seqs(d))[3]!;
    const [orig] = await d.query<{ details: string }>(`select details::text from audit_log where id = $1`, [at4.id]);
    await asOwner(d, `update audit_log set details = jsonb_set(details, '{zeta}', '99') where id = $1`, [at4.id]);
    expect((await verifyChain(d.db)).firstBroken).toEqual({ seq: 4, id: at4.id, reason: 'altered' });
    await asOwner(d, `update audit_log set details = $2::jsonb where id = $1`, [at4.id, orig!.details]);
    expect((await verifyChain(d.db)).ok).toBe(true);
    // One microsecond off is an alteration too.
    await asOwner(d, `update audit_log set at = at + interval '1 microsecond' where id = $1`, [at4.id]);
    expect((await verifyChain(d.db)).firstBroken).toEqual({ seq: 4, id: at4.id, reason: 'altered' });
  });

  it('a middle row deleted: "missing" at its seq; rows re-linked without the key: "altered"', async () => {
    const d = await fresh();
    await write(d, 6);
    await sealAudit(d.db);
    const rows = await seqs(d);
    await asOwner(d, `delete from audit_log where id = $1`, [rows[2]!.id]);
    expect((await verifyChain(d.db)).firstBroken).toEqual({ seq: 3, id: null, reason: 'missing' });
    // Moving the next row into the gap and linking it does not help without the key.
    await asOwner(d, `update audit_log set seq = 3, prev_mac = (select mac from audit_log where seq = 2) where seq = 4`);
    expect((await verifyChain(d.db)).firstBroken).toEqual({ seq: 3, id: rows[3]!.id, reason: 'altered' });
  });

  it('the tail cut off: "seal_mismatch" after the last row left, though every remaining link holds', async () => {
    const d = await fresh();
    await write(d, 5);
    await sealAudit(d.db);
    await asOwner(d, `delete from audit_log where seq >= 4`);
    expect(await verifyChain(d.db)).toMatchObject({ ok: false, checked: 3, firstBroken: { seq: 4, id: null, reason: 'seal_mismatch' } });
    // New rows chain on from the seal, not from the cut end: the gap stays visible.
    await write(d, 1);
    await sealAudit(d.db);
    expect((await verifyChain(d.db)).firstBroken).toEqual({ seq: 4, id: null, reason: 'missing' });
  });

  it('a first row that is not the genesis and no purge recorded: "unanchored"', async () => {
    const d = await fresh();
    await write(d, 3);
    await sealAudit(d.db);
    await asOwner(d, `delete from audit_log where seq = 1`);
    expect((await verifyChain(d.db)).firstBroken).toEqual({ seq: 2, id: expect.any(Number), reason: 'unanchored' });
  });
});

describe('retention', () => {
  const now = new Date();
  const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000).toISOString();
  const insertAt = (d: Database, iso: string, action: string) =>
    d.query(`insert into audit_log (at, action, details) values ($1, $2, '{"old":true}')`, [iso, action]);

  it('deletes the sealed head older than the retention, anchored by its own audit row; the chain still verifies', async () => {
    const d = await fresh();
    for (let i = 0; i < 4; i++) await insertAt(d, daysAgo(400 - i), 'ancient');
    for (let i = 0; i < 2; i++) await insertAt(d, daysAgo(200), 'older_than_floor');
    await write(d, 2, 'recent');
    await insertAt(d, daysAgo(500), 'late_commit'); // old, but behind younger rows in the chain
    await sealAudit(d.db);
    await insertAt(d, daysAgo(600), 'never_sealed'); // old, but not in the chain yet

    const r = await purgeAudit(d.db, now, 365, { batchSize: 3 });
    expect(r).toMatchObject({ rows: 4, batches: 2, lastPurgedSeq: 4 });
    const left = await d.query<{ action: string }>(`select action from audit_log order by id`);
    expect(left.map((x) => x.action)).toEqual([
      'older_than_floor',
      'older_than_floor',
      'recent',
      'recent',
      'late_commit',
      'never_sealed',
      'audit_purged',
      'audit_purged',
    ]);
    const [purge] = await d.query<{ details: Record<string, unknown> }>(`select details from audit_log where action = 'audit_purged' order by id desc limit 1`);
    expect(purge!.details).toMatchObject({ rows: 1, firstPurgedSeq: 4, lastPurgedSeq: 4, lastPurgedMac: expect.stringMatching(/^[0-9a-f]{64}$/) });
    await sealAudit(d.db, { wait: true });
    expect(await verifyChain(d.db)).toMatchObject({ ok: true, firstSeq: 5, firstBroken: null });

    // 180 days is the floor: the rows of 200 days go, what is behind the young rows stays.
    expect(await purgeAudit(d.db, now, 180)).toMatchObject({ rows: 2, lastPurgedSeq: 6 });
    await sealAudit(d.db, { wait: true });
    expect(await verifyChain(d.db)).toMatchObject({ ok: true, firstSeq: 7 });
    expect((await d.query(`select 1 from audit_log where action = 'late_commit'`)).length).toBe(1);
    // The purge anchor forged: the chain shows it.
    await asOwner(
      d,
      `update audit_log set details = jsonb_set(details, '{lastPurgedMac}', to_jsonb(repeat('0', 64))) where action = 'audit_purged' and (details->>'lastPurgedSeq')::int = 6`,
    );
    expect((await verifyChain(d.db)).firstBroken).toMatchObject({ seq: 7, reason: 'unanchored' });
  });

  it('refuses under 180 days, in the command and in the database', async () => {
    const d = await fresh();
    await expect(purgeAudit(d.db, now, 179)).rejects.toThrow(/at least 180 days/);
    await insertAt(d, daysAgo(179), 'young');
    await sealAudit(d.db);
    // A clock far ahead changes nothing: the database's own clock decides what is old enough.
    expect(await purgeAudit(d.db, new Date(now.getTime() + 1000 * 86_400_000), 180)).toMatchObject({ rows: 0 });
    await expect(
      d.db.transaction(async (tx) => {
        await tx.execute(sql`set local jiesu.audit_purge = 'on'`);
        await tx.execute(sql`delete from audit_log where action = 'young'`);
      }),
    ).rejects.toSatisfy((e: unknown) => /append-only/.test(String((e as { cause?: unknown }).cause ?? e)));
    // And without the setting, not even an old row.
    await insertAt(d, daysAgo(400), 'old');
    await expect(d.query(`delete from audit_log where action = 'old'`)).rejects.toThrow(/append-only/);
  });
});

describe('npm run audit:verify', () => {
  it('prints the report and exits 0 on an intact chain, 1 on a broken one', async () => {
    const d = await fresh();
    await write(d, 3);
    expect((await verifyCommand(d)).ok).toBe(true);
    const [rec] = await d.query<{ details: Record<string, unknown> }>(`select details from audit_log where action = 'audit_verified'`);
    expect(rec!.details).toMatchObject({ via: 'cli', ok: true, checked: 3 });

    // The command itself, in a process of its own, with the keys from JIESU_KEYS.
    let env: Record<string, string>;
    let dataDir: string | null = null;
    if (driver === 'postgres') {
      env = { DATABASE_URL: d.url! };
    } else {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jiesu-audit-'));
      const copy = await connect({ dataDir, loadDataDir: new Blob([fs.readFileSync(inject('pgliteTemplate'))]) });
      await write(copy, 3);
      await copy.close();
      env = { DATA_DIR: dataDir };
    }
    const run = () =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/audit.ts'], {
        env: { ...process.env, ...env, JIESU_KEYS: JSON.stringify(TEST_KEYS), LOG_LEVEL: 'silent' },
        encoding: 'utf8',
        timeout: 60_000,
      });
    try {
      const ok = run();
      expect(ok.status, ok.stderr).toBe(0);
      expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, firstBroken: null });
      const target = driver === 'postgres' ? d : await connect({ dataDir: dataDir! });
      await asOwner(target, `update audit_log set action = 'forged' where seq = 2`);
      if (target !== d) await target.close();
      const bad = run();
      expect(bad.status).toBe(1);
      expect(JSON.parse(bad.stdout).firstBroken).toMatchObject({ seq: 2, reason: 'altered' });
      expect(bad.stderr).toMatch(/audit chain broken at seq 2/);
    } finally {
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
