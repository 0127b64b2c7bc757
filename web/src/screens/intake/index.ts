import { useEffect, useRef } from 'preact/hooks';
import { html } from '../../html.ts';
import { t } from '../../i18n.ts';
import { ApiError } from '../../api.ts';
import { Panel, announce } from '../../ui/common.ts';
import { normalisePhone } from '../../../../src/contract/phone.ts';
import { CallWaiting, CallerHistory, useCallPop, useCallerHistory } from './caller.ts';
import { useCategoryOptions } from './categories.ts';
import { type IntakeMode, useDraft } from './draft.ts';
import { DuplicateHints, useDuplicateHints } from './duplicates.ts';
import { DraftForm } from './form.ts';
import { KnowledgePanel, answerWith, useKnowledgeBase } from './knowledge.ts';
import { MinePanel, useMyTickets } from './mine.ts';
import { ShortcutsLine, useShortcuts } from './shortcuts.ts';
import { type DispositionBody, ReceiptCard, dispositionOf, useSubmission } from './submit.ts';

/**
 * The intake console for operators (phone) and window clerks ("办不成事" window): keyboard first. Enter
 * saves from any field (Shift+Enter for a new line in the text), F2 starts a new call, F4 searches the
 * knowledge base, F8 closes the call as a direct answer with the selected article.
 */
export function Intake({ mode }: { mode: IntakeMode }) {
  const draft = useDraft();
  const { form } = draft;
  const phone = normalisePhone(form.phone);
  const phoneRef = useRef<HTMLInputElement>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const kbRef = useRef<HTMLInputElement>(null);

  const mine = useMyTickets();
  const submission = useSubmission(mode, () => {
    mine.reload();
    newCall();
  });
  const categories = useCategoryOptions(submission.setError);
  const history = useCallerHistory(phone);
  const hints = useDuplicateHints(phone, form.categoryId, form.address);
  const kb = useKnowledgeBase(form.content);
  const call = useCallPop(form.phone, (number) => {
    draft.set('phone', number);
    announce(t('intake.callPopped', { phone: number }));
    nameRef.current?.focus();
  });

  // autofocus is honoured only on page load; this screen usually appears after the sign-in form.
  useEffect(() => phoneRef.current?.focus(), []);

  const newCall = (phoneValue = '') => {
    draft.reset(phoneValue);
    submission.setError(null);
    kb.reset();
    call.clear();
    setTimeout(() => (phoneValue ? nameRef.current : phoneRef.current)?.focus(), 0);
  };

  const save = (disposition: DispositionBody = dispositionOf(form, kb.selected)) => submission.save(form, draft.formKey, disposition);

  const directAnswer = (index = kb.active) => {
    const a = kb.results[index];
    if (!a) {
      submission.setError(new ApiError(400, 'kb_required', t('intake.kbRequired')));
      kbRef.current?.focus();
      return;
    }
    kb.setActive(index);
    void save(answerWith(a));
  };

  useShortcuts({
    F2: () => newCall(call.pending ?? ''),
    F4: () => {
      kbRef.current?.focus();
      kbRef.current?.select();
    },
    F8: () => directAnswer(),
  });

  const title = mode === 'window' ? t('screen.window') : t('screen.intake');
  return html`<div class="intake">
    <h1 class="screen-title">${title}</h1>
    <${ShortcutsLine} />
    <${CallWaiting} phone=${call.pending} onTake=${newCall} />
    <${ReceiptCard} receipt=${submission.receipt} />
    <div class="intake-grid">
      <${DraftForm}
        key=${draft.formKey}
        mode=${mode}
        title=${title}
        draft=${draft}
        phone=${phone}
        categories=${categories}
        article=${kb.selected}
        error=${submission.error}
        saving=${submission.saving}
        phoneRef=${phoneRef}
        nameRef=${nameRef}
        onSave=${() => void save()}
        onNewCall=${() => newCall()}
      />
      <div class="side">
        <${Panel} title=${t('intake.callerPanel')} id="caller-panel">
          <${CallerHistory} history=${history} />
          <${DuplicateHints} hints=${hints} onLink=${draft.linkTo} />
        <//>
        <${KnowledgePanel} kb=${kb} inputRef=${kbRef} onAnswer=${directAnswer} />
        <${MinePanel} mine=${mine.mine} />
      </div>
    </div>
  </div>`;
}
