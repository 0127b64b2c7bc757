import { useCallback, useEffect, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t } from '../i18n.ts';
import { get } from '../api.ts';
import { shortTime } from '../format.ts';
import { useTicketEvents } from '../live.ts';
import type { Assignment, TicketEventItem, TicketView } from '../types.ts';
import { ErrorBox, Facts, StatusBadge, Timeline, WarningBadge, lbl } from './common.ts';
import { AwaitingCalendarNote, ClockCell } from './clock.ts';
import { TicketLink } from '../screens/ticket-page-parts.ts';

/** One ticket and its history, reloaded whenever a live event names it. */
export function useTicket(id: number | null) {
  const [view, setView] = useState<TicketView | null>(null);
  const [events, setEvents] = useState<TicketEventItem[]>([]);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(async () => {
    if (id === null) return;
    try {
      const [v, ev] = await Promise.all([get<TicketView>(`/api/tickets/${id}`), get<{ items: TicketEventItem[] }>(`/api/tickets/${id}/events`)]);
      setView(v);
      setEvents(ev.items);
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [id]);
  useEffect(() => {
    setView(null);
    setEvents([]);
    void load();
  }, [load]);
  useTicketEvents(
    (e) => {
      if (e.ticketId === id) void load();
    },
    () => void load(),
  );
  return { view, events, error, reload: load, setView };
}

/** A note worth showing from an event's payload (reasons, replies, notes). */
export function noteOf(e: TicketEventItem): string | null {
  const special = e.type === 'contact' ? contactNote(e) : isCallback(e) ? callbackNote(e) : null;
  if (special) return special;
  // Whichever text the event carries, by the names its payloads give them.
  const p: Record<string, unknown> = e.payload;
  for (const k of ['reason', 'content', 'summary', 'text', 'note', 'comment']) {
    const v = p[k];
    if (typeof v === 'string' && v.trim()) return v;
  }
  return null;
}

const str = (v: string | null | undefined) => (v?.trim() ? v : null);

type EventOf<K extends TicketEventItem['type']> = Extract<TicketEventItem, { type: K }>;
type CallbackEvent = EventOf<'callback_close' | 'callback_dispute' | 'callback_retry' | 'callback_unreached'>;
const isCallback = (e: TicketEventItem): e is CallbackEvent => e.type.startsWith('callback_');

/** A contact: what was said, when it happened if recorded later, and the reason for a late entry (补录). */
function contactNote(e: EventOf<'contact'>): string | null {
  const p = e.payload;
  const at = str(p.contactedAt);
  const reason = str(p.backdateReason);
  const parts = [
    str(p.summary),
    at && Math.abs(Date.parse(e.at) - Date.parse(at)) >= 60_000 ? t('ticket.contactAt', { at: shortTime(at) }) : null,
    reason ? t('ticket.backdateReason', { reason }) : null,
  ].filter((x): x is string => !!x);
  return parts.length ? parts.join(' · ') : null;
}

/** A callback attempt: its round and number, then the agent's comment. */
function callbackNote(e: CallbackEvent): string | null {
  const p = e.payload;
  return [t('callback.attemptNote', { round: p.round, attempt: p.attempt }), str(p.comment)].filter(Boolean).join(' · ');
}

/** When the first contact was recorded, if a minute or more after the time claimed (else null). */
export function contactRecordedLater(a: Assignment): string | null {
  const { firstContactAt: at, firstContactRecordedAt: recorded } = a;
  return at && recorded && Date.parse(recorded) - Date.parse(at) >= 60_000 ? recorded : null;
}

/** The first contact as the unit claims it, and when it was recorded if that was later; else the response clock. */
function firstContact(a: Assignment) {
  if (!a.firstContactAt || a.sla?.clocks.response.state === 'missed') return html`<${ClockCell} a=${a} clock="response" label=${t('deadline.response')} />`;
  const later = contactRecordedLater(a);
  return html`${shortTime(a.firstContactAt)}${later ? html` <small>${t('unit.contactRecordedAt', { at: shortTime(later) })}</small>` : null}`;
}

export function TicketDetails({ view, events, error }: { view: TicketView | null; events?: TicketEventItem[]; error?: unknown }) {
  if (error) return html`<${ErrorBox} error=${error} />`;
  if (!view) return html`<p class="loading" aria-busy="true">${t('common.loading')}</p>`;
  const caller =
    view.caller.confidential && !view.caller.name && !view.caller.phone
      ? t('ticket.confidential')
      : `${view.caller.name ?? ''} ${view.caller.phone ?? ''}`.trim();
  return html`<article class="ticket" aria-label=${t('ticket.details', { number: view.number })}>
    <header class="ticket-head">
      <h3><${TicketLink} number=${view.number} /> ${view.title}</h3>
      <${StatusBadge} status=${view.status} />
      <${WarningBadge} level=${view.warningLevel} />
      ${view.redoCount > 0 ? html`<span class="badge">${t('ticket.redo', { n: view.redoCount })}</span>` : null}
    </header>
    <${AwaitingCalendarNote} waiting=${view.awaitingCalendar} />
    <${Facts}
      rows=${[
        [t('field.category'), view.category.path.join(' / ')],
        [t('field.type'), `${lbl('type', view.type)} · ${lbl('urgency', view.urgency)} · ${lbl('channel', view.channel)}`],
        [t('field.address'), view.address],
        [t('field.caller'), caller || '—'],
        [t('field.createdAt'), shortTime(view.createdAt)],
        ...(view.window
          ? ([
              [t('field.matter'), view.window.matter],
              [t('field.hallDepartment'), `${view.window.hallDepartment} · ${lbl('windowReason', view.window.reason)}`],
            ] as [string, string][])
          : []),
      ]}
    />
    <p class="content">${view.content}</p>
    ${
      view.assignments.length > 0
        ? html`<table class="assignments">
          <caption>${t('ticket.assignments')}</caption>
          <thead>
            <tr><th scope="col">${t('field.unit')}</th><th scope="col">${t('field.status')}</th><th scope="col">${t('deadline.sign')}</th><th scope="col">${t('ticket.firstContact')}</th><th scope="col">${t('deadline.complete')}</th></tr>
          </thead>
          <tbody>
            ${view.assignments.map(
              (a) => html`<tr>
                <td>${a.unit.name} <small>${lbl('assignmentRole', a.role)}</small></td>
                <td>${lbl('status', a.status)}</td>
                <td>${a.signedAt && !a.sla ? shortTime(a.signedAt) : html`<${ClockCell} a=${a} clock="sign" label=${t('deadline.sign')} />`}</td>
                <td data-first-contact>${firstContact(a)}</td>
                <td>${['returned', 'closed'].includes(a.status) && !a.sla ? shortTime(a.deadlines.complete) : html`<${ClockCell} a=${a} clock="complete" label=${t('deadline.complete')} />`}</td>
              </tr>`,
            )}
          </tbody>
        </table>`
        : null
    }
    ${view.pendingRequests.map(
      (r) => html`<div class="pending" role="note">
        <strong>${lbl('request', r.kind)}</strong>: ${r.reason}
        ${r.requestedDueAt ? html` · ${t('field.requestedDueAt')} ${shortTime(r.requestedDueAt)}` : null}
      </div>`,
    )}
    ${view.assignments
      .filter((a) => a.replyContent)
      .map((a) => html`<div class="reply"><strong>${t('ticket.replyOf', { unit: a.unit.name })}</strong><p>${a.replyContent}</p></div>`)}
    ${view.publicReply ? html`<div class="reply"><strong>${t('field.publicReply')}</strong><p>${view.publicReply}</p></div>` : null}
    ${
      events && events.length > 0
        ? html`<details class="history">
          <summary>${t('ticket.history', { n: events.length })}</summary>
          <${Timeline} title=${t('ticket.history', { n: events.length })} events=${events.map((e) => ({ type: e.type, status: e.to, at: e.at, note: noteOf(e) }))} />
        </details>`
        : null
    }
  </article>`;
}
