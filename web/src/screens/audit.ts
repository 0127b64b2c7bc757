import { useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t, type MsgKey } from '../i18n.ts';
import { get } from '../api.ts';
import { fullTime } from '../format.ts';
import { announce, Empty, ErrorBox, Facts, Panel, lbl } from '../ui/common.ts';
import { useResource } from './security-parts.ts';

type Status = {
  retention: { days: number; floorDays: number; cron: string };
  oldestAt: string | null;
  rows: number;
  unsealed: number;
  lastSeal: { seq: number; at: string } | null;
};
type Report = {
  ok: boolean;
  checked: number;
  firstSeq: number | null;
  lastSeq: number | null;
  firstBroken: { seq: number; id: number | null; reason: string } | null;
};
type Entry = {
  id: number;
  at: string;
  userId: number | null;
  role: string | null;
  ip: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, unknown>;
  seq: number | null;
};

/**
 * 审计管理 (the audit administrator, and no one else): the retention in force, the chain's verification with the
 * first broken link, the log queried with filters, and a period exported as CSV. Nothing here changes the log.
 */
export function AuditScreen() {
  const status = useResource<Status>('/api/audit/status');
  return html`<div class="audit">
    <h1 class="screen-title">${t('screen.audit')}</h1>
    <p class="hint">${t('aud.intro')}</p>
    <${RetentionPanel} status=${status.data} error=${status.error} />
    <${VerifyPanel} onDone=${status.reload} />
    <${QueryPanel} />
    <${ExportPanel} />
  </div>`;
}

function RetentionPanel({ status, error }: { status: Status | null; error: unknown }) {
  return html`<${Panel} title=${t('aud.retention')} id="aud-retention">
    <${ErrorBox} error=${error} />
    ${
      status
        ? html`<${Facts}
            rows=${[
              [t('aud.retentionDays'), t('aud.days', { n: status.retention.days, floor: status.retention.floorDays })],
              [t('aud.schedule'), html`<code>${status.retention.cron}</code>`],
              [t('aud.oldest'), fullTime(status.oldestAt)],
              [t('aud.rows'), String(status.rows)],
              [t('aud.unsealed'), String(status.unsealed)],
              [t('aud.lastSeal'), status.lastSeal ? t('aud.sealAt', { seq: status.lastSeal.seq, at: fullTime(status.lastSeal.at) }) : t('aud.none')],
            ]}
          />`
        : html`<p class="loading" aria-busy="true">${t('common.loading')}</p>`
    }
  <//>`;
}

function VerifyPanel({ onDone }: { onDone: () => void }) {
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<unknown>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      setReport(await get<Report>('/api/audit/verify'));
      announce(t('aud.verifiedDone'));
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const b = report?.firstBroken;
  return html`<${Panel} title=${t('aud.verify')} id="aud-verify">
    <p class="hint">${t('aud.verifyHint')}</p>
    <button type="button" onClick=${run} disabled=${busy} aria-busy=${busy}>${busy ? t('aud.verifying') : t('aud.verifyRun')}</button>
    <${ErrorBox} error=${error} />
    ${
      report === null
        ? null
        : b
          ? html`<p class="error" role="alert" data-audit-broken=${b.seq}>
              ${t('aud.broken', { seq: b.seq, reason: t(`aud.reason.${b.reason}` as MsgKey) })}${b.id === null ? '' : t('aud.brokenRow', { id: b.id })}
            </p>`
          : html`<p class="ok" role="status" data-audit-ok>
              ${report.checked === 0 ? t('aud.okEmpty') : t('aud.ok', { n: report.checked, from: report.firstSeq ?? '', to: report.lastSeq ?? '' })}
            </p>`
    }
  <//>`;
}

const FILTERS = ['action', 'userId', 'targetType', 'targetId', 'ip'] as const;
type Filters = Record<(typeof FILTERS)[number] | 'from' | 'to', string>;
const EMPTY: Filters = { action: '', userId: '', targetType: '', targetId: '', ip: '', from: '', to: '' };
const PAGE = 50;

