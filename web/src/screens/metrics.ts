/**
 * 统计分析 (/metrics?period=…&from=…[&to=…]&level=…[&compare=true]): every rate for any period — day, week,
 * month, quarter, half-year, year or custom dates — for the city and per unit of one level (each with everything
 * below it), optionally beside the previous period (环比) and the same period a year earlier (同比); the
 * summary sentence; the rankings for month, quarter, half-year and year. Every figure links to the tickets
 * behind its numerator or denominator (指标明细). The choice lives in the address, so a view can be shared.
 */
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t } from '../i18n.ts';
import { get, qs } from '../api.ts';
import { fullTime, shanghaiDay } from '../format.ts';
import { navigate, useLocation } from '../router.ts';
import type { SessionInfo } from '../types.ts';
import { ErrorBox, Panel, lbl } from '../ui/common.ts';
import {
  type Choice,
  type Compared,
  defaultFrom,
  FigureCell,
  type Figure,
  LEVELS,
  type Level,
  levelOptions,
  type Period,
  PERIODS,
  PeriodPicker,
  RANKING_PERIODS,
  RankingTable,
  type Rankings,
} from './metrics-parts.ts';

type Row = { group: { id: number | string; name: string } | null; metrics: Record<string, Figure>; previous?: Compared; yearAgo?: Compared };
type Report = { from: string; to: string; metrics: string[]; rows: Row[]; freshness: { lastRunAt: string | null } };
type Summary = { sentence: string };
type Data = { units: Report; city: Report; rankings: Rankings | null; summary: Summary | null };
/** A unit user's own unit: the top row is its subtree instead of the city, and rankings (centre only) are left out. */
type Mine = { id: number; name: string; kind: string } | null;
const UNIT_ROLES = ['unit_handler', 'unit_leader'];
/** The level a reader looks at first: the one below a district or street user's own, else the districts. */
const firstLevel = (mine: Mine): Level => (mine?.kind === 'district' ? 'street' : mine?.kind === 'street' ? 'community' : 'district');

/** The screen's choice, read from the address (defaults: this month in Asia/Shanghai, districts, no comparison). */
function choiceOf(query: URLSearchParams, today: string, mine: Mine): Choice & { level: Level; compare: boolean } {
  const p = query.get('period');
  const period: Period = (PERIODS as readonly string[]).includes(p ?? '') ? (p as Period) : 'month';
  const l = query.get('level');
  const level: Level = (LEVELS as readonly string[]).includes(l ?? '') ? (l as Level) : firstLevel(mine);
  const to = period === 'custom' ? (query.get('to') ?? today) : undefined;
  return { period, from: query.get('from') || defaultFrom(period, today), to, level, compare: query.get('compare') === 'true' };
}

export function Metrics({ session }: { session: SessionInfo }) {
  const loc = useLocation();
  const today = shanghaiDay(new Date());
  const mine: Mine = UNIT_ROLES.includes(session.user.role) ? session.user.unit : null;
  const c = choiceOf(loc.query, today, mine);
  const key = JSON.stringify(c);
  const [data, setData] = useState<Data | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const go = (next: Partial<typeof c>) => {
    const n = { ...c, ...next };
    navigate(
      `/metrics${qs({ period: n.period, from: n.from, to: n.period === 'custom' ? n.to : undefined, level: n.level, compare: n.compare || undefined })}`,
      {
        replace: true,
      },
    );
  };
  const range = { period: c.period, from: c.from, to: c.period === 'custom' ? c.to : undefined };
  useEffect(() => {
    let alive = true;
    setBusy(true);
    const q = { ...range, compare: c.compare || undefined };
    void Promise.all([
      get<Report>(`/api/metrics${qs({ ...q, groupBy: 'unit', level: c.level })}`),
      get<Report>(`/api/metrics${qs({ ...q, unitId: mine?.id })}`),
      !mine && RANKING_PERIODS.includes(c.period) ? get<Rankings>(`/api/metrics/rankings${qs({ level: c.level, period: c.period, from: c.from })}`) : null,
      get<Summary>(`/api/metrics/summary${qs(range)}`).catch(() => null),
    ])
      .then(([units, city, rankings, summary]) => {
        if (!alive) return;
        setData({ units, city, rankings, summary });
        setError(null);
      })
      .catch((e) => alive && setError(e))
      .finally(() => alive && setBusy(false));
    return () => {
      alive = false;
    };
  }, [key]);

  const csv = `/api/metrics.csv${qs({ ...range, groupBy: 'unit', level: c.level, compare: c.compare || undefined })}`;
  return html`<div class="metrics-screen">
    <h1 class="screen-title">${t('screen.metrics')}</h1>
    <form class="mx-controls" onSubmit=${(e: Event) => e.preventDefault()}>
      <${PeriodPicker} choice=${c} today=${today} onChange=${(n: Choice) => go(n)} />
      <div class="row">
        <div class="field">
          <label for="mx-level">${t('mx.level')}</label>
          <select id="mx-level" value=${c.level} onChange=${(e: Event) => go({ level: (e.target as HTMLSelectElement).value as Level })}>
            ${levelOptions().map(([v, text]) => html`<option value=${v}>${text}</option>`)}
          </select>
        </div>
        <label class="check"
          ><input type="checkbox" id="mx-compare" checked=${c.compare} onChange=${(e: Event) => go({ compare: (e.target as HTMLInputElement).checked })} />
          ${t('mx.compare')}</label
        >
        <a href=${csv} download>${t('mx.csv')}</a>
      </div>
    </form>
    <${ErrorBox} error=${error} />
    ${data ? html`<${Figures} data=${data} choice=${c} busy=${busy} mine=${mine} />` : html`<p class="loading" aria-busy="true">${t('common.loading')}</p>`}
  </div>`;
}

