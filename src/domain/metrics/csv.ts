/**
 * CSV export of a metrics table: UTF-8 with a byte-order mark and CRLF lines, so Excel opens the Chinese
 * correctly by double-click. One line per bucket (and group); per metric its rate (an average in minutes for
 * 平均派单时长), numerator and denominator, and for figures with clocks that may await the calendar how many
 * are pending; the definitions follow the table, after an empty line.
 */
import type { Locale } from '../../i18n/messages.ts';
import { METRIC_KEYS, METRIC_NAMES, PENDING_METRIC_KEYS, type MetricKey, type MetricValue } from './definitions.ts';
import type { MetricsRow } from './queries.ts';

export const BOM = '\uFEFF';

const HEAD: Record<
  Locale,
  {
    bucket: string;
    start: string;
    end: string;
    groupId: string;
    group: string;
    num: string;
    den: string;
    pending: string;
    metric: string;
    definition: string;
    scope: string;
  }
> = {
  'zh-CN': {
    bucket: '周期',
    start: '开始日期',
    end: '结束日期',
    groupId: '分组编号',
    group: '分组',
    num: '分子',
    den: '分母',
    pending: '待定',
    metric: '指标',
    definition: '口径',
    scope: '范围',
  },
  en: {
    bucket: 'Period',
    start: 'Start',
    end: 'End',
    groupId: 'Group id',
    group: 'Group',
    num: ' numerator',
    den: ' denominator',
    pending: ' pending',
    metric: 'Metric',
    definition: 'Definition',
    scope: 'Scope',
  },
};

/** A cell as CSV: quoted when it must be; text that a spreadsheet would run as a formula is defused. */
export function cell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A rate as a percentage with two decimals; an average in minutes with one; empty for no data. */
const shown = (m: MetricValue) => (m.value === null ? '' : m.unit === 'minutes' ? m.value.toFixed(1) : `${(m.value * 100).toFixed(2)}%`);
/** Figures with clocks awaiting the calendar get a fourth column: how many are pending (left out of the rate). */
const hasPending = (k: MetricKey) => (PENDING_METRIC_KEYS as readonly MetricKey[]).includes(k);

/**
 * By unit, each unit has two lines — its subtree (含下级) and its own assignments (本级) — told apart by a last
 * column, 范围.
 */
export function metricsCsv(rows: MetricsRow[], locale: Locale, opts: { grouped: boolean; definitions: Record<MetricKey, string> }): string {
  const h = HEAD[locale];
  const scoped = rows.some((r) => r.own);
  const header = [
    h.bucket,
    h.start,
    h.end,
    ...(opts.grouped ? [h.groupId, h.group] : []),
    ...METRIC_KEYS.flatMap((k) => [
      METRIC_NAMES[k][locale],
      METRIC_NAMES[k][locale] + h.num,
      METRIC_NAMES[k][locale] + h.den,
      ...(hasPending(k) ? [METRIC_NAMES[k][locale] + h.pending] : []),
    ]),
    ...(scoped ? [h.scope] : []),
  ];
  const lines = [header.map(cell).join(',')];
  const line = (r: MetricsRow, metrics: MetricsRow['metrics'], scope?: string) => {
    const cells: (string | number | null)[] = [r.bucket, r.start, r.end];
    if (opts.grouped) cells.push(r.group ? String(r.group.id) : '', r.group?.name ?? '');
    for (const k of METRIC_KEYS) cells.push(shown(metrics[k]), metrics[k].numerator, metrics[k].denominator, ...(hasPending(k) ? [metrics[k].pending] : []));
    if (scoped) cells.push(scope ?? '');
    lines.push(cells.map(cell).join(','));
  };
  for (const r of rows) {
    line(r, r.metrics, r.scopeName);
    if (r.own) line(r, r.own.metrics, r.own.scopeName);
  }
  lines.push('', [h.metric, h.definition].map(cell).join(','));
  for (const k of METRIC_KEYS) lines.push([METRIC_NAMES[k][locale], opts.definitions[k]].map(cell).join(','));
  return `${BOM + lines.join('\r\n')}\r\n`;
}
