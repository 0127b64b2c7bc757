/**
 * Advice from the optional language model (docs/assist.md, "Language-model hook"): the ticket page's 智能摘要 and
 * the reply review's 答复核查. Shown only when GET /api/assist/status says the hook is on (llm: true); each answer is
 * labelled as a machine's, for reference only, and is never kept — asking again asks again.
 */
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t, type MsgKey } from '../i18n.ts';
import { get, post } from '../api.ts';
import { ErrorBox } from './common.ts';

type Verdict = 'answers' | 'partly' | 'does_not_answer';
type Summary = { kind: 'summary'; summary: string; model: string };
type ReplyCheck = { kind: 'reply_check'; verdict: Verdict; reason: string; model: string };

let status: Promise<boolean> | null = null;
/** Whether a language model is configured; asked once per page load (no route or any failure: off). */
export function useLlmOn(): boolean {
  const [on, setOn] = useState(false);
  useEffect(() => {
    status ??= get<{ llm?: boolean }>('/api/assist/status').then(
      (s) => s.llm === true,
      () => false,
    );
    let live = true;
    void status.then((v) => live && setOn(v));
    return () => void (live = false);
  }, []);
  return on;
}

function useAdvice<T>(path: string, body: Record<string, unknown>) {
  const [state, setState] = useState<{ busy: boolean; result: T | null; error: unknown }>({ busy: false, result: null, error: null });
  const ask = async () => {
    setState({ busy: true, result: null, error: null });
    try {
      setState({ busy: false, result: await post<T>(path, body), error: null });
    } catch (e) {
      setState({ busy: false, result: null, error: e });
    }
  };
  return { ...state, ask };
}

function Advice({ model, children }: { model: string; children: unknown }) {
  return html`<div class="llm-advice" data-llm-advice>
    <p class="llm-label"><span class="badge llm-badge">${t('llm.advisory')}</span> <span class="muted">${t('llm.model', { model })}</span></p>
    ${children}
  </div>`;
}

function Asker({ label, hint, busy, done, ask }: { label: MsgKey; hint: MsgKey; busy: boolean; done: boolean; ask: () => void }) {
  return html`<button type="button" class="small llm-ask" title=${t(hint)} disabled=${busy} aria-busy=${busy ? 'true' : 'false'} onClick=${ask}>
      ${done ? t('llm.again') : t(label)}
    </button>
    ${busy ? html`<span class="loading muted" role="status">${t('llm.working')}</span>` : null}`;
}

/** 智能摘要 on the ticket page. */
export function LlmSummary({ ticketId }: { ticketId: number }) {
  const on = useLlmOn();
  const a = useAdvice<Summary>(`/api/tickets/${ticketId}/assist/summary`, {});
  if (!on) return null;
  return html`<section class="llm tp-screen-only" aria-label=${t('llm.summary')} data-llm="summary">
    <${Asker} label="llm.summary" hint="llm.summaryHint" busy=${a.busy} done=${!!a.result} ask=${() => void a.ask()} />
    <${ErrorBox} error=${a.error} />
    ${a.result ? html`<${Advice} model=${a.result.model}><p class="llm-text">${a.result.summary}</p><//>` : null}
  </section>`;
}

/** 答复核查 where the centre reviews a unit's reply. */
export function LlmReplyCheck({ ticketId, assignmentId }: { ticketId: number; assignmentId?: number }) {
  const on = useLlmOn();
  const a = useAdvice<ReplyCheck>(`/api/tickets/${ticketId}/assist/reply-check`, assignmentId ? { assignmentId } : {});
  if (!on) return null;
  return html`<div class="llm" data-llm="reply-check">
    <${Asker} label="llm.replyCheck" hint="llm.replyCheckHint" busy=${a.busy} done=${!!a.result} ask=${() => void a.ask()} />
    <${ErrorBox} error=${a.error} />
    ${
      a.result
        ? html`<${Advice} model=${a.result.model}>
            <p><strong class=${`llm-verdict llm-${a.result.verdict}`} data-verdict=${a.result.verdict}>${t(`llm.verdict.${a.result.verdict}` as MsgKey)}</strong> ${a.result.reason}</p>
          <//>`
        : null
    }
  </div>`;
}
