import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t } from '../i18n.ts';
import { ApiError, get, post } from '../api.ts';
import { fullTime, shanghaiDay } from '../format.ts';
import { Empty, ErrorBox, Panel, announce } from '../ui/common.ts';

type ReportFile = { size: number; sha256: string; mediaType: string; url: string };
type Report = {
  month: string;
  title: string | null;
  status: 'generating' | 'ready' | 'failed';
  version: number;
  trigger: 'cron' | 'manual';
  generatedAt: string | null;
  generatedBy: { id: number; name: string } | null;
  error: string | null;
  pdf: ReportFile | null;
  xlsx: ReportFile | null;
};

/** The month before the current one (Asia/Shanghai): the latest that can have a report. */
function lastMonth(): string {
  const [y, m] = shanghaiDay(new Date()).split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}
const monthName = (month: string) => t('reports.monthName', { y: month.slice(0, 4), m: Number(month.slice(5, 7)) });
const size = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);

/** 月度分析报告: the stored monthly reports, generating one for any month that is over, downloads as PDF and XLSX. */
export function Reports() {
  const [items, setItems] = useState<Report[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [month, setMonth] = useState(lastMonth());
  const [busy, setBusy] = useState(false);
  const load = () => get<{ items: Report[] }>('/api/reports/monthly').then((r) => (setItems(r.items), setError(null)), setError);
  useEffect(() => void load(), []);
  // Another person's (or the job's) generation in progress: look again until it is done.
  const pending = items?.some((i) => i.status === 'generating');
  useEffect(() => {
    if (!pending) return;
    const id = setInterval(load, 5000);
    return () => clearInterval(id);
  }, [pending]);

  const existing = items?.find((i) => i.month === month);
  const generate = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    announce(t('reports.generating', { month: monthName(month) }));
    try {
      const r = await post<Report>('/api/reports/monthly', { month });
      announce(t('reports.generated', { month: monthName(r.month), version: r.version }));
    } catch (err) {
      setError(err);
      if (err instanceof ApiError) announce(err.message);
    } finally {
      setBusy(false);
      void load();
    }
  };

  return html`<div class="reports">
    <h1 class="screen-title">${t('screen.reports')}</h1>
    <${Panel} title=${t('reports.generate')} id="rp-generate">
      <form onSubmit=${generate} aria-busy=${busy ? 'true' : undefined}>
        <label for="rp-month">${t('reports.month')}</label>
        <div class="row">
          <div class="field">
            <input id="rp-month" type="month" required max=${lastMonth()} value=${month} aria-describedby="rp-month-hint" onInput=${(e: Event) => setMonth((e.target as HTMLInputElement).value)} />
            <small id="rp-month-hint" class="hint">${t('reports.monthHint')}</small>
          </div>
          <button type="submit" class="primary" disabled=${busy || !month}>${busy ? t('reports.busy') : existing?.version ? t('reports.regenerate') : t('reports.submit')}</button>
        </div>
      </form>
      <${ErrorBox} error=${error} />
    <//>
    <${Panel} title=${t('reports.list')} id="rp-list">
      ${
        items === null
          ? html`<p class="loading" aria-busy="true">${t('common.loading')}</p>`
          : items.length === 0
            ? html`<${Empty} text=${t('reports.empty')} />`
            : html`<table class="reports-table">
              <thead>
                <tr>
                  <th scope="col">${t('reports.month')}</th>
                  <th scope="col">${t('reports.status')}</th>
                  <th scope="col">${t('reports.version')}</th>
                  <th scope="col">${t('reports.generatedAt')}</th>
                  <th scope="col">${t('reports.generatedBy')}</th>
                  <th scope="col">${t('reports.download')}</th>
                </tr>
              </thead>
              <tbody>
                ${items.map(
                  (r) => html`<tr data-month=${r.month}>
                    <th scope="row">${monthName(r.month)}</th>
                    <td><span class=${`badge report-${r.status}`}>${t(`reports.status.${r.status}`)}</span>${r.status === 'failed' && r.error ? html` <small class="hint">${r.error}</small>` : null}</td>
                    <td>${r.version || '—'}</td>
                    <td>${fullTime(r.generatedAt)}</td>
                    <td>${r.version ? (r.generatedBy?.name ?? t('reports.byJob')) : '—'}</td>
                    <td class="downloads">
                      ${r.pdf ? html`<a href=${r.pdf.url} download aria-label=${t('reports.downloadPdf', { month: monthName(r.month) })}>PDF</a> <small>${size(r.pdf.size)}</small>` : null}
                      ${r.xlsx ? html` <a href=${r.xlsx.url} download aria-label=${t('reports.downloadXlsx', { month: monthName(r.month) })}>XLSX</a> <small>${size(r.xlsx.size)}</small>` : null}
                      ${!r.pdf && !r.xlsx ? '—' : null}
                    </td>
                  </tr>`,
                )}
              </tbody>
            </table>`
      }
      <p class="hint">${t('reports.note')}</p>
    <//>
  </div>`;
}
