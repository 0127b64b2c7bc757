import { useState } from 'preact/hooks';
import { useFormDraft } from '../../ui/draft.ts';
import type { Disposition, EmergencyLine, TicketType, Urgency, WindowReason } from '../../../../src/contract/vocab.ts';

export type IntakeMode = 'phone' | 'window';

/** What the operator has typed for the call in hand. */
export type Draft = {
  phone: string;
  name: string;
  type: TicketType;
  urgency: Urgency;
  categoryId: number | null;
  content: string;
  address: string;
  confidential: boolean;
  allowDirectContact: boolean;
  matter: string;
  hallDepartment: string;
  reason: WindowReason;
  disposition: Disposition;
  transferredTo: EmergencyLine;
  notAcceptedReason: string;
  repeatTicket: { id: number; number: string } | null;
  /** Assisted intake (suggestions.ts): the suggestion shown and the category taken from it by rank */
  assist: AssistPick | null;
};

/** What the draft keeps of assisted intake: the suggestion shown, and the category taken from it (rank 1–3). */
export type AssistPick = { suggestionId: number; accepted: { rank: number; categoryId: number } | null };

export const emptyDraft = (phone = ''): Draft => ({
  phone,
  name: '',
  type: 'consult',
  urgency: 'normal',
  categoryId: null,
  content: '',
  address: '',
  confidential: false,
  allowDirectContact: false,
  matter: '',
  hallDepartment: '',
  reason: 'policy',
  disposition: 'dispatch',
  transferredTo: '110',
  notAcceptedReason: '',
  repeatTicket: null,
  assist: null,
});

export type DraftState = ReturnType<typeof useDraft>;
const untouched = JSON.stringify(emptyDraft());

/**
 * The draft of the call in hand. `formKey` changes with every new call: it remounts the form (so the
 * browser forgets what it validated) and keys the save's idempotency. What is typed is kept as the user's
 * draft (`intake` / `window`) until the call is saved or a new call started.
 */
export function useDraft(mode: IntakeMode) {
  const [form, setForm] = useState<Draft>(emptyDraft);
  const [formKey, setFormKey] = useState(0);
  useFormDraft(
    mode === 'window' ? 'window' : 'intake',
    form,
    (b) => setForm({ ...emptyDraft(), ...b }),
    (f) => JSON.stringify(f) === untouched,
  );
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setForm((f) => ({ ...f, [k]: v }));
  /** Starts the next call, with its number when telephony already knows it. */
  const reset = (phone = '') => {
    setForm(emptyDraft(phone));
    setFormKey((k) => k + 1);
  };
  /** Puts a call back in the form (its save failed after the form had moved on to the next call). */
  const restore = (f: Draft, key: number) => {
    setForm(f);
    setFormKey(key);
  };
  /** Takes the call as a repeat of an open ticket (a duplicate hint's "并入此单"). */
  const linkTo = (ticket: { id: number; number: string }) => setForm((f) => ({ ...f, disposition: 'repeat', repeatTicket: ticket }));
  /** Assisted intake's pick, from the one in the draft (a suggestion arrives while the operator types on). */
  const setAssist = (fn: (p: AssistPick | null) => AssistPick | null) => setForm((f) => ({ ...f, assist: fn(f.assist) }));
  return { form, formKey, set, reset, restore, linkTo, setAssist };
}
