/**
 * The wallboard's charts: ECharts from echarts/core with only what is drawn here. This module is loaded
 * with import() by the wallboard alone, so other screens never download it.
 */
import * as echarts from 'echarts/core';
import { BarChart, GaugeChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([LineChart, BarChart, GaugeChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

const TEXT = '#e8eef7';
const FONT = "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";

export type Chart = { update(data: unknown): void; dispose(): void };

/** Marks the element once a render has finished (tests and screenshots wait on data-rendered). */
function track(el: HTMLElement, chart: echarts.ECharts) {
  chart.on('finished', () => el.setAttribute('data-rendered', 'true'));
  const ro = new ResizeObserver(() => chart.resize());
  ro.observe(el);
  return () => {
    ro.disconnect();
    chart.dispose();
  };
}

export function trendChart(el: HTMLElement, labels: { created: string; closed: string }): Chart {
  const chart = echarts.init(el, undefined, { renderer: 'canvas' });
  const dispose = track(el, chart);
  return {
    update(data) {
      const d = data as { day: string; created: number; closed: number }[];
      chart.setOption({
        textStyle: { fontFamily: FONT, color: TEXT },
        animation: false,
        grid: { left: 40, right: 16, top: 36, bottom: 28 },
        legend: { top: 0, textStyle: { color: TEXT } },
        tooltip: { trigger: 'axis' },
        xAxis: { type: 'category', data: d.map((x) => x.day.slice(5)), axisLabel: { color: TEXT } },
        yAxis: { type: 'value', minInterval: 1, axisLabel: { color: TEXT }, splitLine: { lineStyle: { color: '#2c3e5c' } } },
        series: [
          { name: labels.created, type: 'bar', data: d.map((x) => x.created), itemStyle: { color: '#4f9dff' } },
          { name: labels.closed, type: 'line', data: d.map((x) => x.closed), itemStyle: { color: '#5fd39a' }, lineStyle: { width: 3 } },
        ],
      });
    },
    dispose,
  };
}

export function gaugeChart(el: HTMLElement, name: string): Chart {
  const chart = echarts.init(el, undefined, { renderer: 'canvas' });
  const dispose = track(el, chart);
  return {
    update(value) {
      const v = typeof value === 'number' ? Math.round(value * 1000) / 10 : null;
      chart.setOption({
        animation: false,
        series: [
          {
            type: 'gauge',
            min: 0,
            max: 100,
            progress: { show: true, width: 14 },
            axisLine: { lineStyle: { width: 14, color: [[1, '#2c3e5c']] } },
            axisTick: { show: false },
            splitLine: { show: false },
            axisLabel: { show: false },
            pointer: { show: false },
            anchor: { show: false },
            title: { offsetCenter: [0, '70%'], color: TEXT, fontFamily: FONT, fontSize: 16 },
            detail: { valueAnimation: false, offsetCenter: [0, '5%'], fontSize: 28, color: TEXT, fontFamily: FONT, formatter: v === null ? '—' : '{value}%' },
            itemStyle: { color: v === null ? '#2c3e5c' : v >= 90 ? '#5fd39a' : v >= 80 ? '#f5c451' : '#ff6b6b' },
            data: [{ value: v ?? 0, name }],
          },
        ],
      });
    },
    dispose,
  };
}
