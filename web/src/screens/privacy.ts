import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t, type MsgKey } from '../i18n.ts';
import { get, post } from '../api.ts';
import { fullTime } from '../format.ts';
import { announce, Empty, ErrorBox, Facts, lbl, Panel } from '../ui/common.ts';

type Retention = {
  days: number;
  cron: string;
  cutoff: string | null;
  due: number;
  lastRun: { at: string; tickets: number; contacts: number; notifications: number; textsMasked: number } | null;
};
type ExportedTicket = { number: string; as: 'caller' | 'repeat_caller'; status: string; category: string; createdAt: string; closedAt: string | null };
type Exported = { phone: string; reference: string; exportedAt: string; tickets: ExportedTicket[] };
type Erased = { phone: string; anonymised: string[]; repeatCallsCleared: number; leftOpen: { number: string; status: string }[] };
type Result = { kind: 'export'; body: Exported } | { kind: 'erase'; body: Erased };

const value = (e: Event) => (e.target as HTMLInputElement).value;

/**
 * 个人信息, the security administrator's (docs/privacy.md): the retention in force and its last run, and a caller's
 * verified request — export everything held about a number, or anonymise its closed tickets now.
 */
export function PrivacyScreen() {
  return html`<div class="privacy">
    <h1 class="screen-title">${t('screen.privacy')}</h1>
    <${RetentionPanel} />
    <${RequestPanel} />
  </div>`;
}

function RetentionPanel() {
  const [r, setR] = useState<Retention | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => void get<Retention>('/api/privacy/retention').then(setR, setError), []);
  if (!r) return html`<${Panel} title=${t('privacy.retention')}><${ErrorBox} error=${error} /><//>`;
  const run = r.lastRun;
  return html`<${Panel} title=${t('privacy.retention')} id="privacy-retention">
    <p>${r.days > 0 ? t('privacy.days', { days: r.days }) : t('privacy.never')}</p>
    <${Facts}
      rows=${[
        [t('privacy.schedule'), html`<code>${r.cron}</code>`],
        [t('privacy.cutoff'), r.cutoff ? fullTime(r.cutoff) : '—'],
        [t('privacy.due'), String(r.due)],
        [
          t('privacy.lastRun'),
          run
            ? `${fullTime(run.at)} · ${t('privacy.runCounts', { tickets: run.tickets, contacts: run.contacts, notifications: run.notifications, texts: run.textsMasked })}`
            : t('privacy.notRun'),
        ],
      ]}
    />
  <//>`;
}

function RequestPanel() {
  const [phone, setPhone] = useState('');
  const [reference, setReference] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<Result | null>(null);
  const send = async (kind: 'export' | 'erase') => {
    if (kind === 'erase' && !confirm(t('privacy.confirmErase', { phone }))) return;
    setBusy(true);
    setError(null);
    try {
      const body = await post<Exported & Erased>(`/api/privacy/subject-requests/${kind}`, { phone, reference, note });
      setResult(kind === 'export' ? { kind, body } : { kind, body });
      announce(
        kind === 'export'
          ? t('privacy.exported', { n: body.tickets.length })
          : t('privacy.erased', { n: body.anonymised.length, repeats: body.repeatCallsCleared }),
      );
    } catch (err) {
      setError(err);
      setResult(null);
    }
    setBusy(false);
  };
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const kind = (e.submitter as HTMLButtonElement | null)?.value === 'erase' ? 'erase' : 'export';
    void send(kind);
  };
  return html`<${Panel} title=${t('privacy.request')} id="privacy-request">
    <p class="muted small">${t('privacy.requestHelp')}</p>
    <form onSubmit=${submit}>
      <label for="pv-phone">${t('privacy.phone')}</label>
      <input id="pv-phone" inputmode="tel" autocomplete="off" required value=${phone} onInput=${(e: Event) => setPhone(value(e))} />
      <label for="pv-reference">${t('privacy.reference')}</label>
      <input id="pv-reference" required maxlength="100" value=${reference} onInput=${(e: Event) => setReference(value(e))} />
      <label for="pv-note">${t('privacy.note')}</label>
      <textarea id="pv-note" required maxlength="1000" rows="2" value=${note} onInput=${(e: Event) => setNote(value(e))}></textarea>
      <${ErrorBox} error=${error} />
      <div class="actions">
        <button type="submit" class="primary" value="export" disabled=${busy}>${t('privacy.export')}</button>
        <button type="submit" class="danger" value="erase" disabled=${busy}>${t('privacy.erase')}</button>
      </div>
    </form>
    ${result?.kind === 'export' ? html`<${ExportResult} data=${result.body} />` : null}
    ${result?.kind === 'erase' ? html`<${EraseResult} data=${result.body} />` : null}
  <//>`;
}

function ExportResult({ data }: { data: Exported }) {
  const download = () => {
    const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `personal-data-${data.reference.replace(/[^\w-]+/g, '_')}.json`;
    a.click();
    URL.revokeObjectURL(url);
  };
  return html`<section class="privacy-result" aria-live="polite">
    <p>${t('privacy.exported', { n: data.tickets.length })} <button type="button" onClick=${download}>${t('privacy.download')}</button></p>
    ${
      data.tickets.length
        ? html`<table>
            <thead><tr>${(['number', 'as', 'status', 'category', 'created', 'closed'] as const).map((k) => html`<th>${t(`privacy.${k}`)}</th>`)}</tr></thead>
            <tbody>
              ${data.tickets.map(
                (x) => html`<tr>
                  <td>${x.number}</td>
                  <td>${t(`privacy.as.${x.as}` as MsgKey)}</td>
                  <td>${lbl('status', x.status)}</td>
                  <td>${x.category}</td>
                  <td>${fullTime(x.createdAt)}</td>
                  <td>${x.closedAt ? fullTime(x.closedAt) : '—'}</td>
                </tr>`,
              )}
            </tbody>
          </table>`
        : html`<${Empty} text=${t('privacy.none')} />`
    }
  </section>`;
}

function EraseResult({ data }: { data: Erased }) {
  return html`<section class="privacy-result" aria-live="polite">
    <p>${t('privacy.erased', { n: data.anonymised.length, repeats: data.repeatCallsCleared })}</p>
    ${data.anonymised.length ? html`<p>${t('privacy.erasedList')}: ${data.anonymised.join('、')}</p>` : null}
    ${
      data.leftOpen.length
        ? html`<div class="notice" role="status">
            <p>${t('privacy.leftOpen')}</p>
            <ul>${data.leftOpen.map((x) => html`<li>${x.number}（${lbl('status', x.status)}）</li>`)}</ul>
          </div>`
        : null
    }
  </section>`;
}
