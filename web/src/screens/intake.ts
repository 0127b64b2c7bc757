import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t } from '../i18n.ts';
import { ApiError, get, post, qs, request } from '../api.ts';
import { lookupLink, shortTime, useDebounced } from '../format.ts';
import { useIncomingCalls, useTicketEvents } from '../live.ts';
import type { Category, DuplicateHint, KbArticle, Page, TicketSummary, TicketView } from '../types.ts';
import { Combobox, type Option } from '../ui/combobox.ts';
import { Empty, ErrorBox, Panel, QrCode, StatusBadge, announce, lbl } from '../ui/common.ts';

const TYPES = ['consult', 'help', 'complaint', 'report', 'suggestion'] as const;
const URGENCIES = ['normal', 'urgent', 'emergency'] as const;
const WINDOW_REASONS = ['policy', 'it_system', 'documents', 'attitude', 'process', 'other'] as const;
const EMERGENCY_LINES = ['110', '119', '120', '122'] as const;
const DISPOSITIONS = ['dispatch', 'direct_answer', 'emergency_transfer', 'not_accepted', 'repeat'] as const;
type Disposition = (typeof DISPOSITIONS)[number];

const MOBILE = /^1[3-9]\d{9}$/;
const LANDLINE = /^0\d{2,3}-?[2-9]\d{6,7}(-\d{1,6})?$/;
/** The server's phone normalisation, enough to know when to look the caller up. */
export function normalisePhone(raw: string): string | null {
  const s = raw.replace(/[\s()]/g, '').replace(/^(\+86|0086)-?/, '');
  const digits = s.replace(/-/g, '');
  if (MOBILE.test(digits)) return digits;
  return LANDLINE.test(s) ? s : null;
}

type Form = {
  phone: string;
  name: string;
  type: string;
  urgency: string;
  categoryId: number | null;
  content: string;
  address: string;
  confidential: boolean;
  allowDirectContact: boolean;
  matter: string;
  hallDepartment: string;
  reason: string;
  disposition: Disposition;
  transferredTo: string;
  notAcceptedReason: string;
  repeatTicket: { id: number; number: string } | null;
};

const emptyForm = (phone = ''): Form => ({
  phone,
  name: '',
  type: 'consult',
  urgency: 'normal',
  categoryId: null,
  content: '',
  address: '',
  confidential: false,
  allowDirectContact: false,
  matter: '',
  hallDepartment: '',
  reason: 'policy',
  disposition: 'dispatch',
  transferredTo: '110',
  notAcceptedReason: '',
  repeatTicket: null,
});

type Receipt = { number: string; status: string; linked: boolean; closeReason: string | null };

/** Leaf categories as "城市管理 / 市容环境 / 垃圾清运", for the combobox. */
export function categoryOptions(items: Category[]): Option[] {
  const byId = new Map(items.map((c) => [c.id, c]));
  const parents = new Set(items.map((c) => c.parentId).filter((x) => x !== null));
  return items
    .filter((c) => !parents.has(c.id))
    .map((c) => {
      const path: string[] = [];
      for (let x: Category | undefined = c; x; x = x.parentId ? byId.get(x.parentId) : undefined) path.unshift(x.name);
      return { id: c.id, label: path.join(' / ') };
    });
}

/**
 * The intake console for operators (phone) and window clerks ("办不成事" window): keyboard first. Enter
 * saves from any field (Shift+Enter for a new line in the text), F2 starts a new call, F4 searches the
 * knowledge base, F8 closes the call as a direct answer with the selected article.
 */
