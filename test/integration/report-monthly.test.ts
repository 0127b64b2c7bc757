/**
 * The monthly report of a hand-computed March (report-fixture.ts): the figures, the PDF printed by a real
 * Chromium and read back with pdf.js, the XLSX read back with exceljs, and the job: twice for the same
 * month, and (on PostgreSQL) from two pools at once, stores one report.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { eq } from 'drizzle-orm';
import { connect, type Database } from '../../db/client.ts';
import { auditLog, monthlyReports } from '../../db/schema/index.ts';
import { driver, freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import type { MonthlyFigures } from '../../src/domain/reports/contents.ts';
import { computeMonthlyFigures } from '../../src/domain/reports/figures.ts';
import { generateMonthlyReport, getReportFile, getReportFigures, listReports } from '../../src/domain/reports/commands.ts';
import { SHEETS } from '../../src/adapters/reports/xlsx.ts';
import { DEFAULT_METRIC_SETTINGS } from '../../src/domain/metrics/definitions.ts';
import { runMonthlyReport } from '../../src/jobs/monthly-report.ts';
import { APRIL_1ST_2AM, PRIVATE_NAME, PRIVATE_PHONE, seedReportMonth, type ReportFixture } from './report-fixture.ts';

let database: Database & { url?: string };
let deps: TestDeps;
let fx: ReportFixture;
let figures: MonthlyFigures;

beforeAll(async () => {
  database = await freshDatabase();
  deps = makeDeps(database, {});
  fx = await seedReportMonth(deps);
  deps.clock.set(APRIL_1ST_2AM);
  figures = await computeMonthlyFigures(deps.db, '2026-03', { settings: DEFAULT_METRIC_SETTINGS, now: deps.clock.now() });
}, 120_000);
afterAll(async () => {
  await database?.close();
});

/**
 * Chromium writes the ToUnicode map of a Noto CJK subset from the font's cmap, where a radical and its
 * ideograph share one glyph, so pdf.js reads some characters back as radicals: Kangxi radicals (⽉ for 月)
 * come right with NFKC; the CJK Radicals Supplement (⻚ for 页) has no decomposition, hence this table of
 * the ones a report uses (Unicode's EquivalentUnifiedIdeograph.txt).
 */
const RADICALS: Record<string, string> = {
  '⻚': '页',
  '⻔': '门',
  '⺠': '民',
  '⻅': '见',
  '⻓': '长',
  '⻋': '车',
  '⻛': '风',
  '⻩': '黄',
  '⻝': '食',
  '⻢': '马',
  '⻜': '飞',
  '⻆': '角',
  '⻘': '青',
  '⻥': '鱼',
  '⻦': '鸟',
  '⻉': '贝',
  '⺟': '母',
  '⻄': '西',
  '⻬': '齐',
  '⻙': '韦',
  '⻈': '讠',
};

/** All of a PDF's text, pages joined, radicals back to ideographs, without spaces. */
async function pdfText(bytes: Buffer): Promise<{ pages: number; text: string }> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, useSystemFonts: false }).promise;
  let text = '';
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    text += content.items.map((it) => ('str' in it ? it.str : '')).join('');
  }
  const pages = doc.numPages;
  await doc.destroy();
  return {
    pages,
    text: [...text.normalize('NFKC')]
      .map((c) => RADICALS[c] ?? c)
      .join('')
      .replace(/\s+/g, ''),
  };
}

