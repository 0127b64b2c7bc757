/**
 * GET /api/tickets/export: the list's rows, scope and masking as CSV (UTF-8 with a BOM, Chinese headers) and
 * XLSX; every export audited with its filters and row count; a refused filter refused before any byte; a large
 * result written page by page.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { auditLog } from '../../db/schema/index.ts';
import { exportTickets } from '../../src/domain/tickets/export.ts';
import { api, deps, flow, useApiWorld, w } from './api-world.ts';
import type { View } from '../setup/ticket-flow.ts';
import type { TestUser } from '../setup/world.ts';

useApiWorld({ now: '2026-03-10T02:00:00.000Z' });

const PHONE_A = '13812340001';
const PHONE_B = '13712340003';
const IN_TEXT = '13655559999';
let streetA: View;
let confidentialA: View;
let streetB: View;

beforeAll(async () => {
  const dispatch = (v: View, unitId: number) => flow.ticket(w.dispatcher, v, 'dispatch', { leadUnitId: unitId });
  streetA = await dispatch(
    await flow.create({ title: `${IN_TEXT}反映噪音`, content: `夜间施工噪音，邻居电话${IN_TEXT}`, caller: { name: '王小明', phone: PHONE_A } }),
    w.units.streetA.id,
  );
  confidentialA = await dispatch(
    await flow.create({ content: '举报某商铺违规经营，请予保密处理', type: 'report', confidential: true, caller: { name: '匿名甲', phone: '13912340002' } }),
    w.units.streetA.id,
  );
  streetB = await dispatch(await flow.create({ content: '小区垃圾清运不及时，气味很大', caller: { name: '张先生', phone: PHONE_B } }), w.units.streetB.id);
});

async function download(user: TestUser, query: string) {
  const res = await fetch(`${api.base}/api/tickets/export?${query}`, { headers: { authorization: `Bearer ${user.token}` } });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    disposition: res.headers.get('content-disposition'),
    bytes: Buffer.from(await res.arrayBuffer()),
  };
}
const csvLines = (bytes: Buffer) => bytes.toString('utf8').split('\r\n').filter(Boolean);
async function xlsxRows(bytes: Buffer): Promise<string[][]> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ArrayBuffer);
  const rows: string[][] = [];
  book.worksheets[0]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
  return rows;
}

describe('CSV', () => {
  it('the centre: a BOM, Chinese headers, the list’s rows newest first, callers and numbers in text masked as in the list', async () => {
    const r = await download(w.dispatcher, 'format=csv');
    expect(r.status).toBe(200);
    expect(r.type).toContain('text/csv');
    expect(r.disposition).toMatch(/attachment; filename="tickets-.*\.csv"/);
    expect([...r.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csvLines(r.bytes);
    expect(lines[0]).toBe('\uFEFF工单编号,标题,状态,渠道,紧急程度,预警,分类,主办单位,受理时间,办结时限,办结时间,诉求人,联系电话,地址');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([streetB.number, confidentialA.number, streetA.number]);
    const a = lines.find((l) => l.startsWith(streetA.number))!;
    expect(a).toContain('136****9999反映噪音');
    expect(a).toContain('王小明,138****0001');
    expect(a).toContain('甲街道');
    expect(a).toContain('2026-03-10 10:00');
    const text = r.bytes.toString('utf8');
    for (const full of [PHONE_A, PHONE_B, IN_TEXT]) expect(text).not.toContain(full);
  });

  it('a unit: its own tickets only; a confidential caller hidden entirely', async () => {
    const lines = csvLines((await download(w.handlerA, 'format=csv')).bytes);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([confidentialA.number, streetA.number]);
    expect(lines.join('\n')).not.toContain('匿名甲');
    expect(lines.join('\n')).not.toContain('139****0002');
    expect(
      csvLines((await download(w.handlerB, 'format=csv')).bytes)
        .slice(1)
        .map((l) => l.split(',')[0]),
    ).toEqual([streetB.number]);
    expect(csvLines((await download(w.handlerDept, 'format=csv')).bytes)).toHaveLength(1);
  });

  it('takes the list’s filters', async () => {
    const lines = csvLines((await download(w.dispatcher, `format=csv&unitId=${w.units.streetB.id}`)).bytes);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([streetB.number]);
  });

  it('refuses what the list refuses, before any byte: the caller’s fields for units (403), digits in text (422), a bad format (400)', async () => {
    const phone = await api.call('GET', '/api/tickets/export?format=csv&phone=0001', { token: w.handlerA.token });
    expect([phone.status, phone.body.code]).toEqual([403, 'search_field_forbidden']);
    const digits = await api.call('GET', '/api/tickets/export?format=csv&q=1365', { token: w.handlerA.token });
    expect([digits.status, digits.body.code]).toEqual([422, 'search_digits_refused']);
    const format = await api.call('GET', '/api/tickets/export?format=pdf', { token: w.dispatcher.token });
    expect([format.status, format.body.code]).toEqual([400, 'validation_failed']);
  });
});

describe('XLSX', () => {
  it('the same rows and masking in a workbook, for the centre and a unit', async () => {
    const r = await download(w.dispatcher, 'format=xlsx');
    expect(r.status).toBe(200);
    expect(r.type).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const rows = await xlsxRows(r.bytes);
    expect(rows[0]!.slice(0, 3)).toEqual(['工单编号', '标题', '状态']);
    expect(rows.slice(1).map((x) => x[0])).toEqual([streetB.number, confidentialA.number, streetA.number]);
    const a = rows.find((x) => x[0] === streetA.number)!;
    expect(a[1]).toBe('136****9999反映噪音');
    expect(a[12]).toBe('138****0001');
    expect(JSON.stringify(rows)).not.toContain(PHONE_A);
    const unit = await xlsxRows((await download(w.handlerB, 'format=xlsx')).bytes);
    expect(unit.slice(1).map((x) => x[0])).toEqual([streetB.number]);
  });
});

describe('audit and size', () => {
  it('every export is audited with who, the format, the filters and the row count', async () => {
    await download(w.handlerA, `format=xlsx&status=awaiting_sign`);
    const rows = await deps.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'tickets_export'), eq(auditLog.userId, w.handlerA.id)));
    const last = rows.at(-1)!;
    expect(last.role).toBe('unit_handler');
    expect(last.details).toMatchObject({ format: 'xlsx', filters: { status: 'awaiting_sign' }, rows: 2 });
  });

  it('writes a result larger than a page page by page (keyset), every row once', async () => {
    const stream = await exportTickets(deps.db, w.dispatcher.actor, {}, 'csv', deps.clock.now(), { pageSize: 1 });
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(Buffer.from(c));
    const numbers = csvLines(Buffer.concat(chunks))
      .slice(1)
      .map((l) => l.split(',')[0]);
    expect(numbers).toEqual([streetB.number, confidentialA.number, streetA.number]);
  });
});