export function Intake({ mode }: { mode: 'phone' | 'window' }) {
  const [categories, setCategories] = useState<Option[]>([]);
  const [form, setForm] = useState<Form>(emptyForm);
  const [formKey, setFormKey] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [receipt, setReceipt] = useState<Receipt | null>(null);
  const [history, setHistory] = useState<TicketSummary[] | null>(null);
  const [hints, setHints] = useState<DuplicateHint[]>([]);
  const [kbQuery, setKbQuery] = useState('');
  const [kbTouched, setKbTouched] = useState(false);
  const [kbResults, setKbResults] = useState<KbArticle[]>([]);
  const [kbActive, setKbActive] = useState(0);
  const [mine, setMine] = useState<TicketSummary[]>([]);
  const [pendingCall, setPendingCall] = useState<string | null>(null);
  const phoneRef = useRef<HTMLInputElement>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const kbRef = useRef<HTMLInputElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm((f) => ({ ...f, [k]: v }));
  const phone = normalisePhone(form.phone);

  useEffect(() => {
    // autofocus is honoured only on page load; this screen usually appears after the sign-in form.
    phoneRef.current?.focus();
    get<Page<Category>>('/api/categories').then((r) => setCategories(categoryOptions(r.items)), setError);
  }, []);

  // Caller history and duplicate hints, as soon as the number is complete.
  useEffect(() => {
    if (!phone) {
      setHistory(null);
      return;
    }
    let stale = false;
    get<Page<TicketSummary>>(`/api/intake/caller-history${qs({ phone, limit: 10 })}`).then(
      (r) => !stale && setHistory(r.items),
      () => !stale && setHistory([]),
    );
    return () => void (stale = true);
  }, [phone]);
  const loadHints = useDebounced(() => {
    if (!phone && !(form.categoryId && form.address.trim().length >= 2)) return setHints([]);
    get<{ items: DuplicateHint[] }>(
      `/api/intake/duplicates${qs({ phone: phone ?? undefined, categoryId: form.categoryId ?? undefined, address: form.address.trim() || undefined })}`,
    ).then((r) => setHints(r.items), () => setHints([]));
  }, 250);
  useEffect(loadHints, [phone, form.categoryId, form.address]);

  // Knowledge base: follows what the operator types into the demand until they search themselves.
  const kbText = kbTouched ? kbQuery : form.content.slice(0, 40);
  const searchKb = useDebounced(() => {
    const q = kbText.trim();
    if (q.length < 2) return setKbResults([]);
    get<Page<KbArticle>>(`/api/kb/search${qs({ q, limit: 5 })}`).then(
      (r) => {
        setKbResults(r.items);
        setKbActive(0);
      },
      () => setKbResults([]),
    );
  }, 300);
  useEffect(searchKb, [kbText]);

  // My tickets, live.
  const loadMine = useDebounced(() => {
    get<Page<TicketSummary>>('/api/tickets?mine=true&limit=15').then((r) => setMine(r.items), () => {});
  }, 200);
  useEffect(loadMine, []);
  useTicketEvents(loadMine, loadMine);

  // Telephony: the call put through to this operator pops the caller's number (and so the history).
  useIncomingCalls((c) => {
    if (!form.phone.trim()) {
      set('phone', c.phone);
      announce(t('intake.callPopped', { phone: c.phone }));
      nameRef.current?.focus();
    } else setPendingCall(c.phone);
  });

  const newCall = (phoneValue = '') => {
    setForm(emptyForm(phoneValue));
    setFormKey((k) => k + 1);
    setError(null);
    setKbTouched(false);
    setKbQuery('');
    setPendingCall(null);
    setTimeout(() => (phoneValue ? nameRef.current : phoneRef.current)?.focus(), 0);
  };

  const body = (f: Form, disposition: Record<string, unknown>) => ({
    type: f.type,
    urgency: f.urgency,
    categoryId: f.categoryId ?? 0,
    content: f.content,
    ...(f.address.trim() ? { address: f.address } : {}),
    caller: { phone: f.phone, ...(f.name.trim() ? { name: f.name } : {}) },
    confidential: f.confidential,
    allowDirectContact: f.allowDirectContact,
    ...(mode === 'window' ? { window: { matter: f.matter, hallDepartment: f.hallDepartment, reason: f.reason } } : {}),
    disposition,
  });

  const dispositionOf = (f: Form): Record<string, unknown> => {
    switch (f.disposition) {
      case 'direct_answer': {
        const a = kbResults[kbActive];
        return a ? { kind: 'direct_answer', kbArticleId: a.id, answer: a.body.slice(0, 2000) } : { kind: 'direct_answer' };
      }
      case 'emergency_transfer':
        return { kind: 'emergency_transfer', transferredTo: f.transferredTo };
      case 'not_accepted':
        return { kind: 'not_accepted', reason: f.notAcceptedReason };
      case 'repeat':
        return { kind: 'repeat', ticketId: f.repeatTicket?.id ?? 0 };
      default:
        return { kind: 'dispatch' };
    }
  };

  const save = async (disposition = dispositionOf(form)) => {
    if (saving) return;
    if (!form.categoryId) {
      setError(new ApiError(400, 'category_required', t('intake.categoryRequired')));
      document.getElementById('in-category')?.focus();
      return;
    }
    setSaving(true);
    setError(null);
    try {
      // The key makes a retried save (a double Enter, a flaky network) return the same ticket.
      const v = await request<TicketView>('POST', '/api/tickets', body(form, disposition), { headers: { 'idempotency-key': `web-${formKey}-${sessionKey}` } });
      const r: Receipt = { number: v.number, status: v.status, linked: !!v.linked, closeReason: v.closeReason };
      setReceipt(r);
      announce(r.linked ? t('intake.linkedTo', { number: r.number }) : t('intake.saved', { number: r.number }));
      loadMine();
      newCall();
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };

  const directAnswer = (index = kbActive) => {
    const a = kbResults[index];
    if (!a) {
      setError(new ApiError(400, 'kb_required', t('intake.kbRequired')));
      kbRef.current?.focus();
      return;
    }
    setKbActive(index);
    void save({ kind: 'direct_answer', kbArticleId: a.id, answer: a.body.slice(0, 2000) });
  };

  // Screen shortcuts.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'F2') {
        e.preventDefault();
        newCall(pendingCall ?? '');
      } else if (e.key === 'F4') {
        e.preventDefault();
        kbRef.current?.focus();
        kbRef.current?.select();
      } else if (e.key === 'F8') {
        e.preventDefault();
        directAnswer();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  });

  /** Enter saves from any field of the form (Shift+Enter: a new line in the text; buttons keep Enter). */
  const onFormKey = (e: KeyboardEvent) => {
    if (e.key !== 'Enter' || e.isComposing) return;
    const el = e.target as HTMLElement;
    if (el.tagName === 'BUTTON' || el.tagName === 'A') return;
    if (el.tagName === 'TEXTAREA' && e.shiftKey) return;
    if (el.getAttribute('role') === 'combobox' && el.dataset.open === 'true') return;
    e.preventDefault();
    formRef.current?.requestSubmit();
  };

  const onInput = (k: keyof Form) => (e: Event) => set(k, (e.target as HTMLInputElement).value as never);
  const onCheck = (k: 'confidential' | 'allowDirectContact') => (e: Event) => set(k, (e.target as HTMLInputElement).checked);
  const kbArticle = kbResults[kbActive];
  const title = mode === 'window' ? t('screen.window') : t('screen.intake');

  return html`<div class="intake">
    <h1 class="screen-title">${title}</h1>
    <p class="shortcuts" aria-label=${t('shortcuts.title')}>
      <kbd>Enter</kbd> ${t('shortcuts.save')} · <kbd>Shift+Enter</kbd> ${t('shortcuts.newline')} · <kbd>F2</kbd> ${t('shortcuts.newCall')} · <kbd>F4</kbd> ${t('shortcuts.kb')} ·
      <kbd>F8</kbd> ${t('shortcuts.directAnswer')}
    </p>
    ${pendingCall
      ? html`<div class="banner" role="alert">
          ${t('intake.callWaiting', { phone: pendingCall })}
          <button type="button" onClick=${() => newCall(pendingCall)}>${t('intake.takeCall')} (F2)</button>
        </div>`
      : null}
    ${receipt
      ? html`<section class="receipt" aria-labelledby="receipt-h">
          <div>
            <h2 id="receipt-h">${receipt.linked ? t('intake.receiptLinked') : t('intake.receiptTitle')}</h2>
            <p class="ticket-number" data-testid="receipt-number">${receipt.number}</p>
            <p><${StatusBadge} status=${receipt.status} /> ${receipt.closeReason ? lbl('closeReason', receipt.closeReason) : null}</p>
            <p class="small">${t('intake.lookupHint')} <a href=${lookupLink(receipt.number)} target="_blank" rel="noopener">${lookupLink(receipt.number)}</a></p>
          </div>
          <${QrCode} text=${lookupLink(receipt.number)} label=${t('intake.qrLabel', { number: receipt.number })} />
        </section>`
      : null}
    <div class="intake-grid">
      <form class="card intake-form" ref=${formRef} key=${formKey} aria-label=${title} onKeyDown=${onFormKey} onSubmit=${(e: Event) => (e.preventDefault(), void save())}>
        <div class="row">
          <div class="field">
            <label for="in-phone">${t('field.phone')}<span aria-hidden="true"> *</span></label>
            <input id="in-phone" ref=${phoneRef} type="tel" inputmode="tel" autocomplete="off" required autofocus value=${form.phone} onInput=${onInput('phone')} aria-describedby="in-phone-hint" />
            <small id="in-phone-hint" class="hint">${phone ? t('intake.phoneOk') : t('intake.phoneHint')}</small>
          </div>
          <div class="field">
            <label for="in-name">${t('field.callerName')}</label>
            <input id="in-name" ref=${nameRef} autocomplete="off" value=${form.name} onInput=${onInput('name')} />
          </div>
        </div>
        <div class="row">
          <div class="field">
            <label for="in-type">${t('field.type')}</label>
            <select id="in-type" value=${form.type} onChange=${onInput('type')}>
              ${TYPES.map((v) => html`<option value=${v}>${lbl('type', v)}</option>`)}
            </select>
          </div>
          <div class="field">
            <label for="in-urgency">${t('field.urgency')}</label>
            <select id="in-urgency" value=${form.urgency} onChange=${onInput('urgency')}>
              ${URGENCIES.map((v) => html`<option value=${v}>${lbl('urgency', v)}</option>`)}
            </select>
          </div>
        </div>
        <${Combobox}
          id="in-category"
          label=${t('field.category')}
          options=${categories}
          value=${form.categoryId}
          onChange=${(id: number | null) => set('categoryId', id)}
          required=${true}
          hint=${t('intake.categoryHint')}
        />
        <div class="field">
          <label for="in-content">${t('field.content')}<span aria-hidden="true"> *</span></label>
          <textarea id="in-content" rows="4" required minlength="10" value=${form.content} onInput=${onInput('content')}></textarea>
        </div>
        <div class="field">
          <label for="in-address">${t('field.address')}</label>
          <input id="in-address" autocomplete="off" value=${form.address} onInput=${onInput('address')} />
        </div>
        ${mode === 'window'
          ? html`<fieldset class="window-fields">
              <legend>${t('intake.windowFields')}</legend>
              <div class="field">
                <label for="in-matter">${t('field.matter')}<span aria-hidden="true"> *</span></label>
                <input id="in-matter" required value=${form.matter} onInput=${onInput('matter')} />
              </div>
              <div class="row">
                <div class="field">
                  <label for="in-hall">${t('field.hallDepartment')}<span aria-hidden="true"> *</span></label>
                  <input id="in-hall" required value=${form.hallDepartment} onInput=${onInput('hallDepartment')} />
                </div>
                <div class="field">
                  <label for="in-reason">${t('field.windowReason')}</label>
                  <select id="in-reason" value=${form.reason} onChange=${onInput('reason')}>
                    ${WINDOW_REASONS.map((v) => html`<option value=${v}>${lbl('windowReason', v)}</option>`)}
                  </select>
                </div>
              </div>
            </fieldset>`
          : null}
        <div class="row checks">
          <label><input type="checkbox" checked=${form.confidential} onChange=${onCheck('confidential')} /> ${t('field.confidential')}</label>
          <label><input type="checkbox" checked=${form.allowDirectContact} disabled=${form.confidential} onChange=${onCheck('allowDirectContact')} /> ${t('field.allowDirectContact')}</label>
        </div>
        <div class="row">
          <div class="field">
            <label for="in-disposition">${t('field.disposition')}</label>
            <select id="in-disposition" value=${form.disposition} onChange=${onInput('disposition')}>
              ${DISPOSITIONS.map((v) => html`<option value=${v} disabled=${v === 'repeat' && !form.repeatTicket}>${lbl('disposition', v)}</option>`)}
            </select>
          </div>
          ${form.disposition === 'emergency_transfer'
            ? html`<div class="field">
                <label for="in-line">${t('field.transferredTo')}</label>
                <select id="in-line" value=${form.transferredTo} onChange=${onInput('transferredTo')}>
                  ${EMERGENCY_LINES.map((v) => html`<option value=${v}>${v}</option>`)}
                </select>
              </div>`
            : null}
          ${form.disposition === 'not_accepted'
            ? html`<div class="field">
                <label for="in-na">${t('field.notAcceptedReason')}</label>
                <input id="in-na" required value=${form.notAcceptedReason} onInput=${onInput('notAcceptedReason')} />
              </div>`
            : null}
          ${form.disposition === 'repeat' && form.repeatTicket ? html`<p class="note">${t('intake.willLink', { number: form.repeatTicket.number })}</p>` : null}
          ${form.disposition === 'direct_answer' ? html`<p class="note">${kbArticle ? t('intake.willAnswer', { title: kbArticle.title }) : t('intake.kbRequired')}</p>` : null}
        </div>
        <${ErrorBox} error=${error} />
        <div class="actions">
          <button type="submit" class="primary" disabled=${saving}>${t('intake.save')} <kbd>Enter</kbd></button>
          <button type="button" onClick=${() => newCall()}>${t('intake.newCall')} <kbd>F2</kbd></button>
        </div>
      </form>

      <div class="side">
        <${Panel} title=${t('intake.callerPanel')} id="caller-panel">
          ${history === null
            ? html`<${Empty} text=${t('intake.typePhone')} />`
            : history.length === 0
              ? html`<${Empty} text=${t('intake.noHistory')} />`
              : html`<ul class="list compact" aria-label=${t('intake.history')}>
                  ${history.map(
                    (h) => html`<li>
                      <span class="mono">${h.number}</span> <${StatusBadge} status=${h.status} />
                      <span class="title">${h.title}</span> <time datetime=${h.createdAt}>${shortTime(h.createdAt)}</time>
                    </li>`,
                  )}
                </ul>`}
          ${hints.length > 0
            ? html`<h3>${t('intake.duplicates')}</h3>
                <ul class="list compact" aria-label=${t('intake.duplicates')}>
                  ${hints.map(
                    (h) => html`<li class="hint-item">
                      <span class="mono">${h.ticket.number}</span> <${StatusBadge} status=${h.ticket.status} />
                      <span class="title">${h.ticket.title}</span>
                      <small>${h.reasons.map((r) => lbl('hint', r)).join('、')}</small>
                      ${h.ticket.status !== 'closed'
                        ? html`<button
                            type="button"
                            class="small"
                            onClick=${() => {
                              setForm((f) => ({ ...f, disposition: 'repeat', repeatTicket: { id: h.ticket.id, number: h.ticket.number } }));
                              document.getElementById('in-content')?.focus();
                            }}
                          >
                            ${t('intake.linkHere')}<span class="sr-only"> ${h.ticket.number}</span>
                          </button>`
                        : null}
                    </li>`,
                  )}
                </ul>`
            : null}
        <//>
        <${Panel} title=${t('intake.kbPanel')} id="kb-panel">
          <form role="search" class="kb-search" onSubmit=${(e: Event) => (e.preventDefault(), searchKb())}>
            <label for="kb-q">${t('intake.kbSearch')} <kbd>F4</kbd></label>
            <input
              id="kb-q"
              ref=${kbRef}
              type="search"
              value=${kbText}
              onInput=${(e: Event) => {
                setKbTouched(true);
                setKbQuery((e.target as HTMLInputElement).value);
              }}
              onKeyDown=${(e: KeyboardEvent) => {
                if (e.key === 'ArrowDown') (e.preventDefault(), setKbActive((a) => Math.min(kbResults.length - 1, a + 1)));
                if (e.key === 'ArrowUp') (e.preventDefault(), setKbActive((a) => Math.max(0, a - 1)));
              }}
              aria-controls=${kbResults.length > 0 ? 'kb-results' : undefined}
            />
          </form>
          ${kbResults.length === 0
            ? html`<${Empty} text=${t('intake.kbEmpty')} />`
            : html`<ol id="kb-results" class="kb-results" aria-label=${t('intake.kbResults')}>
                ${kbResults.map(
                  (a, i) => html`<li class=${i === kbActive ? 'active' : ''} aria-current=${i === kbActive ? 'true' : undefined}>
                    <button type="button" class="link" onClick=${() => setKbActive(i)}>${a.title}</button>
                    ${i === kbActive
                      ? html`<p class="kb-body">${a.body}</p>
                          <button type="button" class="small primary" onClick=${() => directAnswer(i)}>${t('intake.directAnswer')} <kbd>F8</kbd></button>`
                      : null}
                  </li>`,
                )}
              </ol>`}
        <//>
        <${Panel} title=${t('intake.mine')} id="mine-panel">
          ${mine.length === 0
            ? html`<${Empty} text=${t('intake.mineEmpty')} />`
            : html`<ul class="list compact" aria-label=${t('intake.mine')}>
                ${mine.map(
                  (m) => html`<li data-ticket=${m.number}>
                    <span class="mono">${m.number}</span> <${StatusBadge} status=${m.status} /> <span class="title">${m.title}</span>
                  </li>`,
                )}
              </ul>`}
        <//>
      </div>
    </div>
  </div>`;
}

/** Distinguishes this page load's idempotency keys from another tab's. */
const sessionKey = Math.random().toString(36).slice(2, 10);
