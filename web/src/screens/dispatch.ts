import { useEffect, useMemo, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t, type MsgKey } from '../i18n.ts';
import { get, mapLimit, post, qs } from '../api.ts';
import { shortTime, toLocalInput, useDebounced, useNow } from '../format.ts';
import { useTicketEvents } from '../live.ts';
import type { Page, Suggestions, TicketSummary, TicketView, Unit } from '../types.ts';
import { Empty, ErrorBox, StatusBadge, WarningBadge, announce, arrowNav, lbl } from '../ui/common.ts';
import { AwaitingBadge } from '../ui/clock.ts';
import { TicketDetails, useTicket } from '../ui/ticket.ts';
import { CentreWait, useCentreWaiting } from '../ui/centre.ts';
import type { CentreClock, RequestKind } from '../../../src/contract/vocab.ts';
import { BulkBar, BulkCheck, isBulkTab, useBulkSelection } from './dispatch-bulk.ts';
import { useFormDraft } from '../ui/draft.ts';
import { fieldError } from '../ui/field-errors.ts';
import { MultiCombobox } from '../ui/multi-combobox.ts';
import { LlmReplyCheck } from '../ui/assist-llm.ts';
import { ModelUnitSuggestions } from './dispatch-assist.ts';

type Tab = 'dispatch' | 'return' | 'extension' | 'termination' | 'reply';
const TABS: Tab[] = ['dispatch', 'return', 'extension', 'termination', 'reply'];
const STATUS_OF: Record<Tab, string> = {
  dispatch: 'awaiting_dispatch',
  return: 'return_requested',
  extension: 'in_progress,awaiting_review',
  termination: 'termination_requested',
  reply: 'awaiting_review',
};
/** The centre's own clock behind each queue: how long its items have waited against their limit. */
const CLOCK_OF: Record<Tab, CentreClock> = {
  dispatch: 'dispatch',
  return: 'return_review',
  extension: 'extension_review',
  termination: 'termination_review',
  reply: 'reply_review',
};

/** Pending extensions are not a ticket status: look at each in-progress ticket's pending requests. */
async function loadQueue(tab: Tab): Promise<TicketSummary[]> {
  const r = await get<Page<TicketSummary>>(`/api/tickets${qs({ status: STATUS_OF[tab], limit: tab === 'extension' ? 50 : 100 })}`);
  if (tab !== 'extension') return r.items;
  const views = await mapLimit(r.items, 4, (x) => get<TicketView>(`/api/tickets/${x.id}`).catch(() => null));
  return r.items.filter((_, i) => views[i]?.pendingRequests.some((p) => p.kind === 'extension'));
}

/** Units as options: "东城区 / 东华街道", grouped by kind; the centre itself cannot be dispatched to. */
export function unitOptions(units: Unit[]) {
  const byId = new Map(units.map((u) => [u.id, u]));
  const name = (u: Unit) => {
    const parts: string[] = [];
    for (let x: Unit | undefined = u; x && x.kind !== 'centre'; x = x.parentId ? byId.get(x.parentId) : undefined) parts.unshift(x.name);
    return parts.join(' / ');
  };
  const groups = ['street', 'district', 'department', 'community'].map((kind) => ({
    kind,
    items: units.filter((u) => u.kind === kind && u.active).map((u) => ({ id: u.id, label: name(u) })),
  }));
  return groups.filter((g) => g.items.length > 0);
}

