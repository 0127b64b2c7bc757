/**
 * /api/reports/monthly over HTTP: who may, what is refused and with which code, generating, listing,
 * the figures, and downloads that are the stored bytes with a Chinese file name.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { startApi, type Api } from '../setup/server.ts';
import { callBody, makeWorld, type TestUser, type World } from '../setup/world.ts';
import { expectProblem, userOfRole } from '../setup/ticket-flow.ts';
import { rollup } from '../../src/domain/metrics/rollup.ts';
import type { Role } from '../../src/domain/vocab.ts';

let database: Database;
let deps: TestDeps;
let api: Api;
let w: World;

const FEB = '2026-02-10T02:00:00.000Z';
const MARCH_10 = '2026-03-10T02:00:00.000Z';
const FILE_NAME = '测试热线中心2026年2月热线分析报告';

beforeAll(async () => {
  database = await freshDatabase();
  deps = makeDeps(database, {}, FEB);
  api = await startApi(deps);
  w = await makeWorld(deps.db);
  // February has three calls: two by phone, one at the window.
  for (const [user, over] of [
    [w.operator, {}],
    [w.operator, { categoryId: w.category.id }],
    [w.clerk, { window: { matter: '办理居住证', hallDepartment: '政务服务中心', reason: 'documents' } }],
  ] as const) {
    const r = await api.call('POST', '/api/tickets', { token: user.token, body: callBody(w.category.id, over) });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
  await rollup(deps, deps.clock.now());
  deps.clock.set(MARCH_10);
}, 60_000);
afterAll(async () => {
  await api?.close();
  await database?.close();
});

const post = (user: TestUser | null, body: unknown) => api.call('POST', '/api/reports/monthly', { token: user?.token, body });
const get = (user: TestUser | null, path: string) => api.call('GET', path, { token: user?.token });
async function download(user: TestUser, path: string) {
  const res = await fetch(api.base + path, { headers: { authorization: `Bearer ${user.token}` } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('access', () => {
  const refused: Role[] = ['operator', 'window_clerk', 'dispatcher', 'callback_agent', 'unit_handler', 'unit_leader', 'intake_client'];
  it.each(refused)('%s is refused every report endpoint (403 forbidden)', async (role) => {
    const user = userOfRole(w)[role];
    expectProblem(await post(user, { month: '2026-02' }), 403, 'forbidden');
    for (const path of ['/api/reports/monthly', '/api/reports/monthly/2026-02', '/api/reports/monthly/2026-02.pdf', '/api/reports/monthly/2026-02.xlsx']) {
      expectProblem(await get(user, path), 403, 'forbidden');
    }
  });

  it('without a session: 401', async () => {
    expectProblem(await get(null, '/api/reports/monthly'), 401, 'unauthenticated');
    expectProblem(await post(null, { month: '2026-02' }), 401, 'unauthenticated');
  });
});

describe('refusals', () => {
  it('a malformed month is 400', async () => {
    for (const month of ['2026-13', '2026-2', '202602', '']) expectProblem(await post(w.supervisor, { month }), 400, 'validation_failed');
    expectProblem(await post(w.supervisor, { month: '2026-02', extra: 1 }), 400, 'validation_failed');
    expectProblem(await get(w.supervisor, '/api/reports/monthly/2026-2'), 400, 'validation_failed');
  });

  it('the current month and the future are 422 report_month_not_over', async () => {
    for (const month of ['2026-03', '2026-04', '2030-01']) {
      const r = await post(w.supervisor, { month });
      expectProblem(r, 422, 'report_month_not_over');
      expect(r.body.detail ?? r.body.title).toContain('2026-02');
    }
  });

  it('a month before the first ticket is 422 report_month_before_data', async () => {
    expectProblem(await post(w.supervisor, { month: '2026-01' }), 422, 'report_month_before_data');
    expectProblem(await post(w.admin, { month: '2019-12' }), 422, 'report_month_before_data');
  });

  it('a month never generated is 404 report_not_found, for the figures and the files', async () => {
    for (const path of ['/api/reports/monthly/2025-12', '/api/reports/monthly/2025-12.pdf', '/api/reports/monthly/2025-12.xlsx']) {
      expectProblem(await get(w.supervisor, path), 404, 'report_not_found');
    }
  });

  it('without Chromium: 503 pdf_renderer_unavailable, and the month is listed as failed', async () => {
    const broken = makeDeps(database, { CHROMIUM_PATH: '/nonexistent/chromium' }, MARCH_10);
    const api2 = await startApi(broken);
    try {
      expectProblem(
        await api2.call('POST', '/api/reports/monthly', { token: w.supervisor.token, body: { month: '2026-02' } }),
        503,
        'pdf_renderer_unavailable',
      );
    } finally {
      await api2.close();
    }
    const list = await get(w.supervisor, '/api/reports/monthly');
    expect(list.body.items).toEqual([
      expect.objectContaining({ month: '2026-02', status: 'failed', error: 'pdf_renderer_unavailable', version: 0, pdf: null, xlsx: null }),
    ]);
    expectProblem(await get(w.supervisor, '/api/reports/monthly/2026-02.pdf'), 404, 'report_not_found');
  });
});

describe('generate, list, read, download', () => {
  let pdfSha: string;

  it('a supervisor generates February: 201 with the stored report (no bytes)', async () => {
    const r = await post(w.supervisor, { month: '2026-02' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.headers.get('location')).toBe('/api/reports/monthly/2026-02');
    expect(r.body).toMatchObject({
      month: '2026-02',
      title: FILE_NAME,
      status: 'ready',
      version: 1,
      trigger: 'manual',
      error: null,
      generatedAt: MARCH_10,
      generatedBy: { id: w.supervisor.id },
      pdf: { mediaType: 'application/pdf', url: '/api/reports/monthly/2026-02.pdf', size: expect.any(Number), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      xlsx: { url: '/api/reports/monthly/2026-02.xlsx' },
    });
    pdfSha = r.body.pdf.sha256;
    const audit = await get(w.auditAdmin, '/api/audit?action=monthly_report_generated');
    expect(audit.body.items[0]).toMatchObject({
      userId: w.supervisor.id,
      targetType: 'monthly_report',
      targetId: '2026-02',
      details: expect.objectContaining({ trigger: 'manual', version: 1 }),
    });
  }, 60_000);

  it('the list and the figures', async () => {
    const list = await get(w.admin, '/api/reports/monthly');
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: { month: string; status: string }) => [i.month, i.status])).toEqual([['2026-02', 'ready']]);
    const f = await get(w.admin, '/api/reports/monthly/2026-02');
    expect(f.status).toBe(200);
    expect(f.body.report).toMatchObject({ month: '2026-02', version: 1 });
    expect(f.body.figures).toMatchObject({ month: '2026-02', previousMonth: '2026-01', overview: { contacts: { current: 3, previous: 0 } } });
    expect(f.body.figures.channels.map((c: { name: string; current: number }) => [c.name, c.current])).toEqual([
      ['电话', 2],
      ['“办不成事”窗口', 1],
    ]);
  });

  it('downloads are the stored bytes, with the type, a Chinese file name and the sha256 as ETag — again and again', async () => {
    const a = await download(w.supervisor, '/api/reports/monthly/2026-02.pdf');
    expect(a.status).toBe(200);
    expect(a.headers.get('content-type')).toBe('application/pdf');
    expect(a.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(a.headers.get('content-disposition')).toBe(
      `attachment; filename="monthly-report-2026-02.pdf"; filename*=UTF-8''${encodeURIComponent(`${FILE_NAME}.pdf`)}`,
    );
    expect(sha(a.bytes)).toBe(pdfSha);
    expect(a.headers.get('etag')).toBe(`"${pdfSha}"`);
    const b = await download(w.admin, '/api/reports/monthly/2026-02.pdf');
    expect(Buffer.compare(a.bytes, b.bytes)).toBe(0);

    const x = await download(w.supervisor, '/api/reports/monthly/2026-02.xlsx');
    expect(x.status).toBe(200);
    expect(x.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(x.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent(`${FILE_NAME}.xlsx`)}`);
    expect(x.bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    const listed = (await get(w.supervisor, '/api/reports/monthly')).body.items[0];
    expect(listed.xlsx).toMatchObject({ size: x.bytes.length, sha256: sha(x.bytes) });
  });

  it('a second request while one is generating is 409 report_generating; then an admin regenerates (version 2)', async () => {
    const [r1, r2] = await Promise.all([post(w.admin, { month: '2026-02' }), post(w.supervisor, { month: '2026-02' })]);
    const statuses = [r1.status, r2.status].sort();
    expect(statuses).toEqual([201, 409]);
    expectProblem([r1, r2].find((r) => r.status === 409)!, 409, 'report_generating');
    const done = [r1, r2].find((r) => r.status === 201)!;
    expect(done.body).toMatchObject({ version: 2, status: 'ready' });
    const list = await get(w.supervisor, '/api/reports/monthly');
    expect(list.body.items).toHaveLength(1);
    const now = await download(w.supervisor, '/api/reports/monthly/2026-02.pdf');
    expect(sha(now.bytes)).toBe(list.body.items[0].pdf.sha256);
  }, 60_000);

  it('the OpenAPI document describes the downloads', async () => {
    const doc = (await get(w.admin, '/api/openapi.json')).body;
    for (const p of ['/api/reports/monthly', '/api/reports/monthly/{month}', '/api/reports/monthly/{month}.pdf', '/api/reports/monthly/{month}.xlsx'])
      expect(doc.paths[p], p).toBeDefined();
    expect(doc.paths['/api/reports/monthly'].post['x-access']).toEqual(['supervisor', 'admin']);
  });
});