describe('figures of a hand-computed month', () => {
  it('volumes and channels, with the change from February', () => {
    expect(figures.month).toBe('2026-03');
    expect(figures.previousMonth).toBe('2026-02');
    expect(figures.period).toEqual({ start: '2026-03-01', end: '2026-03-31' });
    expect(figures.overview.contacts).toEqual({ current: 10, previous: 6, change: 4, changeRate: 0.6667 });
    expect(figures.overview.repeatContacts.current).toBe(1);
    // Volumes count every dispatch, the exempted A1 included; closes: B1, B2, B3.
    expect(figures.overview.dispatched).toMatchObject({ current: 7, previous: 0, changeRate: null });
    expect(figures.overview.closed.current).toBe(3);
    expect(figures.channels.map((c) => [c.channel, c.current, c.previous, c.change, c.changeRate, c.share])).toEqual([
      ['phone', 8, 5, 3, 0.6, 0.8],
      ['window', 1, 0, 1, null, 0.1],
      ['online', 1, 1, 0, 0, 0.1],
    ]);
    expect(figures.daily).toHaveLength(31);
    expect(figures.daily.reduce((s, d) => s + d.contacts, 0)).toBe(10);
    expect(figures.daily.find((d) => d.day === '2026-03-10')).toMatchObject({ contacts: 10, dispatched: 7, closed: 0 });
    expect(figures.daily.find((d) => d.day === '2026-03-11')).toMatchObject({ contacts: 0, closed: 2 });
    expect(figures.daily.find((d) => d.day === '2026-03-12')).toMatchObject({ closed: 1 });
  });

  it('top categories with their change and last month’s rank', () => {
    const { A, B, C } = fx.categories;
    expect(figures.categories.total).toBe(10);
    expect(figures.categories.top.map((c) => [c.rank, c.id, c.current, c.previous, c.change, c.changeRate, c.previousRank])).toEqual([
      [1, B.id, 5, 2, 3, 1.5, 2],
      [2, A.id, 4, 3, 1, 0.3333, 1],
      [3, C.id, 1, 1, 0, 0, 3],
    ]);
    expect(figures.categories.top[0]!.path).toBe('城市管理 / 环境 / 垃圾清运');
  });

  it('rates are the assessment figures of the metrics code, A1 exempted by its approved appeal', () => {
    const rate = (k: string) => figures.overview.rates.find((r) => r.key === k)!;
    // Lead dispatches less the exempted A1: 6; responded in time: B1 B2 B3 A2.
    expect(rate('response_rate')).toMatchObject({ numerator: 4, denominator: 6, value: 0.666667, name: '响应率' });
    expect(rate('solved_rate')).toMatchObject({ numerator: 3, denominator: 4 });
    expect(rate('satisfaction_rate')).toMatchObject({ numerator: 3, denominator: 4 });
    expect(rate('redo_rate')).toMatchObject({ numerator: 1, denominator: 3 });
    expect(rate('return_rate')).toMatchObject({ numerator: 1, denominator: 6 });
    expect(rate('response_rate').definition).toContain('响应率 =');
  });

  it('red and black lists per level, in order', () => {
    const level = (l: string) => figures.units.levels.find((x) => x.level === l)!;
    const { streetA, streetB, districtA, districtB, department } = fx.w.units;
    expect(level('street').red.map((r) => [r.unit.id, r.rank, r.composite])).toEqual([[streetB.id, 1, 85]]);
    expect(level('street').black.map((r) => [r.unit.id, r.rank, r.composite])).toEqual([[streetA.id, 2, 66.67]]);
    expect(level('district').red.map((r) => r.unit.id)).toEqual([districtB.id]);
    expect(level('district').black.map((r) => r.unit.id)).toEqual([districtA.id]);
    const a = level('street').units.find((u) => u.unit.id === streetA.id)!;
    expect(a).toMatchObject({
      rank: 2,
      leadDispatched: 3,
      rates: { response_rate: 0.666667, solved_rate: 0.666667, satisfaction_rate: 0.666667, redo_rate: 0.5 },
    });
    // The department replied but was never called back: no 解决率, so not ranked, and one unit makes no lists.
    expect(level('department')).toMatchObject({ red: [], black: [], unranked: 1 });
    expect(level('department').units[0]).toMatchObject({ unit: { id: department.id }, rank: null, composite: null, leadDispatched: 1 });
  });

  it("the centre's own timeliness: dispatch waits, reviews and callback rounds against their limits", () => {
    const rate = (k: string) => figures.centre.rates.find((r) => r.key === k)!;
    // Seven tickets dispatched 10 min after intake (limit 30); reviews 60 min after the request or reply (0 for B2's second);
    // callbacks the day after approval, within the callback day.
    expect(rate('avg_dispatch_minutes')).toMatchObject({ value: 10, numerator: 70, denominator: 7, unit: 'minutes', name: '平均派单时长' });
    expect(rate('timely_dispatch_rate')).toMatchObject({ numerator: 7, denominator: 7 });
    expect(rate('timely_review_rate')).toMatchObject({ numerator: 7, denominator: 7 });
    expect(rate('timely_callback_rate')).toMatchObject({ numerator: 4, denominator: 4 });
    const clock = (c: string) => figures.centre.clocks.find((x) => x.clock === c)!;
    expect(clock('dispatch')).toMatchObject({ decided: 7, onTime: 7, avgWaitMinutes: 10, maxWaitMinutes: 10 });
    expect(clock('reply_review')).toMatchObject({ decided: 5, onTime: 5, avgWaitMinutes: 48, maxWaitMinutes: 60 });
    expect(clock('return_review')).toMatchObject({ decided: 2, onTime: 2, avgWaitMinutes: 60 });
    expect(clock('extension_review')).toMatchObject({ decided: 0, avgWaitMinutes: null });
    // B1, B2, B3 called 20 h after approval; B2's second round 22 h after its approval. A round counts once.
    expect(clock('callback')).toMatchObject({ decided: 4, onTime: 4, avgWaitMinutes: 1230, maxWaitMinutes: 1320 });
    // Each row is named as the contract names the clock (the wallboard's names too); a callback says how it counts.
    expect(figures.centre.clocks.map((x) => x.name)).toEqual(['派单', '答复审核', '退单审核', '延期审核', '终止审核', '回访（每轮首次）']);
    // The overview keeps the units' rates; the centre's are in their section.
    expect(figures.overview.rates.some((r) => r.key === 'avg_dispatch_minutes')).toBe(false);
  });

  it('overdue, returns, redo and appeals, by unit', () => {
    const { streetA, streetB } = fx.w.units;
    expect(figures.overdue.alerts).toEqual({ sign: 1, response: 1, complete: 1, total: 3 });
    expect(figures.overdue.tickets).toBe(1);
    expect(figures.overdue.manualSupervisions).toBe(1);
    expect(figures.overdue.byUnit).toEqual([{ unit: expect.objectContaining({ id: streetA.id }), count: 3, sign: 1, response: 1, complete: 1 }]);
    expect(figures.overdue).toMatchObject({ closed: 3, closedLate: 0 });
    expect(figures.returns).toMatchObject({ requested: 2, approved: 1, rejected: 1 });
    expect(new Map(figures.returns.byUnit.map((u) => [u.unit.id, [u.count, u.approved]]))).toEqual(
      new Map([
        [streetA.id, [1, 0]],
        [streetB.id, [1, 1]],
      ]),
    );
    expect(figures.redo).toMatchObject({ reopened: 1, closedRedone: 1, byUnit: [{ unit: expect.objectContaining({ id: streetA.id }), count: 1 }] });
    expect(figures.appeals).toMatchObject({ filed: 2, approved: 1, rejected: 1 });
    expect(figures.appeals.byReason).toEqual([
      { code: 'unreasonable_demand', name: '诉求不合理', count: 1 },
      { code: 'outside_duties', name: '不属于本单位职责', count: 1 },
    ]);
    expect(figures.appeals.byUnit).toEqual([{ unit: expect.objectContaining({ id: streetA.id }), count: 2, approved: 1, rejected: 1 }]);
  });

  it('hotspots from the hotspot rule, with no caller number', () => {
    // Five 垃圾清运 tickets at street A against a baseline of two in February: a spike.
    expect(figures.hotspots.spikes).toHaveLength(1);
    expect(figures.hotspots.spikes[0]).toMatchObject({ category: '环境', street: '甲街道', count: 5 });
    expect(figures.hotspots.repeats.find((r) => r.kind === 'address' && r.category === '垃圾清运')).toMatchObject({ street: '甲街道', count: 5 });
    expect(JSON.stringify(figures.hotspots)).not.toMatch(/1380000\d{4}|\*{4}/);
  });

  it('typical cases by the stated rule, without personal data', () => {
    const { a1, b2 } = fx.tickets;
    expect(figures.typicalCases.map((c) => [c.number, c.chosenFor])).toEqual([
      [b2.number, 'redo'],
      [a1.number, 'overdue'],
    ]);
    const [redo, overdue] = figures.typicalCases;
    expect(redo).toMatchObject({
      category: '垃圾清运',
      street: '甲街道',
      leadUnit: '甲街道',
      redoCount: 1,
      reasons: ['重办 1 次'],
      outcome: '办结；回访：已解决、满意',
    });
    // A1: dispatched Mar 10 10:10, completion due 48 h later (Mar 12 10:10 Shanghai), never replied: overdue until the month's end (Apr 1 00:00) = 469.8 h.
    expect(overdue).toMatchObject({ overdueHours: 470, repeatContacts: 1, supervisionLevel: 4, status: '待签收' });
    expect(overdue!.reasons).toEqual(['超期 470 小时', '重复来电 1 次', '督办 4 级']);
    expect(redo!.summary).not.toContain(PRIVATE_NAME);
    expect(redo!.summary).not.toContain(PRIVATE_PHONE);
    expect(redo!.summary).toContain('某女士反映垃圾未清运');
  });
});