export function Dispatch() {
  const [tab, setTab] = useState<Tab>('dispatch');
  const [queue, setQueue] = useState<TicketSummary[] | null>(null);
  const [counts, setCounts] = useState<Partial<Record<Tab, number>>>({});
  const [selected, setSelected] = useState<number | null>(null);
  const bulk = useBulkSelection(tab);
  const [error, setError] = useState<unknown>(null);
  const centre = useCentreWaiting();
  const now = useNow(15_000);

  const reload = useDebounced(() => {
    loadQueue(tab).then((items) => {
      setQueue(items);
      setCounts((c) => ({ ...c, [tab]: items.length }));
      setError(null);
    }, setError);
    for (const other of TABS) {
      if (other === tab || other === 'extension') continue;
      get<Page<TicketSummary>>(`/api/tickets${qs({ status: STATUS_OF[other], limit: 100 })}`).then(
        (r) => setCounts((c) => ({ ...c, [other]: r.items.length })),
        () => {},
      );
    }
  }, 150);
  useEffect(() => {
    setQueue(null);
    setSelected(null);
    reload();
  }, [tab]);
  useTicketEvents(reload, reload);

  const onTabKey = (e: KeyboardEvent) => {
    const i = TABS.indexOf(tab);
    const next = e.key === 'ArrowRight' ? TABS[(i + 1) % TABS.length] : e.key === 'ArrowLeft' ? TABS[(i + TABS.length - 1) % TABS.length] : null;
    if (next) {
      e.preventDefault();
      setTab(next);
      setTimeout(() => document.getElementById(`tab-${next}`)?.focus(), 0);
    }
  };

  return html`<div class="desk">
    <h1 class="screen-title">${t('screen.dispatch')}</h1>
    <div role="tablist" aria-label=${t('dispatch.queues')} class="tabs" onKeyDown=${onTabKey}>
      ${TABS.map(
        (x) => html`<button
          role="tab"
          id=${`tab-${x}`}
          aria-selected=${x === tab ? 'true' : 'false'}
          aria-controls="desk-panel"
          tabindex=${x === tab ? 0 : -1}
          onClick=${() => setTab(x)}
        >
          ${lbl('queue', x)} <span class="count">${counts[x] ?? '·'}</span>
          ${centre.overdueAt(CLOCK_OF[x], now) ? html`<span class="badge warn-overdue">${t('centre.overdueCount', { n: centre.overdueAt(CLOCK_OF[x], now) })}</span>` : null}
        </button>`,
      )}
    </div>
    <div id="desk-panel" role="tabpanel" aria-labelledby=${`tab-${tab}`} class="split">
      <section class="queue" aria-label=${lbl('queue', tab)}>
        <${ErrorBox} error=${error} />
        ${queue ? html`<${BulkBar} key=${tab} tab=${tab} queue=${queue} selection=${bulk} unitGroups=${unitOptions} />` : null}
        ${
          queue === null
            ? html`<p class="loading" aria-busy="true">${t('common.loading')}</p>`
            : queue.length === 0
              ? html`<${Empty} text=${t('dispatch.empty')} />`
              : html`<ul class="list" onKeyDown=${arrowNav}>
                ${queue.map(
                  (q) => html`<li class=${isBulkTab(tab) ? 'bulk-row' : undefined}>
                    ${isBulkTab(tab) ? html`<${BulkCheck} ticket=${q} selection=${bulk} />` : null}
                    <button type="button" data-item class=${`item ${q.id === selected ? 'selected' : ''}`} aria-current=${q.id === selected ? 'true' : undefined} onClick=${() => setSelected(q.id)}>
                      <span class="mono">${q.number}</span> <${StatusBadge} status=${q.status} /> <${WarningBadge} level=${q.warningLevel} />
                      <${AwaitingBadge} on=${q.awaitingCalendar} />
                      <${CentreWait} item=${centre.itemOf(CLOCK_OF[tab], q.id)} now=${now} />
                      <span class="title">${q.title}</span>
                      <small>${lbl('urgency', q.urgency)} · ${lbl('channel', q.channel)} · ${shortTime(q.createdAt)}</small>
                    </button>
                  </li>`,
                )}
              </ul>`
        }
      </section>
      <section class="detail" aria-label=${t('common.detail')}>
        ${selected === null ? html`<${Empty} text=${t('dispatch.pick')} />` : html`<${DeskTicket} key=${selected} id=${selected} tab=${tab} onDone=${() => setSelected(null)} />`}
      </section>
    </div>
  </div>`;
}

function DeskTicket({ id, tab, onDone }: { id: number; tab: Tab; onDone: () => void }) {
  const { view, events, error } = useTicket(id);
  return html`<div>
    <${TicketDetails} view=${view} events=${events} error=${error} />
    ${view ? html`<${DeskActions} view=${view} tab=${tab} onDone=${onDone} />` : null}
  </div>`;
}

