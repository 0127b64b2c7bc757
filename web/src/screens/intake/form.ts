import type { Ref } from 'preact';
import { html } from '../../html.ts';
import { t } from '../../i18n.ts';
import type { KbArticle } from '../../types.ts';
import { Combobox, type Option } from '../../ui/combobox.ts';
import { ErrorBox, lbl } from '../../ui/common.ts';
import { DISPOSITIONS, EMERGENCY_LINES, TICKET_TYPES, URGENCIES, WINDOW_REASONS } from '../../../../src/contract/vocab.ts';
import type { DraftState, IntakeMode } from './draft.ts';
import { enterSubmits } from './shortcuts.ts';
import { fieldError } from '../../ui/field-errors.ts';

type Props = {
  mode: IntakeMode;
  title: string;
  draft: DraftState;
  /** The number once it is complete (null while it is not). */
  phone: string | null;
  categories: Option[];
  /** The knowledge-base article a direct answer would quote. */
  article: KbArticle | undefined;
  error: unknown;
  saving: boolean;
  phoneRef: Ref<HTMLInputElement>;
  nameRef: Ref<HTMLInputElement>;
  onSave: () => void;
  onNewCall: () => void;
};

/** The call's form: caller, demand, category, address, the window's fields, privacy and how the call ends. */
export function DraftForm({ mode, title, draft, phone, categories, article, error, saving, phoneRef, nameRef, onSave, onNewCall }: Props) {
  const { form, set } = draft;
  const onInput = (k: keyof typeof form) => (e: Event) => set(k, (e.target as HTMLInputElement).value as never);
  const onCheck = (k: 'confidential' | 'allowDirectContact') => (e: Event) => set(k, (e.target as HTMLInputElement).checked);
  // the server's validation issues, each beside its field
  const fe = {
    phone: fieldError(error, 'in-phone', ['body.caller.phone'], 'in-phone-hint'),
    name: fieldError(error, 'in-name', ['body.caller.name']),
    category: fieldError(error, 'in-category', ['body.categoryId']),
    content: fieldError(error, 'in-content', ['body.content']),
    address: fieldError(error, 'in-address', ['body.address']),
    matter: fieldError(error, 'in-matter', ['body.window.matter']),
    hall: fieldError(error, 'in-hall', ['body.window.hallDepartment']),
    na: fieldError(error, 'in-na', ['body.disposition.reason']),
  };

  return html`<form class="card intake-form" aria-label=${title} onKeyDown=${enterSubmits} onSubmit=${(e: Event) => (e.preventDefault(), onSave())}>
    <div class="row">
      <div class="field">
        <label for="in-phone">${t('field.phone')}<span aria-hidden="true"> *</span></label>
        <input id="in-phone" ref=${phoneRef} type="tel" inputmode="tel" autocomplete="off" required autofocus value=${form.phone} onInput=${onInput('phone')} aria-invalid=${fe.phone.invalid} aria-describedby=${fe.phone.describedBy} />
        <small id="in-phone-hint" class="hint">${phone ? t('intake.phoneOk') : t('intake.phoneHint')}</small>
        ${fe.phone.node}
      </div>
      <div class="field">
        <label for="in-name">${t('field.callerName')}</label>
        <input id="in-name" ref=${nameRef} autocomplete="off" value=${form.name} onInput=${onInput('name')} aria-invalid=${fe.name.invalid} aria-describedby=${fe.name.describedBy} />
        ${fe.name.node}
      </div>
    </div>
    <div class="row">
      <div class="field">
        <label for="in-type">${t('field.type')}</label>
        <select id="in-type" value=${form.type} onChange=${onInput('type')}>
          ${TICKET_TYPES.map((v) => html`<option value=${v}>${lbl('type', v)}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="in-urgency">${t('field.urgency')}</label>
        <select id="in-urgency" value=${form.urgency} onChange=${onInput('urgency')}>
          ${URGENCIES.map((v) => html`<option value=${v}>${lbl('urgency', v)}</option>`)}
        </select>
      </div>
    </div>
    <${Combobox}
      id="in-category"
      label=${t('field.category')}
      options=${categories}
      value=${form.categoryId}
      onChange=${(id: number | null) => set('categoryId', id)}
      required=${true}
      hint=${t('intake.categoryHint')}
    />
    ${fe.category.node}
    <div class="field">
      <label for="in-content">${t('field.content')}<span aria-hidden="true"> *</span></label>
      <textarea id="in-content" rows="4" required minlength="10" value=${form.content} onInput=${onInput('content')} aria-invalid=${fe.content.invalid} aria-describedby=${fe.content.describedBy}></textarea>
      ${fe.content.node}
    </div>
    <div class="field">
      <label for="in-address">${t('field.address')}</label>
      <input id="in-address" autocomplete="off" value=${form.address} onInput=${onInput('address')} aria-invalid=${fe.address.invalid} aria-describedby=${fe.address.describedBy} />
      ${fe.address.node}
    </div>
    ${
      mode === 'window'
        ? html`<fieldset class="window-fields">
          <legend>${t('intake.windowFields')}</legend>
          <div class="field">
            <label for="in-matter">${t('field.matter')}<span aria-hidden="true"> *</span></label>
            <input id="in-matter" required value=${form.matter} onInput=${onInput('matter')} aria-invalid=${fe.matter.invalid} aria-describedby=${fe.matter.describedBy} />
            ${fe.matter.node}
          </div>
          <div class="row">
            <div class="field">
              <label for="in-hall">${t('field.hallDepartment')}<span aria-hidden="true"> *</span></label>
              <input id="in-hall" required value=${form.hallDepartment} onInput=${onInput('hallDepartment')} aria-invalid=${fe.hall.invalid} aria-describedby=${fe.hall.describedBy} />
              ${fe.hall.node}
            </div>
            <div class="field">
              <label for="in-reason">${t('field.windowReason')}</label>
              <select id="in-reason" value=${form.reason} onChange=${onInput('reason')}>
                ${WINDOW_REASONS.map((v) => html`<option value=${v}>${lbl('windowReason', v)}</option>`)}
              </select>
            </div>
          </div>
        </fieldset>`
        : null
    }
    <div class="row checks">
      <label><input type="checkbox" checked=${form.confidential} onChange=${onCheck('confidential')} /> ${t('field.confidential')}</label>
      <label><input type="checkbox" checked=${form.allowDirectContact} disabled=${form.confidential} onChange=${onCheck('allowDirectContact')} /> ${t('field.allowDirectContact')}</label>
    </div>
    <div class="row">
      <div class="field">
        <label for="in-disposition">${t('field.disposition')}</label>
        <select id="in-disposition" value=${form.disposition} onChange=${onInput('disposition')}>
          ${DISPOSITIONS.map((v) => html`<option value=${v} disabled=${v === 'repeat' && !form.repeatTicket}>${lbl('disposition', v)}</option>`)}
        </select>
      </div>
      ${
        form.disposition === 'emergency_transfer'
          ? html`<div class="field">
            <label for="in-line">${t('field.transferredTo')}</label>
            <select id="in-line" value=${form.transferredTo} onChange=${onInput('transferredTo')}>
              ${EMERGENCY_LINES.map((v) => html`<option value=${v}>${v}</option>`)}
            </select>
          </div>`
          : null
      }
      ${
        form.disposition === 'not_accepted'
          ? html`<div class="field">
            <label for="in-na">${t('field.notAcceptedReason')}</label>
            <input id="in-na" required value=${form.notAcceptedReason} onInput=${onInput('notAcceptedReason')} aria-invalid=${fe.na.invalid} aria-describedby=${fe.na.describedBy} />
            ${fe.na.node}
          </div>`
          : null
      }
      ${form.disposition === 'repeat' && form.repeatTicket ? html`<p class="note">${t('intake.willLink', { number: form.repeatTicket.number })}</p>` : null}
      ${form.disposition === 'direct_answer' ? html`<p class="note">${article ? t('intake.willAnswer', { title: article.title }) : t('intake.kbRequired')}</p>` : null}
    </div>
    <${ErrorBox} error=${error} />
    <div class="actions">
      <button type="submit" class="primary" disabled=${saving}>${t('intake.save')} <kbd>Enter</kbd></button>
      <button type="button" onClick=${() => onNewCall()}>${t('intake.newCall')} <kbd>F2</kbd></button>
    </div>
  </form>`;
}
