import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t } from '../i18n.ts';
import { ApiError, post } from '../api.ts';
import { shortTime, toLocalInput } from '../format.ts';
import type { Assignment, ChainWorkbench, TicketView } from '../types.ts';
import { ErrorBox, StatusBadge, announce, lbl } from '../ui/common.ts';
import { Combobox, type Option } from '../ui/combobox.ts';
import { ClampedNote, FromParent, StepClocks } from '../ui/chain.ts';
import { useFormDraft } from '../ui/draft.ts';

const LIVE = ['awaiting_sign', 'in_progress', 'replied'];
type Targets = ChainWorkbench['handDownTargets'];

/** The sub-assignments handed down from `a` that are still with their units or were approved (not recalled or returned). */
export const subsOf = (view: TicketView, a: Assignment) =>
  view.assignments.filter((s) => s.parentId === a.id && (LIVE.includes(s.status) || s.status === 'completed'));
/** While a sub-unit still holds part of it, a unit neither replies upward nor hands down again. */
export const subsOpen = (view: TicketView, a: Assignment) => subsOf(view, a).some((s) => LIVE.includes(s.status));

// ---------------------------------------------------------------- a sub-unit's reply offered as this level's draft

const offered = new Map<number, string>();
const offerListeners = new Set<(assignmentId: number) => void>();

function offerReply(assignmentId: number, text: string) {
  offered.set(assignmentId, text);
  for (const l of offerListeners) l(assignmentId);
}

/** The reply form of assignment `id` takes a sub-unit's approved reply as its draft when one is offered (now or earlier). */
export function useOfferedReply(id: number, set: (text: string) => void) {
  const ref = useRef(set);
  ref.current = set;
  useEffect(() => {
    const take = (to: number) => {
      const text = offered.get(to);
      if (to !== id || text === undefined) return;
      offered.delete(to);
      ref.current(text);
    };
    take(id);
    offerListeners.add(take);
    return () => void offerListeners.delete(take);
  }, [id]);
}

// ---------------------------------------------------------------- one action at a time, its refusal kept

