/** The ticket page's full history: every event with who (name, unit, role) and when, its note, and links to merged tickets. */
import { html } from '../html.ts';
import { t } from '../i18n.ts';
import { fullTime } from '../format.ts';
import type { TicketEventItem } from '../types.ts';
import { lbl } from '../ui/common.ts';
import { noteOf } from '../ui/ticket.ts';
import { TicketLink } from './ticket-page-parts.ts';

/** The actor as GET /api/tickets/:id/events names them (name and unit since the events presenter carries them). */
type Who = { id: number; role: string | null; unitId: number | null; name?: string | null; unit?: { id: number; name: string } | null } | null;

export function whoText(actor: Who): string {
  if (!actor) return t('tp.system');
  const role = lbl('role', actor.role);
  if (!actor.name) return actor.unit ? `${actor.unit.name} · ${role}` : role;
  return t('tp.who', { name: actor.name, unit: actor.unit?.name ?? '—', role });
}

/** The last callback attempt with its outcome: the printed form's 回访结果. */
export function lastCallback(events: TicketEventItem[]) {
  return events.findLast((e) => e.type.startsWith('callback_')) as Extract<TicketEventItem, { type: 'callback_close' }> | undefined;
}

function linkedTicket(e: TicketEventItem) {
  if (e.type === 'merge') return html` <span>${t('tp.mergedInto')} <${TicketLink} number=${e.payload.intoNumber} /></span>`;
  if (e.type === 'ticket_merged_in') return html` <span>${t('tp.mergedFrom')} <${TicketLink} number=${e.payload.fromNumber} /></span>`;
  return null;
}

export function FullTimeline({ events }: { events: TicketEventItem[] }) {
  return html`<ol class="tp-timeline">
    ${events.map((e) => {
      const note = noteOf(e);
      return html`<li data-event=${e.type}>
        <time datetime=${e.at}>${fullTime(e.at)}</time>
        <span class="tl-type">${lbl('event', e.type)}</span>
        ${e.to && e.to !== e.from ? html` <span class="tl-status">→ ${lbl('status', e.to)}</span>` : null}
        ${linkedTicket(e)}
        <span class="tl-who" data-who>${whoText(e.actor as Who)}</span>
        ${note ? html`<p class="tl-note">${note}</p>` : null}
      </li>`;
    })}
  </ol>`;
}
