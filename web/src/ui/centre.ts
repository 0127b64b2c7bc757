/**
 * The centre's own clocks on the desks (docs/domain.md §5): how long each item has waited — for dispatch, a review
 * or a callback — and its warning level against the clock's limit, recomputed every few seconds from the
 * instants the server sends (GET /api/centre/waiting), refetched when tickets change.
 */
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t } from '../i18n.ts';
import { get, qs } from '../api.ts';
import { shortTime, useDebounced } from '../format.ts';
import { useTicketEvents } from '../live.ts';
import { lbl } from './common.ts';
import type { CentreClock, WarningLevel } from '../../../src/contract/vocab.ts';

export type CentreItem = {
  ticketId: number;
  number: string;
  since: string;
  yellowAt: string;
  redAt: string;
  dueAt: string;
  waitedMinutes: number;
  level: WarningLevel;
};
export type WaitingClock = { clock: CentreClock; limitMinutes: number | null; total: number; levels: Record<WarningLevel, number>; oldest: CentreItem[] };

/** The level at `now` from the item's instants (the server's rule: yellow, red from their instants, overdue past the deadline). */
export function levelAt(item: Pick<CentreItem, 'yellowAt' | 'redAt' | 'dueAt'>, now: number): WarningLevel {
  if (now > Date.parse(item.dueAt)) return 'overdue';
  if (now >= Date.parse(item.redAt)) return 'red';
  if (now >= Date.parse(item.yellowAt)) return 'yellow';
  return 'none';
}

/** "25 分钟" · "3 小时 5 分" · "2 天 4 小时" */
export function spanText(minutes: number): string {
  const m = Math.max(0, Math.floor(minutes));
  if (m < 60) return t('centre.minutes', { n: m });
  if (m < 24 * 60) return t('centre.hours', { h: Math.floor(m / 60), m: m % 60 });
  return t('centre.days', { d: Math.floor(m / 1440), h: Math.floor((m % 1440) / 60) });
}

/** What waits for the centre on these clocks (all when omitted), live: refetched on ticket events. */
export function useCentreWaiting(clock?: CentreClock, limit = 500) {
  const [clocks, setClocks] = useState<WaitingClock[] | null>(null);
  const reload = useDebounced(async () => {
    get<{ clocks: WaitingClock[] }>(`/api/centre/waiting${qs({ clock, limit })}`).then(
      (r) => setClocks(r.clocks),
      () => {},
    );
  }, 300);
  useEffect(reload, [clock]);
  useTicketEvents(reload, reload);
  const items = new Map<string, CentreItem>();
  for (const c of clocks ?? []) for (const x of c.oldest) items.set(`${c.clock}:${x.ticketId}`, x);
  const clockOf = (c: CentreClock) => clocks?.find((x) => x.clock === c);
  /**
   * How many of a clock's items are overdue at `now`, live between fetches: the oldest come first and a
   * deadline never comes before an older item's, so the listed items hold every overdue one unless the
   * list is cut and all of it is overdue (then the server's count, as of its fetch, is the floor).
   */
  const overdueAt = (c: CentreClock, now: number) => {
    const x = clockOf(c);
    if (!x) return 0;
    const live = x.oldest.filter((i) => levelAt(i, now) === 'overdue').length;
    return live === x.oldest.length && x.total > x.oldest.length ? Math.max(live, x.levels.overdue) : live;
  };
  return { clocks, itemOf: (c: CentreClock, ticketId: number) => items.get(`${c}:${ticketId}`), clockOf, overdueAt };
}

/** How long an item has waited and its level, e.g. "已等 35 分钟 · 已超时" (the limit in the tooltip). */
export function CentreWait({ item, now }: { item: CentreItem | undefined; now: number }) {
  if (!item) return null;
  const level = levelAt(item, now);
  const waited = spanText((now - Date.parse(item.since)) / 60_000);
  const text = level === 'none' ? t('centre.waited', { span: waited }) : `${t('centre.waited', { span: waited })} · ${lbl('warning', level)}`;
  return html`<span class=${`badge centre-wait ${level === 'none' ? '' : `warn-${level}`}`} data-centre-level=${level} title=${t('centre.dueAt', { at: shortTime(item.dueAt) })}>${text}</span>`;
}
