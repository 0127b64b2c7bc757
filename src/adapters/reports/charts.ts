/**
 * The report's charts as SVG strings, drawn by ECharts' server-side renderer (no DOM, no browser): the
 * same SVG goes into the HTML that Chromium prints, so the PDF carries vector charts.
 */
import { createRequire } from 'node:module';
import type * as Echarts from 'echarts';

/** ECharts (≈ 65 MB of the process's memory once loaded) is loaded by the first report that draws a chart. */
let loaded: typeof Echarts | undefined;
const echarts = () => (loaded ??= createRequire(import.meta.url)('echarts') as typeof Echarts);
import type { MonthlyFigures } from '../../domain/reports/contents.ts';

const FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif';
const PALETTE = ['#1f5fa8', '#e07b39', '#3a9b5c', '#c0392b', '#7d5ba6', '#8c6d31', '#2a9d8f', '#6c757d'];

function render(width: number, height: number, option: Echarts.EChartsOption): string {
  const chart = echarts().init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, color: PALETTE, textStyle: { fontFamily: FONT, fontSize: 12 }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** 受理渠道分布: a pie of contacts by channel. */
export function channelPie(f: MonthlyFigures): string {
  return render(520, 280, {
    tooltip: { show: false },
    legend: { orient: 'vertical', left: 8, top: 'middle', textStyle: { fontFamily: FONT } },
    series: [
      {
        type: 'pie',
        radius: ['35%', '70%'],
        center: ['62%', '50%'],
        label: { formatter: '{b}\n{c} 件（{d}%）', fontFamily: FONT },
        data: f.channels.filter((c) => c.current > 0).map((c) => ({ name: c.name, value: c.current })),
      },
    ],
  });
}

/** 诉求分类前十: horizontal bars, this month beside last month. */
export function categoryBar(f: MonthlyFigures): string {
  const top = [...f.categories.top].reverse();
  return render(680, Math.max(180, 40 + top.length * 30), {
    legend: { top: 0, right: 8, textStyle: { fontFamily: FONT } },
    grid: { left: 8, right: 48, top: 28, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: top.map((c) => c.name) },
    series: [
      { name: '上月', type: 'bar', data: top.map((c) => c.previous), itemStyle: { color: '#b8c7da' }, barGap: '10%' },
      { name: '本月', type: 'bar', data: top.map((c) => c.current), label: { show: true, position: 'right', fontFamily: FONT } },
    ],
  });
}

/** 每日受理量走势: contacts, dispatches and closes per Shanghai day. */
export function dailyLine(f: MonthlyFigures): string {
  return render(680, 260, {
    legend: { top: 0, textStyle: { fontFamily: FONT } },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: f.daily.map((d) => String(Number(d.day.slice(8, 10)))), name: '日', boundaryGap: false },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: '来电（诉求）', type: 'line', data: f.daily.map((d) => d.contacts), symbolSize: 4 },
      { name: '派单', type: 'line', data: f.daily.map((d) => d.dispatched), symbolSize: 4 },
      { name: '办结', type: 'line', data: f.daily.map((d) => d.closed), symbolSize: 4 },
    ],
  });
}

/** 综合得分排名: the ranked units of one level, best at the top; the red list in red, the black list in black (at most `max` bars: the best and the worst halves). */
export function unitRankingBar(level: MonthlyFigures['units']['levels'][number], max = 20): string {
  const ranked = level.units.filter((u) => u.composite !== null).sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0));
  const shown = ranked.length > max ? [...ranked.slice(0, max / 2), ...ranked.slice(-max / 2)] : ranked;
  const red = new Set(level.red.map((r) => r.unit.id));
  const black = new Set(level.black.map((r) => r.unit.id));
  const rows = [...shown].reverse();
  return render(680, Math.max(160, 40 + rows.length * 24), {
    grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', min: 0, max: 100 },
    yAxis: { type: 'category', data: rows.map((u) => `${u.rank}. ${u.unit.name}`) },
    series: [
      {
        type: 'bar',
        data: rows.map((u) => ({ value: u.composite, itemStyle: { color: red.has(u.unit.id) ? '#c0392b' : black.has(u.unit.id) ? '#333333' : '#8fa9c8' } })),
        label: { show: true, position: 'right', formatter: (p: { value: unknown }) => Number(p.value).toFixed(2), fontFamily: FONT },
      },
    ],
  });
}
