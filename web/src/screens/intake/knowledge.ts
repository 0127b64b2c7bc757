import type { Ref } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../html.ts';
import { t } from '../../i18n.ts';
import { get, qs } from '../../api.ts';
import { useDebounced } from '../../format.ts';
import type { KbArticle, Page } from '../../types.ts';
import { Empty, Panel } from '../../ui/common.ts';

export type KnowledgeBase = ReturnType<typeof useKnowledgeBase>;

/**
 * The knowledge-base aid: the search follows the first words of the demand being typed until the operator
 * types a search of their own; ↑/↓ choose the article a direct answer (F8) will quote.
 */
export function useKnowledgeBase(content: string) {
  const [query, setQuery] = useState('');
  const [touched, setTouched] = useState(false);
  const [results, setResults] = useState<KbArticle[]>([]);
  const [active, setActive] = useState(0);
  const text = touched ? query : content.slice(0, 40);
  const search = useDebounced(() => {
    const q = text.trim();
    if (q.length < 2) return setResults([]);
    get<Page<KbArticle>>(`/api/kb/search${qs({ q, limit: 5 })}`).then(
      (r) => {
        setResults(r.items);
        setActive(0);
      },
      () => setResults([]),
    );
  }, 300);
  useEffect(search, [text]);
  return {
    text,
    results,
    active,
    setActive,
    /** The article a direct answer quotes. */
    selected: results[active],
    search,
    /** The operator's own search, from now on instead of the demand's words. */
    type: (q: string) => {
      setTouched(true);
      setQuery(q);
    },
    /** Back to following the demand (a new call). */
    reset: () => {
      setTouched(false);
      setQuery('');
    },
  };
}

/** The reply for a direct answer with an article. */
export const answerWith = (a: KbArticle) => ({ kind: 'direct_answer', kbArticleId: a.id, answer: a.body.slice(0, 2000) });

export function KnowledgePanel({ kb, inputRef, onAnswer }: { kb: KnowledgeBase; inputRef: Ref<HTMLInputElement>; onAnswer: (index: number) => void }) {
  const { results, active, setActive } = kb;
  return html`<${Panel} title=${t('intake.kbPanel')} id="kb-panel">
    <form role="search" class="kb-search" onSubmit=${(e: Event) => (e.preventDefault(), kb.search())}>
      <label for="kb-q">${t('intake.kbSearch')} <kbd>F4</kbd></label>
      <input
        id="kb-q"
        ref=${inputRef}
        type="search"
        value=${kb.text}
        onInput=${(e: Event) => kb.type((e.target as HTMLInputElement).value)}
        onKeyDown=${(e: KeyboardEvent) => {
          if (e.key === 'ArrowDown') e.preventDefault(), setActive((a) => Math.min(results.length - 1, a + 1));
          if (e.key === 'ArrowUp') e.preventDefault(), setActive((a) => Math.max(0, a - 1));
        }}
        aria-controls=${results.length > 0 ? 'kb-results' : undefined}
      />
    </form>
    ${
      results.length === 0
        ? html`<${Empty} text=${t('intake.kbEmpty')} />`
        : html`<ol id="kb-results" class="kb-results" aria-label=${t('intake.kbResults')}>
          ${results.map(
            (a, i) => html`<li class=${i === active ? 'active' : ''} aria-current=${i === active ? 'true' : undefined}>
              <button type="button" class="link" onClick=${() => setActive(i)}>${a.title}</button>
              ${
                i === active
                  ? html`<p class="kb-body">${a.body}</p>
                    <button type="button" class="small primary" onClick=${() => onAnswer(i)}>${t('intake.directAnswer')} <kbd>F8</kbd></button>`
                  : null
              }
            </li>`,
          )}
        </ol>`
    }
  <//>`;
}
