import { useEffect, useState } from 'preact/hooks';
import { html } from '../../html.ts';
import { t } from '../../i18n.ts';
import { get } from '../../api.ts';
import { useDebounced } from '../../format.ts';
import { useTicketEvents } from '../../live.ts';
import type { Page, TicketSummary } from '../../types.ts';
import { Empty, Panel, StatusBadge } from '../../ui/common.ts';
import { TicketLink } from '../ticket-page-parts.ts';

/** The tickets this operator took, kept current by live ticket events; `reload` after a save. */
export function useMyTickets() {
  const [mine, setMine] = useState<TicketSummary[]>([]);
  const reload = useDebounced(() => {
    get<Page<TicketSummary>>('/api/tickets?mine=true&limit=15').then(
      (r) => setMine(r.items),
      () => {},
    );
  }, 200);
  useEffect(reload, []);
  useTicketEvents(reload, reload);
  return { mine, reload };
}

export function MinePanel({ mine }: { mine: TicketSummary[] }) {
  return html`<${Panel} title=${t('intake.mine')} id="mine-panel">
    ${
      mine.length === 0
        ? html`<${Empty} text=${t('intake.mineEmpty')} />`
        : html`<ul class="list compact" aria-label=${t('intake.mine')}>
          ${mine.map(
            (m) => html`<li data-ticket=${m.number}>
              <${TicketLink} number=${m.number} /> <${StatusBadge} status=${m.status} /> <span class="title">${m.title}</span>
            </li>`,
          )}
        </ul>`
    }
  <//>`;
}
