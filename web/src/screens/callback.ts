import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t } from '../i18n.ts';
import { get, post } from '../api.ts';
import { shortTime, useDebounced, useNow } from '../format.ts';
import { useTicketEvents } from '../live.ts';
import type { Page, TicketSummary, TicketView } from '../types.ts';
import { Empty, ErrorBox, StatusBadge, announce, arrowNav, lbl } from '../ui/common.ts';
import { TicketDetails, useTicket } from '../ui/ticket.ts';
import { CentreWait, useCentreWaiting } from '../ui/centre.ts';
import { SATISFACTIONS, SOLVED_RESULTS } from '../../../src/contract/vocab.ts';
import { useFormDraft } from '../ui/draft.ts';

/** From the callback queue: the round (a reopen starts a new one) with its attempts so far and left. */
type QueueItem = { ticket: TicketSummary; callbackDueAt?: string; overdue?: boolean; round?: number; attempts?: number; attemptsLeft?: number };

/** "第 2 轮 · 本轮已拨 1 次，剩 2 次" when the queue gives it. */
const roundText = (i: Pick<QueueItem, 'round' | 'attempts' | 'attemptsLeft'>) =>
  i.round !== undefined && i.attempts !== undefined && i.attemptsLeft !== undefined
    ? ` · ${t('callback.round', { round: i.round })} · ${t('callback.roundAttempts', { n: i.attempts, left: i.attemptsLeft })}`
    : '';

/** The callback queue, due-ordered by the evaluation engine. */
async function loadQueue(): Promise<QueueItem[]> {
  return (await get<Page<QueueItem>>('/api/callbacks/queue?limit=100')).items;
}

export function Callback() {
  const [queue, setQueue] = useState<QueueItem[] | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  // The centre's callback clock: how long each ticket has waited since its reply was approved, against its callback day.
  const centre = useCentreWaiting('callback');
  const now = useNow(15_000);
  const reload = useDebounced(() => {
    loadQueue().then((q) => (setQueue(q), setError(null)), setError);
  }, 150);
  useEffect(reload, []);
  useTicketEvents(reload, reload);
  return html`<div class="desk">
    <h1 class="screen-title">${t('screen.callback')}</h1>
    <div class="split">
      <section class="queue" aria-labelledby="cq-h">
        <h2 id="cq-h">${t('callback.queue')} <span class="count">${queue?.length ?? '·'}</span></h2>
        <${ErrorBox} error=${error} />
        ${
          queue === null
            ? html`<p class="loading" aria-busy="true">${t('common.loading')}</p>`
            : queue.length === 0
              ? html`<${Empty} text=${t('callback.empty')} />`
              : html`<ul class="list" onKeyDown=${arrowNav}>
                ${queue.map(
                  ({ ticket: q, callbackDueAt, overdue, ...round }) => html`<li>
                    <button type="button" data-item data-ticket=${q.number} class=${`item ${q.id === selected ? 'selected' : ''}`} aria-current=${q.id === selected ? 'true' : undefined} onClick=${() => setSelected(q.id)}>
                      <span class="mono">${q.number}</span> <${StatusBadge} status=${q.status} />
                      ${overdue ? html`<span class="badge warn-red">${t('callback.overdue')}</span>` : null}
                      <${CentreWait} item=${centre.itemOf('callback', q.id)} now=${now} />
                      <span class="title">${q.title}</span>
                      <small data-round=${round.round}>${callbackDueAt ? t('callback.dueAt', { at: shortTime(callbackDueAt) }) : shortTime(q.updatedAt)}${roundText(round)}</small>
                    </button>
                  </li>`,
                )}
              </ul>`
        }
      </section>
      <section class="detail" aria-label=${t('common.detail')}>
        ${selected === null ? html`<${Empty} text=${t('callback.pick')} />` : html`<${CallbackTicket} key=${selected} id=${selected} onDone=${() => setSelected(null)} />`}
      </section>
    </div>
  </div>`;
}

function CallbackTicket({ id, onDone }: { id: number; onDone: () => void }) {
  const { view, events, error } = useTicket(id);
  return html`<div>
    <${TicketDetails} view=${view} events=${events} error=${error} />
    ${view?.abilities.includes('callback') ? html`<${CallbackForm} view=${view} onDone=${onDone} />` : null}
  </div>`;
}

/** Reached? Solved? Satisfied? Radio groups (arrow keys within, Tab between), Enter saves. */
function CallbackForm({ view, onDone }: { view: TicketView; onDone: () => void }) {
  const [reached, setReached] = useState<'yes' | 'no'>('yes');
  const [solved, setSolved] = useState<string>('solved');
  const [satisfaction, setSatisfaction] = useState<string>('satisfied');
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const draft = useFormDraft(
    `callback:${view.id}`,
    { reached, solved, satisfaction, comment },
    (b) => {
      setReached(b.reached === 'no' ? 'no' : 'yes');
      setSolved(String(b.solved ?? 'solved'));
      setSatisfaction(String(b.satisfaction ?? 'satisfied'));
      setComment(String(b.comment ?? ''));
    },
    (v) => v.reached === 'yes' && v.solved === 'solved' && v.satisfaction === 'satisfied' && !v.comment.trim(),
  );
  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body =
        reached === 'yes'
          ? { version: view.version, reached: true, solved, satisfaction, ...(comment.trim() ? { comment } : {}) }
          : { version: view.version, reached: false, ...(comment.trim() ? { comment } : {}) };
      const v = await post<TicketView>(`/api/tickets/${view.id}/callback`, body);
      announce(t('callback.saved', { number: view.number, status: lbl('status', v.status) }));
      draft.clear();
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const radios = (name: string, values: readonly string[], value: string, set: (v: string) => void, group: string, disabled = false) =>
    values.map(
      (v) => html`<label class="radio">
        <input type="radio" name=${name} value=${v} checked=${value === v} disabled=${disabled} onChange=${() => set(v)} />
        ${lbl(group, v)}
      </label>`,
    );
  return html`<form class="card" aria-labelledby="cb-h" onSubmit=${save}>
    <h3 id="cb-h">${t('callback.record')}</h3>
    ${view.caller.phone ? html`<p class="callnow">${t('callback.callNow')} <strong class="mono">${view.caller.phone}</strong> ${view.caller.name ?? ''}</p>` : null}
    ${view.callbackRound > 1 ? html`<p class="muted small">${t('callback.roundNote', { round: view.callbackRound })}</p>` : null}
    ${view.callbackAttempts > 0 ? html`<p class="muted small">${t('callback.attempts', { n: view.callbackAttempts })}</p>` : null}
    <fieldset><legend>${t('callback.reached')}</legend>${radios('reached', ['yes', 'no'], reached, (v) => setReached(v as 'yes' | 'no'), 'yesno')}</fieldset>
    <fieldset disabled=${reached === 'no'}><legend>${t('callback.solved')}</legend>${radios('solved', SOLVED_RESULTS, solved, setSolved, 'solved')}</fieldset>
    <fieldset disabled=${reached === 'no'}><legend>${t('callback.satisfaction')}</legend>${radios('satisfaction', SATISFACTIONS, satisfaction, setSatisfaction, 'satisfaction')}</fieldset>
    <div class="field">
      <label for="cb-comment">${t('callback.comment')}</label>
      <input id="cb-comment" value=${comment} onInput=${(e: Event) => setComment((e.target as HTMLInputElement).value)} />
    </div>
    <${ErrorBox} error=${error} />
    <button type="submit" class="primary" disabled=${busy}>${t('callback.save')} <kbd>Enter</kbd></button>
  </form>`;
}
