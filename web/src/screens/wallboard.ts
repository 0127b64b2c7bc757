import { useEffect, useRef, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { linkClick } from '../router.ts';
import { html } from '../html.ts';
import { drillHref } from './metric-tickets.ts';
import { t } from '../i18n.ts';
import { get, qs } from '../api.ts';
import { shanghaiDay, shortTime, useDebounced, useNow } from '../format.ts';
import { useTicketEvents } from '../live.ts';
import type { Page, SupervisionItem, TicketSummary } from '../types.ts';
import { Empty, ErrorBox, lbl } from '../ui/common.ts';
import type { Chart } from '../charts.ts';
import type { SessionInfo } from '../types.ts';
import { HotspotPanel } from './hotspots-panel.ts';
import { levelAt, spanText, useCentreWaiting } from '../ui/centre.ts';
import { CHANNELS, LEVELS } from '../../../src/contract/vocab.ts';
import { DisputedPanel, type OverdueItem, OverduePanel } from './wallboard-panels.ts';

const GAUGES = ['response_rate', 'solved_rate', 'satisfaction_rate', 'reply_rate', 'completion_rate'] as const;
/** The centre's own figures this month: an average in minutes and three rates. */
const CENTRE_RATES = ['avg_dispatch_minutes', 'timely_dispatch_rate', 'timely_review_rate', 'timely_callback_rate', 'callback_coverage_rate'] as const;
const TREND_DAYS = 14;
/** How many of the newest tickets the list-based counts read (until the metrics API serves counts). */
const SAMPLE_PAGES = 5;

export type Board = {
  todayTotal: number;
  todayByChannel: Record<string, number>;
  open: number;
  byWarning: Record<string, number>;
  closedToday: number;
  trend: { day: string; created: number; closed: number }[];
  disputed: TicketSummary[];
  /** 0..1 per gauge, or null where no figure is available */
  gauges: Record<(typeof GAUGES)[number], number | null>;
  /** Per gauge, clocks awaiting the calendar: left out of the rate, shown beside it */
  pending?: Partial<Record<(typeof GAUGES)[number], number>>;
  /** Per gauge, its numerator and denominator this month (each links to the tickets behind it) and the month */
  figures?: Partial<Record<(typeof GAUGES)[number], { numerator: number; denominator: number }>>;
  month?: string;
  /** The centre's own figures this month, from the metrics API */
  centre?: Record<(typeof CENTRE_RATES)[number], { value: number | null; unit: string }> | null;
  /** score: over the unit's subtree (含下级, ranked by); own: its own figures (本级), null when not computable */
  ranking: { unit: string; score: number; own?: number | null; rank: number }[] | null;
  sampled: number;
  complete: boolean;
  /** gauges, trend and ranking come from the metrics API */
  metricsSource?: boolean;
  metricsAt?: string | null;
};

/**
 * Counts from the ticket list (newest first, up to SAMPLE_PAGES × 200 tickets): today's intake by channel,
 * open, by warning level, overdue, the daily trend. Rates and the ranking belong to the metrics API.
 */
export async function boardFromTickets(now: Date): Promise<Board> {
  const items: TicketSummary[] = [];
  let before: number | null | undefined;
  for (let i = 0; i < SAMPLE_PAGES; i++) {
    const page = await get<Page<TicketSummary>>(`/api/tickets${qs({ limit: 200, before: before ?? undefined })}`);
    items.push(...page.items);
    before = page.nextBefore;
    if (!before) break;
  }
  const today = shanghaiDay(now);
  const days: string[] = [];
  for (let i = TREND_DAYS - 1; i >= 0; i--) days.push(shanghaiDay(new Date(now.getTime() - i * 86_400_000)));
  const trend = new Map(days.map((d) => [d, { day: d, created: 0, closed: 0 }]));
  const b: Board = {
    todayTotal: 0,
    todayByChannel: Object.fromEntries(CHANNELS.map((c) => [c, 0])),
    open: 0,
    byWarning: Object.fromEntries(LEVELS.map((w) => [w, 0])),
    closedToday: 0,
    trend: [],
    disputed: [],
    gauges: { response_rate: null, solved_rate: null, satisfaction_rate: null, reply_rate: null, completion_rate: null },
    ranking: null,
    sampled: items.length,
    complete: !before,
  };
  for (const x of items) {
    const created = shanghaiDay(x.createdAt);
    if (created === today) {
      b.todayTotal++;
      b.todayByChannel[x.channel] = (b.todayByChannel[x.channel] ?? 0) + 1;
    }
    trend.get(created) && trend.get(created)!.created++;
    if (x.closedAt) {
      const closed = shanghaiDay(x.closedAt);
      if (closed === today) b.closedToday++;
      trend.get(closed) && trend.get(closed)!.closed++;
    }
    if (x.status !== 'closed') {
      b.open++;
      if (x.warningLevel in b.byWarning) b.byWarning[x.warningLevel]!++;
    }
    if (x.status === 'callback_disputed') b.disputed.push(x);
  }
  b.trend = [...trend.values()];
  return b;
}

type MetricValue = { value: number | null; numerator: number; denominator: number; pending?: number; unit?: string; definition: string };
type MetricsRow = { bucket: string; start: string; metrics: Record<string, MetricValue>; counters: Record<string, number> };
type MetricsAnswer = { rows: MetricsRow[]; freshness?: { pendingEvents: number; lastRunAt: string | null } };
type RankingAnswer = { ranked: { rank: number; unit: { name: string }; composite: number; own?: { composite: number | null } }[]; size: number };
export const RANK_LEVELS = ['street', 'district', 'department', 'community'] as const;

/**
 * The evaluation engine's figures (GET /api/metrics, rolled up every minute): this month's rates for the
 * gauges, the daily trend, and the red list of a unit level. Live counts stay on the ticket list, which
 * changes the moment a ticket does.
 */
export async function withMetrics(b: Board, now: Date, level: string): Promise<Board> {
  const today = shanghaiDay(now);
  const first = b.trend[0]?.day ?? today;
  const [month, days, ranking] = await Promise.all([
    get<MetricsAnswer>(`/api/metrics${qs({ period: 'month', from: today.slice(0, 7) })}`).catch(() => null),
    get<MetricsAnswer>(`/api/metrics${qs({ period: 'day', from: first, to: today })}`).catch(() => null),
    get<RankingAnswer>(`/api/metrics/rankings${qs({ level })}`).catch(() => null),
  ]);
  const out: Board = { ...b, metricsSource: !!month };
  const m = month?.rows[0]?.metrics;
  if (m) {
    out.gauges = Object.fromEntries(GAUGES.map((g) => [g, m[g]?.value ?? null])) as Board['gauges'];
    out.pending = Object.fromEntries(GAUGES.map((g) => [g, m[g]?.pending ?? 0]));
    out.figures = Object.fromEntries(GAUGES.flatMap((g) => (m[g] ? [[g, { numerator: m[g]!.numerator, denominator: m[g]!.denominator }]] : [])));
    out.month = today.slice(0, 7);
    out.centre = CENTRE_RATES.every((k) => m[k])
      ? (Object.fromEntries(CENTRE_RATES.map((k) => [k, { value: m[k]!.value, unit: m[k]!.unit ?? 'rate' }])) as Board['centre'])
      : null;
  }
  if (days) {
    const byDay = new Map(days.rows.map((r) => [r.start, r.counters]));
    out.trend = b.trend.map((d) => {
      const c = byDay.get(d.day);
      return { day: d.day, created: c?.contacts ?? 0, closed: (c?.closed ?? 0) + (c?.directAnswers ?? 0) };
    });
  }
  if (ranking)
    out.ranking = ranking.ranked
      .slice(0, Math.max(ranking.size, 5))
      .map((r) => ({ unit: r.unit.name, score: r.composite, own: r.own?.composite ?? null, rank: r.rank }));
  out.metricsAt = month?.freshness?.lastRunAt ?? null;
  return out;
}

export function Wallboard({ session }: { session?: SessionInfo } = {}) {
  const [board, setBoard] = useState<Board | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [supervision, setSupervision] = useState<SupervisionItem[]>([]);
  const [overdue, setOverdue] = useState<{ items: OverdueItem[]; total: number }>({ items: [], total: 0 });
  const [awaiting, setAwaiting] = useState<{ clocks: number; tickets: number } | null>(null);
  // Only supervisors may issue 督办 (POST /api/tickets/:id/supervise).
  const canSupervise = session?.user.role === 'supervisor';
  const [updatedAt, setUpdatedAt] = useState<string | null>(null);
  const [level, setLevel] = useState<string>('street');
  const levelRef = useRef(level);
  levelRef.current = level;
  const reload = useDebounced(async () => {
    try {
      const now = new Date();
      setBoard(await withMetrics(await boardFromTickets(now), now, levelRef.current));
      setUpdatedAt(new Date().toISOString());
      setError(null);
    } catch (e) {
      setError(e);
    }
    // Clocks awaiting the calendar: no deadline, so in no warning count above; counted here until the year is imported.
    get<{ clocks: number; tickets: number }>('/api/sla/awaiting-calendar?limit=1').then(
      (r) => setAwaiting({ clocks: r.clocks, tickets: r.tickets }),
      () => {},
    );
    // Overdue tickets worst first, each with the unit whose clock ran out and by how long (the server's order).
    get<{ items: OverdueItem[]; total: number }>('/api/sla/overdue?limit=100').then(setOverdue, () => {});
    get<Page<SupervisionItem>>('/api/sla/supervision?kind=supervision&open=true&limit=20').then(
      (r) => setSupervision(r.items),
      () => {},
    );
  }, 400);
  useEffect(() => {
    reload();
    document.body.classList.add('big-screen');
    return () => document.body.classList.remove('big-screen');
  }, []);
  useTicketEvents(reload, reload);
  useEffect(reload, [level]);

  // 已超时 counts every open overdue ticket in scope (GET /api/sla/overdue's total), not the list sample.
  const levelCount = (b: Board, w: string) => (w === 'overdue' ? overdue.total : b.byWarning[w]);
  // A grid sized to the viewport (web/src/styles/wallboard.css): the lists page inside their panels, nothing scrolls.
  return html`<div class="wallboard">
    <div class="wb-head">
      <h1 class="screen-title">${t('screen.wallboard')}</h1>
      ${board && !board.complete ? html`<p class="muted small">${t('wall.sampled', { n: board.sampled })}</p>` : null}
      ${board?.metricsSource ? html`<p class="muted small">${t('wall.metricsAt', { at: shortTime(board.metricsAt) })}</p>` : null}
      <p class="muted small" aria-live="off">${t('wall.updated', { at: shortTime(updatedAt) })}</p>
      <${ErrorBox} error=${error} />
    </div>
    ${
      board === null
        ? html`<p class="loading" aria-busy="true">${t('common.loading')}</p>`
        : html`<section class="wb-counters" aria-label=${t('wall.counters')}>
            <div class="counter" data-metric="today">
              <span class="label">${t('wall.today')}</span><span class="value">${board.todayTotal}</span>
              <span class="sub">${
                CHANNELS.filter((c) => board.todayByChannel[c])
                  .map((c) => `${lbl('channel', c)} ${board.todayByChannel[c]}`)
                  .join(' · ') || '—'
              }</span>
            </div>
            <div class="counter" data-metric="open"><span class="label">${t('wall.open')}</span><span class="value">${board.open}</span></div>
            ${LEVELS.map(
              (w) =>
                html`<div class=${`counter warn-${w}`} data-metric=${w}><span class="label">${lbl('warning', w)}</span><span class="value">${levelCount(board, w)}</span></div>`,
            )}
            <div class="counter" data-metric="closed-today"><span class="label">${t('wall.closedToday')}</span><span class="value">${board.closedToday}</span></div>
            ${
              awaiting
                ? html`<div class=${`counter ${awaiting.clocks ? 'warn-yellow' : ''}`} data-metric="awaiting-calendar">
                  <span class="label">${t('wall.awaitingCalendar')}</span><span class="value">${awaiting.tickets}</span>
                  <span class="sub">${t('wall.awaitingCalendarSub', { clocks: awaiting.clocks })}</span>
                </div>`
                : null
            }
          </section>
          <${OverduePanel} overdue=${overdue.items} total=${overdue.total} supervision=${supervision} canSupervise=${canSupervise} onDone=${reload} />
          <section class="wb-gauges" aria-label=${t('wall.gauges')}>
            ${GAUGES.map(
              (g) =>
                html`<${Gauge} key=${g} name=${lbl('metric', g)} value=${board.gauges[g]} pending=${board.pending?.[g] ?? 0}>
                  ${board.figures?.[g] && board.month ? html`<${FigureLinks} metric=${g} name=${lbl('metric', g)} month=${board.month} figure=${board.figures[g]} />` : null}
                <//>`,
            )}
          </section>
          <section class="panel wb-trend" aria-labelledby="trend-h">
            <h2 id="trend-h">${t('wall.trend', { n: TREND_DAYS })}</h2>
            <${Trend} data=${board.trend} />
          </section>
          <section class="panel wb-rank" aria-labelledby="rank-h">
            <h2 id="rank-h">${t('wall.ranking')}</h2>
            <label for="rank-level" class="inline-label">${t('wall.rankLevel')}</label>
            <select id="rank-level" value=${level} onChange=${(e: Event) => setLevel((e.target as HTMLSelectElement).value)}>
              ${RANK_LEVELS.map((l) => html`<option value=${l}>${lbl('unitKind', l)}</option>`)}
            </select>
            ${
              board.ranking === null
                ? html`<${Empty} text=${t('wall.noMetrics')} />`
                : board.ranking.length === 0
                  ? html`<${Empty} text=${t('wall.noRanking')} />`
                  : html`<ol class="ranking">
                    ${board.ranking.map((r) => html`<li value=${r.rank}><span>${r.unit}</span><strong>${r.score.toFixed(1)}</strong>${typeof r.own === 'number' ? html` <small class="muted">${t('wall.rankOwn', { score: r.own.toFixed(1) })}</small>` : null}</li>`)}
                  </ol>
                  <p class="muted small">${t('wall.rankNote')}</p>`
            }
          </section>
          <${DisputedPanel} items=${board.disputed} />
          <${HotspotPanel} role=${session?.user.role ?? null} refresh=${updatedAt} />
          <${CentrePanel} rates=${board.centre ?? null} />`
    }
  </div>`;
}

/** A gauge drawn by the lazily loaded chart module; a text equivalent for assistive technology. */
function Gauge({ name, value, pending = 0, children }: { name: string; value: number | null; pending?: number; children?: ComponentChildren }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<Chart | null>(null);
  const latest = useRef(value);
  latest.current = value;
  useEffect(() => {
    let alive = true;
    void import('../charts.ts').then((m) => {
      if (!alive || !el.current) return;
      chart.current = m.gaugeChart(el.current, name);
      chart.current.update(latest.current);
    });
    return () => {
      alive = false;
      chart.current?.dispose();
    };
  }, []);
  useEffect(() => chart.current?.update(value), [value]);
  const text = value === null ? t('wall.noValue') : `${(value * 100).toFixed(1)}%`;
  return html`<div class="gauge" data-gauge=${name}>
    <div class="gauge-canvas" ref=${el} role="img" aria-label=${`${name} ${text}`}></div>
    ${pending > 0 ? html`<p class="muted small gauge-pending" data-pending=${pending}>${t('wall.pending', { n: pending })}</p>` : null}
    ${children}
  </div>`;
}

/** A figure's numerator and denominator, each a link to the tickets behind it (指标明细). */
function FigureLinks({ metric, name, month, figure }: { metric: string; name: string; month: string; figure: { numerator: number; denominator: number } }) {
  const link = (part: 'numerator' | 'denominator') =>
    html`<a
      href=${drillHref({ metric, part, period: 'month', from: month })}
      onClick=${linkClick}
      data-drill=${`${metric}.${part}`}
      aria-label=${t('drill.open', { name, part: t(part === 'numerator' ? 'drill.numerator' : 'drill.denominator'), value: figure[part] })}
      >${figure[part]}</a
    >`;
  return html`<p class="small gauge-figures">${link('numerator')} / ${link('denominator')}</p>`;
}

/**
 * The centre's own timeliness: what waits now per clock (how many, how many overdue, the longest wait,
 * live), and this month's 平均派单时长, 派单及时率, 审核及时率 and 回访及时率.
 */
function CentrePanel({ rates }: { rates: Board['centre'] | null }) {
  const { clocks, overdueAt } = useCentreWaiting(undefined, 1);
  const now = useNow(15_000);
  if (!clocks && !rates) return null;
  const shown = (k: (typeof CENTRE_RATES)[number]) => {
    const v = rates?.[k];
    if (!v || v.value === null) return t('wall.noValue');
    return v.unit === 'minutes' ? spanText(v.value) : `${(v.value * 100).toFixed(1)}%`;
  };
  // Focusable: on the wall the panel scrolls inside its cell, and a keyboard must be able to scroll it too.
  return html`<section class="panel wb-centre" aria-labelledby="centre-h" tabindex="0">
    <h2 id="centre-h">${t('wall.centre')}</h2>
    ${
      clocks
        ? html`<h3 class="small">${t('wall.centreWaiting')}</h3>
          <ul class="list compact">
            ${clocks.map((c) => {
              const oldest = c.oldest[0];
              const level = oldest ? levelAt(oldest, now) : 'none';
              return html`<li data-centre-clock=${c.clock} class=${level === 'none' ? '' : `warn-${level}`}>
                <span>${lbl('centreClock', c.clock)}</span>
                <strong>${t('wall.centreLine', { n: c.total, over: overdueAt(c.clock, now), span: oldest ? spanText((now - Date.parse(oldest.since)) / 60_000) : '—' })}</strong>
              </li>`;
            })}
          </ul>`
        : null
    }
    ${
      rates
        ? html`<h3 class="small">${t('wall.centreMonth')}</h3>
          <dl class="centre-rates">
            ${CENTRE_RATES.map((k) => html`<div data-metric=${k}><dt>${lbl('metric', k)}</dt><dd>${shown(k)}</dd></div>`)}
          </dl>`
        : null
    }
  </section>`;
}

function Trend({ data }: { data: Board['trend'] }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<Chart | null>(null);
  const latest = useRef(data);
  latest.current = data;
  useEffect(() => {
    let alive = true;
    void import('../charts.ts').then((m) => {
      if (!alive || !el.current) return;
      chart.current = m.trendChart(el.current, { created: t('wall.created'), closed: t('wall.closed') });
      chart.current.update(latest.current);
    });
    return () => {
      alive = false;
      chart.current?.dispose();
    };
  }, []);
  useEffect(() => chart.current?.update(data), [data]);
  const summary = data.map((d) => `${d.day.slice(5)} ${d.created}/${d.closed}`).join('，');
  return html`<div class="trend" ref=${el} role="img" aria-label=${`${t('wall.trendAlt')} ${summary}`}></div>`;
}
