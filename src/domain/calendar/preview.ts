/**
 * What importing a year would do, shown before it is done: the year's days as they would be imported, the
 * consistency check, how they differ from the table in effect, and how many clocks wait for that year.
 */
import type { Db } from '../../../db/client.ts';
import { waitingByYear } from '../sla/awaiting-calendar.ts';
import { calendarTables } from './queries.ts';
import { checkYear, type YearDay } from './year.ts';

export type DayChange = { day: string; before: { kind: string; name: string } | null; after: { kind: string; name: string } | null };

/** Days added, removed and changed between two lists of one year's rows (pure). */
export function diffYear(current: readonly YearDay[], next: readonly YearDay[]): { added: DayChange[]; removed: DayChange[]; changed: DayChange[] } {
  const before = new Map(current.map((d) => [d.day, d]));
  const after = new Map(next.map((d) => [d.day, d]));
  const pick = (d: YearDay | undefined) => (d ? { kind: d.kind, name: d.name } : null);
  const added: DayChange[] = [];
  const removed: DayChange[] = [];
  const changed: DayChange[] = [];
  for (const d of next) {
    const b = before.get(d.day);
    if (!b) added.push({ day: d.day, before: null, after: pick(d) });
    else if (b.kind !== d.kind || b.name !== d.name) changed.push({ day: d.day, before: pick(b), after: pick(d) });
  }
  for (const d of current) if (!after.has(d.day)) removed.push({ day: d.day, before: pick(d), after: null });
  return { added, removed, changed };
}

/** The preview of importing `days` as `year`: nothing is written. */
export async function previewYear(db: Db, input: { year: number; source: string; days: YearDay[] }) {
  const { issues, warnings } = checkYear(input.year, input.days);
  const t = await calendarTables(db, input.year);
  const covered = t.years.find((y) => y.year === input.year) ?? null;
  const [waiting] = await waitingByYear(db, [input.year]);
  const holidays = input.days.filter((d) => d.kind === 'holiday').length;
  return {
    year: input.year,
    source: input.source,
    days: input.days,
    holidays,
    workdays: input.days.length - holidays,
    issues,
    warnings,
    /** The table in effect for that year (replaced whole by an import). */
    current: { covered: !!covered, source: covered?.source ?? null, importedAt: covered?.importedAt ?? null, days: t.days.length },
    changes: diffYear(t.days, input.days),
    /** Clocks the import would recompute at once. */
    waiting: { clocks: waiting?.clocks ?? 0, tickets: waiting?.tickets ?? 0 },
  };
}
