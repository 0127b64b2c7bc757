/**
 * The ticket page, /tickets/<number>: everything about one ticket as this user may see it (the caller masked as
 * the API masks it for the role), reloaded on every live event naming it, and printable as the one-page 工单 form
 * (styles/ticket-page.css @media print keeps the form and drops the screen-only sections).
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t } from '../i18n.ts';
import { ApiError, get } from '../api.ts';
import { fullTime } from '../format.ts';
import { useTicketEvents } from '../live.ts';
import { linkClick, navigate } from '../router.ts';
import type { SessionInfo, TicketEventItem, TicketView } from '../types.ts';
import { ErrorBox, Facts, Panel, StatusBadge, WarningBadge, lbl } from '../ui/common.ts';
import { AwaitingCalendarNote } from '../ui/clock.ts';
import { Actions, Assignments, Attachments, type AttachmentItem } from './ticket-page-parts.ts';
import { FullTimeline, lastCallback } from './ticket-page-timeline.ts';
import { LlmSummary } from '../ui/assist-llm.ts';

const NUMBER = /^(\d{8})-?(\d{6,})$/;

type Loaded = { view: TicketView; events: TicketEventItem[]; files: AttachmentItem[] };

function useTicketPage(number: string) {
  const [data, setData] = useState<Loaded | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(async () => {
    try {
      const view = await get<TicketView>(`/api/tickets/by-number/${encodeURIComponent(number)}`);
      const [ev, files] = await Promise.all([
        get<{ items: TicketEventItem[] }>(`/api/tickets/${view.id}/events`),
        get<{ items: AttachmentItem[] }>(`/api/tickets/${view.id}/attachments`).catch(() => ({ items: [] })),
      ]);
      setData({ view, events: ev.items, files: files.items });
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [number]);
  useEffect(() => {
    setData(null);
    setError(null);
    void load();
  }, [load]);
  useTicketEvents(
    (e) => {
      if (data && e.ticketId === data.view.id) void load();
    },
    () => void load(),
  );
  return { data, error };
}

/** Not found or not allowed (the API answers 404 for both, so existence is not disclosed), with a way home. */
function NotFound({ text, home }: { text: string; home: string }) {
  return html`<div class="tp-missing" data-not-found>
    <p class="error" role="alert">${text}</p>
    <p>
      <a href=${home} onClick=${linkClick}>${t('tp.home')}</a> ·
      <a href="/tickets" onClick=${linkClick}>${t('tp.back')}</a>
    </p>
  </div>`;
}

export function TicketPage({ number, session, home }: { number: string; session: SessionInfo; home: string }) {
  const m = NUMBER.exec(number);
  const canonical = m ? `${m[1]}-${m[2]}` : null;
  useEffect(() => {
    if (canonical && canonical !== number) navigate(`/tickets/${canonical}`, { replace: true });
  }, [canonical, number]);
  if (!canonical) {
    return html`<h1 class="screen-title">${t('screen.ticketPage', { number })}</h1>
      <${NotFound} text=${t('tp.badNumber', { number })} home=${home} />`;
  }
  return html`<${TicketBody} number=${canonical} session=${session} home=${home} />`;
}

