import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t, type MsgKey } from '../i18n.ts';
import { get, post, request } from '../api.ts';
import { fullTime } from '../format.ts';
import { announce, Empty, ErrorBox, Panel } from '../ui/common.ts';

type Settings = { enabled: boolean; autoDispatchThreshold: number | null };
type Evaluation = { heldOut: number; top1?: number; top3?: number; majorityTop1?: number; temperature: number };
type Model = {
  id: number;
  target: 'category' | 'unit';
  version: number;
  trainedAt: string;
  samples: number;
  classes: number;
  evaluation: Evaluation;
  pruned: boolean;
};
type Models = { items: Model[]; retraining: { startedAt: string; by: number | null } | null };
type Rates = { n: number; top1: number | null; top3: number | null };
type Week = { week: string; from: string; suggestions: number; category: Rates; unit: Rates; automatic: number };
type Lexicon = { words: { word: string; createdAt: string }[]; derived: number };

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);
const value = (e: Event) => (e.target as HTMLInputElement).value;

/**
 * 智能辅助, the system administrator's (docs/assist.md): the switch and the auto-dispatch threshold, the model
 * versions with their held-out figures and a retrain button, live accuracy per week, and the segmentation words.
 */
export function AssistAdminScreen() {
  return html`<div class="assist-admin">
    <h1 class="screen-title">${t('screen.assistAdmin')}</h1>
    <${SettingsPanel} />
    <${ModelsPanel} />
    <${AccuracyPanel} />
    <${LexiconPanel} />
  </div>`;
}

function SettingsPanel() {
  const [s, setS] = useState<Settings | null>(null);
  const [threshold, setThreshold] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const show = (x: Settings) => {
    setS(x);
    setThreshold(x.autoDispatchThreshold === null ? '' : String(x.autoDispatchThreshold));
  };
  useEffect(() => void get<Settings>('/api/assist/settings').then(show, setError), []);
  const save = async (change: Partial<Settings>) => {
    // the switch shows the change at once (and goes back if the server refuses it)
    if (s && change.enabled !== undefined) setS({ ...s, enabled: change.enabled });
    setBusy(true);
    setError(null);
    try {
      show(await request<Settings>('PUT', '/api/assist/settings', change));
      announce(t('assistAdmin.saved'));
    } catch (err) {
      setError(err);
      if (s) setS({ ...s });
    }
    setBusy(false);
  };
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    void save({ autoDispatchThreshold: threshold.trim() === '' ? null : Number(threshold) });
  };
  if (!s) return html`<${Panel} title=${t('assistAdmin.settings')}><${ErrorBox} error=${error} /><//>`;
  return html`<${Panel} title=${t('assistAdmin.settings')} id="assist-settings">
    <label class="check">
      <input type="checkbox" id="as-enabled" checked=${s.enabled} disabled=${busy} onChange=${(e: Event) => void save({ enabled: (e.target as HTMLInputElement).checked })} />
      ${t('assistAdmin.enabled')}
    </label>
    <form onSubmit=${submit}>
      <label for="as-threshold">${t('assistAdmin.threshold')}</label>
      <input id="as-threshold" type="number" min="0.5" max="1" step="0.01" placeholder=${t('assistAdmin.thresholdOff')} value=${threshold}
        onInput=${(e: Event) => setThreshold(value(e))} />
      <p class="muted small">${t('assistAdmin.thresholdHelp')}</p>
      <${ErrorBox} error=${error} />
      <div class="actions"><button type="submit" class="primary" disabled=${busy}>${t('assistAdmin.save')}</button></div>
    </form>
  <//>`;
}

