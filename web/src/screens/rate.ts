import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t } from '../i18n.ts';
import { ApiError, get, qs } from '../api.ts';
import type { TicketStatus } from '../../../src/contract/vocab.ts';
import { ErrorBox, StatusBadge } from '../ui/common.ts';
import { RatingForm, RatingGivenNote, ratingError, type RatingGiven } from '../ui/rating-form.ts';

/** GET /api/public/ratings/link: the ticket a one-time link rates, and whether it may rate now. */
type RatingLink = {
  number: string;
  status: TicketStatus;
  round: number;
  state: 'open' | 'rated' | 'not_open';
  given: RatingGiven | null;
};

/**
 * The citizen's rating page (no sign-in), opened from the SMS that announces the reply: /rate?t=<one-time token>.
 * Shows the ticket's number and status only (nothing personal), the rating form, then the thanks; a used link
 * shows the rating given, an expired or forged one says so and points to the look-up page.
 */
export function Rate({ token }: { token: string }) {
  const [link, setLink] = useState<RatingLink | null>(null);
  const [error, setError] = useState<unknown>(token ? null : new ApiError(404, 'rating_link_invalid', t('rate.noToken')));
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${t('rate.title')} · ${t('app.short')}`;
    if (!token) return;
    get<RatingLink>(`/api/public/ratings/link${qs({ token })}`).then(
      (l) => setLink(l),
      (err) => setError(ratingError(err)),
    );
  }, [token]);
  useEffect(() => heading.current?.focus(), [link, error]);

  return html`<main id="main" class="lookup rate-page">
    <header class="lookup-head">
      <p class="brand">${t('lookup.brand')}</p>
      <h1 ref=${heading} tabindex="-1">${t('rate.title')}</h1>
    </header>
    ${
      error
        ? html`<${ErrorBox} error=${error} />`
        : link === null
          ? html`<p class="loading" aria-busy="true">${t('rate.loading')}</p>`
          : html`<section class="card" aria-labelledby="rate-ticket-h">
            <h2 id="rate-ticket-h">
              <span class="muted small">${t('rate.ticket')}</span> <span class="mono" data-number>${link.number}</span>
              <${StatusBadge} status=${link.status} />
            </h2>
            <p class="muted small">${t('rate.round', { round: link.round })}</p>
            ${
              link.state === 'rated'
                ? html`<div class="rate-done" data-state="rated">
                    <h3>${t('rate.givenTitle')}</h3>
                    ${link.given ? html`<${RatingGivenNote} given=${link.given} />` : null}
                  </div>`
                : link.state === 'not_open'
                  ? html`<p class="rate-closed" data-state="not_open">${t('rate.notOpen')}</p>`
                  : html`<p>${t('rate.lead')}</p>
                    <${RatingForm} target=${{ token }} idPrefix="rt" />`
            }
          </section>`
    }
    ${error || link?.state === 'not_open' ? html`<p class="center"><a href="/lookup">${t('rate.toLookup')}</a></p>` : null}
    <p class="muted small center">${t('rate.privacy')} ${t('lookup.footer')}</p>
  </main>`;
}
