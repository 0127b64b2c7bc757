/**
 * Bulk work on the dispatch desk (批量派单 / 批量并单 on 待派单, 批量审核通过 on 答复审核): tick tickets in the queue,
 * act once; the server runs each ticket in its own transaction and the bar lists every ticket's own result.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t } from '../i18n.ts';
import { get, post } from '../api.ts';
import type { Page, TicketSummary, TicketView, Unit } from '../types.ts';
import { ErrorBox, announce, lbl } from '../ui/common.ts';
import { Combobox } from '../ui/combobox.ts';

/** The queues bulk work applies to, and what it does there. */
export const BULK_TABS = ['dispatch', 'reply'] as const;
export const isBulkTab = (tab: string): tab is (typeof BULK_TABS)[number] => (BULK_TABS as readonly string[]).includes(tab);

type Result = { id: number; ok: boolean; status?: string; error?: { code: string; message: string } };
type Answer = { ok: number; failed: number; results: Result[] };
type UnitGroups = (units: Unit[]) => { kind: string; items: { id: number; label: string }[] }[];

/** The ticked tickets of the current queue (cleared when the queue changes). */
export function useBulkSelection(tab: string) {
  const [ids, setIds] = useState<number[]>([]);
  useEffect(() => setIds([]), [tab]);
  return {
    ids,
    has: (id: number) => ids.includes(id),
    toggle: (id: number) => setIds((xs) => (xs.includes(id) ? xs.filter((x) => x !== id) : [...xs, id])),
    set: setIds,
  };
}
export type BulkSelection = ReturnType<typeof useBulkSelection>;

export function BulkCheck({ ticket, selection }: { ticket: TicketSummary; selection: BulkSelection }) {
  return html`<input
    type="checkbox"
    class="bulk-check"
    aria-label=${t('bulk.pick', { number: ticket.number })}
    checked=${selection.has(ticket.id)}
    onChange=${() => selection.toggle(ticket.id)}
  />`;
}

/**
 * The bar above the queue: select all, the action of this queue, and after it each ticket's result. `unitGroups`
 * is the desk's own unit list builder (passed in, so this module does not import the desk back).
 */
export function BulkBar({ tab, queue, selection, unitGroups }: { tab: string; queue: TicketSummary[]; selection: BulkSelection; unitGroups: UnitGroups }) {
  const [answer, setAnswer] = useState<{ rows: (Result & { number: string })[]; ok: number; failed: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const chosen = queue.filter((q) => selection.has(q.id));
  const refs = chosen.map((q) => ({ id: q.id, version: q.version }));
  const run = async (path: string, body: Record<string, unknown>) => {
    setBusy(true);
    setError(null);
    const numbers = new Map(chosen.map((q) => [q.id, q.number]));
    try {
      const r = await post<Answer>(`/api/tickets/bulk/${path}`, { tickets: refs, ...body });
      setAnswer({ ok: r.ok, failed: r.failed, rows: r.results.map((x) => ({ ...x, number: numbers.get(x.id) ?? String(x.id) })) });
      announce(t('bulk.done', { ok: r.ok, failed: r.failed }));
      selection.set(r.results.filter((x) => !x.ok).map((x) => x.id));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  // Stays after its tickets leave the queue, so the results of the last action remain to be read.
  if (!isBulkTab(tab) || (queue.length === 0 && !answer)) return null;
  const all = queue.length > 0 && chosen.length === queue.length;
  return html`<section class="bulk-bar card" aria-labelledby="bulk-h">
    <h2 id="bulk-h" class="small">${t('bulk.title', { n: chosen.length })}</h2>
    <label class="check"
      ><input type="checkbox" checked=${all} onChange=${() => selection.set(all ? [] : queue.map((q) => q.id))} /> ${t('bulk.all')}</label
    >
    ${
      tab === 'dispatch'
        ? html`<${BulkDispatch} disabled=${busy || chosen.length === 0} run=${run} unitGroups=${unitGroups} />`
        : html`<button type="button" class="primary" disabled=${busy || chosen.length === 0} onClick=${() => void run('reply-approve', {})}>
          ${t('bulk.approve', { n: chosen.length })}
        </button>`
    }
    <${ErrorBox} error=${error} />
    ${
      answer
        ? html`<div class="bulk-results" data-bulk-results>
          <p>${t('bulk.done', { ok: answer.ok, failed: answer.failed })}</p>
          <ul class="list compact">
            ${answer.rows.map(
              (r) => html`<li data-bulk-ticket=${r.number} data-ok=${r.ok ? 'true' : 'false'}>
                <span class="mono">${r.number}</span> ${r.ok ? `✓ ${lbl('status', r.status)}` : `✗ ${r.error?.message ?? ''}`}
              </li>`,
            )}
          </ul>
        </div>`
        : null
    }
  </section>`;
}

function BulkDispatch({
  disabled,
  run,
  unitGroups,
}: {
  disabled: boolean;
  run: (path: string, body: Record<string, unknown>) => Promise<void>;
  unitGroups: UnitGroups;
}) {
  const [units, setUnits] = useState<Unit[]>([]);
  const [lead, setLead] = useState<number | null>(null);
  const [assist, setAssist] = useState<number[]>([]);
  const [into, setInto] = useState('');
  const [mergeError, setMergeError] = useState<unknown>(null);
  useEffect(() => {
    get<Page<Unit>>('/api/units').then(
      (r) => setUnits(r.items),
      () => {},
    );
  }, []);
  const groups = useMemo(() => unitGroups(units), [units]);
  const options = useMemo(() => groups.flatMap((g) => g.items), [groups]);
  const merge = async () => {
    setMergeError(null);
    try {
      const target = await get<TicketView>(`/api/tickets/by-number/${encodeURIComponent(into.trim())}`);
      await run('merge', { intoTicketId: target.id });
    } catch (e) {
      setMergeError(e);
    }
  };
  return html`<div class="bulk-actions">
    <${Combobox} id="bulk-lead" label=${t('bulk.lead')} options=${options} value=${lead} onChange=${setLead} />
    <div class="field">
      <label for="bulk-assist">${t('bulk.assist')}</label>
      <select id="bulk-assist" multiple size="3" onChange=${(e: Event) => setAssist([...(e.target as HTMLSelectElement).selectedOptions].map((o) => Number(o.value)))}>
        ${groups.map(
          (g) => html`<optgroup label=${lbl('unitKind', g.kind)}>
            ${g.items.map((u) => html`<option value=${u.id} selected=${assist.includes(u.id)}>${u.label}</option>`)}
          </optgroup>`,
        )}
      </select>
    </div>
    <button type="button" class="primary" disabled=${disabled || lead === null} onClick=${() => void run('dispatch', { leadUnitId: lead, assistUnitIds: assist })}>
      ${t('bulk.dispatch')}
    </button>
    <div class="field">
      <label for="bulk-into">${t('bulk.mergeInto')}</label>
      <input id="bulk-into" placeholder="20260310-000001" value=${into} onInput=${(e: Event) => setInto((e.target as HTMLInputElement).value)} />
    </div>
    <button type="button" disabled=${disabled || !into.trim()} onClick=${() => void merge()}>${t('bulk.merge')}</button>
    <${ErrorBox} error=${mergeError} />
  </div>`;
}
