import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { encode } from 'uqr';
import { html } from '../html.ts';
import { has, t, type MsgKey } from '../i18n.ts';
import { ApiError } from '../api.ts';
import { countdown, fullTime, shortTime, useNow } from '../format.ts';

/** A label for a closed vocabulary value: status.closed → 已办结; the raw value if the table lacks it. */
export function lbl(group: string, value: string | null | undefined): string {
  if (!value) return '—';
  const key = `${group}.${value}`;
  return has(key) ? t(key as MsgKey) : value;
}

export function StatusBadge({ status }: { status: string }) {
  return html`<span class=${`badge st-${status}`}>${lbl('status', status)}</span>`;
}

export function WarningBadge({ level }: { level: string }) {
  if (!level || level === 'none') return null;
  return html`<span class=${`badge warn-${level}`}>${lbl('warning', level)}</span>`;
}

/** Shows an error for people: the server's message, and each validation issue. */
export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  const e = error instanceof ApiError ? error : null;
  const msg = e ? e.message : error instanceof Error ? error.message : String(error);
  return html`<div class="error" role="alert">
    <p>${msg}</p>
    ${e && e.issues.length > 0 ? html`<ul>${e.issues.map((i) => html`<li>${i.path}: ${i.message}</li>`)}</ul>` : null}
  </div>`;
}

const announceListeners = new Set<(m: string) => void>();
/** Says something to screen-reader users (and shows it briefly) through the one polite live region. */
export function announce(message: string) {
  for (const l of announceListeners) l(message);
}
export function Announcer() {
  const [msg, set] = useState('');
  useEffect(() => {
    announceListeners.add(set);
    return () => void announceListeners.delete(set);
  }, []);
  useEffect(() => {
    if (!msg) return;
    const id = setTimeout(() => set(''), 6000);
    return () => clearTimeout(id);
  }, [msg]);
  return html`<div class="toast" role="status" aria-live="polite">${msg}</div>`;
}

/** A deadline with a running countdown, coloured by the assignment's warning level (or overdue by the clock). */
export function Countdown({ deadline, level, label }: { deadline: string | null; level: string; label: string }) {
  const now = useNow(1000);
  if (!deadline) return html`<span class="countdown">—</span>`;
  const c = countdown(deadline, now);
  const shown = c.overdue ? 'overdue' : level || 'none';
  return html`<span class=${`countdown warn-${shown}`} title=${`${label} ${fullTime(deadline)}`}>
    <span class="sr-only">${label} ${lbl('warning', shown)}，</span>${c.text}
  </span>`;
}

/** A QR code as SVG (the citizen look-up link on a receipt). */
export function QrCode({ text, label }: { text: string; label: string }) {
  const qr = encode(text, { ecc: 'M', border: 2 });
  let d = '';
  for (const [y, row] of qr.data.entries()) {
    for (const [x, on] of row.entries()) if (on) d += `M${x} ${y}h1v1h-1z`;
  }
  return html`<svg class="qr" viewBox=${`0 0 ${qr.size} ${qr.size}`} role="img" aria-label=${label} shape-rendering="crispEdges">
    <rect width=${qr.size} height=${qr.size} fill="#fff" />
    <path d=${d} fill="#000" />
  </svg>`;
}

export type TimelineEvent = { type: string; status: string | null; at: string; note?: string | null };
/** Progress as an ordered list (citizen look-up and ticket details). */
export function Timeline({ events, title }: { events: TimelineEvent[]; title: string }) {
  return html`<section class="timeline" aria-label=${title}>
    <ol>
      ${events.map(
        (e) => html`<li>
          <time datetime=${e.at}>${shortTime(e.at)}</time>
          <span class="tl-type">${lbl('event', e.type)}</span>
          ${e.status ? html` <span class="tl-status">→ ${lbl('status', e.status)}</span>` : null}
          ${e.note ? html`<p class="tl-note">${e.note}</p>` : null}
        </li>`,
      )}
    </ol>
  </section>`;
}

export function Panel({ title, children, id, class: cls }: { title: string; children: ComponentChildren; id?: string; class?: string }) {
  const hid = `${id ?? title}-h`.replace(/\s+/g, '-');
  return html`<section class=${`panel ${cls ?? ''}`} aria-labelledby=${hid} id=${id}>
    <h2 id=${hid}>${title}</h2>
    ${children}
  </section>`;
}

export function Empty({ text }: { text: string }) {
  return html`<p class="empty">${text}</p>`;
}

/** Key/value rows of a ticket. */
export function Facts({ rows }: { rows: [string, ComponentChildren][] }) {
  return html`<dl class="facts">${rows.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v ?? '—'}</dd></div>`)}</dl>`;
}

/** Moves focus between the buttons of a list with the arrow keys (a roving list of items). */
export function arrowNav(e: KeyboardEvent) {
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
  const list = e.currentTarget as HTMLElement;
  const items = [...list.querySelectorAll<HTMLElement>('[data-item]')];
  const i = items.indexOf(document.activeElement as HTMLElement);
  const next = items[e.key === 'ArrowDown' ? Math.min(items.length - 1, i + 1) : Math.max(0, i - 1)];
  if (next) {
    e.preventDefault();
    next.focus();
  }
}