function DeskActions({ view, tab, onDone }: { view: TicketView; tab: Tab; onDone: () => void }) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const act = async (path: string, body: Record<string, unknown>, done: MsgKey) => {
    setBusy(true);
    setError(null);
    try {
      await post(`/api/tickets/${view.id}/${path}`, { version: view.version, ...body });
      announce(t(done, { number: view.number }));
      onDone();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  };
  const can = (a: TicketView['abilities'][number]) => view.abilities.includes(a);
  const props = { view, act, busy, can, error };
  return html`<div class="actions-panel">
    ${tab === 'dispatch' && can('dispatch') ? html`<${DispatchForm} ...${props} />` : null}
    ${tab === 'return' && can('approve_return') ? html`<${Review} ...${props} kind="return" />` : null}
    ${tab === 'extension' && can('approve_extension') ? html`<${Review} ...${props} kind="extension" />` : null}
    ${tab === 'termination' && can('approve_termination') ? html`<${Review} ...${props} kind="termination" />` : null}
    ${tab === 'reply' && can('approve_reply') ? html`<${ReplyReview} ...${props} />` : null}
    <${ErrorBox} error=${error} />
  </div>`;
}

type ActProps = {
  view: TicketView;
  act: (path: string, body: Record<string, unknown>, done: MsgKey) => Promise<boolean>;
  busy: boolean;
  can: (a: string) => boolean;
  /** the last action's error: its validation issues show beside their fields */
  error?: unknown;
};

