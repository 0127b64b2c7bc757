import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t, type MsgKey } from '../i18n.ts';
import { get, mapLimit, post, qs, request } from '../api.ts';
import { shortTime, toLocalInput } from '../format.ts';
import { useTicketEvents } from '../live.ts';
import type { Assignment, ChainWorkbench, ClockName, Page, SessionInfo, SupervisionItem, TicketSummary, TicketView } from '../types.ts';
import { Empty, ErrorBox, Panel, StatusBadge, announce, arrowNav, lbl } from '../ui/common.ts';
import { ClockCell } from '../ui/clock.ts';
import { TicketDetails, useTicket } from '../ui/ticket.ts';
import { ContactForm, contactRefusal } from './unit-contact.ts';
import { ChainLists, useChainWorkbench } from './unit-chain.ts';
import { ChainSection, subsOpen, useOfferedReply } from './unit-subs.ts';
import { TriagePanel } from './unit-triage.ts';
import { TicketLink } from './ticket-page-parts.ts';
import { useFormDraft } from '../ui/draft.ts';

const OPEN = 'awaiting_sign,in_progress,return_requested,termination_requested,awaiting_review';
const LIVE = ['awaiting_sign', 'in_progress', 'replied'];
const URGENCY_RANK: Record<string, number> = { emergency: 2, urgent: 1, normal: 0 };
const WARNING_RANK: Record<string, number> = { overdue: 3, red: 2, yellow: 1, none: 0 };

/** This unit's live assignment on a ticket (after a return and re-dispatch, the newest). */
export function myAssignment(v: TicketView, unitId: number): Assignment | undefined {
  return v.assignments.findLast((a) => a.unit.id === unitId && LIVE.includes(a.status));
}

/** The clock that matters now: sign-in until signed, then first contact, then completion. */
export function nextDeadline(a: Assignment): { kind: ClockName; at: string | null } {
  if (a.status === 'awaiting_sign') return { kind: 'sign', at: a.deadlines.sign };
  // A response clock awaiting the calendar has no deadline yet, but it is still the one that matters.
  if (!a.firstContactAt && (a.deadlines.response || a.sla?.clocks.response.state === 'awaiting_calendar'))
    return { kind: 'response', at: a.deadlines.response };
  return { kind: 'complete', at: a.deadlines.complete };
}

type Row = { view: TicketView; a: Assignment };

/** Most urgent first: urgency, then warning level, then the nearest deadline. */
export function byUrgency(x: Row, y: Row): number {
  return (
    (URGENCY_RANK[y.view.urgency] ?? 0) - (URGENCY_RANK[x.view.urgency] ?? 0) ||
    (WARNING_RANK[y.a.warningLevel] ?? 0) - (WARNING_RANK[x.a.warningLevel] ?? 0) ||
    (nextDeadline(x.a).at ?? '9').localeCompare(nextDeadline(y.a).at ?? '9')
  );
}

