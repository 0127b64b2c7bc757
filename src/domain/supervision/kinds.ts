/**
 * Key supervision (重点督办), its pure rules: which kinds of key tickets the supervisor tracks (a setting), and
 * when a 督办 escalates and becomes an accountability item (working days over the calendar table).
 */
import { isWorkingDay, localDayNumber, localInstant, type CalendarData } from '../calendar/calendar.ts';
import { KEY_TICKET_KIND_LABELS } from '../../contract/labels.ts';
import { KEY_TICKET_KINDS, type KeyTicketKind } from '../vocab.ts';

/** One tracked kind; `min` is the threshold of the counted kinds (repeat: calls, returned: approved returns). */
export type KeyKindSpec = { kind: 'overdue' | 'redo_dissatisfied' } | { kind: 'repeat' | 'returned'; min: number };

const COUNTED: readonly KeyTicketKind[] = ['repeat', 'returned'];
/** The least threshold that means anything: one call is every ticket, one return is any return (use returned>=1 for that). */
const LEAST: Record<'repeat' | 'returned', number> = { repeat: 2, returned: 1 };

/**
 * Reads the KEY_SUPERVISION_KINDS setting: `;`-separated kinds, `repeat>=N` and `returned>=N` with their
 * threshold (`overdue;repeat>=3;redo_dissatisfied;returned>=2`). Each kind at most once; an empty text tracks
 * nothing. Throws with a message naming the part it cannot read (the configuration stops the start with it).
 */
export function parseKeyKinds(text: string): KeyKindSpec[] {
  const specs: KeyKindSpec[] = [];
  for (const part of text
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([a-z_]+)\s*(?:>=\s*(\d{1,4}))?$/.exec(part);
    const kind = m?.[1] as KeyTicketKind | undefined;
    const fail = (why: string) =>
      new Error(`key supervision kinds: cannot read "${part}": ${why} (expected e.g. overdue;repeat>=3;redo_dissatisfied;returned>=2)`);
    if (!m || !kind || !(KEY_TICKET_KINDS as readonly string[]).includes(kind)) throw fail(`kinds are ${KEY_TICKET_KINDS.join(', ')}`);
    if (specs.some((s) => s.kind === kind)) throw fail('named twice');
    if (COUNTED.includes(kind)) {
      if (m[2] === undefined) throw fail(`${kind} needs a threshold, ${kind}>=N`);
      const min = Number(m[2]);
      const least = LEAST[kind as 'repeat' | 'returned'];
      if (min < least) throw fail(`${kind}>=N needs N of at least ${least}`);
      specs.push({ kind: kind as 'repeat' | 'returned', min });
    } else {
      if (m[2] !== undefined) throw fail(`${kind} takes no threshold`);
      specs.push({ kind: kind as 'overdue' | 'redo_dissatisfied' });
    }
  }
  return specs;
}

export const thresholdOf = (s: KeyKindSpec): number | null => ('min' in s ? s.min : null);

/** The kind's Chinese name with its threshold (重复来电（≥3次）), for the report and messages. */
export function keyKindTitle(s: KeyKindSpec): string {
  const name = KEY_TICKET_KIND_LABELS[s.kind];
  return 'min' in s ? `${name}（≥${s.min}次）` : name;
}

/**
 * The escalation clock: a 督办 opened at `since` is due for its next step at the close of the n-th working day
 * after the day it was opened (次日起, as the SLA policies count working days: addWorkingDays), never by
 * weekdays alone. The sweep asks the other way round — which items are due at `now` — so it can select them
 * with one comparison: an item opened at `since` is due at `now` exactly when `since < cutoff`.
 *
 * Why: addWorkingDays(since, n) depends on since's local day d only, and is ≤ now exactly when at least n working
 * days lie in (d, W], W being the last working day whose working hours have ended by `now`; counting n working
 * days back from W (W itself the first) gives the day w_n, and that holds exactly when d < w_n — so the cutoff is
 * the start (00:00, Asia/Shanghai) of w_n. Throws CalendarCoverageError when the calendar does not cover the days.
 */
export function dueCutoff(cal: CalendarData, now: Date, n: number): Date {
  if (!Number.isInteger(n) || n < 1) throw new RangeError('n must be a positive integer');
  let day = localDayNumber(now);
  // W: today if its working hours are over, else the working day before.
  if (!(isWorkingDay(cal, day) && localInstant(day, cal.hours.at(-1)!.end).getTime() <= now.getTime())) {
    do day--;
    while (!isWorkingDay(cal, day));
  }
  for (let counted = 1; counted < n; ) {
    day--;
    if (isWorkingDay(cal, day)) counted++;
  }
  return localInstant(day, 0);
}
