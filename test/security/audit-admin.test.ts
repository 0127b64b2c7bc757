/**
 * The audit administrator's work over HTTP: the log read (and the read recorded), the chain
 * verified with the first broken link reported, the export as CSV (recorded), the retention in force; the jobs
 * that seal and purge. Nobody else may do any of it (test/http/access.test.ts and the access matrix).
 */
import { describe, expect, it } from 'vitest';
import { audit } from '../../src/domain/audit.ts';
import { auditRetentionJob, auditSealJob } from '../../src/jobs/audit.ts';
import { api, database, deps, useApiWorld, w } from '../http/api-world.ts';
import { expectProblem } from '../setup/ticket-flow.ts';

useApiWorld({ config: { AUDIT_RETENTION_DAYS: 400 } });

const as = (path: string) => api.call('GET', path, { token: w.auditAdmin.token });
const recorded = async (action: string) =>
  database.query<{ user_id: number; role: string; details: Record<string, unknown> }>(
    `select user_id, role::text, details from audit_log where action = $1 order by id desc`,
    [action],
  );

describe('the audit administrator', () => {
  it('reads the log, and the read is itself recorded with its filters', async () => {
    const r = await as('/api/audit?action=user_created&limit=5');
    expect(r.status).toBe(200);
    const [read] = await recorded('audit_read');
    expect(read).toMatchObject({
      user_id: w.auditAdmin.id,
      role: 'audit_admin',
      details: { filters: { action: 'user_created', limit: 5 }, rows: r.body.items.length },
    });
  });

  it('sees the retention in force, the oldest row and what waits to be sealed', async () => {
    const r = await as('/api/audit/status');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      retention: { days: 400, floorDays: 180, cron: expect.any(String) },
      rows: expect.any(Number),
      unsealed: expect.any(Number),
    });
    expect(r.body.rows).toBeGreaterThan(0);
  });

  it('verifies the chain (sealing what is pending first); a row altered by the table owner is reported at its seq; the verification is recorded', async () => {
    for (let i = 0; i < 4; i++) await audit(deps.db, w.admin.actor, 'probe', { type: 'user', id: w.operator.id }, { round: i, nested: { z: 1, a: [i] } });
    const ok = await as('/api/audit/verify');
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, firstBroken: null, unsealed: { count: 0 }, seal: { lastSeq: ok.body.lastSeq } });
    expect(ok.body.checked).toBeGreaterThan(0);
    expect((await recorded('audit_verified'))[0]).toMatchObject({
      user_id: w.auditAdmin.id,
      details: { ok: true, checked: ok.body.checked, firstBroken: null },
    });

    const [victim] = await database.query<{ id: string; seq: string; action: string }>(`select id::text, seq::text, action from audit_log where seq = 2`);
    await database.query('alter table audit_log disable trigger user');
    try {
      await database.query(`update audit_log set action = 'nothing_to_see' where seq = 2`);
      const bad = await as('/api/audit/verify');
      expect(bad.body).toMatchObject({ ok: false, firstBroken: { seq: 2, id: Number(victim!.id), reason: 'altered' } });
      expect((await recorded('audit_verified'))[0]!.details).toMatchObject({ ok: false, firstBroken: { seq: 2, reason: 'altered' } });
      await database.query(`update audit_log set action = $1 where seq = 2`, [victim!.action]);
    } finally {
      await database.query('alter table audit_log enable trigger user');
    }
    expect((await as('/api/audit/verify')).body.ok).toBe(true);
  });

  it('exports a period as CSV with each row’s place in the chain; the export is recorded with its count', async () => {
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 3600_000).toISOString();
    const r = await api.call('GET', `/api/audit/export?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, { token: w.auditAdmin.token });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(r.headers.get('content-disposition')).toMatch(/attachment; filename="audit-.*\.csv"/);
    const text = r.body as string;
    const lines = text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('链序号,编号,时间(UTC),用户,角色,地址,请求编号,操作,对象类型,对象编号,详情,前一校验值,校验值,北京时间');
    const [exported] = await recorded('audit_exported');
    expect(exported).toMatchObject({ user_id: w.auditAdmin.id, details: { from, to } });
    // The export's own entry is written (and sealed) before the rows are read: it is among them, every row sealed.
    expect(lines.length - 1).toBe(Number(exported!.details.rows) + 1);
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.every((c) => /^\d+$/.test(c[0]!) && /^[0-9a-f]{64}$/.test(c[c.length - 2]!))).toBe(true);
    expect(rows.map((c) => Number(c[1]))).toEqual([...rows.map((c) => Number(c[1]))].sort((a, b) => a - b));
    expect(rows.some((c) => c[7] === 'audit_exported')).toBe(true);

    expectProblem(await as(`/api/audit/export?from=${encodeURIComponent(to)}&to=${encodeURIComponent(from)}`), 400, 'validation_failed');
    expectProblem(await as('/api/audit/export'), 400, 'validation_failed');
  });
});

describe('the jobs', () => {
  it('the sealer chains new rows; the retention job purges nothing younger than the retention', async () => {
    await database.query(`insert into audit_log (action) values ('job_probe')`);
    const r = await auditSealJob.run(deps, deps.clock.now());
    expect(r).toMatchObject({ skipped: false, sealed: expect.any(Number) });
    expect(await database.query(`select 1 from audit_log where seq is null`)).toEqual([]);
    expect(await auditRetentionJob.run(deps, new Date())).toMatchObject({ rows: 0 });
    expect((await as('/api/audit/verify')).body).toMatchObject({ ok: true });
  });
});
