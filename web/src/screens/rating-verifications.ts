import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t } from '../i18n.ts';
import { get, qs } from '../api.ts';
import { fullTime, useDebounced } from '../format.ts';
import { useTicketEvents } from '../live.ts';
import { linkClick } from '../router.ts';
import type { SessionInfo } from '../types.ts';
import { VERIFICATION_STATUSES, type RatingLevel, type VerificationStatus } from '../../../src/contract/vocab.ts';
import { Countdown, Empty, ErrorBox, Facts, WarningBadge, lbl } from '../ui/common.ts';
import { AppealForm, DecisionForm, RectifyForm } from './rating-verification-forms.ts';

/** GET /api/rating-verifications: one bad rating under verification (差评核实), as the reader may see it. */
type Verification = {
  id: number;
  ticketId: number;
  number: string;
  unitId: number;
  unitName: string;
  level: RatingLevel;
  comment: string | null;
  status: VerificationStatus;
  verifyDueAt: string | null;
  rectifyDueAt: string | null;
  warningLevel: 'none' | 'warning' | 'overdue';
  appeal: { reason: string; attachmentIds: number[]; at: string } | null;
  decision: { confirmed: boolean; note: string; at: string } | null;
  rectification: { text: string; answer: string; at: string; onTime: boolean } | null;
  createdAt: string;
};

/** A verification's warning as the desks' colours: a due clock is 黄色预警, a late one 已超时. */
const shownLevel = (w: Verification['warningLevel']) => (w === 'warning' ? 'yellow' : w);

/** The clock now running: the centre's verification, then the unit's rectification; none once decided for good. */
const runningDue = (v: Verification) =>
  v.status === 'verifying' || v.status === 'appealed' ? v.verifyDueAt : v.status === 'confirmed' ? v.rectifyDueAt : null;

/**
 * 差评核实: every bad rating (不满意, 非常不满意) with its verification — the centre confirms or dismisses it, the rated
 * unit's leader may appeal while it is verified, and a confirmed one is rectified and answered by the unit. Each
 * row offers only the step this user may take now (the API refuses any other, and its refusal shows on the row).
 */
export function RatingVerifications({ session }: { session: SessionInfo }) {
  const [status, setStatus] = useState<VerificationStatus | ''>('');
  const [items, setItems] = useState<Verification[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  /** The first page again, or the page after `before` added to the list (newest first). */
  const load = (before?: number) =>
    get<{ items: Verification[]; next: number | null }>(`/api/rating-verifications${qs({ status, before, limit: 100 })}`).then(
      (r) => {
        setItems((old) => (before && old ? [...old, ...r.items] : r.items));
        setNext(r.next);
        setError(null);
      },
      (err) => setError(err),
    );
  useEffect(() => void load(), [status]);
  // A rating or a step of a verification is a ticket event: look again (coalesced).
  const reload = useDebounced(() => void load(), 500);
  useTicketEvents(reload, reload);

  return html`<div class="rating-verifications">
    <h1 class="screen-title">${t('screen.ratingVerifications')}</h1>
    <div class="row rv-filter">
      <label for="rv-status" class="inline-label">${t('rv.filter')}</label>
      <select id="rv-status" value=${status} onChange=${(e: Event) => setStatus((e.target as HTMLSelectElement).value as VerificationStatus | '')}>
        <option value="">${t('rv.all')}</option>
        ${VERIFICATION_STATUSES.map((s) => html`<option value=${s}>${lbl('rv.status', s)}</option>`)}
      </select>
      ${items ? html`<span class="muted" role="status">${t(next ? 'rv.countMore' : 'rv.count', { n: items.length })}</span>` : null}
    </div>
    <${ErrorBox} error=${error} />
    ${
      items === null
        ? error
          ? null
          : html`<p class="loading" aria-busy="true">${t('common.loading')}</p>`
        : items.length === 0
          ? html`<${Empty} text=${t('rv.empty')} />`
          : html`<ul class="rv-list">
              ${items.map((v) => html`<${Row} key=${v.id} v=${v} session=${session} onDone=${() => void load()} />`)}
            </ul>
            ${next ? html`<button type="button" class="rv-more" onClick=${() => void load(next)}>${t('rv.more')}</button>` : null}`
    }
  </div>`;
}

function Row({ v, session, onDone }: { v: Verification; session: SessionInfo; onDone: () => void }) {
  const { role, unit } = session.user;
  const ownUnit = v.unitId === unit.id;
  const due = runningDue(v);
  const hid = `rv-${v.id}-h`;
  return html`<li class="card rv-item" data-verification=${v.id} data-status=${v.status} aria-labelledby=${hid}>
    <h2 id=${hid}>
      <a class="mono" href=${`/tickets/${v.number}`} onClick=${linkClick}>${v.number}</a>
      <span class=${`badge rv-${v.status}`} data-rv-status>${lbl('rv.status', v.status)}</span>
      <span class=${`badge rate-badge rate-${v.level}`}>${lbl('rate.level', v.level)}</span>
      <${WarningBadge} level=${shownLevel(v.warningLevel)} />
    </h2>
    <${Facts}
      rows=${[
        [t('rv.unit'), v.unitName],
        [t('rv.comment'), v.comment || t('rv.noComment')],
        [t('rv.ratedAt'), fullTime(v.createdAt)],
        [t('rv.verifyDue'), fullTime(v.verifyDueAt)],
        ...(v.rectifyDueAt ? [[t('rv.rectifyDue'), fullTime(v.rectifyDueAt)] as [string, string]] : []),
      ]}
    />
    ${due ? html`<p class="rv-clock"><${Countdown} deadline=${due} level=${shownLevel(v.warningLevel)} label=${t(v.status === 'confirmed' ? 'rv.rectifyDue' : 'rv.verifyDue')} /></p>` : null}
    <${History} v=${v} />
    ${role === 'supervisor' && (v.status === 'verifying' || v.status === 'appealed') ? html`<${DecisionForm} v=${v} onDone=${onDone} />` : null}
    ${role === 'unit_leader' && ownUnit && v.status === 'verifying' ? html`<${AppealForm} v=${v} onDone=${onDone} />` : null}
    ${(role === 'unit_leader' || role === 'unit_handler') && ownUnit && v.status === 'confirmed' ? html`<${RectifyForm} v=${v} onDone=${onDone} />` : null}
  </li>`;
}

/** What has happened so far: the appeal, the centre's decision, the rectification and the answer. */
function History({ v }: { v: Verification }) {
  const rows: [string, string][] = [];
  if (v.appeal) {
    const files = v.appeal.attachmentIds.length ? t('rv.appealFiles', { n: v.appeal.attachmentIds.length }) : '';
    rows.push([t('rv.appeal'), `${v.appeal.reason}${files}（${fullTime(v.appeal.at)}）`]);
  }
  if (v.decision)
    rows.push([t('rv.decision'), `${t(v.decision.confirmed ? 'rv.confirmed' : 'rv.dismissed')}：${v.decision.note}（${fullTime(v.decision.at)}）`]);
  if (v.rectification) {
    const r = v.rectification;
    rows.push([t('rv.rectification'), `${r.text}（${fullTime(r.at)}，${t(r.onTime ? 'rv.onTime' : 'rv.late')}）`]);
    rows.push([t('rv.answer'), r.answer]);
  }
  return rows.length ? html`<div class="rv-history"><${Facts} rows=${rows} /></div>` : null;
}
