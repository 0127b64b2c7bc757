import { useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t } from '../i18n.ts';
import { ApiError, post } from '../api.ts';
import { fullTime } from '../format.ts';
import { ErrorBox, announce, lbl } from './common.ts';
import { BAD_RATING_LEVELS, RATING_LEVELS, type RatingLevel } from '../../../src/contract/vocab.ts';

/** What rates: the SMS's one-time link, or the look-up page's number and last four digits. */
export type RatingTarget = { token: string } | { number: string; last4: string };
export type RatingGiven = { level: RatingLevel; at: string };
type Rated = { number: string; round: number; level: RatingLevel; createdAt: string };

const COMMENT_MAX = 500;

/**
 * The refusals a citizen can meet, in words for them (the link's own trouble, rate limiting); any other error
 * keeps the server's message.
 */
export function ratingError(err: unknown): unknown {
  if (!(err instanceof ApiError)) return err;
  const own: Record<string, string> = {
    rating_link_invalid: t('rate.invalid'),
    rating_link_expired: t('rate.expired'),
    rate_limited: t('rate.limited'),
    rating_not_open: t('rate.notOpen'),
  };
  return own[err.code] ? new ApiError(err.status, err.code, own[err.code]!) : err;
}

/** "您已评价：满意（2026/03/10 10:05）" */
export function RatingGivenNote({ given }: { given: RatingGiven }) {
  return html`<p class="rate-given" data-rated=${given.level}>
    ${t('rate.given', { level: lbl('rate.level', given.level), at: fullTime(given.at) })}
  </p>`;
}

/**
 * The five national levels as large radio tiles (arrow keys move within the group, as native radios do), an
 * optional comment and submit; once accepted, the thank-you. Used by /rate (the SMS link) and the look-up page.
 */
export function RatingForm({ target, idPrefix, onRated }: { target: RatingTarget; idPrefix: string; onRated?: (g: RatingGiven) => void }) {
  const [level, setLevel] = useState<RatingLevel | null>(null);
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<Rated | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!level) {
      setError(new Error(t('rate.pickLevel')));
      (document.getElementById(`${idPrefix}-${RATING_LEVELS[0]}`) as HTMLInputElement | null)?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const text = comment.trim();
      const r = await post<Rated>('/api/public/ratings', { ...target, level, ...(text ? { comment: text } : {}) });
      setDone(r);
      announce(t('rate.thanks'));
      onRated?.({ level: r.level, at: r.createdAt });
    } catch (err) {
      setError(ratingError(err));
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    return html`<div class="rate-thanks" role="status" data-rated=${done.level}>
      <h3>${t('rate.thanks')}</h3>
      <${RatingGivenNote} given=${{ level: done.level, at: done.createdAt }} />
      <p>${BAD_RATING_LEVELS.includes(done.level) ? t('rate.thanksBad') : t('rate.thanksGood')}</p>
    </div>`;
  }
  return html`<form class="rate-form" onSubmit=${submit} noValidate>
    <fieldset class="rate-levels" aria-describedby=${error ? `${idPrefix}-err` : undefined}>
      <legend>${t('rate.levels')}</legend>
      ${RATING_LEVELS.map(
        (l) => html`<label class=${`rate-level rate-${l}`} for=${`${idPrefix}-${l}`}>
          <input
            type="radio"
            id=${`${idPrefix}-${l}`}
            name=${`${idPrefix}-level`}
            value=${l}
            checked=${level === l}
            onChange=${() => {
              setLevel(l);
              setError(null);
            }}
          />
          <span>${lbl('rate.level', l)}</span>
        </label>`,
      )}
    </fieldset>
    <label for=${`${idPrefix}-comment`}>${t('rate.comment')}</label>
    <textarea
      id=${`${idPrefix}-comment`}
      rows="3"
      maxlength=${COMMENT_MAX}
      aria-describedby=${`${idPrefix}-comment-hint`}
      value=${comment}
      onInput=${(e: Event) => setComment((e.target as HTMLTextAreaElement).value)}
    ></textarea>
    <small id=${`${idPrefix}-comment-hint`} class="hint">${t('rate.commentHint')} ${t('rate.count', { n: comment.length })}</small>
    <div id=${`${idPrefix}-err`}><${ErrorBox} error=${error} /></div>
    <button type="submit" class="primary rate-submit" disabled=${busy}>${busy ? t('rate.submitting') : t('rate.submit')}</button>
  </form>`;
}