describe('generation, storage and the files', () => {
  let pdf: Buffer;
  let xlsx: Buffer;

  beforeAll(async () => {
    const r = await runMonthlyReport(deps, deps.clock.now());
    expect(r).toMatchObject({ month: '2026-03', generated: true });
    pdf = (await getReportFile(deps.db, '2026-03', 'pdf')).bytes;
    xlsx = (await getReportFile(deps.db, '2026-03', 'xlsx')).bytes;
  }, 120_000);

  it('a real PDF, opened back: Chinese headings and the month’s figures', async () => {
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const { pages, text } = await pdfText(pdf);
    expect(pages).toBeGreaterThanOrEqual(1);
    const has = (s: string) => expect(text, s).toContain(s.normalize('NFKC').replace(/\s+/g, ''));
    for (const heading of [
      '每月热线分析报告',
      '一、总体情况',
      '二、受理渠道',
      '三、诉求分类',
      '四、承办单位考核与红黑榜',
      '红榜',
      '黑榜',
      '五、超期与督办',
      '六、中心自身时效',
      '七、退回、重办与申诉',
      '八、热点问题',
      '九、典型案例',
      '附：指标口径',
    ]) {
      has(heading);
    }
    has('测试热线中心·2026年3月（2026-03-01至2026-03-31）');
    has('本月共受理来电（诉求）10件，环比+4（+66.7%）');
    has('城市管理/环境/垃圾清运5');
    has('乙街道85.00');
    has('甲街道66.67');
    has('本月系统共发出超期预警3次');
    has(fx.tickets.b2.number);
    has('第1页/共');
    // No caller's name or number anywhere in it.
    expect(text).not.toContain(PRIVATE_PHONE);
    expect(text).not.toContain(PRIVATE_NAME);
    expect(text).not.toContain('王先生');
    // Charts are vector: their labels are text in the PDF.
    has('图 1 每日来电、派单与办结量');
    has('图 2 受理渠道分布');
  });

  it('an XLSX with one sheet per section, Chinese headers and raw values', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
    expect(wb.worksheets.map((s) => s.name)).toEqual([...SHEETS]);
    const rows = (name: string) => (wb.getWorksheet(name)!.getSheetValues() as unknown[][]).filter(Boolean).map((r) => r.slice(1));
    expect(rows('概况')[0]).toEqual(['项目', '本月', '上月', '增减', '环比']);
    expect(rows('概况')[1]).toEqual(['来电（诉求）总量', 10, 6, 4, 0.6667]);
    expect(rows('渠道').slice(0, 2)).toEqual([
      ['渠道', '本月', '占比', '上月', '增减', '环比'],
      ['电话', 8, 0.8, 5, 3, 0.6],
    ]);
    expect(rows('分类')[1]).toEqual([1, '城市管理 / 环境 / 垃圾清运', 5, 0.5, 2, 3, 1.5, 2]);
    const lists = rows('红黑榜');
    expect(lists[0]).toEqual(['层级', '榜单', '名次', '单位', '综合得分', '响应率', '解决率', '满意率']);
    expect(lists.filter((r) => r[0] === '街道乡镇').map((r) => [r[1], r[3], r[4]])).toEqual([
      ['红榜', '乙街道', 85],
      ['黑榜', '甲街道', 66.67],
    ]);
    expect(rows('典型案例')[1]!.slice(1, 3)).toEqual([fx.tickets.b2.number, '垃圾清运']);
    expect(wb.getWorksheet('概况')!.getCell('E2').numFmt).toBe('0.0%');
    const all = JSON.stringify(wb.worksheets.map((s) => s.getSheetValues()));
    expect(all).not.toContain(PRIVATE_PHONE);
    expect(all).not.toContain(PRIVATE_NAME);
  });

  it('stored, listed and re-downloadable byte for byte; figures as JSON', async () => {
    const [item] = await listReports(deps.db);
    expect(item).toMatchObject({
      month: '2026-03',
      status: 'ready',
      version: 1,
      trigger: 'cron',
      generatedBy: null,
      title: '测试热线中心2026年3月热线分析报告',
    });
    expect(item!.pdf).toEqual({
      size: pdf.length,
      sha256: createHash('sha256').update(pdf).digest('hex'),
      mediaType: 'application/pdf',
      url: '/api/reports/monthly/2026-03.pdf',
    });
    expect(item!.xlsx!.sha256).toBe(createHash('sha256').update(xlsx).digest('hex'));
    const again = await getReportFile(deps.db, '2026-03', 'pdf');
    expect(Buffer.compare(again.bytes, pdf)).toBe(0);
    expect(again.fileName).toBe('测试热线中心2026年3月热线分析报告.pdf');
    const stored = await getReportFigures(deps.db, '2026-03');
    expect(stored.figures.overview.contacts.current).toBe(10);
    expect(stored.figures.categories.top[0]!.name).toBe('垃圾清运');
  });

  it('the job run again for the same month stores nothing new', async () => {
    expect(await runMonthlyReport(deps, deps.clock.now())).toMatchObject({ month: '2026-03', generated: false, reason: 'exists' });
    const rows = await deps.db.select({ version: monthlyReports.version }).from(monthlyReports);
    expect(rows).toEqual([{ version: 1 }]);
    const audits = await deps.db.select().from(auditLog).where(eq(auditLog.action, 'monthly_report_generated'));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      userId: null,
      targetType: 'monthly_report',
      targetId: '2026-03',
      details: expect.objectContaining({ trigger: 'cron', version: 1 }),
    });
  });

  it('a person regenerates: the figures and files are replaced, the version goes up', async () => {
    const r = await generateMonthlyReport(deps, fx.w.supervisor.actor, '2026-03');
    expect(r.generated && r.report).toMatchObject({ version: 2, trigger: 'manual', generatedBy: { id: fx.w.supervisor.id } });
    expect((await deps.db.select().from(monthlyReports)).length).toBe(1);
  }, 60_000);
});

describe('the job on several instances', () => {
  it('two instances at once (two pools) store one report', async () => {
    // February: its own month, not generated yet. On PostgreSQL the second instance has its own pool.
    const other = driver === 'postgres' ? await connect({ url: database.url!, max: 3 }) : null;
    const deps2 = other ? makeDeps(other, {}, APRIL_1ST_2AM) : deps;
    const march1st = new Date('2026-02-28T18:30:00.000Z'); // 02:30 on March 1st in Shanghai → February
    try {
      const results = await Promise.all([runMonthlyReport(deps, march1st), runMonthlyReport(deps2, march1st)]);
      expect(results.map((r) => r.generated).sort()).toEqual([false, true]);
      expect(results.find((r) => !r.generated)).toMatchObject({ month: '2026-02', reason: expect.stringMatching(/^(generating|exists)$/) });
      const feb = await deps.db
        .select({ version: monthlyReports.version, status: monthlyReports.status })
        .from(monthlyReports)
        .where(eq(monthlyReports.month, '2026-02'));
      expect(feb).toEqual([{ version: 1, status: 'ready' }]);
    } finally {
      await other?.close();
    }
  }, 120_000);
});
