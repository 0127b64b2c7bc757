import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t } from '../i18n.ts';
import { ApiError, get, post } from '../api.ts';
import { fullTime, shanghaiDay } from '../format.ts';
import { useTicketEvents } from '../live.ts';
import type { SessionInfo } from '../types.ts';
import type { KeyTicketKind } from '../../../src/contract/vocab.ts';
import { Empty, ErrorBox, Panel, StatusBadge, announce, lbl } from '../ui/common.ts';

type KindCount = { kind: KeyTicketKind; threshold: number | null; count: number; tickets: number };
type KeyItem = {
  ticket: { id: number; number: string; title: string; status: string };
  assignmentId: number | null;
  handedDown: boolean;
  unit: { id: number; name: string } | null;
  completeDueAt: string | null;
  overdueMinutes: number | null;
  measure: number;
  escalationLevel: number | null;
  openAccountability: number;
};
type Accountability = {
  id: number;
  ticket: { id: number; number: string; title: string };
  unit: { id: number; name: string };
  reason: string;
  createdAt: string;
  resolvedAt: string | null;
  resolutionNote: string | null;
};

const kindName = (k: KindCount) => lbl('keyKind', k.kind) + (k.threshold === null ? '' : t('key.threshold', { n: k.threshold }));
const overdueText = (min: number) => t('key.overdueBy', { h: Math.floor(min / 60), m: min % 60 });