function useAct(reload: () => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (path: string, body: Record<string, unknown>, done: () => void) => {
    setBusy(true);
    setError(null);
    try {
      await post(path, body);
      done();
      await reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

const val = (set: (v: string) => void) => (e: Event) => set((e.target as HTMLInputElement).value);
const optional = (note: string) => (note.trim() ? { note: note.trim() } : {});

/**
 * The chain on the ticket's detail: for a sub-unit, what its parent said; for a level holding it, the
 * hand-down form (units beneath only) and each unit it handed down to, with their clocks, replies and requests
 * and the decisions this user may take on them.
 */
export function ChainSection({ view, a, targets, reload }: { view: TicketView; a: Assignment; targets: Targets; reload: () => Promise<void> }) {
  const subs = subsOf(view, a);
  return html`<div class="chain-section">
    <${FromParent} view=${view} a=${a} />
    ${a.abilities.includes('hand_down') && targets.length > 0 && !subsOpen(view, a) ? html`<${HandDownForm} view=${view} a=${a} targets=${targets} reload=${reload} />` : null}
    ${
      subs.length
        ? html`<section class="card subs" aria-labelledby=${`subs-h-${a.id}`}>
          <h3 id=${`subs-h-${a.id}`}>${t('chain.subsOfTicket')}</h3>
          ${subsOpen(view, a) ? html`<p class="muted small" role="note">${t('chain.subsOpen')}</p>` : null}
          ${subs.map((s) => html`<${SubCard} key=${s.id} view=${view} s=${s} reload=${reload} />`)}
        </section>`
        : null
    }
  </div>`;
}

function HandDownForm({ view, a, targets, reload }: { view: TicketView; a: Assignment; targets: Targets; reload: () => Promise<void> }) {
  const [lead, setLead] = useState<number | null>(null);
  const [assist, setAssist] = useState<number[]>([]);
  const [note, setNote] = useState('');
  const [due, setDue] = useState('');
  const { busy, error, run } = useAct(reload);
  const options: Option[] = targets.map((u) => ({ id: u.id, label: `${u.name}（${lbl('unitKind', u.kind)}）` }));
  const nameOf = (id: number | null) => targets.find((u) => u.id === id)?.name ?? '';
  const submit = (e: Event) => {
    e.preventDefault();
    if (lead === null) return;
    const completeDueAt = due ? { completeDueAt: new Date(due).toISOString() } : {};
    void run(`/api/assignments/${a.id}/hand-down`, { version: a.version, leadUnitId: lead, assistUnitIds: assist, ...optional(note), ...completeDueAt }, () => {
      announce(t('chain.handedDown', { number: view.number, unit: nameOf(lead) }));
      setLead(null);
      setAssist([]);
      setNote('');
      setDue('');
    });
  };
  const own = a.deadlines.complete;
  return html`<form class="card hand-down" aria-labelledby="hd-h" onSubmit=${submit}>
    <h3 id="hd-h">${t('chain.handDownTitle')}</h3>
    <${Combobox} id="hd-lead" label=${t('chain.lead')} options=${options} value=${lead} onChange=${setLead} required hint=${t('chain.leadHint')} />
    <${Combobox}
      key=${assist.join(',')}
      id="hd-assist"
      label=${t('chain.assist')}
      options=${options.filter((o) => o.id !== lead && !assist.includes(o.id))}
      value=${null}
      onChange=${(id: number | null) => id !== null && setAssist((x) => [...x, id])}
    />
    ${
      assist.length
        ? html`<ul class="chips" aria-label=${t('chain.assist')}>
          ${assist.map(
            (id) =>
              html`<li>${nameOf(id)} <button type="button" class="small" aria-label=${t('chain.removeAssist', { unit: nameOf(id) })} onClick=${() => setAssist((x) => x.filter((y) => y !== id))}>×</button></li>`,
          )}
        </ul>`
        : null
    }
    <div class="field"><label for="hd-note">${t('chain.note')}</label><input id="hd-note" maxlength="500" value=${note} onInput=${val(setNote)} /></div>
    <div class="field">
      <label for="hd-due">${t('chain.dueLabel')}</label>
      <input id="hd-due" type="datetime-local" value=${due} max=${own ? toLocalInput(own) : undefined} onInput=${val(setDue)} aria-describedby="hd-due-hint" />
      <p id="hd-due-hint" class="muted small">${own ? t('chain.dueHint', { due: shortTime(own) }) : t('chain.dueHintNone')}</p>
    </div>
    <${ErrorBox} error=${error} />
    <button type="submit" class="primary" disabled=${busy || lead === null}>${t('chain.handDown')}</button>
  </form>`;
}

/** One unit this level handed the ticket down to: its clocks, its reply or request, and this user's decisions on it. */
function SubCard({ view, s, reload }: { view: TicketView; s: Assignment; reload: () => Promise<void> }) {
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  const [reuse, setReuse] = useState(true);
  const { busy, error, run } = useAct(reload);
  // The review note and the reason to send back are kept as this sub-assignment's draft while a decision is open.
  const draft = useFormDraft(
    s.decisions?.length ? `sub:${s.id}` : null,
    { note, reason },
    (b) => (setNote(String(b.note ?? '')), setReason(String(b.reason ?? ''))),
    (v) => !v.note.trim() && !v.reason.trim(),
  );
  const may = (d: NonNullable<Assignment['decisions']>[number]) => !!s.decisions?.includes(d);
  const params = { unit: s.unit.name, number: view.number };
  const decide = (path: string, body: Record<string, unknown>, done: () => void) =>
    void run(`/api/assignments/${s.id}/${path}`, { version: s.version, ...body }, () => {
      done();
      draft.clear();
      setNote('');
      setReason('');
    });
  const approveReply = () =>
    decide('sub-reply/approve', optional(note), () => {
      if (reuse && s.replyContent && s.parentId) offerReply(s.parentId, s.replyContent);
      announce(t(reuse ? 'chain.replyReused' : 'chain.replyApproved', params));
    });
  const beyond = error instanceof ApiError && error.code === 'beyond_parent_deadline';
  const id = (x: string) => `${x}-${s.id}`;
  const req = s.request;
  return html`<article class="sub" data-sub=${s.unit.name} aria-label=${s.unit.name}>
    <header>
      <strong>${s.unit.name}</strong> <small>${lbl('assignmentRole', s.role)}</small> <${StatusBadge} status=${s.status} />
    </header>
    <${StepClocks} a=${s} />
    <${ClampedNote} clocks=${s.clampedClocks} />
    ${s.replyContent && s.status !== 'in_progress' ? html`<div class="reply"><strong>${t('chain.subReply')}</strong><p>${s.replyContent}</p></div>` : null}
    ${
      req
        ? html`<div class="pending" role="note">
          <strong>${t('chain.request')} · ${lbl('request', req.kind)}</strong>: ${req.reason}
          ${req.requestedDueAt ? html` · ${t('chain.requestedDue', { at: shortTime(req.requestedDueAt) })}` : null}
        </div>`
        : null
    }
    ${
      may('approve_sub_reply') || may('approve_sub_return') || may('approve_sub_extension')
        ? html`<div class="field"><label for=${id('sd-note')}>${t('chain.reviewNote')}</label><input id=${id('sd-note')} value=${note} onInput=${val(setNote)} /></div>`
        : null
    }
    ${
      may('approve_sub_reply')
        ? html`<label class="check"><input type="checkbox" checked=${reuse} onChange=${(e: Event) => setReuse((e.target as HTMLInputElement).checked)} /> ${t('chain.reuseReply')}</label>
          <div class="actions"><button type="button" class="primary" disabled=${busy} onClick=${approveReply}>${t('chain.approveReply')}</button></div>`
        : null
    }
    ${(['return', 'extension'] as const).map((kind) =>
      may(`approve_sub_${kind}`)
        ? html`<div class="actions">
          <button type="button" class="primary" disabled=${busy} onClick=${() => decide(`sub-${kind}/approve`, optional(note), () => announce(t('chain.decided', params)))}>
            ${t('chain.approve')}${lbl('request', kind)}
          </button>
          <button type="button" disabled=${busy} onClick=${() => decide(`sub-${kind}/reject`, optional(note), () => announce(t('chain.decided', params)))}>
            ${t('chain.reject')}${lbl('request', kind)}
          </button>
        </div>`
        : null,
    )}
    ${
      may('reject_sub_reply') || may('recall')
        ? html`<div class="row">
          <div class="field grow">
            <label for=${id('sd-reason')}>${may('reject_sub_reply') ? t('chain.rejectReason') : t('chain.recallReason')}</label>
            <input id=${id('sd-reason')} value=${reason} onInput=${val(setReason)} />
          </div>
          <div class="actions">
            ${
              may('reject_sub_reply')
                ? html`<button type="button" disabled=${busy || reason.trim().length < 2} onClick=${() => decide('sub-reply/reject', { reason: reason.trim() }, () => announce(t('chain.replyRejected', params)))}>
                  ${t('chain.rejectReply')}
                </button>`
                : null
            }
            ${
              may('recall')
                ? html`<button type="button" disabled=${busy || reason.trim().length < 2} onClick=${() => decide('recall', { reason: reason.trim() }, () => announce(t('chain.recalled', params)))}>
                  ${t('chain.recall')}
                </button>`
                : null
            }
          </div>
        </div>`
        : null
    }
    ${
      beyond
        ? html`<div class="error" role="alert" data-refusal="beyond_parent_deadline"><p>${t('chain.beyondParent')}</p><p>${t('chain.askAbove')}</p></div>`
        : html`<${ErrorBox} error=${error} />`
    }
  </article>`;
}
