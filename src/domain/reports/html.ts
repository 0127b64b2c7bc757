/**
 * The report as one self-contained HTML page (Chinese, A4, charts inlined as SVG), which Chromium prints
 * to PDF. Every value from the data is escaped; nothing is fetched from anywhere.
 */
import { channelPie, categoryBar, dailyLine, unitRankingBar } from '../../adapters/reports/charts.ts';
import { CASE_RULE } from './cases.ts';
import {
  UNIT_RATE_KEYS,
  type LevelFigure,
  type MonthlyFigures,
  type RankedFigure,
  type RateFigure,
  type UnitRateCounts,
  type UnitRateKey,
} from './contents.ts';
import { changeOf, changeText, esc, figureText, int, pct, pointsText, shanghaiTime } from './format.ts';
import { fractionHtml, type FigureScope, type FractionHtml } from './links.ts';
import { monthTitle } from './months.ts';
import { keySupervisionHtml } from './key-supervision-section.ts';
import { triageSectionHtml } from './triage-section.ts';
import { METRIC_NAMES } from '../metrics/definitions.ts';

/** A table: headers, then rows of cells (already escaped HTML); `num` marks right-aligned columns. */
function table(headers: string[], rows: string[][], opts: { num?: number[]; empty?: string; cls?: string } = {}): string {
  const num = new Set(opts.num ?? []);
  const cell = (tag: 'th' | 'td', c: string, i: number) => `<${tag}${num.has(i) ? ' class="num"' : ''}>${c}</${tag}>`;
  if (!rows.length) return `<p class="empty">${esc(opts.empty ?? '本月无相关记录。')}</p>`;
  return `<table class="${opts.cls ?? ''}"><thead><tr>${headers.map((h, i) => cell('th', esc(h), i)).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c, i) => cell('td', c, i)).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

const figure = (svg: string, caption: string) => `<figure>${svg}<figcaption>${esc(caption)}</figcaption></figure>`;

function keyFigures(f: MonthlyFigures): string {
  const o = f.overview;
  const rate = (k: string) => o.rates.find((r) => r.key === k)!;
  const cards: [string, string, string][] = [
    ['来电（诉求）总量', `${int(o.contacts.current)} 件`, `环比 ${changeText(o.contacts)}`],
    ['派单工单', `${int(o.dispatched.current)} 件`, `环比 ${changeText(o.dispatched)}`],
    ['办结工单', `${int(o.closed.current)} 件`, `环比 ${changeText(o.closed)}`],
    ...(['response_rate', 'solved_rate', 'satisfaction_rate'] as const).map((k): [string, string, string] => {
      const r = rate(k);
      return [r.name, pct(r.value), r.changePoints === null ? '上月无可比数据' : `较上月 ${pointsText(r.changePoints)}`];
    }),
  ];
  return `<div class="cards">${cards.map(([k, v, d]) => `<div class="card"><div class="k">${esc(k)}</div><div class="v">${esc(v)}</div><div class="d">${esc(d)}</div></div>`).join('')}</div>`;
}

/** Rates with numerator and denominator, and how many clocks await the calendar (pending: in neither). */
function ratesTable(rates: RateFigure[], frac: FractionHtml): string {
  return table(
    ['指标', '本月', '分子 / 分母', '待定（待日历）', '上月', '变化'],
    rates.map((r) => [
      esc(r.name),
      esc(figureText(r.value, r.unit)),
      frac(r.numerator, r.denominator, r.key),
      esc(r.pending ? int(r.pending) : '—'),
      esc(figureText(r.previous, r.unit)),
      esc(changeOf(r.changePoints, r.unit)),
    ]),
    { num: [1, 2, 3, 4, 5] },
  );
}

/** A unit's rate, with its numerator and denominator beneath (links to their tickets) when the report has them. */
function rateCell(v: number | null, counts: UnitRateCounts | undefined, k: UnitRateKey, scope: FigureScope, frac: FractionHtml): string {
  const c = counts?.[k];
  return c && (c[0] || c[1]) ? `${esc(pct(v))}<span class="nd">${frac(c[0], c[1], k, scope)}</span>` : esc(pct(v));
}

function rankedTable(rows: RankedFigure[], l: LevelFigure, frac: FractionHtml): string {
  const counts = new Map(l.units.map((u) => [u.unit.id, u.counts]));
  return table(
    ['名次', '单位', '综合得分', '响应率', '解决率', '满意率'],
    rows.map((r) => {
      const cell = (v: number | null, k: UnitRateKey) => rateCell(v, counts.get(r.unit.id), k, { unitId: r.unit.id }, frac);
      return [
        esc(r.rank),
        esc(r.unit.name),
        esc(r.composite.toFixed(2)),
        cell(r.response, 'response_rate'),
        cell(r.solved, 'solved_rate'),
        cell(r.satisfaction, 'satisfaction_rate'),
      ];
    }),
    { num: [0, 2, 3, 4, 5], empty: '' },
  );
}

/** Full rate tables in the PDF for these levels; communities (possibly thousands) are in the XLSX only. */
const FULL_TABLE_LEVELS = new Set(['district', 'department', 'street']);

function levelSection(l: LevelFigure, f: MonthlyFigures, chartLevel: string | null, frac: FractionHtml): string {
  const w = f.units.weights;
  const parts = [`<h3>${esc(l.name)}</h3>`];
  if (l.red.length) {
    parts.push(
      `<div class="lists"><div><h4 class="red">红榜（前 ${l.red.length} 名）</h4>${rankedTable(l.red, l, frac)}</div>`,
      `<div><h4 class="black">黑榜（后 ${l.black.length} 名，自末位起）</h4>${rankedTable(l.black, l, frac)}</div></div>`,
    );
  } else {
    parts.push(`<p class="note">参与排名的单位少于 2 个，本级不列红黑榜。</p>`);
  }
  if (l.unranked) parts.push(`<p class="note">另有 ${l.unranked} 个单位本月无可计算的响应率、解决率或满意率，未参与排名。</p>`);
  if (chartLevel === l.level && l.units.some((u) => u.composite !== null)) {
    parts.push(
      figure(
        unitRankingBar(l),
        `图 4 ${l.name}综合得分（响应率 ${w.response_rate}%、解决率 ${w.solved_rate}%、满意率 ${w.satisfaction_rate}% 加权；红色为红榜，黑色为黑榜）`,
      ),
    );
  }
  if (FULL_TABLE_LEVELS.has(l.level)) {
    parts.push(
      table(
        ['名次', '单位', '范围', '派单', ...UNIT_RATE_KEYS.map((k) => METRIC_NAMES[k]['zh-CN']), '综合得分'],
        // Each unit with its subtree (含下级: what it is ranked by), then its own assignments (本级).
        l.units.flatMap((u) => [
          [
            esc(u.rank ?? '—'),
            esc(u.unit.name),
            '含下级',
            esc(int(u.dispatched)),
            ...UNIT_RATE_KEYS.map((k) => rateCell(u.rates[k], u.counts, k, { unitId: u.unit.id }, frac)),
            esc(u.composite === null ? '—' : u.composite.toFixed(2)),
          ],
          ...(u.own
            ? [
                [
                  '',
                  '',
                  '本级',
                  esc(int(u.own.dispatched)),
                  ...UNIT_RATE_KEYS.map((k) => rateCell(u.own!.rates[k], u.own!.counts, k, { unitId: u.unit.id, own: true }, frac)),
                  '',
                ],
              ]
            : []),
        ]),
        { num: [0, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13], cls: 'small' },
      ),
    );
  } else {
    parts.push(`<p class="note">${esc(l.name)}各单位的全部指标见 XLSX 附表“单位排名”。</p>`);
  }
  return parts.join('\n');
}

/** The level whose ranking is drawn: the one with the most ranked units (streets in a usual city). */
function chartLevelOf(f: MonthlyFigures): string | null {
  let best: LevelFigure | null = null;
  for (const l of f.units.levels) {
    const n = l.units.filter((u) => u.composite !== null).length;
    if (n > 0 && (!best || n > best.units.filter((u) => u.composite !== null).length)) best = l;
  }
  return best?.level ?? null;
}

const CSS = `
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; font-size: 10.5pt; color: #1d1d1f; line-height: 1.55; margin: 0; }
h1 { font-size: 22pt; text-align: center; margin: 24mm 0 4mm; letter-spacing: 2pt; }
.sub { text-align: center; color: #555; margin-bottom: 10mm; }
h2 { font-size: 14pt; border-left: 4pt solid #1f5fa8; padding-left: 6pt; margin: 9mm 0 3mm; break-after: avoid; }
h3 { font-size: 12pt; margin: 6mm 0 2mm; break-after: avoid; }
h4 { font-size: 10.5pt; margin: 2mm 0 1mm; }
h4.red { color: #c0392b; } h4.black { color: #222; }
p { margin: 1.5mm 0; }
.note, .empty { color: #555; font-size: 9pt; }
table { width: 100%; border-collapse: collapse; margin: 2mm 0 3mm; font-size: 9.5pt; break-inside: auto; }
table.small { font-size: 8pt; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { border: 0.5pt solid #b9c2cc; padding: 1.2mm 1.6mm; text-align: left; vertical-align: top; }
th { background: #eef2f7; font-weight: 600; }
.num { text-align: right; white-space: nowrap; }
a { color: inherit; text-decoration: none; }
.nd { display: block; font-size: 0.8em; color: #555; }
figure { margin: 2mm 0 4mm; text-align: center; break-inside: avoid; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 9pt; color: #555; }
.cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: 3mm; margin: 3mm 0; }
.card { border: 0.5pt solid #b9c2cc; border-radius: 2mm; padding: 2.5mm 3mm; }
.card .k { color: #555; font-size: 9pt; } .card .v { font-size: 16pt; font-weight: 700; } .card .d { font-size: 8.5pt; color: #555; }
.lists { display: grid; grid-template-columns: 1fr 1fr; gap: 4mm; }
.case { border: 0.5pt solid #b9c2cc; border-radius: 2mm; padding: 2.5mm 3mm; margin: 2.5mm 0; break-inside: avoid; }
.case .t { font-weight: 700; }
.defs td:first-child { white-space: nowrap; }
`;

/** `baseUrl`: PUBLIC_BASE_URL, for the figures' links to their tickets (links.ts); without it the figures are plain text. */
export function reportHtml(f: MonthlyFigures, opts: { baseUrl?: string } = {}): string {
  const title = reportTitle(f);
  const frac = fractionHtml(opts.baseUrl, f.month);
  const o = f.overview;
  const chartLevel = chartLevelOf(f);
  const sections: string[] = [];

  sections.push(`<h1>每月热线分析报告</h1>
<div class="sub">${esc(f.centreName)} · ${esc(monthTitle(f.month))}（${esc(f.period.start)} 至 ${esc(f.period.end)}）<br>生成时间 ${esc(shanghaiTime(f.generatedAt))}（北京时间）</div>`);

  sections.push(`<h2>一、总体情况</h2>
<p>本月共受理来电（诉求）${int(o.contacts.current)} 件，环比${esc(changeText(o.contacts))}；其中重复来电 ${int(o.repeatContacts.current)} 件，直接答复 ${int(o.directAnswers.current)} 件。派单 ${int(o.dispatched.current)} 件，办结 ${int(o.closed.current)} 件。</p>
${keyFigures(f)}
${figure(dailyLine(f), '图 1 每日来电、派单与办结量')}
<h3>各项指标</h3>
${ratesTable(o.rates, frac)}
${opts.baseUrl ? '<p class="note">表中的分子、分母（本报告各处同）可点击，在系统中打开其背后的工单明细（需登录；为打开时的数据）。</p>' : ''}
${f.freshness.pendingEvents > 0 ? `<p class="note">生成时尚有 ${int(f.freshness.pendingEvents)} 条事件未计入统计（统计每分钟更新）。</p>` : ''}`);

  sections.push(`<h2>二、受理渠道</h2>
${table(
  ['渠道', '本月（件）', '占比', '上月（件）', '环比'],
  f.channels.map((c) => [esc(c.name), esc(int(c.current)), esc(pct(c.share)), esc(int(c.previous)), esc(changeText(c))]),
  { num: [1, 2, 3, 4] },
)}
${f.channels.some((c) => c.current > 0) ? figure(channelPie(f), '图 2 受理渠道分布') : ''}`);

  sections.push(`<h2>三、诉求分类（前 ${f.categories.top.length} 位）</h2>
${table(
  ['排名', '分类', '本月（件）', '占比', '上月（件）', '环比', '上月排名'],
  f.categories.top.map((c) => [
    esc(c.rank),
    esc(c.path),
    esc(int(c.current)),
    esc(pct(c.share)),
    esc(int(c.previous)),
    esc(changeText(c)),
    esc(c.previousRank ?? '—'),
  ]),
  { num: [0, 2, 3, 4, 5, 6] },
)}
${f.categories.top.length ? figure(categoryBar(f), '图 3 诉求分类前十（本月与上月）') : ''}`);

  const w = f.units.weights;
  sections.push(`<h2>四、承办单位考核与红黑榜</h2>
<p>各单位按其本级及下级单位的合计数据考核。红黑榜按响应率、解决率、满意率的加权综合得分排名（权重 ${w.response_rate} / ${w.solved_rate} / ${w.satisfaction_rate}），红榜为前 ${f.units.size} 名，黑榜为后 ${f.units.size} 名；参与排名的单位不足 ${2 * f.units.size} 个时各取一半，同一单位不会同时上红榜和黑榜。已获准申诉（免考）的工单不计入该单位考核。</p>
${f.units.levels.length ? f.units.levels.map((l) => levelSection(l, f, chartLevel, frac)).join('\n') : '<p class="empty">暂无承办单位。</p>'}`);

  const od = f.overdue;
  sections.push(`<h2>五、超期与督办</h2>
<p>本月系统共发出超期预警 ${int(od.alerts.total)} 次（签收超期 ${int(od.alerts.sign)} 次、响应超期 ${int(od.alerts.response)} 次、办结超期 ${int(od.alerts.complete)} 次），涉及工单 ${int(od.tickets)} 件；每次超期预警同时向承办单位发出催办、向督办人员发出督办。另有人工督办 ${int(od.manualSupervisions)} 次。本月办结 ${int(od.closed)} 件，其中超期办结 ${int(od.closedLate)} 件。按时办结率 ${pct(od.onTimeRate.value)}（按时办结 / 本月判定：${frac(od.onTimeRate.numerator, od.onTimeRate.denominator, od.onTimeRate.key)} 件；未办结但已超期的工单在超期当日即判定为未按时，不会因迟迟不办结而不计入）${od.onTimeRate.pending ? `；另有 ${int(od.onTimeRate.pending)} 件时限待日历，未计入` : ''}。</p>
${table(
  ['单位', '超期预警（次）', '签收超期', '响应超期', '办结超期'],
  od.byUnit.map((u) => [esc(u.unit.name), esc(int(u.count)), esc(int(u.sign)), esc(int(u.response)), esc(int(u.complete))]),
  { num: [1, 2, 3, 4], empty: '本月没有超期预警。' },
)}`);
  if (f.keySupervision) sections.push(keySupervisionHtml(f.keySupervision, { esc, table, int, shanghaiTime }));

  const r = f.returns;
  const rd = f.redo;
  const a = f.appeals;
  const c = f.centre;
  const centreRate = (k: string) => c.rates.find((x) => x.key === k)!;
  const clockOf = (k: string) => c.clocks.find((x) => x.clock === k)!;
  const reviews = c.clocks.filter((x) => x.clock.endsWith('_review'));
  sections.push(`<h2>六、中心自身时效</h2>
<p>本月派单员派单 ${int(clockOf('dispatch').decided)} 件，平均派单时长 ${esc(figureText(centreRate('avg_dispatch_minutes').value, 'minutes'))}，派单及时率 ${pct(centreRate('timely_dispatch_rate').value)}；审核答复、退单、延期、终止申请共 ${int(reviews.reduce((s, x) => s + x.decided, 0))} 件，审核及时率 ${pct(centreRate('timely_review_rate').value)}；回访 ${int(clockOf('callback').decided)} 轮，回访及时率 ${pct(centreRate('timely_callback_rate').value)}。自动派单的工单不等待，不计入派单时长。</p>
${table(
  ['环节', '处理（件）', '在时限内（件）', '及时率', '平均等待', '最长等待'],
  c.clocks.map((x) => [
    esc(x.name),
    esc(int(x.decided)),
    esc(int(x.onTime)),
    esc(pct(x.decided ? x.onTime / x.decided : null)),
    esc(x.avgWaitMinutes === null ? '—' : `${x.avgWaitMinutes.toFixed(1)} 分钟`),
    esc(x.maxWaitMinutes === null ? '—' : `${int(x.maxWaitMinutes)} 分钟`),
  ]),
  { num: [1, 2, 3, 4, 5] },
)}`);

  sections.push(`<h2>七、退回、重办与申诉</h2>
<h3>退回（退单）</h3>
<p>本月承办单位申请退单 ${int(r.requested)} 次，同意 ${int(r.approved)} 次、驳回 ${int(r.rejected)} 次；回退率 ${pct(r.rate.value)}（${frac(r.rate.numerator, r.rate.denominator, r.rate.key)}）。</p>
${table(
  ['单位', '申请退单（次）', '获准（次）'],
  r.byUnit.map((u) => [esc(u.unit.name), esc(int(u.count)), esc(int(u.approved))]),
  { num: [1, 2], empty: '本月没有退单申请。' },
)}
<h3>重办</h3>
<p>本月因回访不满意重办 ${int(rd.reopened)} 次；办结工单中经过重办的 ${int(rd.closedRedone)} 件，重办率 ${pct(rd.rate.value)}（${frac(rd.rate.numerator, rd.rate.denominator, rd.rate.key)}）。</p>
${table(
  ['单位', '重办（次）'],
  rd.byUnit.map((u) => [esc(u.unit.name), esc(int(u.count))]),
  { num: [1], empty: '本月没有重办。' },
)}
<h3>申诉（免考）</h3>
<p>本月承办单位提出申诉 ${int(a.filed)} 件；审核同意 ${int(a.approved)} 件、驳回 ${int(a.rejected)} 件。</p>
${
  a.byReason.length
    ? table(
        ['申诉理由', '件数'],
        a.byReason.map((x) => [esc(x.name), esc(int(x.count))]),
        { num: [1] },
      )
    : ''
}
${table(
  ['单位', '提出（件）', '同意（件）', '驳回（件）'],
  a.byUnit.map((u) => [esc(u.unit.name), esc(int(u.count)), esc(int(u.approved)), esc(int(u.rejected))]),
  { num: [1, 2, 3], empty: '本月没有申诉。' },
)}`);

  const h = f.hotspots;
  sections.push(`<h2>八、热点问题</h2>
<h3>突增热点</h3>
<p class="note">${esc(h.rule)}</p>
${table(
  ['分类', '街道', '本月（件）', '基线均值', '阈值', '偏离度'],
  h.spikes.map((s) => [
    esc(s.category),
    esc(s.street),
    esc(int(s.count)),
    esc(s.baselineMean.toFixed(1)),
    esc(s.threshold.toFixed(1)),
    esc(s.score.toFixed(1)),
  ]),
  { num: [2, 3, 4, 5], empty: '本月没有达到判定规则的突增。' },
)}
<h3>重复诉求</h3>
${table(
  ['类型', '对象', '分类', '街道', '次数'],
  h.repeats.map((x) => [esc(x.kindName), esc(x.subject), esc(x.category ?? '—'), esc(x.street ?? '—'), esc(int(x.count))]),
  { num: [4], empty: '本月没有重复诉求。' },
)}`);

  sections.push(`<h2>九、典型案例</h2>
<p class="note">选取规则：${esc(CASE_RULE)}案例不含诉求人姓名、电话等个人信息。</p>
${
  f.typicalCases.length
    ? f.typicalCases
        .map(
          (c, i) => `<div class="case"><div class="t">案例 ${i + 1}　工单 ${esc(c.number)}　${esc(c.category)}${c.street ? `　${esc(c.street)}` : ''}</div>
<div>诉求摘要：${esc(c.summary)}</div>
<div>承办单位：${esc(c.leadUnit ?? '—')}；办理结果：${esc(c.outcome)}</div>
<div>入选原因：${esc(c.reasons.join('；'))}</div></div>`,
        )
        .join('\n')
    : '<p class="empty">本月没有符合规则的典型案例。</p>'
}`);

  if (f.triage) sections.push(triageSectionHtml(f.triage, { esc, table }));

  sections.push(`<h2>附：指标口径</h2>
${table(
  ['指标', '口径'],
  [...o.rates, ...f.centre.rates].map((x) => [esc(x.name), esc(x.definition)]),
  { cls: 'defs' },
)}
<p class="note">数据来源：接诉系统统计汇总（按北京时间自然日、自然月统计）。本报告生成后存档，之后的数据变化不会改变已存档的报告；如需更新请重新生成。</p>`);

  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${CSS}</style></head>
<body>
${sections.join('\n')}
</body></html>`;
}

export const reportTitle = (f: Pick<MonthlyFigures, 'centreName' | 'month'>) => `${f.centreName}${monthTitle(f.month)}热线分析报告`;