/** 重点督办: the tracked kinds with their counts, the list of the kind chosen, and the accountability items (追责). */
export function KeySupervision({ session }: { session: SessionInfo }) {
  const [kinds, setKinds] = useState<KindCount[] | null>(null);
  const [kind, setKind] = useState<KeyTicketKind | null>(null);
  const [items, setItems] = useState<KeyItem[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  // Any ticket event may move a ticket into or out of a kind: look again (the lists are small).
  useTicketEvents(() => setTick((n) => n + 1));

  useEffect(() => {
    get<{ items: KindCount[] }>('/api/supervision/key').then((r) => {
      setKinds(r.items);
      setKind((k) => k ?? r.items[0]?.kind ?? null);
    }, setError);
  }, [tick]);
  useEffect(() => {
    if (!kind) return;
    get<{ items: KeyItem[] }>(`/api/supervision/key/${kind}?limit=200`).then((r) => setItems(r.items), setError);
  }, [kind, tick]);

  return html`<div class="key-supervision">
    <h1 class="screen-title">${t('screen.keySupervision')}</h1>
    <${ErrorBox} error=${error} />
    <${Panel} title=${t('key.kinds')} id="ks-kinds">
      <p class="hint">${t('key.kindsHint')}</p>
      ${
        kinds === null
          ? html`<p class="loading" aria-busy="true">${t('common.loading')}</p>`
          : html`<div class="row" role="tablist">
            ${kinds.map(
              (k) => html`<button
                type="button"
                role="tab"
                data-kind=${k.kind}
                aria-selected=${k.kind === kind ? 'true' : 'false'}
                class=${k.kind === kind ? 'primary' : ''}
                onClick=${() => setKind(k.kind)}
              >
                ${kindName(k)} <strong>${t('key.count', { tickets: k.tickets })}</strong>${k.count !== k.tickets ? html` <small>${t('key.rows', { rows: k.count })}</small>` : null}
              </button>`,
            )}
          </div>`
      }
      ${kind && items ? html`<${KeyList} kind=${kind} items=${items} />` : null}
    <//>
    <${AccountabilityPanel} canResolve=${session.user.role === 'supervisor'} refresh=${tick} />
  </div>`;
}

function KeyList({ kind, items }: { kind: KeyTicketKind; items: KeyItem[] }) {
  if (!items.length) return html`<${Empty} text=${t('key.empty')} />`;
  return html`<table class="key-table" data-kind=${kind}>
    <thead>
      <tr>
        <th scope="col">${t('key.ticket')}</th>
        <th scope="col">${t('key.unit')}</th>
        <th scope="col">${t('key.due')}</th>
        <th scope="col">${t('key.overdue')}</th>
        <th scope="col">${t(`key.measure.${kind}`)}</th>
        <th scope="col">${t('key.level')}</th>
      </tr>
    </thead>
    <tbody>
      ${items.map(
        (i) => html`<tr data-ticket=${i.ticket.id}>
          <th scope="row"><span class="mono">${i.ticket.number}</span> ${i.ticket.title} <${StatusBadge} status=${i.ticket.status} /></th>
          <td>${i.unit?.name ?? '—'}${i.handedDown ? html` <small class="badge">${t('key.handedDown')}</small>` : null}</td>
          <td>${fullTime(i.completeDueAt)}</td>
          <td class=${i.overdueMinutes === null ? '' : 'warn-overdue'}>${i.overdueMinutes === null ? '—' : overdueText(i.overdueMinutes)}</td>
          <td class="num">${i.measure}</td>
          <td>
            ${t(i.escalationLevel === null ? 'key.level.none' : i.escalationLevel >= 2 ? 'key.level.2' : 'key.level.1')}
            ${i.openAccountability ? html` <span class="badge warn-overdue">${t('key.accountable', { n: i.openAccountability })}</span>` : null}
          </td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

function AccountabilityPanel({ canResolve, refresh }: { canResolve: boolean; refresh: unknown }) {
  const [month, setMonth] = useState(shanghaiDay(new Date()).slice(0, 7));
  const [openOnly, setOpenOnly] = useState(true);
  const [items, setItems] = useState<Accountability[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = () =>
    get<{ items: Accountability[] }>(`/api/accountability?month=${month}${openOnly ? '&open=true' : ''}&limit=200`).then((r) => setItems(r.items), setError);
  useEffect(() => void load(), [month, openOnly, refresh]);
  return html`<${Panel} title=${t('acc.title')} id="ks-accountability">
    <p class="hint">${t('acc.hint')}</p>
    <div class="row">
      <label for="ks-month">${t('acc.month')}</label>
      <input id="ks-month" type="month" value=${month} onInput=${(e: Event) => setMonth((e.target as HTMLInputElement).value)} />
      <label><input type="checkbox" checked=${openOnly} onChange=${(e: Event) => setOpenOnly((e.target as HTMLInputElement).checked)} /> ${t('acc.openOnly')}</label>
    </div>
    <${ErrorBox} error=${error} />
    ${
      items === null
        ? html`<p class="loading" aria-busy="true">${t('common.loading')}</p>`
        : items.length === 0
          ? html`<${Empty} text=${t('acc.empty')} />`
          : html`<ul class="list">
            ${items.map(
              (a) => html`<li data-accountability=${a.id}>
                <span class="mono">${a.ticket.number}</span> ${a.unit.name} · ${a.reason} · <small>${t('acc.createdAt')} ${fullTime(a.createdAt)}</small>
                ${a.resolvedAt ? html` <small>${t('acc.resolved', { note: a.resolutionNote ?? '' })}</small>` : canResolve ? html`<${ResolveForm} item=${a} onDone=${load} />` : null}
              </li>`,
            )}
          </ul>`
    }
  <//>`;
}

function ResolveForm({ item, onDone }: { item: Accountability; onDone: () => void }) {
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      await post(`/api/accountability/${item.id}/resolve`, { note });
      announce(t('acc.resolvedToast'));
      onDone();
    } catch (err) {
      setError(err);
      if (err instanceof ApiError) announce(err.message);
    }
  };
  const id = `ks-note-${item.id}`;
  return html`<form class="row" onSubmit=${submit}>
    <label for=${id} class="sr-only">${t('acc.note')}</label>
    <input id=${id} required minlength="2" maxlength="1000" placeholder=${t('acc.note')} value=${note} onInput=${(e: Event) => setNote((e.target as HTMLInputElement).value)} />
    <button type="submit" class="small">${t('acc.resolve')}</button>
    <${ErrorBox} error=${error} />
  </form>`;
}
