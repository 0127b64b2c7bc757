/**
 * Pieces of the 统计分析 screen (/metrics): the period picker, one figure with links to the tickets behind its
 * numerator and denominator (and, compared, its previous-period and year-earlier values), and the rankings.
 */
import { html } from '../html.ts';
import { t, type MsgKey } from '../i18n.ts';
import { linkClick } from '../router.ts';
import { lbl } from '../ui/common.ts';
import { drillHref } from './metric-tickets.ts';

export const PERIODS = ['day', 'week', 'month', 'quarter', 'half', 'year', 'custom'] as const;
export type Period = (typeof PERIODS)[number];
export const LEVELS = ['district', 'department', 'street', 'community'] as const;
export type Level = (typeof LEVELS)[number];
/** Rankings come by these periods only (GET /api/metrics/rankings). */
export const RANKING_PERIODS: readonly Period[] = ['month', 'quarter', 'half', 'year'];
/** What a figure is read for, and what its drill-down links carry: the period as the API takes it. */
export type Choice = { period: Period; from: string; to?: string };

export type Figure = { name: string; value: number | null; numerator: number; denominator: number; unit: string; definition: string };
export type Compared = { start: string; end: string; metrics: Record<string, { value: number | null }> } | null;

/** The period's value as the API writes it, for `day` (YYYY-MM-DD, Asia/Shanghai). */
export function defaultFrom(period: Period, day: string): string {
  const [y, m] = [day.slice(0, 4), Number(day.slice(5, 7))];
  switch (period) {
    case 'month':
      return day.slice(0, 7);
    case 'quarter':
      return `${y}-Q${Math.ceil(m / 3)}`;
    case 'half':
      return `${y}-H${m <= 6 ? 1 : 2}`;
    case 'year':
      return y;
    case 'custom':
      return `${day.slice(0, 7)}-01`;
    default:
      return day;
  }
}

const target = (e: Event) => (e.target as HTMLInputElement).value;

/** 日/周/月/季度/半年/年/自定义 and the input(s) each takes; `onChange` gets the new choice. */
export function PeriodPicker({ choice, today, onChange }: { choice: Choice; today: string; onChange: (c: Choice) => void }) {
  const { period, from } = choice;
  const [year, part] = from.split(/-[QH]/);
  const setPeriod = (p: Period) => onChange({ period: p, from: defaultFrom(p, today), to: p === 'custom' ? today : undefined });
  const setFrom = (v: string) => v && onChange({ ...choice, from: v });
  const yearInput = (onYear: (y: string) => void) =>
    html`<div class="field">
      <label for="mx-year">${t('mx.year')}</label>
      <input id="mx-year" type="number" min="2000" max="2100" value=${year} onChange=${(e: Event) => /^\d{4}$/.test(target(e)) && onYear(target(e))} />
    </div>`;
  const select = (id: string, label: MsgKey, options: [string, string][], value: string | undefined, set: (v: string) => void) =>
    html`<div class="field">
      <label for=${id}>${t(label)}</label>
      <select id=${id} value=${value} onChange=${(e: Event) => set(target(e))}>
        ${options.map(([v, text]) => html`<option value=${v}>${text}</option>`)}
      </select>
    </div>`;
  const dateInput = (id: string, label: MsgKey, type: string, value: string | undefined, set: (v: string) => void) =>
    html`<div class="field">
      <label for=${id}>${t(label)}</label>
      <input id=${id} type=${type} value=${value} onChange=${(e: Event) => target(e) && set(target(e))} />
    </div>`;
  const inputs = () => {
    switch (period) {
      case 'day':
        return dateInput('mx-from', 'mx.day', 'date', from, setFrom);
      case 'week':
        return dateInput('mx-from', 'mx.weekDay', 'date', from, setFrom);
      case 'month':
        return dateInput('mx-from', 'mx.month', 'month', from, setFrom);
      case 'quarter':
        return html`${yearInput((y) => setFrom(`${y}-Q${part}`))}
        ${select(
          'mx-quarter',
          'mx.quarter',
          ['1', '2', '3', '4'].map((n) => [n, t('mx.quarterN', { n })]),
          part,
          (q) => setFrom(`${year}-Q${q}`),
        )}`;
      case 'half':
        return html`${yearInput((y) => setFrom(`${y}-H${part}`))}
        ${select(
          'mx-half',
          'mx.half',
          ['1', '2'].map((n) => [n, t(`mx.half.H${n}` as MsgKey)]),
          part,
          (h) => setFrom(`${year}-H${h}`),
        )}`;
      case 'year':
        return yearInput(setFrom);
      default:
        return html`${dateInput('mx-from', 'mx.from', 'date', from, setFrom)}
        ${dateInput('mx-to', 'mx.to', 'date', choice.to, (to) => onChange({ ...choice, to }))}`;
    }
  };
  return html`<fieldset class="mx-period">
    <legend>${t('mx.period')}</legend>
    <div class="mx-tabs" role="group" aria-label=${t('mx.period')}>
      ${PERIODS.map(
        (p) => html`<button type="button" class="small" aria-pressed=${p === period ? 'true' : 'false'} data-period=${p} onClick=${() => setPeriod(p)}>
          ${t(`mx.period.${p}` as MsgKey)}
        </button>`,
      )}
    </div>
    <div class="row">${inputs()}</div>
  </fieldset>`;
}

