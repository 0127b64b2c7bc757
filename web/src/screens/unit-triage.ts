/**
 * The receiving unit's triage panel (研判分类) on the unit desk: its tickets still to triage, with the triage
 * clock, and its ordinary ones still to reply to, with the quick-reply clock (GET /api/triage/queue); one click
 * marks a signed ticket 普通 or 复杂. Refetched on every ticket event.
 */
import { useEffect, useState } from 'preact/hooks';
import { get, post } from '../api.ts';
import { html } from '../html.ts';
import { t } from '../i18n.ts';
import { useTicketEvents } from '../live.ts';
import { Countdown, ErrorBox, Panel, announce } from '../ui/common.ts';

type Clock = { dueAt: string | null; level: string; state: string } | null;
type Item = {
  assignmentId: number;
  ticketId: number;
  number: string;
  title: string;
  status: string;
  version: number;
  triage: 'ordinary' | 'complex' | null;
  clocks: { triage: Clock; quickReply: Clock };
};

function ClockBadge({ c, label }: { c: Clock; label: string }) {
  if (!c) return null;
  if (c.state === 'awaiting_calendar') return html`<span class="badge awaiting">${t('triage.awaiting')}</span>`;
  return html`<span data-triage-clock=${c.state}><${Countdown} deadline=${c.dueAt} level=${c.level} label=${label} /></span>`;
}

export function TriagePanel({ onPick }: { onPick: (ticketId: number) => void }) {
  const [items, setItems] = useState<Item[]>([]);
  const [error, setError] = useState<unknown>(null);
  const load = () =>
    get<{ items: Item[] }>('/api/triage/queue').then(
      (r) => setItems(r.items),
      (e) => setError(e),
    );
  useEffect(() => void load(), []);
  useTicketEvents(
    () => void load(),
    () => void load(),
  );
  if (items.length === 0 && !error) return null;
  const triage = async (i: Item, level: 'ordinary' | 'complex') => {
    try {
      await post(`/api/assignments/${i.assignmentId}/triage`, { version: i.version, level });
      announce(t('triage.done', { level: t(`triage.${level}` as const), number: i.number }));
      setError(null);
    } catch (e) {
      setError(e);
    }
    await load();
  };
  return html`<${Panel} title=${t('triage.title')} id="triage">
    <${ErrorBox} error=${error} />
    <ul class="list compact">
      ${items.map(
        (i) => html`<li data-triage=${i.number}>
          <button type="button" class="link mono" onClick=${() => onPick(i.ticketId)}>${i.number}</button>
          <span class="title">${i.title}</span>
          ${
            i.triage
              ? html`<span class="badge">${t(`triage.${i.triage}` as const)}</span> ${t('triage.quickReply')} <${ClockBadge} c=${i.clocks.quickReply} label=${t('triage.quickReply')} />`
              : html`${t('triage.due')} <${ClockBadge} c=${i.clocks.triage} label=${t('triage.due')} />
                ${
                  i.status === 'in_progress'
                    ? html`<button type="button" onClick=${() => triage(i, 'ordinary')}>${t('triage.ordinary')}</button>
                      <button type="button" onClick=${() => triage(i, 'complex')}>${t('triage.complex')}</button>`
                    : html`<small>${t('triage.signFirst')}</small>`
                }`
          }
        </li>`,
      )}
    </ul>
  <//>`;
}
