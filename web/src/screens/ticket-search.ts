/**
 * 工单查询 (/tickets): the list of tickets this user may see, filtered and sorted per /work contract (GET /api/tickets),
 * keyset-paged with "加载更多", exported as CSV or XLSX by plain links, and saved as a named view (POST /api/views).
 * The filters live in the URL, so a view or a link opens the same list. Fields an older list answer lacks show "—".
 * The unit and category pickers and the one-click suggested views are in ./ticket-search-pickers.ts.
 */
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t, type MsgKey } from '../i18n.ts';
import { get, post, qs } from '../api.ts';
import { fullTime } from '../format.ts';
import { navigate, useLocation } from '../router.ts';
import type { SessionInfo, TicketSummary } from '../types.ts';
import { announce, Empty, ErrorBox, StatusBadge, WarningBadge, lbl } from '../ui/common.ts';
import { AwaitingBadge } from '../ui/clock.ts';
import { TicketLink } from './ticket-page-parts.ts';
import { refreshViews } from './ticket-views-nav.ts';
import { type Choices, SuggestedViews, UnitCategoryPickers, useChoices } from './ticket-search-pickers.ts';
import { CENTRE_ROLES, CHANNELS, TICKET_STATUSES, URGENCIES, WARNING_LEVELS } from '../../../src/contract/vocab.ts';

type Row = TicketSummary & {
  completeDueAt?: string | null;
  leadUnit?: { id: number; name: string } | null;
  receivedAt?: string;
  /** The calendar year a clock of the ticket waits for (with awaitingCalendar) */
  awaitingCalendarYear?: number | null;
};

type Answer = { items: Row[]; nextCursor?: string | null; nextBefore?: number | null };

/** 办结时限: the lead's deadline, and 待日历 (with the year) when a clock of the ticket awaits the calendar. */
function DueCell({ r }: { r: Row }) {
  if (!r.awaitingCalendar) return fullTime(r.completeDueAt);
  return html`${r.completeDueAt ? `${fullTime(r.completeDueAt)} ` : ''}<${AwaitingBadge} on=${true} year=${r.awaitingCalendarYear} />`;
}

const TEXT = ['q', 'number', 'phone', 'name'] as const;
/** Only the centre may search by the caller (the API answers a unit 403 search_field_forbidden). */
const CALLER_FIELDS: readonly string[] = ['phone', 'name'];
const DATES = ['receivedFrom', 'receivedTo', 'dueFrom', 'dueTo', 'closedFrom', 'closedTo'] as const;
const SELECTS = {
  status: TICKET_STATUSES,
  channel: CHANNELS,
  urgency: URGENCIES,
  warningLevel: WARNING_LEVELS,
} as const;
const SELECT_LABEL: Record<keyof typeof SELECTS, [string, MsgKey]> = {
  status: ['status', 'ts.status'],
  channel: ['channel', 'ts.channel'],
  urgency: ['urgency', 'ts.urgency'],
  warningLevel: ['warning', 'ts.warning'],
};
const CHECKS = ['overdue', 'supervised'] as const;
const FILTER_KEYS = [...TEXT, ...DATES, ...Object.keys(SELECTS), ...CHECKS, 'unitId', 'subtree', 'categoryId', 'awaitingReview'];
const SORTS = { received: 'ts.col.received', due: 'ts.col.due', closed: 'ts.col.closed', warning: 'ts.col.warning' } as const;

/** The filters of a query string (only the known keys). */
export function filtersOf(q: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of [...FILTER_KEYS, 'sort']) {
    const v = q.get(k);
    if (v) out[k] = v;
  }
  return out;
}