export const levelOptions = () => LEVELS.map((l): [string, string] => [l, lbl('unitKind', l)]);

/** 85.0% for a rate, 12.5 分钟 for minutes, — without a value. */
export function figureText(value: number | null, unit: string): string {
  if (value === null) return t('mx.none');
  return unit === 'minutes' ? t('mx.minutes', { n: value.toFixed(1) }) : `${(value * 100).toFixed(1)}%`;
}

/** ↑2.0个百分点 (rates) or ↓3.5分钟 (minutes) from `before` to `now`; — when either is missing. */
export function changeText(now: number | null, before: number | null, unit: string): { text: string; dir: 'up' | 'down' | 'same' | 'none' } {
  if (now === null || before === null) return { text: t('mx.none'), dir: 'none' };
  const d = unit === 'minutes' ? now - before : (now - before) * 100;
  const n = Math.abs(d).toFixed(1);
  if (n === '0.0') return { text: t('mx.change.same'), dir: 'same' };
  const suffix = unit === 'minutes' ? t('mx.minutesDelta') : t('mx.pp');
  return { text: t(d > 0 ? 'mx.change.up' : 'mx.change.down', { n }) + suffix, dir: d > 0 ? 'up' : 'down' };
}

type DrillTo = Choice & { unitId?: number };
const hrefOf = (to: DrillTo, metric: string, part: 'numerator' | 'denominator') =>
  drillHref({ metric, part, period: to.period, from: to.from, to: to.period === 'custom' ? to.to : undefined, unitId: to.unitId });

/** A rate as a link to its numerator's tickets. */
export function RateLink({ metric, f, to, unitName }: { metric: string; f: Figure; to: DrillTo; unitName: string }) {
  const text = figureText(f.value, f.unit);
  return html`<a
    class="mx-value"
    href=${hrefOf(to, metric, 'numerator')}
    onClick=${linkClick}
    data-drill=${`${metric}.value`}
    aria-label=${t('mx.openRate', { unit: unitName, name: f.name, value: text })}
    >${text}</a
  >`;
}

/**
 * One figure: its value and its numerator / denominator, each a link to the tickets behind it (指标明细, the same
 * period and unit); compared, the previous period's and the year-earlier value with the change.
 */
