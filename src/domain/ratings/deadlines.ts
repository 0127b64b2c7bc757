/**
 * The verification's clocks are counted in working days over the calendar table, as every unit clock is: a
 * deadline the table cannot place yet (its year not imported) is never guessed — it stays null, the list says
 * so, and the verification sweep places it once the table covers it.
 */
import type { Db } from '../../../db/client.ts';
import { addWorkingDays, CalendarCoverageError } from '../calendar/calendar.ts';
import type { CalendarStore } from '../calendar/store.ts';

/** `db` is the caller's transaction when there is one (PGlite has one connection: a read beside it would wait forever). */
export async function workingDeadline(calendar: CalendarStore, db: Db, start: Date, days: number): Promise<Date | null> {
  const cal = await calendar.get(db);
  try {
    return addWorkingDays(cal, start, days);
  } catch (err) {
    if (err instanceof CalendarCoverageError) return null;
    throw err;
  }
}
