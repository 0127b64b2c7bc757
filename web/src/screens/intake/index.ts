import { useLayoutEffect, useRef } from 'preact/hooks';
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
import { SuggestionsPanel, useAcceptKeys, useAssistOn, useSuggestions } from './suggestions.ts';
import { type DispositionBody, ReceiptCard, dispositionOf, useSubmission } from './submit.ts';

/**
 * The intake console for operators (phone) and window clerks ("办不成事" window): keyboard first. Enter
 * saves from any field (Shift+Enter for a new line in the text), F2 starts a new call, F4 searches the
 * knowledge base, F8 closes the call as a direct answer with the selected article.
 */
export function Intake({ mode }: { mode: IntakeMode }) {
  const draft = useDraft(mode);
  const { form } = draft;
  const phone = normalisePhone(form.phone);
  const phoneRef = useRef<HTMLInputElement>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const kbRef = useRef<HTMLInputElement>(null);

  const mine = useMyTickets();
  const submission = useSubmission(mode, () => {
    mine.reload();
    kb.reset();
  });
  const categories = useCategoryOptions(submission.setError);
  const history = useCallerHistory(phone);
  const hints = useDuplicateHints(phone, form.categoryId, form.address, form.content);
  const kb = useKnowledgeBase(form.content);
  const assist = useSuggestions(draft, mode, useAssistOn());
  useAcceptKeys(assist);
  const call = useCallPop(form.phone, (number) => {
    draft.set('phone', number);
    announce(t('intake.callPopped', { phone: number }));
    nameRef.current?.focus();
  });

  // Focus moves in the same task as the new form renders (a layout effect), so no keystroke falls between:
  // autofocus is honoured only on page load, and this screen usually appears after the sign-in form.
  const focusNext = useRef<'phone' | 'name' | null>('phone');
  useLayoutEffect(() => {
    const which = focusNext.current;
    focusNext.current = null;
    if (which) (which === 'name' ? nameRef : phoneRef).current?.focus();
  }, [draft.formKey]);

  const newCall = (phoneValue = '', keepKb = false) => {
    draft.reset(phoneValue);
    submission.setError(null);
    if (!keepKb) kb.reset();
    call.clear();
    focusNext.current = phoneValue ? 'name' : 'phone';
  };

  /**
   * Saving moves on to the next call at once (the form is emptied and the phone field focused before the
   * request returns), so what the operator types next lands in the next call; the saved call travels in the
   * request. Should the save fail, the call comes back into the form with the error beside it.
   */
  const save = (disposition: DispositionBody = dispositionOf(form, kb.selected)) => {
    const saved = form;
    const key = draft.formKey;
    return submission.save(saved, key, disposition, {
      started: () => newCall('', true),
      failed: () => draft.restore(saved, key),
    });
  };

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
        <${SuggestionsPanel} s=${assist} categories=${categories} categoryId=${form.categoryId} />
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