export function FigureCell(props: { metric: string; f: Figure; to: DrillTo; unitName: string; previous?: Compared; yearAgo?: Compared; compare: boolean }) {
  const { metric, f, to, unitName } = props;
  const part = (p: 'numerator' | 'denominator') =>
    html`<a
      href=${hrefOf(to, metric, p)}
      onClick=${linkClick}
      data-drill=${`${metric}.${p}`}
      aria-label=${t('mx.open', { unit: unitName, name: f.name, part: t(p === 'numerator' ? 'drill.numerator' : 'drill.denominator'), value: f[p] })}
      >${f[p]}</a
    >`;
  const versus = (what: 'previous' | 'yearAgo', c: Compared | undefined) => {
    const before = c?.metrics[metric]?.value ?? null;
    const change = changeText(f.value, before, f.unit);
    const range = c ? `${c.start}~${c.end}` : t('mx.none');
    return html`<span
      class=${`mx-delta mx-${change.dir}`}
      data-compare=${what}
      title=${t('mx.compareOf', { what: t(what === 'previous' ? 'mx.previous' : 'mx.yearAgo'), value: figureText(before, f.unit), range })}
      >${t(what === 'previous' ? 'mx.previous' : 'mx.yearAgo')} ${figureText(before, f.unit)} ${change.dir === 'none' ? '' : change.text}</span
    >`;
  };
  return html`<td data-metric=${metric}>
    <${RateLink} metric=${metric} f=${f} to=${to} unitName=${unitName} />
    <span class="mx-frac">${part('numerator')}/${part('denominator')}</span>
    ${props.compare ? html`${versus('previous', props.previous)}${versus('yearAgo', props.yearAgo)}` : null}
  </td>`;
}

type Ranked = { rank: number; unit: { id: number; name: string }; composite: number; metrics: Record<string, Figure> };
export type Rankings = {
  bucket: string;
  weights: Record<string, number>;
  ranked: Ranked[];
  red: Ranked[];
  black: Ranked[];
  unranked: { unit: { name: string } }[];
};
const RANKED = ['response_rate', 'solved_rate', 'satisfaction_rate'] as const;

/** The ranked units of one level, best first, red and black lists marked, each rate a link to its tickets. */
export function RankingTable({ r, level, choice }: { r: Rankings; level: Level; choice: Choice }) {
  const red = new Set(r.red.map((x) => x.unit.id));
  const black = new Set(r.black.map((x) => x.unit.id));
  const weights = RANKED.map((k) => r.weights[k] ?? 0).join('/');
  const names = r.ranked[0]?.metrics;
  if (r.ranked.length === 0) return html`<p class="empty">${t('mx.rankings.empty')}</p>`;
  return html`<div class="mx-scroll" tabindex="0" role="region" aria-label=${t('mx.rankings')}>
      <table class="mx-table mx-rankings">
        <caption>
          ${t('mx.rankings.caption', { level: lbl('unitKind', level), bucket: r.bucket, weights })}
        </caption>
        <thead>
          <tr>
            <th scope="col">${t('mx.rank')}</th>
            <th scope="col">${t('mx.unit')}</th>
            <th scope="col">${t('mx.composite')}</th>
            ${RANKED.map((k) => html`<th scope="col">${names?.[k]?.name ?? k}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${r.ranked.map(
            (u) => html`<tr data-unit=${u.unit.id}>
              <td>${u.rank}</td>
              <th scope="row">
                ${u.unit.name}
                ${red.has(u.unit.id) ? html` <span class="badge mx-red">${t('mx.red')}</span>` : null}
                ${black.has(u.unit.id) ? html` <span class="badge mx-black">${t('mx.black')}</span>` : null}
              </th>
              <td>${u.composite.toFixed(2)}</td>
              ${RANKED.map(
                (k) =>
                  html`<td data-metric=${k}><${RateLink} metric=${k} f=${u.metrics[k]} to=${{ ...choice, unitId: u.unit.id }} unitName=${u.unit.name} /></td>`,
              )}
            </tr>`,
          )}
        </tbody>
      </table>
    </div>
    ${r.unranked.length ? html`<p class="muted small">${t('mx.unranked', { names: r.unranked.map((u) => u.unit.name).join('、') })}</p>` : null}`;
}
