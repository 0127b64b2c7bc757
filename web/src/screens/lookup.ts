import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t } from '../i18n.ts';
import { ApiError, get, qs } from '../api.ts';
import { fullTime } from '../format.ts';
import type { PublicLookup } from '../types.ts';
import { ErrorBox, StatusBadge, Timeline, lbl } from '../ui/common.ts';
import { RatingForm, RatingGivenNote, type RatingGiven } from '../ui/rating-form.ts';

/** The look-up's answer with the current round's rating: open to rate, and the rating given (好差评). */
type LookupAnswer = PublicLookup & { rating?: { open: boolean; round: number; given: RatingGiven | null } };

/**
 * The citizen's page (no sign-in; opened from the SMS receipt's link /lookup?n=<number> or its QR code):
 * the ticket number and the last four digits of the phone → progress and the public reply.
 */
export function Lookup({ initialNumber }: { initialNumber: string }) {
  const [number, setNumber] = useState(initialNumber);
  const [last4, setLast4] = useState('');
  const [result, setResult] = useState<LookupAnswer | null>(null);
  // The last four digits the answer was found with: the rating form posts these, whatever the field holds later.
  const [foundWith, setFoundWith] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const last4Ref = useRef<HTMLInputElement>(null);
  const numberRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    document.title = `${t('lookup.title')} · ${t('app.short')}`;
    (initialNumber ? last4Ref : numberRef).current?.focus();
  }, []);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setResult(await get<LookupAnswer>(`/api/public/lookup${qs({ number: number.trim(), last4: last4.trim() })}`));
      setFoundWith(last4.trim());
    } catch (err) {
      setResult(null);
      setError(err instanceof ApiError && err.code === 'validation_failed' ? new ApiError(400, err.code, t('lookup.invalid')) : err);
    } finally {
      setBusy(false);
    }
  };
  return html`<main id="main" class="lookup">
    <header class="lookup-head">
      <p class="brand">${t('lookup.brand')}</p>
      <h1>${t('lookup.title')}</h1>
    </header>
    <form class="card" onSubmit=${submit} aria-label=${t('lookup.title')}>
      <label for="lk-number">${t('lookup.number')}</label>
      <input id="lk-number" ref=${numberRef} inputmode="numeric" autocomplete="off" required placeholder="20260310-000001" value=${number} onInput=${(e: Event) => setNumber((e.target as HTMLInputElement).value)} />
      <label for="lk-last4">${t('lookup.last4')}</label>
      <input
        id="lk-last4"
        ref=${last4Ref}
        inputmode="numeric"
        autocomplete="off"
        required
        maxlength="4"
        pattern="\\d{4}"
        aria-describedby="lk-last4-hint"
        value=${last4}
        onInput=${(e: Event) => setLast4((e.target as HTMLInputElement).value)}
      />
      <small id="lk-last4-hint" class="hint">${t('lookup.last4Hint')}</small>
      <button type="submit" class="primary" disabled=${busy}>${t('lookup.submit')}</button>
    </form>
    <${ErrorBox} error=${error} />
    ${
      result
        ? html`<section class="card lookup-result" aria-labelledby="lk-result-h">
          <h2 id="lk-result-h"><span class="mono">${result.number}</span> <${StatusBadge} status=${result.status} /></h2>
          <dl class="facts">
            <div><dt>${t('field.category')}</dt><dd>${result.category ?? '—'}</dd></div>
            <div><dt>${t('lookup.channel')}</dt><dd>${lbl('channel', result.channel)}</dd></div>
            <div><dt>${t('field.createdAt')}</dt><dd>${fullTime(result.createdAt)}</dd></div>
            ${result.closedAt ? html`<div><dt>${t('lookup.closedAt')}</dt><dd>${fullTime(result.closedAt)} ${result.closeReason ? `（${lbl('closeReason', result.closeReason)}）` : ''}</dd></div>` : null}
          </dl>
          ${result.publicReply ? html`<div class="reply"><h3>${t('field.publicReply')}</h3><p>${result.publicReply}</p></div>` : null}
          <${LookupRating} answer=${result} last4=${foundWith} />
          <h3>${t('lookup.progress')}</h3>
          <${Timeline}
            title=${t('lookup.progress')}
            events=${result.events.map((e) => ({ ...e, note: e.dueAt ? t('lookup.newDueAt', { at: fullTime(e.dueAt) }) : null }))}
          />
        </section>`
        : null
    }
    <p class="muted small center">${t('lookup.footer')}</p>
  </main>`;
}

/** 评价办理结果: the rating form while the round may be rated; the rating given once it is. */
function LookupRating({ answer, last4 }: { answer: LookupAnswer; last4: string }) {
  const r = answer.rating;
  if (!r || (!r.open && !r.given)) return null;
  return html`<section class="lookup-rating" aria-labelledby="lk-rate-h">
    <h3 id="lk-rate-h">${t('rate.title')}</h3>
    ${r.given ? html`<${RatingGivenNote} given=${r.given} />` : html`<${RatingForm} key=${`${answer.number}-${r.round}`} target=${{ number: answer.number, last4 }} idPrefix="lk-rate" />`}
  </section>`;
}
