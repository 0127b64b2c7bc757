/**
 * The monthly report's section on triage at the receiving level (研判分类时效): 普通件1小时答复率 and 研判按时率
 * for the month beside the month before, and per receiving unit — the figures of /api/metrics/triage
 * (src/domain/metrics/triage.ts), computed with the centre's view when the report is generated.
 */
import type { Db } from '../../../db/client.ts';
import { systemActor } from '../auth/actor.ts';
import type { MetricValue } from '../metrics/definitions.ts';
import { TRIAGE_METRIC_KEYS, triageReport, type TriageMetricKey, type TriageSettingsIn } from '../metrics/triage.ts';
import { int, pct, pointsText } from './format.ts';
import { previousMonth } from './months.ts';

const LOCALE = 'zh-CN' as const;
const points = (a: number | null, b: number | null) => (a !== null && b !== null ? Math.round((a - b) * 10000) / 100 : null);

type Rate = { key: TriageMetricKey; name: string; value: number | null; numerator: number; denominator: number; pending: number; definition: string };
export type TriageFigures = {
  rates: (Rate & { previous: number | null; changePoints: number | null })[];
  units: { unit: { id: number; name: string; kind: string; code: string }; rates: Record<TriageMetricKey, Omit<Rate, 'key' | 'name' | 'definition'>> }[];
};

const figure = (m: MetricValue) => ({ value: m.value, numerator: m.numerator, denominator: m.denominator, pending: m.pending });

export async function triageFigures(db: Db, month: string, settings: TriageSettingsIn): Promise<TriageFigures> {
  const actor = systemActor('supervisor');
  const prev = previousMonth(month);
  const total = await triageReport(db, actor, { period: 'month', from: prev, to: month, includeAppealed: false }, settings, LOCALE);
  const [before, cur] = [total.rows.find((r) => r.bucket === prev)!, total.rows.find((r) => r.bucket === month)!];
  const byUnit = await triageReport(db, actor, { period: 'month', from: month, groupBy: 'unit', includeAppealed: false }, settings, LOCALE);
  return {
    rates: TRIAGE_METRIC_KEYS.map((key) => {
      const m = cur.metrics[key];
      const previous = before.metrics[key].value;
      return { key, name: m.name, definition: m.definition, ...figure(m), previous, changePoints: points(m.value, previous) };
    }),
    units: byUnit.rows.map((r) => ({
      unit: r.group!,
      rates: { quick_reply_rate: figure(r.metrics.quick_reply_rate), triage_on_time_rate: figure(r.metrics.triage_on_time_rate) },
    })),
  };
}

type Html = { esc: (s: unknown) => string; table: (headers: string[], rows: string[][], opts?: { num?: number[]; empty?: string; cls?: string }) => string };

/** The section's HTML (the report's own escaping and table helpers passed in). */
export function triageSectionHtml(t: TriageFigures, { esc, table }: Html): string {
  const [quick, triage] = [t.rates.find((r) => r.key === 'quick_reply_rate')!, t.rates.find((r) => r.key === 'triage_on_time_rate')!];
  const ratio = (x: { numerator: number; denominator: number }) => `${int(x.numerator)} / ${int(x.denominator)}`;
  return `<h2>十、研判分类时效</h2>
<p>接收热线中心派单的承办单位对工单研判分类：普通件自接收起限时答复，复杂件限时研判受理。本月普通件1小时答复率 ${pct(quick.value)}（${ratio(quick)}，环比 ${esc(pointsText(quick.changePoints))}），研判按时率 ${pct(triage.value)}（${ratio(triage)}，环比 ${esc(pointsText(triage.changePoints))}）${triage.pending ? `；另有 ${int(triage.pending)} 件的研判时限待日历导入后确定` : ''}。</p>
${table(
  ['承办单位', '普通件1小时答复率', '答复及时 / 到期', '研判按时率', '按时 / 到期'],
  t.units.map((u) => [
    esc(u.unit.name),
    pct(u.rates.quick_reply_rate.value),
    ratio(u.rates.quick_reply_rate),
    pct(u.rates.triage_on_time_rate.value),
    ratio(u.rates.triage_on_time_rate),
  ]),
  { num: [1, 2, 3, 4], empty: '本月没有到期的研判或普通件答复时限。' },
)}
${table(
  ['指标', '口径'],
  t.rates.map((r) => [esc(r.name), esc(r.definition)]),
  { cls: 'defs' },
)}`;
}
