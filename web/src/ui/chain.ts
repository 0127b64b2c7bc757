import { html } from '../html.ts';
import { t } from '../i18n.ts';
import { shortTime } from '../format.ts';
import type { Assignment, ChainRow, ClockName } from '../types.ts';
import { lbl } from './common.ts';
import { ClockCell, type ClockHolder } from './clock.ts';

/** Says which of a sub-assignment's clocks were brought back to end with its parent's (nothing when none was). */
export function ClampedNote({ clocks }: { clocks: ClockName[] | undefined }) {
  if (!clocks?.length) return null;
  return html`<span class="clamped" role="note" data-clamped=${clocks.join(',')}>
    ${t('chain.clamped', { clocks: clocks.map((c) => lbl('deadline', c)).join('、') })}
  </span>`;
}

type Steps = ClockHolder & Pick<ChainRow, 'signedAt' | 'firstContactAt' | 'repliedAt'>;

/**
 * A sub-assignment's three clocks side by side: each step once taken shows when, else its clock as the ticket
 * view shows it (a workbench row carries the same clock states: awaiting the calendar shows with its year).
 */
export function StepClocks({ a }: { a: Steps }) {
  const cell = (clock: ClockName, done: string | null, doneKey: 'chain.signedAt' | 'chain.contactedAt' | 'chain.repliedAt') =>
    html`<span class="step" data-step=${clock}>
      <small>${lbl('deadline', clock)}</small>
      ${done ? t(doneKey, { at: shortTime(done) }) : html`<${ClockCell} a=${a} clock=${clock} label=${lbl('deadline', clock)} />`}
    </span>`;
  return html`<span class="steps" aria-label=${t('chain.clocks')}>
    ${cell('sign', a.signedAt, 'chain.signedAt')} ${cell('response', a.firstContactAt, 'chain.contactedAt')} ${cell('complete', a.repliedAt, 'chain.repliedAt')}
  </span>`;
}

/** On a sub-unit's own assignment: who handed it down, the parent's note, and the clocks clamped to the parent's. */
export function FromParent({ view, a }: { view: { assignments: Assignment[] }; a: Assignment }) {
  if (!a.parentId) return null;
  const parent = view.assignments.find((p) => p.id === a.parentId);
  return html`<section class="card from-parent" aria-labelledby=${`fp-h-${a.id}`} data-parent-note>
    <h3 id=${`fp-h-${a.id}`}>${t('chain.fromParent')}${parent ? ` · ${parent.unit.name}` : ''}</h3>
    <p><strong>${t('chain.parentNote')}：</strong>${a.handDownNote?.trim() ? a.handDownNote : t('chain.noNote')}</p>
    <${ClampedNote} clocks=${a.clampedClocks} />
  </section>`;
}
