import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t } from '../i18n.ts';
import { ApiError, get, post, request } from '../api.ts';
import type { SessionInfo } from '../types.ts';
import { Empty, ErrorBox, Panel, announce, lbl } from '../ui/common.ts';

type YearDay = { day: string; kind: 'holiday' | 'workday'; name: string };
type CalendarYear = {
  year: number;
  covered: boolean;
  source: string | null;
  days: YearDay[];
  coveredYears: { year: number; source: string; importedAt: string }[];
  workingHours: { start: string; end: string }[];
  coverage: { today: string; end: string | null; daysLeft: number | null; nextYear: number; warning: boolean };
};
type Library = { library: string; years: { year: number; imported: boolean; source: string | null }[]; next: { year: number; available: boolean } };
type Change = { day: string; before: { kind: string; name: string } | null; after: { kind: string; name: string } | null };
type Preview = {
  year: number;
  source: string;
  days: YearDay[];
  holidays: number;
  workdays: number;
  issues: { path: string; message: string }[];
  warnings: string[];
  current: { covered: boolean; source: string | null; days: number };
  changes: { added: Change[]; removed: Change[]; changed: Change[] };
  waiting: { clocks: number; tickets: number };
};
type Imported = { year: number; holidays: number; workdays: number; replacedRows: number; warnings: string[] };

const dayLabel = (c: { kind: string; name: string } | null) => (c ? `${lbl('dayKind', c.kind)} · ${c.name}` : '—');

/**
 * 工作日历: how long the table lasts, next year's import (from the installed tables in one action after a preview,
 * or a JSON / iCalendar file), and one year's days off and make-up working days. Admins import; supervisors read.
 */
export function Calendar({ session }: { session: SessionInfo }) {
  const admin = session.user.role === 'admin';
  const [year, setYear] = useState<number | null>(null);
  const [data, setData] = useState<CalendarYear | null>(null);
  const [library, setLibrary] = useState<Library | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = (y: number | null = year) => {
    get<CalendarYear>(`/api/calendar${y ? `?year=${y}` : ''}`).then((d) => (setData(d), setYear(d.year)), setError);
    get<Library>('/api/calendar/library').then(setLibrary, setError);
  };
  useEffect(() => load(null), []);

  if (!data)
    return html`<div class="calendar"><h1 class="screen-title">${t('screen.calendar')}</h1>${error ? html`<${ErrorBox} error=${error} />` : html`<p class="loading" aria-busy="true">${t('common.loading')}</p>`}</div>`;
  const c = data.coverage;
  return html`<div class="calendar">
    <h1 class="screen-title">${t('screen.calendar')}</h1>
    <${Panel} title=${t('cal.coverage')} id="cal-coverage">
      <p class=${c.warning ? 'banner warn' : 'banner'} role=${c.warning ? 'alert' : undefined} data-coverage-warning=${c.warning ? 'true' : 'false'}>
        ${
          c.end
            ? t(c.warning ? 'cal.coverageEndsSoon' : 'cal.coverageEnds', { end: c.end, days: c.daysLeft ?? 0, next: c.nextYear })
            : t('cal.coverageNone', { today: c.today, next: c.nextYear })
        }
      </p>
      <p>${t('cal.coveredYears')}：${data.coveredYears.map((y) => y.year).join('、') || '—'}</p>
      <p>${t('cal.workingHours')}：${data.workingHours.map((h) => `${h.start}–${h.end}`).join('，')}</p>
    <//>
    ${library ? html`<${NextYear} library=${library} admin=${admin} onImported=${(y: number) => load(y)} />` : null}
    <${Panel} title=${t('cal.yearDays', { year: data.year })} id="cal-days">
      <label for="cal-year">${t('cal.year')}</label>
      <select id="cal-year" value=${String(data.year)} onChange=${(e: Event) => load(Number((e.target as HTMLSelectElement).value))}>
        ${[...new Set([...data.coveredYears.map((y) => y.year), data.year, c.nextYear])].sort().map((y) => html`<option value=${String(y)}>${y}</option>`)}
      </select>
      ${data.covered ? html`<p class="hint">${t('cal.source')}：${data.source}</p>` : html`<p class="banner warn">${t('cal.notCovered', { year: data.year })}</p>`}
      ${
        data.days.length === 0
          ? html`<${Empty} text=${t('cal.noDays')} />`
          : html`<table class="cal-days">
            <thead><tr><th scope="col">${t('cal.day')}</th><th scope="col">${t('cal.kind')}</th><th scope="col">${t('cal.name')}</th></tr></thead>
            <tbody>${data.days.map((d) => html`<tr data-day=${d.day}><th scope="row">${d.day}</th><td>${lbl('dayKind', d.kind)}</td><td>${d.name}</td></tr>`)}</tbody>
          </table>`
      }
    <//>
    <${ErrorBox} error=${error} />
  </div>`;
}

