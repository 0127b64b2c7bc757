import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t, type MsgKey } from '../i18n.ts';
import { get, post } from '../api.ts';
import { ErrorBox, announce } from '../ui/common.ts';

/** The verification a form acts on (its id for the path, its ticket for evidence, its number for the announcement). */
type Props = { v: { id: number; ticketId: number; number: string }; onDone: () => void };
type Attachment = { id: number; fileName: string; url: string };

/** One step of a verification: posts, says so, reloads the list; the API's refusal shows beside the form. */
function useStep({ v, onDone }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (step: 'decision' | 'appeal' | 'rectification', body: object, done: MsgKey) => {
    setBusy(true);
    setError(null);
    try {
      await post(`/api/rating-verifications/${v.id}/${step}`, body);
      announce(t(done, { number: v.number }));
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

function TextField({
  id,
  label,
  value,
  set,
  rows = 2,
  hint,
  max = 2000,
}: {
  id: string;
  label: string;
  value: string;
  set: (s: string) => void;
  rows?: number;
  hint?: string;
  max?: number;
}) {
  return html`<div class="field">
    <label for=${id}>${label}</label>
    <textarea
      id=${id}
      rows=${rows}
      required
      maxlength=${max}
      aria-describedby=${hint ? `${id}-hint` : undefined}
      value=${value}
      onInput=${(e: Event) => set((e.target as HTMLTextAreaElement).value)}
    ></textarea>
    ${hint ? html`<small id=${`${id}-hint`} class="hint">${hint}</small>` : null}
  </div>`;
}

/** The supervisor's decision: 确认差评 (the unit must rectify) or 不予认定, with a note either way. */
export function DecisionForm(props: Props) {
  const [note, setNote] = useState('');
  const { busy, error, run } = useStep(props);
  const id = `rv-note-${props.v.id}`;
  const decide = (confirm: boolean) => (e: Event) => {
    e.preventDefault();
    const form = (e.currentTarget as HTMLElement).closest('form')!;
    if (!form.reportValidity()) return;
    void run('decision', { confirm, note: note.trim() }, 'rv.doneDecision');
  };
  return html`<form class="rv-form" aria-label=${`${t('rv.decision')} ${props.v.number}`} onSubmit=${(e: Event) => e.preventDefault()}>
    <${TextField} id=${id} label=${t('rv.note')} value=${note} set=${setNote} />
    <div class="row">
      <button type="submit" class="primary" disabled=${busy} onClick=${decide(true)}>${t('rv.confirm')}</button>
      <button type="button" disabled=${busy} onClick=${decide(false)}>${t('rv.dismiss')}</button>
    </div>
    <${ErrorBox} error=${error} />
  </form>`;
}

/** The rated unit's leader appeals while the centre verifies. */
export function AppealForm(props: Props) {
  const [reason, setReason] = useState('');
  const [files, setFiles] = useState<Attachment[]>([]);
  const [chosen, setChosen] = useState<number[]>([]);
  const { busy, error, run } = useStep(props);
  // Evidence is the ticket's own attachments (the unit's photos of the work, documents): ticked, not uploaded here.
  useEffect(() => {
    get<{ items: Attachment[] }>(`/api/tickets/${props.v.ticketId}/attachments`).then(
      (r) => setFiles(r.items),
      () => setFiles([]),
    );
  }, [props.v.ticketId]);
  const toggle = (id: number, on: boolean) => setChosen((c) => (on ? [...c, id] : c.filter((x) => x !== id)));
  const submit = (e: Event) => {
    e.preventDefault();
    void run('appeal', { reason: reason.trim(), ...(chosen.length ? { attachmentIds: chosen } : {}) }, 'rv.doneAppeal');
  };
  return html`<form class="rv-form" aria-label=${`${t('rv.appeal')} ${props.v.number}`} onSubmit=${submit}>
    <${TextField} id=${`rv-appeal-${props.v.id}`} label=${t('rv.appealReason')} value=${reason} set=${setReason} rows=${3} />
    ${
      files.length
        ? html`<fieldset class="checks">
          <legend>${t('rv.appealFile')}</legend>
          ${files.map(
            (f) => html`<label>
              <input type="checkbox" checked=${chosen.includes(f.id)} onChange=${(e: Event) => toggle(f.id, (e.target as HTMLInputElement).checked)} />
              ${f.fileName}
            </label>`,
          )}
        </fieldset>`
        : null
    }
    <button type="submit" class="primary" disabled=${busy}>${t('rv.submitAppeal')}</button>
    <${ErrorBox} error=${error} />
  </form>`;
}

/** The rated unit's rectification and its answer to the caller (sent by SMS), once the bad rating is confirmed. */
export function RectifyForm(props: Props) {
  const [text, setText] = useState('');
  const [answer, setAnswer] = useState('');
  const { busy, error, run } = useStep(props);
  const submit = (e: Event) => {
    e.preventDefault();
    void run('rectification', { text: text.trim(), answer: answer.trim() }, 'rv.doneRectify');
  };
  const id = props.v.id;
  return html`<form class="rv-form" aria-label=${`${t('rv.submitRectify')} ${props.v.number}`} onSubmit=${submit}>
    <${TextField} id=${`rv-text-${id}`} label=${t('rv.rectification')} value=${text} set=${setText} rows=${3} />
    <${TextField} id=${`rv-answer-${id}`} label=${t('rv.answer')} value=${answer} set=${setAnswer} rows=${3} hint=${t('rv.rectifyHint')} max=${500} />
    <button type="submit" class="primary" disabled=${busy}>${t('rv.submitRectify')}</button>
    <${ErrorBox} error=${error} />
  </form>`;
}