export function UnitDesk({ session }: { session: SessionInfo }) {
  const unitId = session.user.unit.id;
  const [rows, setRows] = useState<Map<number, TicketView> | null>(null);
  const [fresh, setFresh] = useState<Set<number>>(new Set());
  const [selected, setSelected] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [reminders, setReminders] = useState<SupervisionItem[]>([]);
  const loading = useRef(0);
  const chain = useChainWorkbench();
  const rowsRef = useRef(rows);
  rowsRef.current = rows;

  const loadAll = async () => {
    const n = ++loading.current;
    try {
      const list = await get<Page<TicketSummary>>(`/api/tickets${qs({ status: OPEN, limit: 100 })}`);
      const views = await mapLimit(list.items, 4, (x) => get<TicketView>(`/api/tickets/${x.id}`).catch(() => null));
      if (n !== loading.current) return;
      const m = new Map<number, TicketView>();
      for (const v of views) if (v && myAssignment(v, unitId)) m.set(v.id, v);
      setRows(m);
      setError(null);
    } catch (e) {
      setError(e);
    }
    get<Page<SupervisionItem>>('/api/sla/reminders?open=true&limit=20').then(
      (r) => setReminders(r.items),
      () => {},
    );
  };
  useEffect(() => void loadAll(), []);

  /** One ticket changed: refetch it alone. A new dispatch to this unit is flagged and announced. */
  const refresh = async (ticketId: number, type: string) => {
    let v: TicketView | null = null;
    try {
      v = await get<TicketView>(`/api/tickets/${ticketId}`);
    } catch {
      v = null;
    }
    const had = rowsRef.current?.has(ticketId) ?? false;
    const mine = !!(v && myAssignment(v, unitId));
    setRows((prev) => {
      const m = new Map(prev ?? []);
      if (v && mine) m.set(ticketId, v);
      else m.delete(ticketId);
      return m;
    });
    // A reopened ticket (重办) comes back like a new dispatch: flagged and announced.
    if (v && mine && ((!had && type === 'dispatch') || type === 'reopen')) {
      setFresh((f) => new Set(f).add(ticketId));
      announce(t(type === 'reopen' ? 'inbox.redoAnnounce' : 'unit.newDispatch', { number: v.number }));
    }
  };
  useTicketEvents(
    (e) => void refresh(e.ticketId, e.type),
    () => void loadAll(),
  );

  const sorted = useMemo(() => {
    const list: Row[] = [];
    for (const view of rows?.values() ?? []) {
      const a = myAssignment(view, unitId);
      if (a) list.push({ view, a });
    }
    return list.sort(byUrgency);
  }, [rows]);

  return html`<div class="desk">
    <h1 class="screen-title">${t('screen.unit')} · ${session.user.unit.name}</h1>
    <div class="split">
      <div class="desk-side">
        <section class="queue" aria-labelledby="uq-h">
          <h2 id="uq-h">${t('unit.queue')} <span class="count">${sorted.length}</span></h2>
          <${ErrorBox} error=${error} />
          ${
            rows === null
              ? html`<p class="loading" aria-busy="true">${t('common.loading')}</p>`
              : sorted.length === 0
                ? html`<${Empty} text=${t('unit.empty')} />`
                : html`<ul class="list" onKeyDown=${arrowNav}>
                  ${sorted.map(({ view, a }) => {
                    const next = nextDeadline(a);
                    return html`<li>
                      <button
                        type="button"
                        data-item
                        data-ticket=${view.number}
                        class=${`item ${view.id === selected ? 'selected' : ''} ${fresh.has(view.id) ? 'fresh' : ''}`}
                        aria-current=${view.id === selected ? 'true' : undefined}
                        onClick=${() => {
                          setSelected(view.id);
                          setFresh((f) => {
                            const n = new Set(f);
                            n.delete(view.id);
                            return n;
                          });
                        }}
                      >
                        ${fresh.has(view.id) ? html`<span class="badge new">${t('unit.new')}</span>` : null}
                        ${view.redoCount > 0 ? html`<span class="badge redo" data-redo=${view.redoCount}>${t('inbox.redo')}</span>` : null}
                        <span class="mono">${view.number}</span> <${StatusBadge} status=${a.status} />
                        ${view.urgency !== 'normal' ? html`<span class=${`badge urg-${view.urgency}`}>${lbl('urgency', view.urgency)}</span>` : null}
                        <span class="title">${view.title}</span>
                        <span class="due">${lbl('deadline', next.kind)} <${ClockCell} a=${a} clock=${next.kind} label=${lbl('deadline', next.kind)} /></span>
                      </button>
                    </li>`;
                  })}
                </ul>`
          }
          ${
            reminders.length > 0
              ? html`<${Panel} title=${t('unit.reminders')} id="reminders">
                <ul class="list compact">
                  ${reminders.map((r) => html`<li><${TicketLink} number=${r.ticket.number} /> ${lbl('supervisionKind', r.kind)} · ${lbl('deadline', r.clock)} · ${shortTime(r.createdAt)}</li>`)}
                </ul>
              <//>`
              : null
          }
          <${TriagePanel} onPick=${setSelected} />
        </section>
        <${ChainLists} chain=${chain} selected=${selected} onPick=${setSelected} />
      </div>
      <section class="detail" aria-label=${t('common.detail')}>
        ${selected === null ? html`<${Empty} text=${t('unit.pick')} />` : html`<${UnitTicket} key=${selected} id=${selected} unitId=${unitId} targets=${chain.data?.handDownTargets ?? []} />`}
      </section>
    </div>
  </div>`;
}

function UnitTicket({ id, unitId, targets }: { id: number; unitId: number; targets: ChainWorkbench['handDownTargets'] }) {
  const { view, events, error, reload } = useTicket(id);
  const a = view ? myAssignment(view, unitId) : undefined;
  return html`<div>
    <${TicketDetails} view=${view} events=${events} error=${error} />
    ${view && a ? html`<${ChainSection} key=${a.id} view=${view} a=${a} targets=${targets} reload=${reload} />` : null}
    ${view && a ? html`<${UnitActions} key=${a.id} view=${view} a=${a} reload=${reload} />` : null}
  </div>`;
}

function UnitActions({ view, a, reload }: { view: TicketView; a: Assignment; reload: () => Promise<void> }) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState('');
  const [reply, setReply] = useState('');
  const [reason, setReason] = useState('');
  const [due, setDue] = useState(a.deadlines.complete ? toLocalInput(new Date(new Date(a.deadlines.complete).getTime() + 3 * 86_400_000).toISOString()) : '');
  useOfferedReply(a.id, setReply);
  // The reply and a request's reason are kept as the user's draft until sent (each cleared on its success).
  useFormDraft(
    `reply:${a.id}`,
    { reply, reason },
    (b) => (setReply(String(b.reply ?? '')), setReason(String(b.reason ?? ''))),
    (v) => !v.reply.trim() && !v.reason.trim(),
  );
  // Replying upward waits until what this unit handed down is settled (the server refuses it: sub_assignments_open).
  const can = (x: Assignment['abilities'][number]) => a.abilities.includes(x) && !(x === 'reply' && subsOpen(view, a));
  /** Runs one action; on success clears only the draft that action used, so typing elsewhere survives. */
  const act = async (path: string, body: Record<string, unknown>, done: MsgKey, clear?: (v: string) => void) => {
    setBusy(true);
    setError(null);
    try {
      await post(`/api/assignments/${a.id}/${path}`, { version: a.version, ...body });
      announce(t(done, { number: view.number }));
      clear?.('');
      await reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const upload = async (e: Event) => {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      await request('POST', `/api/tickets/${view.id}/attachments${qs({ assignmentId: a.id, kind: 'evidence' })}`, undefined, {
        raw: file,
        headers: { 'x-file-name': encodeURIComponent(file.name), 'content-type': file.type || 'application/octet-stream' },
      });
      announce(t('unit.attached', { name: file.name }));
      input.value = '';
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const submit = (fn: () => void) => (e: Event) => {
    e.preventDefault();
    fn();
  };
  const val = (set: (v: string) => void) => (e: Event) => set((e.target as HTMLInputElement).value);
  return html`<div class="actions-panel">
    <${ErrorBox} error=${contactRefusal(error) ? null : error} />
    ${
      can('sign')
        ? html`<div class="card"><button type="button" class="primary big" disabled=${busy} onClick=${() => void act('sign', {}, 'unit.signed')}>${t('unit.sign')}</button></div>`
        : null
    }
    ${can('contact') ? html`<${ContactForm} a=${a} busy=${busy} error=${error} act=${act} />` : null}
    ${
      can('reply')
        ? html`<form class="card" aria-labelledby="ur-h" onSubmit=${submit(() => void act('reply', { content: reply }, 'unit.replied', setReply))}>
          <h3 id="ur-h">${t('unit.reply')}</h3>
          <div class="field">
            <label for="ur-content">${t('unit.replyContent')}</label>
            <textarea id="ur-content" rows="4" required minlength="10" value=${reply} onInput=${val(setReply)}></textarea>
          </div>
          <button type="submit" class="primary" disabled=${busy}>${t('unit.submitReply')}</button>
        </form>`
        : null
    }
    ${
      can('note')
        ? html`<form class="card inline" aria-label=${t('unit.note')} onSubmit=${submit(() => void act('note', { text: note }, 'unit.noted', setNote))}>
          <div class="field grow"><label for="un-text">${t('unit.note')}</label><input id="un-text" required value=${note} onInput=${val(setNote)} /></div>
          <button type="submit" disabled=${busy}>${t('unit.addNote')}</button>
        </form>`
        : null
    }
    ${
      can('note')
        ? html`<div class="card inline">
          <div class="field grow">
            <label for="ua-file">${t('unit.attach')}</label>
            <input id="ua-file" type="file" accept="image/jpeg,image/png,image/webp,application/pdf,audio/*,.docx,.xlsx" disabled=${busy} onChange=${upload} />
          </div>
        </div>`
        : null
    }
    ${
      can('request_return') || can('request_extension') || can('request_termination')
        ? html`<details class="card">
          <summary>${t('unit.requests')}</summary>
          <div class="field"><label for="uq-reason">${t('unit.requestReason')}</label><input id="uq-reason" value=${reason} onInput=${val(setReason)} /></div>
          ${
            can('request_extension')
              ? html`<div class="field"><label for="uq-due">${t('unit.requestedDue')}</label><input id="uq-due" type="datetime-local" value=${due} onInput=${val(setDue)} /></div>`
              : null
          }
          <div class="actions">
            ${can('request_return') ? html`<button type="button" disabled=${busy} onClick=${() => void act('return', { reason }, 'unit.requested', setReason)}>${t('unit.requestReturn')}</button>` : null}
            ${
              can('request_extension')
                ? html`<button type="button" disabled=${busy || !due} onClick=${() => void act('extension', { reason, requestedDueAt: new Date(due).toISOString() }, 'unit.requested', setReason)}>
                  ${t('unit.requestExtension')}
                </button>`
                : null
            }
            ${can('request_termination') ? html`<button type="button" disabled=${busy} onClick=${() => void act('termination', { reason }, 'unit.requested', setReason)}>${t('unit.requestTermination')}</button>` : null}
          </div>
        </details>`
        : null
    }
  </div>`;
}
