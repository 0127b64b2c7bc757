import { html } from '../html.ts';
import { t } from '../i18n.ts';
import { fullTime, shortTime } from '../format.ts';
import type { Assignment, ClockName, ClockState } from '../types.ts';
import { Countdown } from './common.ts';

/** What a clock cell reads: an assignment of the ticket view, or a chain workbench row (both with their clock states). */
export type ClockHolder = { deadlines: Record<ClockName, string | null>; warningLevel: string; sla?: Assignment['sla'] };

/**
 * One SLA clock as the ticket view, the unit desk and the dispatch desk show it: a countdown while it runs;
 * otherwise what became of it — awaiting the calendar (with the year to import), paused while a
 * termination request is reviewed, met, missed, or stopped when the ticket left the units' hands.
 * Without clock states (an assignment from an older answer) it falls back to the plain countdown.
 */
export function ClockCell({ a, clock, label }: { a: ClockHolder; clock: ClockName; label: string }) {
  const c: ClockState | undefined = a.sla?.clocks[clock];
  if (!c) return html`<${Countdown} deadline=${a.deadlines[clock]} level=${a.warningLevel} label=${label} />`;
  const at = (x: string | null) => (x ? shortTime(x) : '');
  switch (c.state) {
    case 'awaiting_calendar':
      return html`<span class="badge awaiting" data-clock-state="awaiting_calendar" title=${t('clock.awaitingTitle', { date: c.awaitingCalendar?.date ?? '' })}>
        ${t('clock.awaiting', { year: c.awaitingCalendar?.year ?? '' })}
      </span>`;
    case 'paused':
      return html`<span class="badge" data-clock-state="paused" title=${c.dueAt ? `${label} ${fullTime(c.dueAt)}` : label}>${t('clock.paused')}</span>`;
    case 'running':
      return html`<span data-clock-state="running"><${Countdown} deadline=${c.dueAt} level=${c.level} label=${label} /></span>`;
    case 'missed': {
      // Still running past its deadline (or past a deadline an extension moved): the countdown shows how late.
      const kept = clock === 'complete' && a.sla?.completeMissedAt;
      if (!c.stoppedAt) {
        return html`<span data-clock-state="missed">
          <${Countdown} deadline=${c.dueAt} level=${kept ? 'overdue' : c.level} label=${label} />
          ${kept ? html` <small class="warn-overdue">${t('clock.missedBeforeExtension', { at: at(a.sla!.completeMissedAt) })}</small>` : null}
        </span>`;
      }
      return html`<span class="countdown warn-overdue" data-clock-state="missed" title=${c.dueAt ? `${label} ${fullTime(c.dueAt)}` : label}>
        ${t('clock.missed', { at: at(c.stoppedAt) })}
      </span>`;
    }
    case 'met':
      return html`<span data-clock-state="met" title=${c.dueAt ? `${label} ${fullTime(c.dueAt)}` : label}>${t('clock.met', { at: at(c.stoppedAt) })}</span>`;
    case 'stopped':
      return html`<span class="muted" data-clock-state="stopped">${t('clock.stopped', { at: at(c.stoppedAt) })}</span>`;
    default:
      return html`<span class="countdown" data-clock-state="none">—</span>`;
  }
}

/** The calendar-waiting note of a whole ticket (its clocks have no deadline until the year is imported). */
export function AwaitingCalendarNote({ waiting }: { waiting: { year: number; clocks: number } | null | undefined }) {
  if (!waiting) return null;
  return html`<p class="banner warn" role="note" data-awaiting-calendar=${String(waiting.year)}>${t('clock.ticketAwaiting', { n: waiting.clocks, year: waiting.year })}</p>`;
}

/** In lists: the ticket has a clock awaiting the calendar (with the year to import, when the list says it). */
export function AwaitingBadge({ on, year }: { on: boolean | undefined; year?: number | null }) {
  if (!on) return null;
  return html`<span class="badge awaiting" data-awaiting-calendar=${year ?? ''} title=${t('clock.awaitingListTitle')}>
    ${year ? t('clock.awaiting', { year }) : t('clock.awaitingBadge')}
  </span>`;
}
