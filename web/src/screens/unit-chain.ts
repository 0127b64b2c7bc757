import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t, type MsgKey } from '../i18n.ts';
import { get } from '../api.ts';
import { useTicketEvents } from '../live.ts';
import type { ChainRow, ChainWorkbench } from '../types.ts';
import { Empty, ErrorBox, Panel, StatusBadge, arrowNav, lbl } from '../ui/common.ts';
import { ClampedNote, StepClocks } from '../ui/chain.ts';

/** How long the workbench waits for a burst of events (a hand-down writes several) before it refetches once. */
const SETTLE_MS = 250;

/**
 * A level's chain workbench: fetched once, then again whenever a ticket event reaches this unit (the server
 * sends a ticket's events to every unit holding an assignment of it and to the units above them, so any
 * level's action lands here), and after a catch-up that could not be complete.
 */
export function useChainWorkbench() {
  const [data, setData] = useState<ChainWorkbench | null>(null);
  const [error, setError] = useState<unknown>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const loading = useRef(0);
  const load = async () => {
    const n = ++loading.current;
    try {
      const w = await get<ChainWorkbench>('/api/chain/workbench');
      if (n !== loading.current) return;
      setData(w);
      setError(null);
    } catch (e) {
      if (n === loading.current) setError(e);
    }
  };
  const soon = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => void load(), SETTLE_MS);
  };
  useEffect(() => {
    void load();
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, []);
  useTicketEvents(soon, soon);
  return { data, error, reload: load };
}

/** What a row of 待我审核 waits for: a reply to review, or a return / extension to decide. */
function waitsFor(r: ChainRow): string {
  if (r.status === 'replied') return t('chain.waitsReply');
  return r.request ? t('chain.waitsRequest', { kind: lbl('request', r.request.kind) }) : '';
}

type ListProps = { rows: ChainRow[]; selected: number | null; onPick: (ticketId: number) => void };

function Rows({ rows, selected, onPick, kind }: ListProps & { kind: 'held' | 'sub' | 'decision' }) {
  return html`<ul class="list compact" onKeyDown=${arrowNav}>
    ${rows.map(
      (r) => html`<li>
        <button
          type="button"
          data-item
          data-ticket=${r.number}
          data-assignment=${r.assignmentId}
          class=${`item ${r.ticketId === selected ? 'selected' : ''}`}
          aria-current=${r.ticketId === selected ? 'true' : undefined}
          onClick=${() => onPick(r.ticketId)}
        >
          <span class="mono">${r.number}</span>
          ${kind === 'held' ? null : html` <span class="unit">${r.unit.name}</span>`}
          <${StatusBadge} status=${r.status} />
          <span class="title">${r.title}</span>
          ${kind === 'decision' ? html`<span class="badge warn-yellow">${waitsFor(r)}</span>` : null}
          ${kind === 'held' ? null : html`<${StepClocks} a=${r} />`}
          ${kind === 'sub' ? html`<${ClampedNote} clocks=${r.clampedClocks} />` : null}
        </button>
      </li>`,
    )}
  </ul>`;
}

/**
 * The three lists of the chain of levels on the unit desk: 待下派 (assignments this unit holds and may hand
 * down; shown only at a level that hands down), 下级办理 (what its sub-units hold, with their clocks), and 待我审核
 * (sub-replies, returns and extensions waiting for this unit). Picking a row opens its ticket beside them.
 */
export function ChainLists({
  chain,
  selected,
  onPick,
}: {
  chain: ReturnType<typeof useChainWorkbench>;
  selected: number | null;
  onPick: (ticketId: number) => void;
}) {
  const { data, error } = chain;
  if (!data) return error ? html`<${ErrorBox} error=${error} />` : null;
  const handsDown = data.handDownTargets.length > 0;
  const panel = (id: string, title: MsgKey, empty: MsgKey, rows: ChainRow[], kind: 'held' | 'sub' | 'decision') =>
    html`<${Panel} id=${id} title=${`${t(title)} (${rows.length})`} class="chain">
      ${rows.length ? html`<${Rows} rows=${rows} selected=${selected} onPick=${onPick} kind=${kind} />` : html`<${Empty} text=${t(empty)} />`}
    <//>`;
  // A level that hands nothing down and has no sub-units shows none of this (a community's desk stays as it was).
  if (!handsDown && data.subs.length === 0) return html`<${ErrorBox} error=${error} />`;
  return html`<div class="chain-lists">
    <${ErrorBox} error=${error} />
    ${panel('chain-decisions', 'chain.decisions', 'chain.decisionsEmpty', data.decisions, 'decision')}
    ${handsDown ? panel('chain-hand-down', 'chain.toHandDown', 'chain.toHandDownEmpty', data.toHandDown, 'held') : null}
    ${panel('chain-subs', 'chain.subs', 'chain.subsEmpty', data.subs, 'sub')}
  </div>`;
}
