/**
 * 指标明细 (/metrics/tickets?metric=…&part=numerator|denominator&period=…&from=…[&to][&unitId][&scope]): the exact
 * tickets behind one figure's numerator or denominator (GET /api/metrics/tickets), each with what it adds, the
 * totals equal to the figure, newest first with 加载更多, and a link to the other side of the fraction. Every
 * figure on the wallboard links here.
 */
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t } from '../i18n.ts';
import { get, qs } from '../api.ts';
import { fullTime } from '../format.ts';
import { linkClick, useLocation } from '../router.ts';
import type { TicketSummary } from '../types.ts';
import { Empty, ErrorBox, StatusBadge } from '../ui/common.ts';
import { TicketLink } from './ticket-page-parts.ts';

type Item = TicketSummary & { contribution: number; leadUnit?: { id: number; name: string } | null; receivedAt?: string };
type Answer = {
  name: string;
  part: 'numerator' | 'denominator';
  definition: string;
  from: string;
  to: string;
  /** tickets: null when the figure is large and the list is walked rather than counted */
  totals: { tickets: number | null; value: number };
  ledgerComplete: boolean;
  items: Item[];
  nextBefore: number | null;
};
const KEYS = ['metric', 'part', 'period', 'from', 'to', 'unitId', 'scope', 'categoryId', 'channel', 'includeAppealed'] as const;

/** The address of a figure's tickets: what the wallboard and other figures link to. */
export function drillHref(q: Partial<Record<(typeof KEYS)[number], string | number | undefined>>): string {
  return `/metrics/tickets${qs(q)}`;
}

export function MetricTickets() {
  const loc = useLocation();
  const params = loc.query;
  const query = Object.fromEntries(KEYS.flatMap((k) => (params.get(k) ? [[k, params.get(k)!]] : [])));
  const key = JSON.stringify(query);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [unitName, setUnitName] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const load = async (before: number | null) => {
    setBusy(true);
    try {
      const r = await get<Answer>(`/api/metrics/tickets${qs({ ...query, before, limit: 50 })}`);
      setAnswer((old) => (before && old ? { ...r, items: [...old.items, ...r.items] } : r));
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => void load(null), [key]);
  useEffect(() => {
    if (!query.unitId) return setUnitName(null);
    void get<{ items: { id: number; name: string }[] }>('/api/units')
      .then((r) => setUnitName(r.items.find((u) => String(u.id) === query.unitId)?.name ?? null))
      .catch(() => setUnitName(null));
  }, [query.unitId]);
  const partName = (p: string) => t(p === 'numerator' ? 'drill.numerator' : 'drill.denominator');
  const other = query.part === 'numerator' ? 'denominator' : 'numerator';
  const scope = !query.unitId
    ? t('drill.scope.city')
    : t(query.scope === 'own' ? 'drill.scope.own' : 'drill.scope.subtree', { unit: unitName ?? `#${query.unitId}` });
  return html`<main class="drill">
    <p><a href="/wallboard" onClick=${linkClick}>← ${t('drill.back')}</a></p>
    ${error ? html`<${ErrorBox} error=${error} />` : null}
    ${
      answer
        ? html`<h1>${t('drill.heading', { name: answer.name, part: partName(answer.part) })}</h1>
          <p>${scope} · ${t('drill.range', { from: answer.from, to: answer.to })}</p>
          <p class="muted small">${answer.definition}</p>
          <p role="status" data-drill-total=${answer.totals.value}>
            ${
              answer.totals.tickets === null
                ? t('drill.totalsUncounted', { value: answer.totals.value, part: partName(answer.part) })
                : t('drill.totals', { tickets: answer.totals.tickets, value: answer.totals.value, part: partName(answer.part) })
            }
          </p>
          ${answer.ledgerComplete ? null : html`<p class="banner warn">${t('drill.rebuilding')}</p>`}
          <p><a href=${drillHref({ ...query, part: other })} onClick=${linkClick}>${t('drill.other', { part: partName(other) })}</a></p>
          ${
            answer.items.length === 0
              ? html`<${Empty} text=${t('drill.empty', { part: partName(answer.part) })} />`
              : html`<table class="drill-table">
                  <thead>
                    <tr>
                      <th scope="col">${t('drill.col.number')}</th>
                      <th scope="col">${t('drill.col.title')}</th>
                      <th scope="col">${t('drill.col.status')}</th>
                      <th scope="col">${t('drill.col.lead')}</th>
                      <th scope="col">${t('drill.col.received')}</th>
                      <th scope="col">${t('drill.contribution')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${answer.items.map(
                      (i) => html`<tr key=${i.id} data-number=${i.number}>
                        <td><${TicketLink} number=${i.number} /></td>
                        <td>${i.title}</td>
                        <td><${StatusBadge} status=${i.status} /></td>
                        <td>${i.leadUnit?.name ?? '—'}</td>
                        <td>${fullTime(i.receivedAt)}</td>
                        <td>${i.contribution}</td>
                      </tr>`,
                    )}
                  </tbody>
                </table>`
          }
          ${answer.nextBefore ? html`<button type="button" disabled=${busy} onClick=${() => load(answer.nextBefore)}>${t('drill.more')}</button>` : null}`
        : null
    }
  </main>`;
}