function DispatchForm({ view, act, busy, can, error }: ActProps) {
  const [units, setUnits] = useState<Unit[]>([]);
  const [suggestions, setSuggestions] = useState<Suggestions | null>(null);
  const [lead, setLead] = useState<number | null>(null);
  const [assist, setAssist] = useState<number[]>([]);
  const [designate, setDesignate] = useState(false);
  const [note, setNote] = useState('');
  const [declineReason, setDeclineReason] = useState('');
  const [mergeNumber, setMergeNumber] = useState('');
  const [mergeError, setMergeError] = useState<unknown>(null);
  // 不予受理: the reason is kept as this ticket's dispatch draft until the ticket is declined.
  const declineDraft = useFormDraft(
    `dispatch:${view.id}`,
    { declineReason },
    (b) => setDeclineReason(String(b.declineReason ?? '')),
    (v) => !v.declineReason.trim(),
  );
  useEffect(() => {
    get<Page<Unit>>('/api/units').then(
      (r) => setUnits(r.items),
      () => {},
    );
    get<Suggestions>(`/api/tickets/${view.id}/suggestions`).then(
      (s) => {
        setSuggestions(s);
        const first = s.items[0];
        if (first) {
          setLead((l) => l ?? first.leadUnit.id);
          setAssist((a) => (a.length ? a : first.assistUnits.map((u) => u.id)));
        }
      },
      () => {},
    );
  }, [view.id]);
  const groups = useMemo(() => unitOptions(units), [units]);
  // the assisting-unit picker searches every unit by name (its level beside it), the lead's own choice excluded
  const assistOptions = useMemo(
    () => groups.flatMap((g) => g.items.filter((u) => u.id !== lead).map((u) => ({ id: u.id, label: `${u.label}（${lbl('unitKind', g.kind)}）` }))),
    [groups, lead],
  );
  const fe = {
    lead: fieldError(error, 'dp-lead', ['body.leadUnitId']),
    assist: fieldError(error, 'dp-assist', ['body.assistUnitIds']),
    note: fieldError(error, 'dp-note', ['body.note']),
  };
  // a lead unit taken (chosen, or a suggestion accepted) is no assisting unit
  const takeLead = (id: number) => (setLead(id), setAssist((a) => a.filter((x) => x !== id)));
  const leadSelect = html`<select
    id="dp-lead"
    aria-invalid=${fe.lead.invalid}
    aria-describedby=${fe.lead.describedBy}
    onChange=${(e: Event) => {
      const v = (e.target as HTMLSelectElement).value;
      if (v) takeLead(Number(v));
      else setLead(null);
    }}
  >
    <option value="" selected=${lead === null}>${t('dispatch.chooseUnit')}</option>
    ${groups.map(
      (g) => html`<optgroup label=${lbl('unitKind', g.kind)}>
        ${g.items.map((u) => html`<option value=${u.id} selected=${lead === u.id}>${u.label}</option>`)}
      </optgroup>`,
    )}
  </select>`;
  const merge = async () => {
    setMergeError(null);
    try {
      const target = await get<TicketView>(`/api/tickets/by-number/${encodeURIComponent(mergeNumber.trim())}`);
      await act('merge', { intoTicketId: target.id }, 'dispatch.merged');
    } catch (e) {
      setMergeError(e);
    }
  };
  return html`<div>
    <${ModelUnitSuggestions} ticketId=${view.id} lead=${lead} onTake=${takeLead} />
    ${
      suggestions && suggestions.items.length > 0
        ? html`<section class="suggestions" aria-labelledby="sugg-h">
          <h3 id="sugg-h">${t('dispatch.suggestions')}</h3>
          <ol>
            ${suggestions.items.map(
              (s, i) => html`<li>
                <strong>${s.leadUnit.name}</strong>
                ${s.assistUnits.length ? html` + ${s.assistUnits.map((u) => u.name).join('、')}` : null}
                ${s.copyUnits.length ? html` <small>${t('dispatch.copy')} ${s.copyUnits.map((u) => u.name).join('、')}</small>` : null}
                <small class="muted"> ${s.reasons.map((r) => lbl('reason', r)).join('、')}</small>
                <button
                  type="button"
                  class="small"
                  onClick=${() => {
                    setLead(s.leadUnit.id);
                    setAssist(s.assistUnits.map((u) => u.id));
                    document.getElementById('dp-submit')?.focus();
                  }}
                >
                  ${t('dispatch.accept')}<span class="sr-only"> ${i + 1}</span>
                </button>
              </li>`,
            )}
          </ol>
        </section>`
        : null
    }
    <form class="card" aria-labelledby="dp-h" onSubmit=${(e: Event) => (e.preventDefault(), void act('dispatch', { leadUnitId: lead ?? 0, assistUnitIds: assist, designate, ...(note.trim() ? { note } : {}) }, 'dispatch.dispatched'))}>
      <h3 id="dp-h">${t('dispatch.dispatchTitle')}</h3>
      <div class="field"><label for="dp-lead">${t('dispatch.lead')}</label>${leadSelect}${fe.lead.node}</div>
      <div class="field" id="dp-assist-field">
        <${MultiCombobox} id="dp-assist" label=${t('dispatch.assist')} options=${assistOptions} value=${assist} onChange=${setAssist} hint=${t('picker.hint')} />
        ${fe.assist.node}
      </div>
      <label class="check"><input type="checkbox" checked=${designate} onChange=${(e: Event) => setDesignate((e.target as HTMLInputElement).checked)} /> ${t('dispatch.designate')}</label>
      <div class="field">
        <label for="dp-note">${t('dispatch.note')}</label>
        <input id="dp-note" value=${note} aria-invalid=${fe.note.invalid} aria-describedby=${fe.note.describedBy} onInput=${(e: Event) => setNote((e.target as HTMLInputElement).value)} />
        ${fe.note.node}
      </div>
      <div class="sticky-submit"><button id="dp-submit" type="submit" class="primary" disabled=${busy || lead === null}>${t('dispatch.dispatch')}</button></div>
    </form>
    ${
      can('decline')
        ? html`<form class="card inline" aria-label=${t('dispatch.decline')} onSubmit=${async (e: Event) => (e.preventDefault(), (await act('decline', { reason: declineReason }, 'dispatch.declined')) && declineDraft.clear())}>
          <div class="field"><label for="dp-decline">${t('dispatch.declineReason')}</label><input id="dp-decline" required value=${declineReason} onInput=${(e: Event) => setDeclineReason((e.target as HTMLInputElement).value)} /></div>
          <button type="submit" disabled=${busy}>${t('dispatch.decline')}</button>
        </form>`
        : null
    }
    ${
      can('merge')
        ? html`<form class="card inline" aria-label=${t('dispatch.merge')} onSubmit=${(e: Event) => (e.preventDefault(), void merge())}>
          <div class="field"><label for="dp-merge">${t('dispatch.mergeInto')}</label><input id="dp-merge" required pattern="\\d{8}-\\d{6,}" placeholder="20260310-000001" value=${mergeNumber} onInput=${(e: Event) => setMergeNumber((e.target as HTMLInputElement).value)} /></div>
          <button type="submit" disabled=${busy}>${t('dispatch.merge')}</button>
          <${ErrorBox} error=${mergeError} />
        </form>`
        : null
    }
  </div>`;
}

