import { useEffect } from 'preact/hooks';
import { html } from '../../html.ts';
import { t } from '../../i18n.ts';

export type ScreenKeys = { F2: () => void; F4: () => void; F8: () => void };

/** The screen's function keys, wherever the focus is: F2 a new call, F4 the knowledge base, F8 a direct answer. */
export function useShortcuts(keys: ScreenKeys) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'F2' && e.key !== 'F4' && e.key !== 'F8') return;
      e.preventDefault();
      keys[e.key]();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  });
}

/** Enter saves from any field of the form (Shift+Enter: a new line in the text; buttons and an open list keep Enter). */
export function enterSubmits(e: KeyboardEvent) {
  if (e.key !== 'Enter' || e.isComposing) return;
  const el = e.target as HTMLElement;
  if (el.tagName === 'BUTTON' || el.tagName === 'A') return;
  if (el.tagName === 'TEXTAREA' && e.shiftKey) return;
  if (el.getAttribute('role') === 'combobox' && el.dataset.open === 'true') return;
  e.preventDefault();
  (e.currentTarget as HTMLFormElement).requestSubmit();
}

export function ShortcutsLine() {
  return html`<p class="shortcuts" aria-label=${t('shortcuts.title')}>
    <kbd>Enter</kbd> ${t('shortcuts.save')} · <kbd>Shift+Enter</kbd> ${t('shortcuts.newline')} · <kbd>F2</kbd> ${t('shortcuts.newCall')} · <kbd>F4</kbd> ${t('shortcuts.kb')} ·
    <kbd>F8</kbd> ${t('shortcuts.directAnswer')}
  </p>`;
}
