/**
 * The wallboard's lists: paged inside their panel so the board fits the wall without scrolling, the overdue list
 * worst first with the unit and how long, and the supervisor's one-click actions on its rows.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t } from '../i18n.ts';
import { get, post } from '../api.ts';
import type { SupervisionItem, TicketSummary, TicketView } from '../types.ts';
import { Empty, ErrorBox, StatusBadge, announce, lbl } from '../ui/common.ts';
import { spanText } from '../ui/centre.ts';
import { TicketLink } from './ticket-page-parts.ts';
import type { Clock } from '../../../src/contract/vocab.ts';

/** GET /api/sla/overdue: an open overdue ticket, the unit whose clock ran out and by how many minutes. */
export type OverdueItem = TicketSummary & {
  supervisionLevel: number;
  overdue: { clock: Clock | null; since: string | null; minutes: number; unit: { id: number; name: string } | null };
};

/** How long a page stays before the next one (a wall is read from across the room). */
const PAGE_MS = 12_000;
const reducedMotion = () => typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;

/**
 * A list cut into pages that fit its panel (measured from the panel's height and a row's), turning every
 * PAGE_MS. It holds while a control in it has focus or the pointer is on it, and never turns by itself when the
 * viewer asks for reduced motion; the pager's buttons page by hand and pause (WCAG 2.2.2).
 */
export function PagedList<T>({
  items,
  render,
  name,
  keyOf,
}: {
  items: T[];
  render: (x: T) => ComponentChildren;
  name: string;
  keyOf: (x: T) => string | number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [per, setPer] = useState(Math.max(1, items.length));
  const [page, setPage] = useState(0);
  const [paused, setPaused] = useState(reducedMotion);
  const [held, setHeld] = useState(false);
  const pages = Math.max(1, Math.ceil(items.length / per));
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => {
      const row = el.querySelector('li');
      const h = row?.getBoundingClientRect().height ?? 0;
      if (h > 0) setPer(Math.max(1, Math.floor(el.clientHeight / h)));
    };
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    measure();
    return () => ro.disconnect();
  }, [items.length > 0]);
  useEffect(() => setPage((p) => (p < pages ? p : 0)), [pages]);
  useEffect(() => {
    if (paused || held || pages < 2) return;
    const id = setInterval(() => setPage((p) => (p + 1) % pages), PAGE_MS);
    return () => clearInterval(id);
  }, [paused, held, pages]);
  const shown = items.slice(page * per, page * per + per);
  return html`<div class="paged">
    <div class="paged-rows" ref=${box} onFocusIn=${() => setHeld(true)} onFocusOut=${() => setHeld(false)} onMouseEnter=${() => setHeld(true)} onMouseLeave=${() => setHeld(false)}>
      <ul class="list compact wb-rows" aria-label=${name}>
        ${shown.map((x) => html`<li key=${keyOf(x)}>${render(x)}</li>`)}
      </ul>
    </div>
    ${
      pages > 1
        ? html`<div class="pager" role="group" aria-label=${t('wall.pager', { name })}>
          <button type="button" class="small" onClick=${() => setPage((page + pages - 1) % pages)}>${t('wall.prevPage')}</button>
          <span class="small" data-page=${page + 1} data-pages=${pages}>${t('wall.pageOf', { page: page + 1, pages })}</span>
          <button type="button" class="small" onClick=${() => setPage((page + 1) % pages)}>${t('wall.nextPage')}</button>
          <button type="button" class="small" aria-pressed=${paused ? 'true' : 'false'} onClick=${() => setPaused(!paused)}>${t('wall.pausePaging')}</button>
        </div>`
        : null
    }
  </div>`;
}

type OverdueRow = { kind: 'overdue'; item: OverdueItem } | { kind: 'supervision'; item: SupervisionItem };

/** Overdue tickets worst first (the server's order), then the open 督办 items. */
export function OverduePanel({
  overdue,
  total,
  supervision,
  canSupervise,
  onDone,
}: {
  overdue: OverdueItem[];
  total: number;
  supervision: SupervisionItem[];
  canSupervise: boolean;
  onDone: () => void;
}) {
  const rows: OverdueRow[] = [
    ...overdue.map((item) => ({ kind: 'overdue' as const, item })),
    ...supervision.map((item) => ({ kind: 'supervision' as const, item })),
  ];
  return html`<section class="panel wb-overdue" aria-labelledby="overdue-h">
    <h2 id="overdue-h">${t('wall.overdue')} <span class="count">${total}</span></h2>
    ${
      rows.length === 0
        ? html`<${Empty} text=${t('wall.noOverdue')} />`
        : html`<${PagedList}
          name=${t('wall.overdue')}
          items=${rows}
          keyOf=${(r: OverdueRow) => `${r.kind}-${r.item.id}`}
          render=${(r: OverdueRow) => (r.kind === 'overdue' ? html`<${Overdue} x=${r.item} canSupervise=${canSupervise} />` : html`<${Supervision} s=${r.item} onDone=${onDone} />`)}
        />`
    }
  </section>`;
}