/** Return, extension and termination requests: approve or reject, with a note. */
function Review({ view, act, busy, kind }: ActProps & { kind: RequestKind }) {
  const req = view.pendingRequests.find((r) => r.kind === kind);
  const asked = req?.requestedDueAt ? toLocalInput(req.requestedDueAt) : '';
  const [note, setNote] = useState('');
  const [due, setDue] = useState(asked);
  // The note (and a changed deadline) is kept as a draft of this request until it is decided.
  const draft = useFormDraft(
    req ? `request:${req.id}` : null,
    { note, due },
    (b) => (setNote(String(b.note ?? '')), setDue(String(b.due ?? asked))),
    (v) => !v.note.trim() && v.due === asked,
  );
  const extra = kind === 'extension' && due ? { newDueAt: new Date(due).toISOString() } : {};
  const noteBody = note.trim() ? { note } : {};
  const decide = async (path: string, body: Record<string, unknown>, done: MsgKey) => (await act(path, body, done)) && draft.clear();
  return html`<form class="card" aria-labelledby="rv-h" onSubmit=${(e: Event) => (e.preventDefault(), void decide(`${kind}/approve`, { ...noteBody, ...extra }, 'dispatch.approved'))}>
    <h3 id="rv-h">${t('dispatch.reviewTitle', { kind: lbl('request', kind) })}</h3>
    ${req ? html`<p class="pending">${req.reason}</p>` : null}
    ${
      kind === 'extension'
        ? html`<div class="field"><label for="rv-due">${t('dispatch.newDue')}</label><input id="rv-due" type="datetime-local" value=${due} onInput=${(e: Event) => setDue((e.target as HTMLInputElement).value)} /></div>`
        : null
    }
    <div class="field"><label for="rv-note">${t('dispatch.reviewNote')}</label><input id="rv-note" value=${note} onInput=${(e: Event) => setNote((e.target as HTMLInputElement).value)} /></div>
    <div class="actions">
      <button type="submit" class="primary" disabled=${busy}>${t('dispatch.approve')}</button>
      <button type="button" disabled=${busy} onClick=${() => void decide(`${kind}/reject`, noteBody, 'dispatch.rejected')}>${t('dispatch.reject')}</button>
    </div>
  </form>`;
}

function ReplyReview({ view, act, busy }: ActProps) {
  const lead = view.assignments.findLast((a) => a.role === 'lead' && !a.parentId); // the top level's: a sub-unit's reply went to its parent
  const [publicReply, setPublicReply] = useState(lead?.replyContent ?? '');
  const [reason, setReason] = useState('');
  // The reviewer's edits to the public reply and the reason to send it back are kept as a draft until decided.
  const draft = useFormDraft(
    `review:${view.id}`,
    { publicReply, reason },
    (b) => (setPublicReply(String(b.publicReply ?? '')), setReason(String(b.reason ?? ''))),
    (v) => v.publicReply === (lead?.replyContent ?? '') && !v.reason.trim(),
  );
  const decide = async (path: string, body: Record<string, unknown>, done: MsgKey) => (await act(path, body, done)) && draft.clear();
  return html`<form class="card" aria-labelledby="rr-h" onSubmit=${(e: Event) => (e.preventDefault(), void decide('reply/approve', { publicReply }, 'dispatch.replyApproved'))}>
    <h3 id="rr-h">${t('dispatch.replyTitle')}</h3>
    <${LlmReplyCheck} ticketId=${view.id} assignmentId=${lead?.id} />
    <div class="field">
      <label for="rr-public">${t('dispatch.publicReply')}</label>
      <textarea id="rr-public" rows="4" value=${publicReply} onInput=${(e: Event) => setPublicReply((e.target as HTMLTextAreaElement).value)}></textarea>
    </div>
    <div class="actions"><button type="submit" class="primary" disabled=${busy}>${t('dispatch.replyApprove')}</button></div>
    <div class="field">
      <label for="rr-reason">${t('dispatch.rejectReason')}</label>
      <input id="rr-reason" value=${reason} onInput=${(e: Event) => setReason((e.target as HTMLInputElement).value)} />
    </div>
    <div class="actions"><button type="button" disabled=${busy || reason.trim().length < 2} onClick=${() => void decide('reply/reject', { reason }, 'dispatch.replyRejected')}>${t('dispatch.replyReject')}</button></div>
  </form>`;
}