function ModelsPanel() {
  const [m, setM] = useState<Models | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = () => get<Models>('/api/assist/models').then(setM, setError);
  useEffect(() => void load(), []);
  // while a run is under way, look again every few seconds
  useEffect(() => {
    if (!m?.retraining) return;
    const id = setTimeout(() => void load(), 3000);
    return () => clearTimeout(id);
  }, [m]);
  const retrain = async () => {
    setError(null);
    try {
      await post('/api/assist/models/retrain');
      announce(t('assistAdmin.retrainStarted'));
      await load();
    } catch (err) {
      setError(err);
    }
  };
  const ev = (x: Model) => x.evaluation;
  return html`<${Panel} title=${t('assistAdmin.models')} id="assist-models">
    <div class="actions">
      <button type="button" id="as-retrain" disabled=${!!m?.retraining} onClick=${() => void retrain()}>${t('assistAdmin.retrain')}</button>
      ${m?.retraining ? html`<span class="muted">${t('assistAdmin.retraining', { at: fullTime(m.retraining.startedAt) })}</span>` : null}
    </div>
    <${ErrorBox} error=${error} />
    ${
      !m
        ? null
        : !m.items.length
          ? html`<${Empty} text=${t('assistAdmin.noModels')} />`
          : html`<table class="list">
            <thead><tr>
              ${(['target', 'version', 'trainedAt', 'samples', 'classes', 'heldOut', 'top1', 'top3', 'majority'] as const).map(
                (k) => html`<th scope="col">${t(`assistAdmin.${k}` as MsgKey)}</th>`,
              )}
            </tr></thead>
            <tbody>${m.items.map(
              (x) => html`<tr data-target=${x.target} data-version=${x.version}>
                <td>${t(`assistAdmin.target.${x.target}` as MsgKey)}</td>
                <td>v${x.version}${x.pruned ? html` <span class="muted small">(${t('assistAdmin.pruned')})</span>` : null}</td>
                <td>${fullTime(x.trainedAt)}</td>
                <td>${x.samples}</td>
                <td>${x.classes}</td>
                <td>${ev(x).heldOut || '—'}</td>
                <td>${pct(ev(x).top1)}</td>
                <td>${pct(ev(x).top3)}</td>
                <td>${pct(ev(x).majorityTop1)}</td>
              </tr>`,
            )}</tbody>
          </table>`
    }
  <//>`;
}

function AccuracyPanel() {
  const [weeks, setWeeks] = useState<Week[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => void get<{ items: Week[] }>('/api/assist/accuracy?weeks=12').then((r) => setWeeks(r.items), setError), []);
  const cols = ['week', 'shown', 'categoryTop1', 'categoryTop3', 'unitTop1', 'unitTop3', 'automatic'] as const;
  return html`<${Panel} title=${t('assistAdmin.accuracy')} id="assist-accuracy">
    <p class="muted small">${t('assistAdmin.accuracyHelp')}</p>
    <${ErrorBox} error=${error} />
    ${
      !weeks
        ? null
        : !weeks.length
          ? html`<${Empty} text=${t('assistAdmin.noAccuracy')} />`
          : html`<table class="list">
            <thead><tr>${cols.map((k) => html`<th scope="col">${t(`assistAdmin.${k}` as MsgKey)}</th>`)}</tr></thead>
            <tbody>${weeks.map(
              (w) => html`<tr>
                <td title=${w.from}>${w.week}</td>
                <td>${w.suggestions}</td>
                <td>${pct(w.category.top1)} <span class="muted small">(${w.category.n})</span></td>
                <td>${pct(w.category.top3)}</td>
                <td>${pct(w.unit.top1)} <span class="muted small">(${w.unit.n})</span></td>
                <td>${pct(w.unit.top3)}</td>
                <td>${w.automatic}</td>
              </tr>`,
            )}</tbody>
          </table>`
    }
  <//>`;
}

function LexiconPanel() {
  const [lex, setLex] = useState<Lexicon | null>(null);
  const [word, setWord] = useState('');
  const [error, setError] = useState<unknown>(null);
  const load = () => get<Lexicon>('/api/assist/lexicon').then(setLex, setError);
  useEffect(() => void load(), []);
  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      await load();
    } catch (err) {
      setError(err);
    }
  };
  const add = (e: SubmitEvent) => {
    e.preventDefault();
    void act(async () => {
      await post('/api/assist/lexicon', { word: word.trim() });
      setWord('');
    });
  };
  return html`<${Panel} title=${t('assistAdmin.lexicon')} id="assist-lexicon">
    <p class="muted small">${t('assistAdmin.lexiconHelp', { derived: lex?.derived ?? 0 })}</p>
    <form onSubmit=${add} class="inline">
      <label for="as-word">${t('assistAdmin.word')}</label>
      <input id="as-word" required maxlength="30" autocomplete="off" value=${word} onInput=${(e: Event) => setWord(value(e))} />
      <button type="submit">${t('assistAdmin.add')}</button>
    </form>
    <${ErrorBox} error=${error} />
    ${
      lex && !lex.words.length
        ? html`<${Empty} text=${t('assistAdmin.noWords')} />`
        : html`<ul class="assist-words">
          ${(lex?.words ?? []).map(
            (x) => html`<li>
              <span>${x.word}</span>
              <button type="button" class="small" aria-label=${`${t('assistAdmin.remove')} ${x.word}`}
                onClick=${() => void act(() => request('DELETE', `/api/assist/lexicon/${encodeURIComponent(x.word)}`))}>${t('assistAdmin.remove')}</button>
            </li>`,
          )}
        </ul>`
    }
  <//>`;
}
