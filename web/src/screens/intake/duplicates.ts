import { useEffect, useState } from 'preact/hooks';
import { html } from '../../html.ts';
import { t } from '../../i18n.ts';
import { get, qs } from '../../api.ts';
import { useDebounced } from '../../format.ts';
import type { DuplicateHint } from '../../types.ts';
import { StatusBadge, lbl } from '../../ui/common.ts';

/** A hint as the server sends it: a similar demand (相似诉求) carries its score and the words both demands share. */
type Hint = DuplicateHint & { similar?: { score: number; words: string[] } };

/**
 * Open tickets this call may repeat: the same number, the same category at a similar address, or (once the demand
 * has a few characters and a place) the same matter from any caller. Asked again (debounced) whenever one changes.
 */
export function useDuplicateHints(phone: string | null, categoryId: number | null, address: string, content = ''): Hint[] {
  const [hints, setHints] = useState<Hint[]>([]);
  const demand = content.trim().length >= 6 && address.trim().length >= 2 ? [...content.trim()].slice(0, 300).join('') : '';
  const load = useDebounced(() => {
    if (!phone && !(categoryId && address.trim().length >= 2) && !demand) return setHints([]);
    get<{ items: Hint[] }>(
      `/api/intake/duplicates${qs({
        phone: phone ?? undefined,
        categoryId: categoryId ?? undefined,
        address: address.trim() || undefined,
        content: demand || undefined,
      })}`,
    ).then(
      (r) => setHints(r.items),
      () => setHints([]),
    );
  }, 400);
  useEffect(load, [phone, categoryId, address, demand]);
  return hints;
}

const reasonText = (h: Hint, r: string) =>
  r === 'similar_demand' && h.similar
    ? t('intake.similarDemand', { words: h.similar.words.slice(0, 5).join('、'), score: Math.round(h.similar.score * 100) })
    : lbl('hint', r);

/** The hints under the caller's history; "并入此单" takes the call as a repeat of a ticket still open. */
export function DuplicateHints({ hints, onLink }: { hints: Hint[]; onLink: (ticket: { id: number; number: string }) => void }) {
  if (hints.length === 0) return null;
  return html`<h3>${t('intake.duplicates')}</h3>
    <ul class="list compact" aria-label=${t('intake.duplicates')}>
      ${hints.map(
        (h) => html`<li class="hint-item">
          <span class="mono">${h.ticket.number}</span> <${StatusBadge} status=${h.ticket.status} />
          <span class="title">${h.ticket.title}</span>
          <small>${h.reasons.map((r) => reasonText(h, r)).join('；')}</small>
          ${
            h.ticket.status !== 'closed'
              ? html`<button
                type="button"
                class="small"
                onClick=${() => {
                  onLink({ id: h.ticket.id, number: h.ticket.number });
                  document.getElementById('in-content')?.focus();
                }}
              >
                ${t('intake.linkHere')}<span class="sr-only"> ${h.ticket.number}</span>
              </button>`
              : null
          }
        </li>`,
      )}
    </ul>`;
}
