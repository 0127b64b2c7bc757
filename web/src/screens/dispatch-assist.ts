import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t } from '../i18n.ts';
import { get } from '../api.ts';
import { announce } from '../ui/common.ts';
import type { AssistSuggestion } from '../../../src/contract/assist.ts';
import { KEYS, SuggestionChoice, useAltDigitKeys } from './intake/suggestions.ts';

type Recorded = Pick<AssistSuggestion, 'id' | 'units'>;

/**
 * The lead units the model suggested while the operator took the demand (智能派单, docs/assist.md), recorded with the
 * ticket and shown where the lead unit is chosen: Alt+1/2/3 (or a click) puts that unit in the lead field and never
 * dispatches; the dispatch then records the unit it went to beside the ranks shown. Hidden when nothing was recorded,
 * assisted intake is off, or the server cannot say (any failure).
 */
export function ModelUnitSuggestions({ ticketId, lead, onTake }: { ticketId: number; lead: number | null; onTake: (unitId: number) => void }) {
  const [recorded, setRecorded] = useState<Recorded | null>(null);
  useEffect(() => {
    setRecorded(null);
    get<Recorded>(`/api/tickets/${ticketId}/assist/units`).then(setRecorded, () => setRecorded(null));
  }, [ticketId]);
  const shown = recorded?.units ?? [];
  const take = (rank: number) => {
    const u = shown[rank - 1];
    if (!u) return;
    onTake(u.id);
    announce(t('dispatch.modelUnitTaken', { name: u.name, rank }));
  };
  useAltDigitKeys(shown.length > 0, take);
  if (!shown.length) return null;
  return html`<section class="suggestions assist-panel" aria-labelledby="model-units-h">
    <h3 id="model-units-h">${t('dispatch.modelUnits')}</h3>
    <p class="small hint">${t('dispatch.modelUnitsHint')}</p>
    <ol class="assist-list" aria-labelledby="model-units-h" data-testid="model-units">
      ${shown.map((u, i) => html`<${SuggestionChoice} c=${u} label=${u.name} keyName=${KEYS[i]} chosen=${u.id === lead} onAccept=${() => take(i + 1)} />`)}
    </ol>
  </section>`;
}
