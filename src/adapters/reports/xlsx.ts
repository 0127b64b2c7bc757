/**
 * The report as a workbook (exceljs): one sheet per section with Chinese headers and raw values — counts
 * as numbers, rates as fractions formatted as percentages — so a reader can sort, filter and chart them.
 * Every unit of every level is here, communities included, where the PDF keeps to the lists.
 */
import { excelJs, type ExcelTypes } from '../excel.ts';
import { METRIC_NAMES } from '../../domain/metrics/definitions.ts';
import { CASE_RULE } from '../../domain/reports/cases.ts';
import { UNIT_RATE_KEYS, type MonthlyFigures } from '../../domain/reports/contents.ts';
import { reportTitle } from '../../domain/reports/html.ts';
import { shanghaiTime } from '../../domain/reports/format.ts';

type Col = { header: string; width?: number; fmt?: 'pct' | 'int' | 'dec' };
type Cell = string | number | null;

/** A cell a spreadsheet would run as a formula is written as text (the same defusing as the metrics CSV). */
const safe = (v: Cell): Cell => (typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v);

function sheet(wb: ExcelTypes.Workbook, name: string, cols: Col[], rows: Cell[][], notes: string[] = []) {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = cols.map((c) => ({ header: c.header, width: c.width ?? Math.max(10, c.header.length * 2 + 4) }));
  const head = ws.getRow(1);
  head.font = { bold: true };
  head.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEEF2F7' } };
  for (const r of rows) ws.addRow(r.map(safe));
  cols.forEach((c, i) => {
    if (!c.fmt) return;
    ws.getColumn(i + 1).numFmt = c.fmt === 'pct' ? '0.0%' : c.fmt === 'int' ? '#,##0' : '0.00';
  });
  if (notes.length) {
    ws.addRow([]);
    for (const n of notes) ws.addRow([n]);
  }
  return ws;
}

/** The sheet names, in order (the tests and docs/reports.md list them). */
export const SHEETS = ['概况', '渠道', '分类', '单位排名', '红黑榜', '超期', '中心时效', '退回重办申诉', '热点', '典型案例', '指标口径'] as const;

