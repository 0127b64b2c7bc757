import { useState } from 'preact/hooks';
import { html } from '../../html.ts';
import { t } from '../../i18n.ts';
import { ApiError, request } from '../../api.ts';
import { lookupLink } from '../../format.ts';
import type { KbArticle, TicketView } from '../../types.ts';
import { QrCode, StatusBadge, announce, lbl } from '../../ui/common.ts';
import type { Draft, IntakeMode } from './draft.ts';
import { answerWith } from './knowledge.ts';
import { assistFields } from './suggestions.ts';

type Receipt = { number: string; status: string; linked: boolean; closeReason: string | null };
export type DispositionBody = Record<string, unknown>;

/** How the call ends, as the API takes it; a direct answer quotes the selected article when there is one. */
export function dispositionOf(f: Draft, article: KbArticle | undefined): DispositionBody {
  switch (f.disposition) {
    case 'direct_answer':
      return article ? answerWith(article) : { kind: 'direct_answer' };
    case 'emergency_transfer':
      return { kind: 'emergency_transfer', transferredTo: f.transferredTo };
    case 'not_accepted':
      return { kind: 'not_accepted', reason: f.notAcceptedReason };
    case 'repeat':
      return { kind: 'repeat', ticketId: f.repeatTicket?.id ?? 0 };
    default:
      return { kind: 'dispatch' };
  }
}

/** The body of POST /api/tickets. */
export function ticketBody(f: Draft, mode: IntakeMode, disposition: DispositionBody) {
  return {
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
    ...assistFields(f),
  };
}

/** Distinguishes this page load's idempotency keys from another tab's. */
const sessionKey = Math.random().toString(36).slice(2, 10);

/**
 * Saving the draft as a ticket: one save at a time, the error shown on the form, the receipt of the last
 * ticket kept on screen. The idempotency key names the draft (`formKey`), so a retried save of the same
 * call (a double Enter, a flaky network) returns the same ticket.
 */
export function useSubmission(mode: IntakeMode, onSaved: () => void) {
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [receipt, setReceipt] = useState<Receipt | null>(null);

  const save = async (form: Draft, formKey: number, disposition: DispositionBody, hooks: { started?: () => void; failed?: () => void } = {}) => {
    if (saving) return;
    if (!form.categoryId) {
      setError(new ApiError(400, 'category_required', t('intake.categoryRequired')));
      document.getElementById('in-category')?.focus();
      return;
    }
    setSaving(true);
    setError(null);
    hooks.started?.();
    try {
      const v = await request<TicketView>('POST', '/api/tickets', ticketBody(form, mode, disposition), {
        headers: { 'idempotency-key': `web-${formKey}-${sessionKey}` },
      });
      const r: Receipt = { number: v.number, status: v.status, linked: !!v.linked, closeReason: v.closeReason };
      setReceipt(r);
      announce(r.linked ? t('intake.linkedTo', { number: r.number }) : t('intake.saved', { number: r.number }));
      onSaved();
    } catch (e) {
      hooks.failed?.();
      setError(e);
    } finally {
      setSaving(false);
    }
  };
  return { error, setError, saving, receipt, save };
}

/** The last saved ticket: its number, status and the citizen's look-up link with its QR code. */
export function ReceiptCard({ receipt }: { receipt: Receipt | null }) {
  if (!receipt) return null;
  return html`<section class="receipt" aria-labelledby="receipt-h">
    <div>
      <h2 id="receipt-h">${receipt.linked ? t('intake.receiptLinked') : t('intake.receiptTitle')}</h2>
      <p class="ticket-number" data-testid="receipt-number">${receipt.number}</p>
      <p><${StatusBadge} status=${receipt.status} /> ${receipt.closeReason ? lbl('closeReason', receipt.closeReason) : null}</p>
      <p class="small">${t('intake.lookupHint')} <a href=${lookupLink(receipt.number)} target="_blank" rel="noopener">${lookupLink(receipt.number)}</a></p>
    </div>
    <${QrCode} text=${lookupLink(receipt.number)} label=${t('intake.qrLabel', { number: receipt.number })} />
  </section>`;
}