function Figures({ data, choice, busy, mine }: { data: Data; choice: ReturnType<typeof choiceOf>; busy: boolean; mine: Mine }) {
  const { units, city, rankings, summary } = data;
  const keys = units.metrics;
  const cityRow = city.rows[0];
  const sample = cityRow ?? units.rows[0];
  const drill = { period: choice.period, from: choice.from, to: choice.to };
  const top = mine ? t('mx.mine', { unit: mine.name }) : t('mx.city');
  const cells = (row: Row, unitName: string, unitId?: number) =>
    keys.map(
      (k) =>
        html`<${FigureCell}
          metric=${k}
          f=${row.metrics[k]}
          to=${{ ...drill, unitId }}
          unitName=${unitName}
          previous=${row.previous}
          yearAgo=${row.yearAgo}
          compare=${choice.compare}
        />`,
    );
  return html`<div aria-busy=${busy ? 'true' : 'false'}>
    <p class="muted small">
      ${t('mx.range', { from: units.from, to: units.to })}
      ${units.freshness.lastRunAt ? html` · ${t('mx.fresh', { at: fullTime(units.freshness.lastRunAt) })}` : null}
    </p>
    ${summary ? html`<${Panel} title=${t('mx.summary')} id="mx-summary"><p class="mx-summary" data-summary>${summary.sentence}</p><//>` : null}
    <${Panel} title=${t('mx.table')} id="mx-figures">
      <div class="mx-scroll" tabindex="0" role="region" aria-label=${t('mx.table')}>
        <table class="mx-table" data-compare=${choice.compare ? 'true' : 'false'}>
          <caption>
            ${t('mx.table.caption', { level: lbl('unitKind', choice.level), from: units.from, to: units.to })}
          </caption>
          <thead>
            <tr>
              <th scope="col">${t('mx.unit')}</th>
              ${keys.map((k) => html`<th scope="col" data-metric=${k}>${sample?.metrics[k]?.name ?? k}</th>`)}
            </tr>
          </thead>
          <tbody>
            ${cityRow ? html`<tr class="mx-city" data-unit=${mine ? 'mine' : 'city'}><th scope="row">${top}</th>${cells(cityRow, top, mine?.id)}</tr>` : null}
            ${units.rows.map((r) => {
              const id = Number(r.group!.id);
              return html`<tr key=${id} data-unit=${id}><th scope="row">${r.group!.name}</th>${cells(r, r.group!.name, id)}</tr>`;
            })}
          </tbody>
        </table>
      </div>
      ${units.rows.length === 0 ? html`<p class="empty">${t('mx.empty')}</p>` : null}
      ${
        sample
          ? html`<details class="mx-definitions">
              <summary>${t('mx.definitions')}</summary>
              <dl>${keys.map((k) => html`<div><dt>${sample.metrics[k]?.name}</dt><dd>${sample.metrics[k]?.definition}</dd></div>`)}</dl>
            </details>`
          : null
      }
    <//>
    ${
      mine
        ? null
        : html`<${Panel} title=${t('mx.rankings')} id="mx-rankings">
          ${rankings ? html`<${RankingTable} r=${rankings} level=${choice.level} choice=${drill} />` : html`<p class="muted">${t('mx.rankings.onlyLong')}</p>`}
        <//>`
    }
  </div>`;
}
