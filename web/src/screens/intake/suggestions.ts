import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../../html.ts';
import { t } from '../../i18n.ts';
import { ApiError, get, request } from '../../api.ts';
import type { Option } from '../../ui/combobox.ts';
import { Panel, announce } from '../../ui/common.ts';
import type { AssistChoice, AssistSuggestion } from '../../../../src/contract/assist.ts';
import type { Draft, DraftState, IntakeMode } from './draft.ts';

/**
 * Suggestions at intake (智能分类 / 智能派单, docs/assist.md): while the operator types the demand, the top 3
 * categories and units the centre's own closed tickets suggest, each with its confidence and the words that weighed
 * most. One key takes a category (Alt+1/2/3, shown on its chip); nothing is taken or saved without the operator.
 * The form has no unit field (dispatchers choose units), so the units are shown for reference and travel with the
 * recorded suggestion, which the ticket names when it is saved (`assistSuggestionId`, `assistAcceptedRank`); the
 * dispatch desk shows them again, one key each, where the lead unit is chosen (../dispatch-assist.ts).
 */

/** Fewer characters than this and the demand says too little to suggest from. */
export const MIN_CHARS = 6;
const DEBOUNCE_MS = 300;
export const KEYS = ['1', '2', '3'] as const;

/**
 * The fields POST /api/tickets takes from the draft: the suggestion shown, and the rank of the category taken from
 * it — null when none was taken, or the operator chose another category afterwards.
 */
export function assistFields(f: Pick<Draft, 'assist' | 'categoryId'>) {
  const pick = f.assist;
  if (!pick) return {};
  const held = pick.accepted && pick.accepted.categoryId === f.categoryId;
  return { assistSuggestionId: pick.suggestionId, assistAcceptedRank: held ? pick.accepted!.rank : null };
}

/** Whether assisted intake is on with a model trained (GET /api/assist/status; no such route or any failure: hidden). */
export function useAssistOn(): boolean {
  const [on, setOn] = useState(false);
  useEffect(() => {
    get<{ enabled: boolean; models: { category: unknown; unit: unknown } }>('/api/assist/status').then(
      (s) => setOn(s.enabled && !!(s.models.category || s.models.unit)),
      () => setOn(false),
    );
  }, []);
  return on;
}

export type Suggestions = ReturnType<typeof useSuggestions>;

/**
 * The suggestions for the demand in the draft: asked for 300 ms after the typing pauses, once the demand has
 * MIN_CHARS characters; a request still out when the text changes again is aborted, and an answer for another
 * call (the operator moved on) or an older text is dropped.
 */
