import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t, type MsgKey } from '../i18n.ts';
import { ApiError } from '../api.ts';
import { shortTime } from '../format.ts';
import type { Assignment } from '../types.ts';
import { ErrorBox, lbl } from '../ui/common.ts';
import { contactRecordedLater } from '../ui/ticket.ts';
import { CONTACT_METHODS } from '../../../src/contract/vocab.ts';

/** Refusals of the contact time itself, and of a late entry without its reason (see docs/sla.md). */
const TIME_REFUSALS = ['contact_before_dispatch', 'contact_time_in_future'];
const REASON_REFUSAL = 'contact_backdate_reason_required';

/** The refusals the contact form shows beside its own fields rather than at the top of the panel. */
export function contactRefusal(e: unknown): ApiError | null {
  return e instanceof ApiError && (TIME_REFUSALS.includes(e.code) || e.code === REASON_REFUSAL) ? e : null;
}

type Act = (path: string, body: Record<string, unknown>, done: MsgKey, clear?: (v: string) => void) => Promise<void>;

/**
 * 联系诉求人: how and what was said, and — for a contact recorded after the fact — when it happened
 * (empty = now) and, for a late entry (补录), why. The server judges the time; its refusal is shown here,
 * on the field it concerns.
 */
export function ContactForm({ a, busy, error, act }: { a: Assignment; busy: boolean; error: unknown; act: Act }) {
  const [method, setMethod] = useState<string>('phone');
  const [summary, setSummary] = useState('');
  const [at, setAt] = useState('');
  const [reason, setReason] = useState('');
  const reasonRef = useRef<HTMLInputElement>(null);
  const refusal = contactRefusal(error);
  const timeRefused = !!refusal && TIME_REFUSALS.includes(refusal.code);
  const reasonAsked = refusal?.code === REASON_REFUSAL;
  useEffect(() => {
    if (reasonAsked) reasonRef.current?.focus();
  }, [error]);
  const val = (set: (v: string) => void) => (e: Event) => set((e.target as HTMLInputElement).value);
  const submit = (e: Event) => {
    e.preventDefault();
    const body = { method, summary, ...(at ? { contactedAt: new Date(at).toISOString() } : {}), ...(reason.trim() ? { backdateReason: reason.trim() } : {}) };
    void act('contact', body, 'unit.contacted', () => {
      setSummary('');
      setAt('');
      setReason('');
    });
  };
  const recordedLater = contactRecordedLater(a);
  return html`<form class="card" aria-labelledby="uc-h" onSubmit=${submit}>
    <h3 id="uc-h">${t('unit.contact')}</h3>
    ${
      a.firstContactAt
        ? html`<p class="muted small">
          ${t('unit.contactedAt', { at: shortTime(a.firstContactAt) })}${recordedLater ? ` · ${t('unit.contactRecordedAt', { at: shortTime(recordedLater) })}` : ''}
        </p>`
        : null
    }
    <div class="row">
      <div class="field">
        <label for="uc-method">${t('unit.contactMethod')}</label>
        <select id="uc-method" value=${method} onChange=${val(setMethod)}>${CONTACT_METHODS.map((m) => html`<option value=${m}>${lbl('contactMethod', m)}</option>`)}</select>
      </div>
      <div class="field grow">
        <label for="uc-summary">${t('unit.contactSummary')}</label>
        <input id="uc-summary" required minlength="2" value=${summary} onInput=${val(setSummary)} />
      </div>
    </div>
    <div class="row">
      <div class="field">
        <label for="uc-time">${t('unit.contactTime')}</label>
        <input id="uc-time" type="datetime-local" value=${at} onInput=${val(setAt)} aria-invalid=${timeRefused ? 'true' : undefined} aria-describedby="uc-time-hint" />
        <small id="uc-time-hint" class="hint">${t('unit.contactTimeHint', { dispatched: shortTime(a.dispatchedAt) })}</small>
      </div>
      ${
        at || reason || reasonAsked
          ? html`<div class="field grow">
            <label for="uc-reason">${t('unit.backdateReason')}</label>
            <input
              id="uc-reason"
              ref=${reasonRef}
              value=${reason}
              minlength="2"
              maxlength="500"
              required=${reasonAsked}
              aria-invalid=${reasonAsked && !reason.trim() ? 'true' : undefined}
              aria-describedby="uc-reason-hint"
              onInput=${val(setReason)}
            />
            <small id="uc-reason-hint" class="hint">${t('unit.backdateHint')}</small>
          </div>`
          : null
      }
    </div>
    <${ErrorBox} error=${refusal} />
    <button type="submit" disabled=${busy}>${t('unit.recordContact')}</button>
  </form>`;
}