function Overdue({ x, canSupervise }: { x: OverdueItem; canSupervise: boolean }) {
  const o = x.overdue;
  return html`<div class="wb-row" data-overdue-ticket=${x.number} data-overdue-minutes=${o.minutes}>
    <${TicketLink} number=${x.number} />
    ${x.supervisionLevel > 0 ? html`<span class="badge wb-level">${t('wall.supervisionLevel', { n: x.supervisionLevel })}</span>` : null}
    <span class="title">${x.title}</span>
    <span class="wb-unit">${o.unit?.name ?? '—'}</span>
    <strong class="wb-late" title=${o.clock ? lbl('deadline', o.clock) : undefined}>${t('wall.overdueFor', { span: spanText(o.minutes) })}</strong>
    ${canSupervise ? html`<${SuperviseButton} ticket=${x} />` : null}
  </div>`;
}

function Supervision({ s, onDone }: { s: SupervisionItem; onDone: () => void }) {
  return html`<div class="wb-row">
    <${TicketLink} number=${s.ticket.number} /> <span>${lbl('supervisionKind', s.kind)}</span>
    <span class="wb-unit">${s.unit?.name ?? ''}</span> <span>${lbl('deadline', s.clock)}</span>
    <${ResolveButton} item=${s} onDone=${onDone} />
  </div>`;
}

function SuperviseButton({ ticket }: { ticket: TicketSummary }) {
  const [done, setDone] = useState(false);
  return html`<button
    type="button"
    class="small"
    disabled=${done}
    onClick=${() =>
      post(`/api/tickets/${ticket.id}/supervise`, { version: ticket.version }).then(
        () => (setDone(true), announce(t('wall.supervised', { number: ticket.number }))),
        () => {},
      )}
  >
    ${done ? t('wall.supervisedShort') : t('wall.supervise')}<span class="sr-only"> ${ticket.number}</span>
  </button>`;
}

function ResolveButton({ item, onDone }: { item: SupervisionItem; onDone: () => void }) {
  return html`<button type="button" class="small" onClick=${() => post(`/api/sla/supervision/${item.id}/resolve`).then(onDone, () => {})}>
    ${t('wall.resolve')}<span class="sr-only"> ${item.ticket.number}</span>
  </button>`;
}

/** Disputed callbacks: the supervisor reopens (重办) or closes with an explanation. */
export function DisputedPanel({ items }: { items: TicketSummary[] }) {
  return html`<section class="panel wb-disputed" aria-labelledby="disputed-h">
    <h2 id="disputed-h">${t('wall.disputed')} <span class="count">${items.length}</span></h2>
    ${
      items.length === 0
        ? html`<${Empty} text=${t('wall.noDisputed')} />`
        : html`<${PagedList} name=${t('wall.disputed')} items=${items} keyOf=${(x: TicketSummary) => x.id} render=${(x: TicketSummary) => html`<${Disputed} ticket=${x} />`} />`
    }
  </section>`;
}

function Disputed({ ticket }: { ticket: TicketSummary }) {
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const act = async (action: 'reopen' | 'close') => {
    try {
      const v = await get<TicketView>(`/api/tickets/${ticket.id}`);
      await post(`/api/tickets/${ticket.id}/${action}`, action === 'reopen' ? { version: v.version, reason: note } : { version: v.version, note });
      announce(t(action === 'reopen' ? 'wall.reopened' : 'wall.closedOne', { number: ticket.number }));
    } catch (e) {
      setError(e);
    }
  };
  const id = `dsp-${ticket.id}`;
  return html`<div class="disputed">
    <${TicketLink} number=${ticket.number} /> <${StatusBadge} status=${ticket.status} /> <span class="title">${ticket.title}</span>
    <label for=${id} class="sr-only">${t('wall.decisionNote', { number: ticket.number })}</label>
    <input id=${id} placeholder=${t('wall.decisionNotePh')} value=${note} onInput=${(e: Event) => setNote((e.target as HTMLInputElement).value)} />
    <button type="button" class="small" disabled=${note.trim().length < 2} onClick=${() => void act('reopen')}>${t('wall.reopen')}</button>
    <button type="button" class="small" disabled=${note.trim().length < 2} onClick=${() => void act('close')}>${t('wall.close')}</button>
    <${ErrorBox} error=${error} />
  </div>`;
}
