import { useEffect, useState } from 'preact/hooks';
import { html } from '../../html.ts';
import { t } from '../../i18n.ts';
import { get, qs } from '../../api.ts';
import { shortTime } from '../../format.ts';
import { useIncomingCalls } from '../../live.ts';
import type { Page, TicketSummary } from '../../types.ts';
import { Empty, StatusBadge } from '../../ui/common.ts';
import { TicketLink } from '../ticket-page-parts.ts';

/** The caller's earlier tickets, as soon as the number is complete (null while it is not). */
export function useCallerHistory(phone: string | null): TicketSummary[] | null {
  const [history, setHistory] = useState<TicketSummary[] | null>(null);
  useEffect(() => {
    if (!phone) {
      setHistory(null);
      return;
    }
    let stale = false;
    get<Page<TicketSummary>>(`/api/intake/caller-history${qs({ phone, limit: 10 })}`).then(
      (r) => !stale && setHistory(r.items),
      () => !stale && setHistory([]),
    );
    return () => void (stale = true);
  }, [phone]);
  return history;
}

export function CallerHistory({ history }: { history: TicketSummary[] | null }) {
  if (history === null) return html`<${Empty} text=${t('intake.typePhone')} />`;
  if (history.length === 0) return html`<${Empty} text=${t('intake.noHistory')} />`;
  return html`<ul class="list compact" aria-label=${t('intake.history')}>
    ${history.map(
      (h) => html`<li>
        <${TicketLink} number=${h.number} /> <${StatusBadge} status=${h.status} />
        <span class="title">${h.title}</span> <time datetime=${h.createdAt}>${shortTime(h.createdAt)}</time>
      </li>`,
    )}
  </ul>`;
}

/**
 * Telephony: the call put through to this operator pops its number into an empty draft (`pop`); while a
 * call is being typed it waits instead (`pending`, taken with F2).
 */
export function useCallPop(draftPhone: string, pop: (phone: string) => void) {
  const [pending, setPending] = useState<string | null>(null);
  useIncomingCalls((c) => {
    if (!draftPhone.trim()) pop(c.phone);
    else setPending(c.phone);
  });
  return { pending, clear: () => setPending(null) };
}

export function CallWaiting({ phone, onTake }: { phone: string | null; onTake: (phone: string) => void }) {
  if (!phone) return null;
  return html`<div class="banner" role="alert">
    ${t('intake.callWaiting', { phone })}
    <button type="button" onClick=${() => onTake(phone)}>${t('intake.takeCall')} (F2)</button>
  </div>`;
}
