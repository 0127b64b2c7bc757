import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t, type MsgKey } from '../i18n.ts';

type Key = [keys: string, what: MsgKey];
const INTAKE: Key[] = [
  ['Enter', 'shortcuts.save'],
  ['Shift+Enter', 'shortcuts.newline'],
  ['F2', 'shortcuts.newCall'],
  ['F4', 'shortcuts.kb'],
  ['F8', 'shortcuts.directAnswer'],
  ['Alt+1 / 2 / 3', 'assistIntake.key'],
  ['↑ ↓ Enter', 'help.combo'],
];
const LISTS: Key[] = [
  ['↑ ↓', 'help.list'],
  ['← →', 'help.tabs'],
  ['↑ ↓ Enter', 'help.combo'],
  ['Enter', 'help.submit'],
];
/** The keys each screen answers to, beyond the ones every screen shares (below). */
const SCREEN_KEYS: Record<string, Key[]> = {
  '/intake': INTAKE,
  '/window': INTAKE,
  '/dispatch': LISTS,
  '/unit': [
    ['↑ ↓', 'help.list'],
    ['Enter', 'help.submit'],
  ],
  '/callback': [
    ['↑ ↓', 'help.list'],
    ['↑ ↓ ← →', 'help.radios'],
    ['Enter', 'help.submit'],
  ],
};
const EVERYWHERE: Key[] = [
  ['?', 'help.help'],
  ['Tab / Shift+Tab', 'help.tab'],
  ['Esc', 'help.escape'],
];

const typing = (el: EventTarget | null) =>
  el instanceof HTMLElement && (el.isContentEditable || el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT');

/**
 * "?" anywhere but in a field opens a list of the current screen's shortcuts (a modal dialog: focus moves to
 * its close button and returns where it was; Esc, "?" or the button closes it).
 */
export function ShortcutsHelp({ path }: { path: string }) {
  const [open, setOpen] = useState(false);
  const closeRef = useRef<HTMLButtonElement>(null);
  const back = useRef<HTMLElement | null>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === '?' && !e.ctrlKey && !e.metaKey && !e.altKey && !typing(e.target)) {
        e.preventDefault();
        setOpen((o) => !o);
      } else if (e.key === 'Escape') setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  useEffect(() => {
    if (open) {
      back.current = document.activeElement as HTMLElement | null;
      closeRef.current?.focus();
    } else back.current?.focus();
  }, [open]);
  if (!open) return null;
  const keys = [...(SCREEN_KEYS[path] ?? []), ...EVERYWHERE];
  return html`<div class="help-backdrop" onClick=${(e: MouseEvent) => e.target === e.currentTarget && setOpen(false)}>
    <div class="help-dialog card" role="dialog" aria-modal="true" aria-labelledby="help-h" data-testid="shortcuts-help">
      <h2 id="help-h">${t('help.title')}</h2>
      <dl class="help-keys">
        ${keys.map(([k, what]) => html`<div><dt><kbd>${k}</kbd></dt><dd>${t(what)}</dd></div>`)}
      </dl>
      <button type="button" ref=${closeRef} onClick=${() => setOpen(false)}>${t('help.close')} <kbd>Esc</kbd></button>
    </div>
  </div>`;
}
