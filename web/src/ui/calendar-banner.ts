import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t } from '../i18n.ts';
import { get } from '../api.ts';
import { useTicketEvents } from '../live.ts';
import { linkClick } from '../router.ts';

type Coverage = { today: string; end: string | null; daysLeft: number | null; nextYear: number; warning: boolean };
type WaitingAlert = { id: number; details: { year?: number; clocks?: number; tickets?: number } };

/** Re-read at most this often without a reason (the coverage only changes daily or on an import). */
const REFRESH_MS = 10 * 60_000;

/**
 * For supervisors and admins on every screen: the calendar table ends within 60 days (or does not cover
 * today), and clocks waiting for a year that is not imported — with how many and the tickets concerned.
 * Links to the calendar screen, where the year is imported. Refreshed when clocks are recomputed.
 */
export function CalendarBanner() {
  const [coverage, setCoverage] = useState<Coverage | null>(null);
  const [waiting, setWaiting] = useState<WaitingAlert[]>([]);
  const load = () => {
    get<{ coverage: Coverage }>('/api/calendar').then(
      (c) => setCoverage(c.coverage),
      () => {},
    );
    get<{ items: WaitingAlert[] }>('/api/alerts?kind=calendar_not_covered').then(
      (r) => setWaiting(r.items),
      () => {},
    );
  };
  useEffect(() => {
    load();
    const id = setInterval(load, REFRESH_MS);
    return () => clearInterval(id);
  }, []);
  useTicketEvents((e) => {
    if (e.type === 'sla_recomputed' || e.type === 'sla_uncomputable') load();
  }, load);
  const lines: { key: string; text: string }[] = [];
  if (coverage?.warning) {
    lines.push({
      key: 'coverage',
      text: coverage.end
        ? t('calbanner.endsSoon', { end: coverage.end, days: coverage.daysLeft ?? 0, next: coverage.nextYear })
        : t('calbanner.notCovered', { today: coverage.today, next: coverage.nextYear }),
    });
  }
  for (const a of waiting) {
    if (!a.details.clocks) continue;
    lines.push({
      key: `waiting-${a.id}`,
      text: t('calbanner.waiting', { clocks: a.details.clocks, tickets: a.details.tickets ?? 0, year: a.details.year ?? '' }),
    });
  }
  if (!lines.length) return null;
  return html`<div class="calendar-banner banner warn" role="alert" data-calendar-banner>
    ${lines.map((l) => html`<p key=${l.key} data-banner=${l.key}>${l.text}</p>`)}
    <a href="/calendar" onClick=${linkClick}>${t('calbanner.open')}</a>
  </div>`;
}