/** The filters as the API's query: the datetime-local inputs read in the browser's zone. */
function queryOf(f: Filters, before?: number): string {
  const q = new URLSearchParams({ limit: String(PAGE) });
  for (const k of FILTERS) if (f[k].trim()) q.set(k, f[k].trim());
  if (f.from) q.set('from', new Date(f.from).toISOString());
  if (f.to) q.set('to', new Date(f.to).toISOString());
  if (before) q.set('before', String(before));
  return q.toString();
}

function QueryPanel() {
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [items, setItems] = useState<Entry[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const load = async (before?: number) => {
    setError(null);
    try {
      const r = await get<{ items: Entry[] }>(`/api/audit?${queryOf(filters, before)}`);
      setItems((prev) => (before && prev ? [...prev, ...r.items] : r.items));
      setMore(r.items.length === PAGE);
    } catch (e) {
      setError(e);
    }
  };
  const field = (k: keyof Filters, type = 'text') =>
    html`<label>${t(`aud.${k}` as MsgKey)}
      <input name=${k} type=${type} value=${filters[k]} onInput=${(e: Event) => setFilters({ ...filters, [k]: (e.target as HTMLInputElement).value })} />
    </label>`;
  return html`<${Panel} title=${t('aud.query')} id="aud-query">
    <form
      class="filters"
      onSubmit=${(e: Event) => {
        e.preventDefault();
        void load();
      }}
    >
      ${FILTERS.map((k) => field(k, k === 'userId' ? 'number' : 'text'))} ${field('from', 'datetime-local')} ${field('to', 'datetime-local')}
      <button type="submit">${t('aud.search')}</button>
    </form>
    <${ErrorBox} error=${error} />
    ${items === null ? null : items.length === 0 ? html`<${Empty} text=${t('aud.empty')} />` : html`<${EntryTable} items=${items} />`}
    ${more && items?.length ? html`<button type="button" class="small" onClick=${() => load(items[items.length - 1]!.id)}>${t('aud.more')}</button>` : null}
  <//>`;
}

function EntryTable({ items }: { items: Entry[] }) {
  return html`<table class="list audit-entries">
    <thead><tr>
      <th scope="col">${t('aud.col.seq')}</th><th scope="col">${t('aud.col.at')}</th><th scope="col">${t('aud.col.user')}</th>
      <th scope="col">${t('aud.col.role')}</th><th scope="col">${t('aud.col.ip')}</th><th scope="col">${t('aud.col.action')}</th>
      <th scope="col">${t('aud.col.target')}</th><th scope="col">${t('aud.col.details')}</th>
    </tr></thead>
    <tbody>${items.map(
      (i) => html`<tr data-audit-id=${i.id}>
        <td>${i.seq ?? html`<span class="hint">${t('aud.pending')}</span>`}</td>
        <td>${fullTime(i.at)}</td>
        <td>${i.userId ?? t('aud.system')}</td>
        <td>${lbl('role', i.role)}</td>
        <td>${i.ip ?? '—'}</td>
        <td><code>${i.action}</code></td>
        <td>${i.targetType ? `${i.targetType} ${i.targetId ?? ''}` : '—'}</td>
        <td><code class="audit-details">${JSON.stringify(i.details)}</code></td>
      </tr>`,
    )}</tbody>
  </table>`;
}

function ExportPanel() {
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const [range, setRange] = useState({ from: day(-30), to: day(1) });
  const href = `/api/audit/export?${new URLSearchParams({ from: new Date(`${range.from}T00:00:00+08:00`).toISOString(), to: new Date(`${range.to}T00:00:00+08:00`).toISOString() })}`;
  const valid = range.from && range.to && range.from < range.to;
  const input = (k: 'from' | 'to') =>
    html`<label>${t(`aud.${k}`)}
      <input name=${`export-${k}`} type="date" value=${range[k]} onInput=${(e: Event) => setRange({ ...range, [k]: (e.target as HTMLInputElement).value })} />
    </label>`;
  return html`<${Panel} title=${t('aud.export')} id="aud-export">
    <p class="hint">${t('aud.exportHint')}</p>
    <div class="filters">
      ${input('from')} ${input('to')}
      ${valid ? html`<a class="button" href=${href} download data-audit-export>${t('aud.exportRun')}</a>` : null}
    </div>
  <//>`;
}
