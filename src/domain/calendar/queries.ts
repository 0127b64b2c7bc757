import { and, asc, gte, lte } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { calendarDays, calendarYears, workingHours } from '../../../db/schema/index.ts';

/** One year's exception rows with their names, every covered year, and the working hours (as stored). */
export async function calendarTables(db: Db, year: number) {
  const [days, years, hours] = await Promise.all([
    db
      .select({ day: calendarDays.day, kind: calendarDays.kind, name: calendarDays.name })
      .from(calendarDays)
      .where(and(gte(calendarDays.day, `${year}-01-01`), lte(calendarDays.day, `${year}-12-31`)))
      .orderBy(asc(calendarDays.day)),
    coveredYears(db),
    db.select().from(workingHours).orderBy(asc(workingHours.startsAt)),
  ]);
  return {
    days,
    years,
    hours: hours.map((h) => ({ start: h.startsAt.slice(0, 5), end: h.endsAt.slice(0, 5) })),
  };
}

/** Every covered year with its source, ascending. */
export function coveredYears(db: Db) {
  return db.select().from(calendarYears).orderBy(asc(calendarYears.year));
}