export function useSuggestions(draft: DraftState, mode: IntakeMode, on: boolean) {
  const { form, formKey } = draft;
  const [shown, setShown] = useState<AssistSuggestion | null>(null);
  const live = useRef({ formKey, controller: null as AbortController | null });
  live.current.formKey = formKey;

  useEffect(() => {
    live.current.controller?.abort();
    setShown(null);
  }, [formKey]);

  useEffect(() => {
    const content = form.content.trim();
    if (!on || [...content].length < MIN_CHARS) {
      live.current.controller?.abort();
      return setShown(null);
    }
    const key = formKey;
    const timer = setTimeout(() => {
      live.current.controller?.abort();
      const controller = new AbortController();
      live.current.controller = controller;
      const body = { content, channel: mode === 'window' ? 'window' : 'phone', ...(form.address.trim() ? { address: form.address.trim() } : {}) };
      request<AssistSuggestion>('POST', '/api/assist/suggest', body, { signal: controller.signal }).then(
        (s) => {
          if (controller.signal.aborted || live.current.formKey !== key) return;
          setShown(s);
          // The suggestion the ticket will name: the newest shown, unless a category was taken from an earlier one.
          if (s.id !== null) draft.setAssist((p) => (p?.accepted ? p : { suggestionId: s.id!, accepted: null }));
        },
        (e) => {
          if (!(e instanceof ApiError) && controller.signal.aborted) return;
          if (live.current.formKey === key) setShown(null);
        },
      );
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [on, formKey, form.content, form.address]);

  /** Takes the category at `rank` (1–3) into the form. */
  const accept = (rank: number) => {
    const c = shown?.categories[rank - 1];
    if (!shown || shown.id === null || !c) return;
    draft.set('categoryId', c.id);
    draft.setAssist(() => ({ suggestionId: shown.id!, accepted: { rank, categoryId: c.id } }));
    announce(t('assistIntake.accepted', { name: c.name, rank }));
  };
  return { shown, accept };
}

/**
 * Alt+1/2/3 anywhere on the screen calls `take` with that rank, while `active` (by the key's position, whatever the
 * layout prints). The intake console takes a category with it, the dispatch desk a lead unit.
 */
export function useAltDigitKeys(active: boolean, take: (rank: number) => void) {
  useEffect(() => {
    if (!active) return;
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
      const m = /^(?:Digit|Numpad)([1-3])$/.exec(e.code);
      if (!m) return;
      e.preventDefault();
      take(Number(m[1]));
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  });
}

/** Alt+1/2/3 takes that suggested category. */
export function useAcceptKeys(s: Suggestions) {
  useAltDigitKeys(!!s.shown?.categories.length, s.accept);
}

const percent = (x: number) => `${Math.round(x * 100)}%`;

/** One suggestion: its name, confidence and weighed words; with `onAccept`, a chip that takes it, its key on it. */
export function SuggestionChoice({
  c,
  label,
  keyName,
  chosen,
  onAccept,
}: {
  c: AssistChoice;
  label: string;
  keyName?: string;
  chosen?: boolean;
  onAccept?: () => void;
}) {
  const words = c.words.length ? html`<span class="assist-words">${t('assistIntake.words', { words: c.words.join('、') })}</span>` : null;
  const confidence = html`<span class="assist-confidence" title=${t('assistIntake.confidence')}>${percent(c.confidence)}</span>`;
  if (!onAccept) {
    return html`<li class="assist-choice">
      <span class="assist-name">${label}</span> ${confidence} ${words}
    </li>`;
  }
  return html`<li class=${`assist-choice${chosen ? ' chosen' : ''}`}>
    <button type="button" class="assist-chip" aria-pressed=${chosen ? 'true' : 'false'} aria-keyshortcuts=${`Alt+${keyName}`} onClick=${onAccept}>
      <kbd>Alt+${keyName}</kbd> <span class="assist-name">${label}</span> ${confidence}
    </button>
    ${words}
  </li>`;
}

/**
 * The panel: the categories as chips that take them (Alt+1/2/3), the units for reference. Hidden while assisted
 * intake is off or has nothing to say about the demand in hand.
 */
export function SuggestionsPanel({ s, categories, categoryId }: { s: Suggestions; categories: Option[]; categoryId: number | null }) {
  const shown = s.shown;
  if (!shown || (shown.categories.length === 0 && shown.units.length === 0)) return null;
  // The combobox's full path ("城市管理 / 市容环境 / 垃圾清运") says more than the leaf's name alone.
  const pathOf = (c: AssistChoice) => categories.find((o) => o.id === c.id)?.label ?? c.name;
  return html`<${Panel} title=${t('assistIntake.title')} id="assist-panel" class="assist-panel">
    <p class="small hint">${t('assistIntake.hint')}</p>
    ${
      shown.categories.length
        ? html`<h3 class="assist-h">${t('assistIntake.categories')}</h3>
          <ol class="assist-list" aria-label=${t('assistIntake.categories')} data-testid="assist-categories">
            ${shown.categories.map(
              (c, i) =>
                html`<${SuggestionChoice} c=${c} label=${pathOf(c)} keyName=${KEYS[i]} chosen=${c.id === categoryId} onAccept=${() => s.accept(i + 1)} />`,
            )}
          </ol>`
        : null
    }
    ${
      shown.units.length
        ? html`<h3 class="assist-h">${t('assistIntake.units')}</h3>
          <ol class="assist-list" aria-label=${t('assistIntake.units')} data-testid="assist-units">
            ${shown.units.map((u) => html`<${SuggestionChoice} c=${u} label=${u.name} />`)}
          </ol>
          <p class="small hint">${t('assistIntake.unitsHint')}</p>`
        : null
    }
  <//>`;
}
