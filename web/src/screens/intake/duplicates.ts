import { useEffect, useState } from 'preact/hooks';
import { html } from '../../html.ts';
import { t } from '../../i18n.ts';
import { get, qs } from '../../api.ts';
import { useDebounced } from '../../format.ts';
import type { DuplicateHint } from '../../types.ts';
import { StatusBadge, lbl } from '../../ui/common.ts';

/**
 * Open tickets this call may repeat: the same number, or the same category at a similar address. Asked
 * again (debounced) whenever one of them changes.
 */
export function useDuplicateHints(phone: string | null, categoryId: number | null, address: string): DuplicateHint[] {
  const [hints, setHints] = useState<DuplicateHint[]>([]);
  const load = useDebounced(() => {
    if (!phone && !(categoryId && address.trim().length >= 2)) return setHints([]);
    get<{ items: DuplicateHint[] }>(
      `/api/intake/duplicates${qs({ phone: phone ?? undefined, categoryId: categoryId ?? undefined, address: address.trim() || undefined })}`,
    ).then(
      (r) => setHints(r.items),
      () => setHints([]),
    );
  }, 250);
  useEffect(load, [phone, categoryId, address]);
  return hints;
}

/** The hints under the caller's history; "并入此单" takes the call as a repeat of a ticket still open. */
export function DuplicateHints({ hints, onLink }: { hints: DuplicateHint[]; onLink: (ticket: { id: number; number: string }) => void }) {
  if (hints.length === 0) return null;
  return html`<h3>${t('intake.duplicates')}</h3>
    <ul class="list compact" aria-label=${t('intake.duplicates')}>
      ${hints.map(
        (h) => html`<li class="hint-item">
          <span class="mono">${h.ticket.number}</span> <${StatusBadge} status=${h.ticket.status} />
          <span class="title">${h.ticket.title}</span>
          <small>${h.reasons.map((r) => lbl('hint', r)).join('、')}</small>
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