/** The next year to import: one action from the installed tables when they have it (after a preview), else a file. */
function NextYear({ library, admin, onImported }: { library: Library; admin: boolean; onImported: (year: number) => void }) {
  const candidates = [...new Set([library.next.year, ...library.years.filter((y) => !y.imported).map((y) => y.year)])];
  const [year, setYear] = useState(library.next.year);
  const available = library.years.some((y) => y.year === year);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [result, setResult] = useState<Imported | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err);
      if (err instanceof ApiError) announce(err.message);
    } finally {
      setBusy(false);
    }
  };
  const showPreview = () => run(async () => setPreview(await get<Preview>(`/api/calendar/library/${year}`)));
  const importLibrary = () =>
    run(async () => {
      const r = await post<Imported>(`/api/calendar/library/${year}/import`);
      done(r);
    });
  const done = (r: Imported) => {
    setResult(r);
    setPreview(null);
    announce(t('cal.imported', { year: r.year, holidays: r.holidays, workdays: r.workdays }));
    onImported(r.year);
  };
  const importFile = (e: Event) => {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    void run(async () => {
      const text = await file.text();
      const ical = /\.ics$/i.test(file.name) || text.trimStart().startsWith('BEGIN:VCALENDAR');
      const r = ical
        ? await request<Imported>('POST', `/api/calendar/import?year=${year}`, undefined, {
            raw: new Blob([text]),
            headers: { 'content-type': 'text/calendar; charset=utf-8' },
          })
        : await post<Imported>('/api/calendar/import', JSON.parse(text));
      input.value = '';
      done(r);
    });
  };

  return html`<${Panel} title=${t('cal.import')} id="cal-import">
    <div class="row">
      <label for="cal-import-year">${t('cal.year')}</label>
      <select id="cal-import-year" value=${String(year)} onChange=${(e: Event) => (setYear(Number((e.target as HTMLSelectElement).value)), setPreview(null), setResult(null))}>
        ${candidates.map((y) => html`<option value=${String(y)}>${y}${y === library.next.year ? `（${t('cal.next')}）` : ''}</option>`)}
      </select>
    </div>
    ${
      available
        ? html`<p>${t('cal.libraryHas', { year, library: library.library })}</p>
          ${admin ? html`<button type="button" class="primary" disabled=${busy} onClick=${showPreview}>${t('cal.preview')}</button>` : html`<p class="hint">${t('cal.adminOnly')}</p>`}`
        : html`<p class="banner warn" data-library-missing="true">${t('cal.libraryLacks', { year, library: library.library })}</p>`
    }
    ${
      admin
        ? html`<div class="field">
          <label for="cal-file">${t('cal.file')}</label>
          <input id="cal-file" type="file" accept=".ics,.json,text/calendar,application/json" disabled=${busy} onChange=${importFile} aria-describedby="cal-file-hint" />
          <small id="cal-file-hint" class="hint">${t('cal.fileHint')}</small>
        </div>`
        : null
    }
    ${
      preview
        ? html`<section class="cal-preview" aria-label=${t('cal.previewOf', { year: preview.year })}>
          <h3>${t('cal.previewOf', { year: preview.year })}</h3>
          <p>${t('cal.source')}：${preview.source}</p>
          <p>${t('cal.previewCounts', { holidays: preview.holidays, workdays: preview.workdays, added: preview.changes.added.length, removed: preview.changes.removed.length, changed: preview.changes.changed.length })}</p>
          <p data-waiting=${String(preview.waiting.clocks)}>${t('cal.previewWaiting', { clocks: preview.waiting.clocks, tickets: preview.waiting.tickets })}</p>
          ${preview.current.covered ? html`<p class="banner warn">${t('cal.replaces', { year: preview.year, source: preview.current.source ?? '—' })}</p>` : null}
          ${preview.issues.length ? html`<ul class="error">${preview.issues.map((i) => html`<li>${i.path}: ${i.message}</li>`)}</ul>` : null}
          ${preview.warnings.length ? html`<ul class="hint">${preview.warnings.map((w) => html`<li>${w}</li>`)}</ul>` : null}
          ${
            [...preview.changes.removed, ...preview.changes.changed].length
              ? html`<table class="cal-days">
                <thead><tr><th scope="col">${t('cal.day')}</th><th scope="col">${t('cal.before')}</th><th scope="col">${t('cal.after')}</th></tr></thead>
                <tbody>${[...preview.changes.changed, ...preview.changes.removed].map((ch) => html`<tr><th scope="row">${ch.day}</th><td>${dayLabel(ch.before)}</td><td>${dayLabel(ch.after)}</td></tr>`)}</tbody>
              </table>`
              : null
          }
          <details>
            <summary>${t('cal.previewDays', { n: preview.days.length })}</summary>
            <ul class="cal-list">${preview.days.map((d) => html`<li>${d.day} ${lbl('dayKind', d.kind)} ${d.name}</li>`)}</ul>
          </details>
          <button type="button" class="primary" disabled=${busy || preview.issues.length > 0} onClick=${importLibrary}>${t('cal.confirmImport', { year: preview.year })}</button>
        </section>`
        : null
    }
    ${
      result
        ? html`<p class="ok" role="status">${t('cal.imported', { year: result.year, holidays: result.holidays, workdays: result.workdays })}${result.warnings.length ? ` ${result.warnings.join('；')}` : ''}</p>`
        : null
    }
    <${ErrorBox} error=${error} />
    <p class="hint">${t('cal.importNote')}</p>
  <//>`;
}
