/**
 * What the audit administrator (审计管理员) does with the audit log — query it, verify its chain, export it, see
 * the retention in force — each itself audited (`audit_read`, `audit_verified`, `audit_exported`). Verification
 * and export first seal what is still unsealed (waiting for a running sealer), so they cover every row.
 */
import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import type { Config } from '../config.ts';
import type { Deps } from '../deps.ts';
import type { Actor } from './auth/actor.ts';
import { audit, queryAudit, type AuditQuery } from './audit.ts';
import { canonicalJson, contentOf, SEALED_COLUMNS, type SealedRow, sealAudit, verifyChain, type VerifyReport } from './audit-chain.ts';
import { AUDIT_RETENTION_FLOOR_DAYS } from './audit-retention.ts';
import { shanghaiMinute } from './clock.ts';
import { BOM, cell } from './metrics/csv.ts';
import { rowsOf } from './tickets/queries.ts';

type AuditDeps = Pick<Deps, 'db'>;

/** The log, newest first, filtered; the read itself is recorded with its filters. */
export async function readAuditLog(deps: AuditDeps, actor: Actor, q: AuditQuery) {
  const items = await queryAudit(deps.db, q);
  await audit(deps.db, actor, 'audit_read', null, { filters: { ...q }, rows: items.length });
  return items;
}

/** Seals what is pending, then walks the whole chain; the result is recorded. */
export async function verifyAuditLog(deps: AuditDeps, actor: Actor): Promise<VerifyReport> {
  await sealAudit(deps.db, { wait: true });
  const report = await verifyChain(deps.db);
  await audit(deps.db, actor, 'audit_verified', null, { ok: report.ok, checked: report.checked, firstBroken: report.firstBroken });
  return report;
}

/** The retention in force and the chain's state, for the audit screen. */
export async function auditStatus(deps: AuditDeps & { config: Pick<Config, 'AUDIT_RETENTION_DAYS' | 'RETENTION_CRON'> }) {
  const [r] = rowsOf<{ oldestAt: Date | string | null; rows: number; unsealed: number; sealedAt: Date | string | null; lastSeq: string | null }>(
    await deps.db.execute(sql`select (select min(at) from audit_log) as "oldestAt",
      (select count(*)::int from audit_log) as rows,
      (select count(*)::int from audit_log where seq is null) as unsealed,
      s.sealed_at as "sealedAt", s.last_seq::text as "lastSeq"
      from (select 1) one left join lateral (select sealed_at, last_seq from audit_seals order by id desc limit 1) s on true`),
  );
  const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);
  return {
    retention: { days: deps.config.AUDIT_RETENTION_DAYS, floorDays: AUDIT_RETENTION_FLOOR_DAYS, cron: deps.config.RETENTION_CRON },
    oldestAt: iso(r?.oldestAt),
    rows: Number(r?.rows ?? 0),
    unsealed: Number(r?.unsealed ?? 0),
    lastSeal: r?.lastSeq ? { seq: Number(r.lastSeq), at: iso(r.sealedAt) } : null,
  };
}

const EXPORT_PAGE = 1000;
/** The chain's own fields in its order (seq, the content, the macs), then the time as people read it. */
const HEADERS = ['链序号', '编号', '时间(UTC)', '用户', '角色', '地址', '请求编号', '操作', '对象类型', '对象编号', '详情', '前一校验值', '校验值', '北京时间'];

function exportPage(deps: AuditDeps, range: { from: string; to: string }, afterId: number) {
  return deps.db.execute(sql`select ${SEALED_COLUMNS}
    from audit_log where at >= ${range.from}::timestamptz and at < ${range.to}::timestamptz and id > ${afterId}
    order by audit_log.id limit ${EXPORT_PAGE}`);
}

/**
 * The rows of [from, to) as CSV (UTF-8 with BOM, CRLF), oldest first, with their place in the chain, streamed a
 * page at a time. Recorded (with the row count) and then sealed before the first byte, so even an abandoned
 * download leaves its entry, itself sealed.
 */
export async function exportAuditLog(deps: AuditDeps, actor: Actor, range: { from: string; to: string }): Promise<Readable> {
  const [c] = rowsOf<{ n: number }>(
    await deps.db.execute(sql`select count(*)::int as n from audit_log where at >= ${range.from}::timestamptz and at < ${range.to}::timestamptz`),
  );
  await audit(deps.db, actor, 'audit_exported', null, { from: range.from, to: range.to, rows: Number(c?.n ?? 0) });
  await sealAudit(deps.db, { wait: true });
  let page = rowsOf<SealedRow>(await exportPage(deps, range, 0));
  const out = new PassThrough();
  out.write(`${BOM}${HEADERS.map(cell).join(',')}\r\n`);
  void (async () => {
    for (;;) {
      for (const r of page) {
        const { fields, details } = contentOf(r);
        const cells = [r.seq, ...fields, canonicalJson(details), r.prevMac, r.mac, shanghaiMinute(new Date(r.at))];
        out.write(`${cells.map(cell).join(',')}\r\n`);
      }
      if (page.length < EXPORT_PAGE) break;
      // A slow client holds the next page back (the stream's buffer, not memory, bounds what waits).
      if (out.writableNeedDrain) await once(out, 'drain');
      page = rowsOf<SealedRow>(await exportPage(deps, range, Number(page[page.length - 1]!.id)));
    }
    out.end();
  })().catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  return out;
}
