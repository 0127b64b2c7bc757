/**
 * The bell in the header (消息中心) for every signed-in person: the unread count as a badge, live; a panel
 * (a disclosure: the button says whether it is open, Esc or a click outside closes it and focus returns to the
 * bell) listing notifications newest first — kind, ticket number linking to its page, unit, time in Shanghai,
 * unread ones marked. Opening an item marks it read; 全部已读 marks all; 加载更多 pages back.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t } from '../i18n.ts';
import { fullTime, shortTime } from '../format.ts';
import { navigate } from '../router.ts';
import { TicketLink } from '../screens/ticket-page-parts.ts';
import { ErrorBox, announce, lbl } from './common.ts';
import { playTone, showDesktop, useAlertPrefs } from './inbox-alerts.ts';
import { useInbox, type InboxItem } from './inbox-data.ts';

/** What happened, beyond the kind: the warning level and its clock, the redo number, or the event. */
function detail(i: InboxItem): string {
  const p = i.payload;
  if (i.kind === 'warning') return [lbl('warning', p.level), p.clock ? lbl('deadline', p.clock) : null].filter(Boolean).join(' · ');
  if (i.kind === 'reopened') return p.redo ? t('inbox.redoNth', { n: p.redo }) : '';
  return p.event ? lbl('event', p.event) : '';
}

/** One notification: unread marked (dot, colour and words), kind, number linking to the ticket, what, when, which unit. */
function InboxRow({ item: i, onPick }: { item: InboxItem; onPick: (i: InboxItem, e: MouseEvent) => void }) {
  return html`<li class=${`inbox-item ${i.readAt ? '' : 'unread'}`} data-inbox=${i.id} data-kind=${i.kind} onClick=${(e: MouseEvent) => onPick(i, e)}>
    ${i.readAt ? null : html`<span class="unread-dot"><span class="sr-only">${t('inbox.unread')}</span></span>`}
    <span class=${`badge kind-${i.kind}`}>${lbl('inboxKind', i.kind)}</span>
    ${i.ticket ? html`<${TicketLink} number=${i.ticket.number} />` : null}
    <span class="inbox-detail">${detail(i)}</span>
    <time datetime=${i.createdAt} title=${fullTime(i.createdAt)}>${shortTime(i.createdAt)}</time>
    ${i.ticket ? html`<span class="inbox-title">${i.ticket.title}</span>` : null}
    ${i.unitName ? html`<span class="inbox-unit">${i.unitName}</span>` : null}
  </li>`;
}

const ticketPath = (i: InboxItem) => (i.ticket ? `/tickets/${i.ticket.number}` : null);

export function InboxBell() {
  const [open, setOpen] = useState(false);
  const bell = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const alerts = useAlertPrefs();
  const prefs = useRef(alerts.prefs);
  prefs.current = alerts.prefs;
  const inbox = useInbox(open, (item) => {
    if (prefs.current.sound) playTone();
    if (prefs.current.desktop) {
      const path = ticketPath(item);
      showDesktop(`${lbl('inboxKind', item.kind)} ${item.ticket?.number ?? ''}`, item.ticket?.title ?? '', `inbox-${item.id}`, () => path && navigate(path));
    }
  });

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) bell.current?.focus();
  };
  useEffect(() => {
    if (!open) return;
    panel.current?.focus();
    const outside = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) close(false);
    };
    document.addEventListener('mousedown', outside);
    return () => document.removeEventListener('mousedown', outside);
  }, [open]);

  /** A click anywhere on an item marks it read; off the number's own link it opens the ticket page too. */
  const pick = (item: InboxItem, e: MouseEvent) => {
    void inbox.markRead(item);
    const onLink = (e.target as Element).closest('a');
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const path = ticketPath(item);
    if (path && !onLink) navigate(path);
    if (path) close(false);
  };

  const n = inbox.unread ?? 0;
  return html`<div
    class="inbox"
    ref=${box}
    onKeyDown=${(e: KeyboardEvent) => {
      if (e.key === 'Escape' && open) {
        e.preventDefault();
        close(true);
      }
    }}
  >
    <button
      type="button"
      class="bell"
      ref=${bell}
      aria-expanded=${open ? 'true' : 'false'}
      aria-controls="inbox-panel"
      aria-label=${n ? t('inbox.bell', { n }) : t('inbox.bellNone')}
      data-unread=${n}
      onClick=${() => (open ? close(true) : setOpen(true))}
    >
      <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
        <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z" />
      </svg>
      ${n ? html`<span class="bell-count" aria-hidden="true">${n > 99 ? '99+' : n}</span>` : null}
    </button>
    ${
      open
        ? html`<section id="inbox-panel" class="inbox-panel" aria-labelledby="inbox-h" tabindex="-1" ref=${panel}>
          <div class="inbox-head">
            <h2 id="inbox-h">${t('inbox.title')}</h2>
            <button
              type="button"
              disabled=${inbox.busy || n === 0}
              onClick=${async () => {
                await inbox.markAll();
                announce(t('inbox.markedAll'));
              }}
            >
              ${t('inbox.readAll')}
            </button>
            <button type="button" onClick=${() => close(true)}>${t('inbox.close')}</button>
          </div>
          <${ErrorBox} error=${inbox.error} />
          ${
            inbox.page === null
              ? html`<p class="loading" aria-busy="true">${t('common.loading')}</p>`
              : inbox.page.items.length === 0
                ? html`<p class="empty">${t('inbox.empty')}</p>`
                : html`<ul class="inbox-list">
                  ${inbox.page.items.map((i) => html`<${InboxRow} key=${i.id} item=${i} onPick=${pick} />`)}
                </ul>`
          }
          ${inbox.page?.nextBefore ? html`<button type="button" class="inbox-more" disabled=${inbox.busy} onClick=${() => void inbox.more()}>${t('inbox.more')}</button>` : null}
          <fieldset class="inbox-alerts">
            <legend>${t('inbox.options')}</legend>
            <label><input type="checkbox" checked=${alerts.prefs.sound} onChange=${(e: Event) => alerts.toggleSound((e.target as HTMLInputElement).checked)} /> ${t('inbox.sound')}</label>
            <label>
              <input type="checkbox" checked=${alerts.prefs.desktop} onChange=${(e: Event) => void alerts.toggleDesktop((e.target as HTMLInputElement).checked)} />
              ${t('inbox.desktop')}
            </label>
            ${alerts.problem ? html`<p class="hint" role="status">${t(alerts.problem === 'denied' ? 'inbox.desktopDenied' : 'inbox.desktopUnsupported')}</p>` : null}
          </fieldset>
        </section>`
        : null
    }
  </div>`;
}