function TicketBody({ number, session, home }: { number: string; session: SessionInfo; home: string }) {
  const { data, error } = useTicketPage(number);
  useEffect(() => {
    document.title = `${t('screen.ticketPage', { number })} · ${t('app.short')}`;
  });
  const title = html`<h1 class="screen-title tp-title"><span class="tp-form-name">${t('tp.formTitle')}</span> <span class="mono">${number}</span></h1>`;
  if (error) {
    const missing = error instanceof ApiError && (error.status === 404 || error.status === 403);
    return html`${title}${missing ? html`<${NotFound} text=${t('tp.notFound', { number })} home=${home} />` : html`<${ErrorBox} error=${error} />`}`;
  }
  if (!data) return html`${title}<p class="loading" aria-busy="true">${t('common.loading')}</p>`;
  const { view, events, files } = data;
  const caller =
    view.caller.confidential && !view.caller.name && !view.caller.phone
      ? t('ticket.confidential')
      : `${view.caller.name ?? ''} ${view.caller.phone ?? ''}`.trim() || '—';
  const cb = lastCallback(events);
  const replies = view.assignments.filter((a) => a.replyContent);
  return html`<article class="tp" data-ticket-page=${view.number}>
    <div class="tp-toolbar">
      <a href="/tickets" onClick=${linkClick}>← ${t('tp.back')}</a>
      <button type="button" class="small" onClick=${() => window.print()}>${t('tp.print')}</button>
    </div>
    ${title}
    <p class="tp-badges">
      <${StatusBadge} status=${view.status} /> <${WarningBadge} level=${view.warningLevel} />
      ${view.redoCount > 0 ? html`<span class="badge">${t('ticket.redo', { n: view.redoCount })}</span>` : null}
    </p>
    <${AwaitingCalendarNote} waiting=${view.awaitingCalendar} />
    <section class="tp-form" aria-label=${t('tp.formTitle')}>
      <h2 class="tp-subject">${view.title}</h2>
      <${Facts}
        rows=${[
          [t('tp.caller'), html`<span data-caller>${caller}</span>`],
          [t('field.category'), view.category.path.join(' / ')],
          [t('field.type'), `${lbl('type', view.type)} · ${lbl('urgency', view.urgency)} · ${lbl('channel', view.channel)}`],
          [t('tp.place'), view.address],
          [t('tp.receivedAt'), fullTime(view.createdAt)],
          [t('tp.dispatchedAt'), fullTime(view.dispatchedAt)],
          [t('tp.repliedAt'), fullTime(view.repliedAt)],
          [t('tp.closedAt'), view.closedAt ? `${fullTime(view.closedAt)}${view.closeReason ? ` · ${lbl('closeReason', view.closeReason)}` : ''}` : '—'],
        ]}
      />
      <h3>${t('tp.demand')}</h3>
      <p class="content tp-demand">${view.content}</p>
      <${LlmSummary} ticketId=${view.id} />
      <h3>${t('tp.assignments')}</h3>
      <${Assignments} view=${view} />
      <h3>${t('tp.replies')}</h3>
      ${
        replies.length === 0 && !view.publicReply
          ? html`<p class="muted">${t('tp.noReplies')}</p>`
          : html`${replies.map((a) => html`<div class="reply"><strong>${t('ticket.replyOf', { unit: a.unit.name })}</strong><p>${a.replyContent}</p></div>`)}
            ${view.publicReply ? html`<div class="reply"><strong>${t('field.publicReply')}</strong><p>${view.publicReply}</p></div>` : null}`
      }
      <h3>${t('tp.callback')}</h3>
      <p data-callback>
        ${
          cb
            ? `${fullTime(cb.at)} · ${lbl('event', cb.type)}${cb.payload.solved ? ` · ${lbl('solved', cb.payload.solved)}` : ''}${
                cb.payload.satisfaction ? ` · ${lbl('satisfaction', cb.payload.satisfaction)}` : ''
              }${cb.payload.comment ? ` · ${cb.payload.comment}` : ''}`
            : t('tp.noCallback')
        }
      </p>
      <p class="tp-signature">${t('tp.signature')}</p>
    </section>
    <${Panel} title=${t('tp.actions')} id="tp-actions" class="tp-screen-only"><${Actions} view=${view} role=${session.user.role} /><//>
    <${Panel} title=${t('tp.attachments')} id="tp-attachments" class="tp-screen-only"><${Attachments} items=${files} /><//>
    <${Panel} title=${t('tp.timeline')} id="tp-timeline" class="tp-screen-only"><${FullTimeline} events=${events} /><//>
  </article>`;
}