function useResults(filters: Record<string, string>) {
  const [rows, setRows] = useState<Row[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const key = JSON.stringify(filters);
  const fetchPage = async (cursor: string | null, append: boolean) => {
    setBusy(true);
    try {
      const r = await get<Answer>(`/api/tickets${qs({ ...filters, limit: 50, cursor })}`);
      setRows((old) => (append ? [...old, ...r.items] : r.items));
      setNext(r.nextCursor ?? null);
      setError(null);
    } catch (e) {
      setError(e);
      if (!append) setRows([]);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => void fetchPage(null, false), [key]);
  return { rows, next, error, busy, more: () => next && fetchPage(next, true) };
}

function FilterForm({ filters, choices, centre }: { filters: Record<string, string>; choices: Choices; centre: boolean }) {
  const submit = (e: Event) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const next: Record<string, string> = {};
    for (const [k, v] of data.entries()) if (typeof v === 'string' && v.trim()) next[k] = v.trim();
    if (filters.sort) next.sort = filters.sort;
    if (filters.awaitingReview) next.awaitingReview = filters.awaitingReview; // a suggested view's filter, not on the form
    navigate(`/tickets${qs(next)}`);
  };
  return html`<form class="ts-filters" aria-label=${t('ts.filters')} onSubmit=${submit}>
    ${TEXT.filter((k) => centre || !CALLER_FIELDS.includes(k)).map((k) => html`<label>${t(`ts.${k}`)}<input name=${k} type="search" value=${filters[k] ?? ''} /></label>`)}
    ${(Object.keys(SELECTS) as (keyof typeof SELECTS)[]).map(
      (k) => html`<label>${t(SELECT_LABEL[k][1])}
        <select name=${k} value=${filters[k] ?? ''}>
          <option value="">${t('ts.any')}</option>
          ${SELECTS[k].map((v) => html`<option value=${v}>${lbl(SELECT_LABEL[k][0], v)}</option>`)}
        </select>
      </label>`,
    )}
    <${UnitCategoryPickers} filters=${filters} choices=${choices} />
    ${DATES.map((k) => html`<label>${t(`ts.${k}`)}<input name=${k} type="date" value=${filters[k] ?? ''} /></label>`)}
    ${CHECKS.map((k) => html`<label class="check"><input name=${k} type="checkbox" value="true" checked=${filters[k] === 'true'} />${t(`ts.${k}`)}</label>`)}
    <span class="ts-bar">
      <button type="submit" class="primary">${t('ts.search')}</button>
      <button type="button" onClick=${() => navigate('/tickets')}>${t('ts.reset')}</button>
    </span>
  </form>`;
}

function SaveView({ filters }: { filters: Record<string, string> }) {
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      await post('/api/views', { name: name.trim(), filters });
      announce(t('ts.saved', { name: name.trim() }));
      setName('');
      setError(null);
      refreshViews();
    } catch (err) {
      setError(err);
    }
  };
  return html`<form class="ts-bar" onSubmit=${save}>
    <label>${t('ts.viewName')} <input value=${name} onInput=${(e: Event) => setName((e.target as HTMLInputElement).value)} required maxLength="60" /></label>
    <button type="submit">${t('ts.saveView')}</button>
    <${ErrorBox} error=${error} />
  </form>`;
}

function SortHeader({ col, filters }: { col: keyof typeof SORTS; filters: Record<string, string> }) {
  const sort = filters.sort ?? '-received';
  const on = sort.replace('-', '') === col;
  const desc = sort.startsWith('-');
  const aria = on ? (desc ? 'descending' : 'ascending') : undefined;
  const flip = () => navigate(`/tickets${qs({ ...filters, sort: on && desc ? col : `-${col}` })}`);
  return html`<th scope="col" aria-sort=${aria}>
    <button type="button" onClick=${flip} aria-label=${t('ts.sortBy', { col: t(SORTS[col]) })}>${t(SORTS[col])}${on ? (desc ? ' ↓' : ' ↑') : ''}</button>
  </th>`;
}

export function TicketSearch({ session }: { session: SessionInfo }) {
  const loc = useLocation();
  const filters = filtersOf(loc.query);
  const choices = useChoices(session);
  const { rows, next, error, busy, more } = useResults(filters);
  const exportQs = (format: string) => qs({ ...filters, format });
  return html`<section>
    <h1 class="screen-title">${t('screen.tickets')}</h1>
    <${SuggestedViews} role=${session.user.role} filters=${filters} />
    <${FilterForm} key=${JSON.stringify(filters)} filters=${filters} choices=${choices} centre=${CENTRE_ROLES.includes(session.user.role)} />
    <div class="ts-bar">
      <a class="button" href=${`/api/tickets/export${exportQs('csv')}`} download>${t('ts.exportCsv')}</a>
      <a class="button" href=${`/api/tickets/export${exportQs('xlsx')}`} download>${t('ts.exportXlsx')}</a>
    </div>
    <${SaveView} filters=${filters} />
    <${ErrorBox} error=${error} />
    ${
      rows.length === 0 && !busy
        ? html`<${Empty} text=${t('ts.none')} />`
        : html`<table class="ts-table" aria-label=${t('ts.results')} aria-busy=${busy ? 'true' : 'false'}>
          <thead><tr>
            <th scope="col">${t('ts.col.number')}</th><th scope="col">${t('ts.col.title')}</th><th scope="col">${t('ts.col.status')}</th>
            <th scope="col">${t('ts.col.unit')}</th><th scope="col">${t('ts.col.caller')}</th>
            <${SortHeader} col="received" filters=${filters} /><${SortHeader} col="due" filters=${filters} />
            <${SortHeader} col="closed" filters=${filters} /><${SortHeader} col="warning" filters=${filters} />
          </tr></thead>
          <tbody>
            ${rows.map(
              (r) => html`<tr data-row=${r.number}>
                <td><${TicketLink} number=${r.number} /></td>
                <td>${r.title}</td>
                <td><${StatusBadge} status=${r.status} /></td>
                <td>${r.leadUnit?.name ?? '—'}</td>
                <td>${`${r.caller?.name ?? ''} ${r.caller?.phone ?? ''}`.trim() || '—'}</td>
                <td>${fullTime(r.receivedAt ?? r.createdAt)}</td>
                <td><${DueCell} r=${r} /></td>
                <td>${fullTime(r.closedAt)}</td>
                <td><${WarningBadge} level=${r.warningLevel} /></td>
              </tr>`,
            )}
          </tbody>
        </table>`
    }
    <p class="ts-bar">
      <span role="status">${t('ts.count', { n: rows.length })}</span>
      ${next ? html`<button type="button" onClick=${more} disabled=${busy}>${t('ts.more')}</button>` : null}
    </p>
  </section>`;
}