export async function reportXlsx(f: MonthlyFigures): Promise<Buffer> {
  const wb = new (excelJs().Workbook)();
  wb.creator = f.centreName;
  wb.title = reportTitle(f);
  wb.created = new Date(f.generatedAt);
  const o = f.overview;
  const [overview, channels, categories, units, lists, overdue, centre, returns, hotspots, cases, definitions] = SHEETS;

  sheet(
    wb,
    overview,
    [
      { header: '项目', width: 22 },
      { header: '本月', fmt: 'int' },
      { header: '上月', fmt: 'int' },
      { header: '增减', fmt: 'int' },
      { header: '环比', fmt: 'pct' },
    ],
    [
      ['来电（诉求）总量', o.contacts.current, o.contacts.previous, o.contacts.change, o.contacts.changeRate],
      ['重复来电', o.repeatContacts.current, o.repeatContacts.previous, o.repeatContacts.change, o.repeatContacts.changeRate],
      ['直接答复', o.directAnswers.current, o.directAnswers.previous, o.directAnswers.change, o.directAnswers.changeRate],
      ['派单工单', o.dispatched.current, o.dispatched.previous, o.dispatched.change, o.dispatched.changeRate],
      ['办结工单', o.closed.current, o.closed.previous, o.closed.change, o.closed.changeRate],
    ],
    [`${reportTitle(f)}（${f.period.start} 至 ${f.period.end}），生成于 ${shanghaiTime(f.generatedAt)}（北京时间）`],
  );
  // Rates under the counts, on the same sheet: header row of their own.
  const ws = wb.getWorksheet(overview)!;
  ws.addRow([]);
  const rateHead = ws.addRow(['指标', '本月', '上月', '变化（百分点；平均派单时长为分钟）', '分子', '分母', '待定（待日历）']);
  rateHead.font = { bold: true };
  for (const r of [...o.rates, ...f.centre.rates]) {
    const row = ws.addRow([r.name, r.value, r.previous, r.changePoints, r.numerator, r.denominator, r.pending]);
    // Rates as percentages; 平均派单时长 is minutes.
    row.getCell(2).numFmt = r.unit === 'minutes' ? '0.0' : '0.0%';
    row.getCell(3).numFmt = r.unit === 'minutes' ? '0.0' : '0.0%';
    row.getCell(4).numFmt = '0.0';
    row.getCell(5).numFmt = '#,##0';
    row.getCell(6).numFmt = '#,##0';
    row.getCell(7).numFmt = '#,##0';
  }
  ws.addRow([]);
  const dayHead = ws.addRow(['日期', '来电（诉求）', '派单', '办结']);
  dayHead.font = { bold: true };
  for (const d of f.daily) ws.addRow([d.day, d.contacts, d.dispatched, d.closed]);

  sheet(
    wb,
    channels,
    [
      { header: '渠道', width: 18 },
      { header: '本月', fmt: 'int' },
      { header: '占比', fmt: 'pct' },
      { header: '上月', fmt: 'int' },
      { header: '增减', fmt: 'int' },
      { header: '环比', fmt: 'pct' },
    ],
    f.channels.map((c) => [c.name, c.current, c.share, c.previous, c.change, c.changeRate]),
  );

  sheet(
    wb,
    categories,
    [
      { header: '排名' },
      { header: '分类', width: 36 },
      { header: '本月', fmt: 'int' },
      { header: '占比', fmt: 'pct' },
      { header: '上月', fmt: 'int' },
      { header: '增减', fmt: 'int' },
      { header: '环比', fmt: 'pct' },
      { header: '上月排名' },
    ],
    f.categories.top.map((c) => [c.rank, c.path, c.current, c.share, c.previous, c.change, c.changeRate, c.previousRank]),
    [`本月分类合计 ${f.categories.total} 件；列出前 ${f.categories.top.length} 位。`],
  );

  sheet(
    wb,
    units,
    [
      { header: '层级' },
      { header: '单位', width: 24 },
      { header: '单位编码', width: 16 },
      { header: '名次' },
      { header: '综合得分', fmt: 'dec' },
      { header: '派单', fmt: 'int' },
      { header: '主办派单', fmt: 'int' },
      ...UNIT_RATE_KEYS.map((k) => ({ header: METRIC_NAMES[k]['zh-CN'], fmt: 'pct' as const })),
      { header: '范围' },
    ],
    // Each unit with its subtree (含下级, ranked), then its own assignments (本级: dispatched to it or handed down to it).
    f.units.levels.flatMap((l) =>
      l.units.flatMap((u) => [
        [l.name, u.unit.name, u.unit.code, u.rank, u.composite, u.dispatched, u.leadDispatched, ...UNIT_RATE_KEYS.map((k) => u.rates[k]), '含下级'],
        ...(u.own
          ? [[l.name, u.unit.name, u.unit.code, null, null, u.own.dispatched, u.own.leadDispatched, ...UNIT_RATE_KEYS.map((k) => u.own!.rates[k]), '本级']]
          : []),
      ]),
    ),
    [
      `综合得分 = 响应率 × ${f.units.weights.response_rate} + 解决率 × ${f.units.weights.solved_rate} + 满意率 × ${f.units.weights.satisfaction_rate}，除以权重之和（0–100）；排名按含下级（本单位及其下级单位）计，本级（本单位自身承办的，含上级下派的）另列一行。`,
    ],
  );

  sheet(
    wb,
    lists,
    [
      { header: '层级' },
      { header: '榜单' },
      { header: '名次' },
      { header: '单位', width: 24 },
      { header: '综合得分', fmt: 'dec' },
      { header: '响应率', fmt: 'pct' },
      { header: '解决率', fmt: 'pct' },
      { header: '满意率', fmt: 'pct' },
    ],
    f.units.levels.flatMap((l) => [
      ...l.red.map((r) => [l.name, '红榜', r.rank, r.unit.name, r.composite, r.response, r.solved, r.satisfaction]),
      ...l.black.map((r) => [l.name, '黑榜', r.rank, r.unit.name, r.composite, r.response, r.solved, r.satisfaction]),
    ]),
    [`红榜为综合得分前 ${f.units.size} 名，黑榜为后 ${f.units.size} 名（自末位起）；参与排名的单位不足 ${2 * f.units.size} 个时各取一半。`],
  );

  const od = f.overdue;
  sheet(
    wb,
    overdue,
    [
      { header: '单位', width: 24 },
      { header: '超期预警（次）', fmt: 'int' },
      { header: '签收超期', fmt: 'int' },
      { header: '响应超期', fmt: 'int' },
      { header: '办结超期', fmt: 'int' },
    ],
    [
      ['全部单位', od.alerts.total, od.alerts.sign, od.alerts.response, od.alerts.complete],
      ...od.byUnit.map((u) => [u.unit.name, u.count, u.sign, u.response, u.complete]),
    ],
    [
      `涉及工单 ${od.tickets} 件；人工督办 ${od.manualSupervisions} 次。`,
      `本月办结 ${od.closed} 件，超期办结 ${od.closedLate} 件，按时办结率 ${od.onTimeRate.value === null ? '—' : `${(od.onTimeRate.value * 100).toFixed(1)}%`}（按时办结 ${od.onTimeRate.numerator} ÷ 本月判定 ${od.onTimeRate.denominator}，含未办结但已超期的工单）。`,
    ],
  );

  sheet(
    wb,
    centre,
    [
      { header: '环节', width: 18 },
      { header: '处理（件）', fmt: 'int' },
      { header: '在时限内（件）', fmt: 'int' },
      { header: '及时率', fmt: 'pct' },
      { header: '平均等待（分钟）', fmt: 'dec' },
      { header: '最长等待（分钟）', fmt: 'int' },
    ],
    f.centre.clocks.map((x) => [x.name, x.decided, x.onTime, x.decided ? x.onTime / x.decided : null, x.avgWaitMinutes, x.maxWaitMinutes]),
    ['自动派单的工单不等待，不计入派单时长；回访每轮只计首次拨打。'],
  );

  const r = f.returns;
  const rd = f.redo;
  const a = f.appeals;
  sheet(
    wb,
    returns,
    [
      { header: '类别', width: 14 },
      { header: '单位', width: 24 },
      { header: '次数', fmt: 'int' },
      { header: '获准', fmt: 'int' },
      { header: '驳回', fmt: 'int' },
    ],
    [
      ['退单（合计）', '全部单位', r.requested, r.approved, r.rejected],
      ...r.byUnit.map((u) => ['退单', u.unit.name, u.count, u.approved, null]),
      ['重办（合计）', '全部单位', rd.reopened, null, null],
      ...rd.byUnit.map((u) => ['重办', u.unit.name, u.count, null, null]),
      ['申诉（合计）', '全部单位', a.filed, a.approved, a.rejected],
      ...a.byUnit.map((u) => ['申诉', u.unit.name, u.count, u.approved, u.rejected]),
      ...a.byReason.map((x) => ['申诉理由', x.name, x.count, null, null]),
    ],
    [
      `回退率 ${r.rate.value === null ? '—' : `${(r.rate.value * 100).toFixed(1)}%`}（${r.rate.numerator} / ${r.rate.denominator}）；重办率 ${rd.rate.value === null ? '—' : `${(rd.rate.value * 100).toFixed(1)}%`}（${rd.rate.numerator} / ${rd.rate.denominator}），办结工单中经过重办的 ${rd.closedRedone} 件。`,
    ],
  );

  sheet(
    wb,
    hotspots,
    [
      { header: '类型', width: 20 },
      { header: '分类', width: 18 },
      { header: '街道', width: 16 },
      { header: '对象', width: 28 },
      { header: '本月（次）', fmt: 'int' },
      { header: '基线均值', fmt: 'dec' },
      { header: '阈值', fmt: 'dec' },
      { header: '偏离度', fmt: 'dec' },
    ],
    [
      ...f.hotspots.spikes.map((s) => ['突增', s.category, s.street, null, s.count, s.baselineMean, s.threshold, s.score]),
      ...f.hotspots.repeats.map((x) => [x.kindName, x.category, x.street, x.subject, x.count, null, null, null]),
    ],
    [f.hotspots.rule],
  );

  sheet(
    wb,
    cases,
    [
      { header: '序号' },
      { header: '工单编号', width: 18 },
      { header: '分类', width: 14 },
      { header: '街道', width: 14 },
      { header: '承办单位', width: 18 },
      { header: '诉求摘要', width: 48 },
      { header: '办理结果', width: 24 },
      { header: '入选原因', width: 36 },
    ],
    f.typicalCases.map((c, i) => [i + 1, c.number, c.category, c.street, c.leadUnit, c.summary, c.outcome, c.reasons.join('；')]),
    [`选取规则：${CASE_RULE}`],
  );

  sheet(
    wb,
    definitions,
    [
      { header: '指标', width: 14 },
      { header: '口径', width: 100 },
    ],
    [...o.rates, ...f.centre.rates].map((x) => [x.name, x.definition]),
  );

  return Buffer.from(await wb.xlsx.writeBuffer());
}
