/**
 * The verification's clocks are counted in working days over the calendar table, as every unit clock is: a
 * deadline the table cannot place yet (its year not imported) is never guessed — it stays null, the list says
 * so, and the import of the missing year (or, failing that, the verification sweep) places it.
 */
import { and, eq, gt, inArray, isNull, or } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { ratingVerifications } from '../../../db/schema/index.ts';
import type { Config } from '../../config.ts';
import { addWorkingDays, CalendarCoverageError, type CalendarData } from '../calendar/calendar.ts';
import type { CalendarStore } from '../calendar/store.ts';

/** The deadline `days` working days on, or null when the table does not cover it. */
const placed = (cal: CalendarData, start: Date, days: number): Date | null => {
  try {
    return addWorkingDays(cal, start, days);
  } catch (err) {
    if (err instanceof CalendarCoverageError) return null;
    throw err;
  }
};

/** `db` is the caller's transaction when there is one (PGlite has one connection: a read beside it would wait forever). */
export async function workingDeadline(calendar: CalendarStore, db: Db, start: Date, days: number): Promise<Date | null> {
  return placed(await calendar.get(db), start, days);
}

/**
 * In a calendar edit's transaction (`cal` the table as it now stands): every verification clock still running —
 * waiting for the calendar, or not yet due — is recomputed from its start, so an imported year places the
 * waiting ones at once and a changed day moves the others. A deadline already passed is never rewritten.
 */
export async function recomputeVerificationClocks(
  tx: Db,
  cal: CalendarData,
  config: Pick<Config, 'RATING_VERIFY_WORKING_DAYS' | 'RATING_RECTIFY_WORKING_DAYS'>,
  now: Date,
): Promise<number> {
  const v = ratingVerifications;
  const rows = await tx
    .select({ id: v.id, status: v.status, createdAt: v.createdAt, decidedAt: v.decidedAt, verifyDueAt: v.verifyDueAt, rectifyDueAt: v.rectifyDueAt })
    .from(v)
    .where(
      or(
        and(inArray(v.status, ['verifying', 'appealed']), or(isNull(v.verifyDueAt), gt(v.verifyDueAt, now))),
        and(eq(v.status, 'confirmed'), or(isNull(v.rectifyDueAt), gt(v.rectifyDueAt, now))),
      ),
    )
    .for('update');
  let moved = 0;
  for (const r of rows) {
    const rectify = r.status === 'confirmed';
    const due = rectify
      ? placed(cal, r.decidedAt ?? r.createdAt, config.RATING_RECTIFY_WORKING_DAYS)
      : placed(cal, r.createdAt, config.RATING_VERIFY_WORKING_DAYS);
    const was = rectify ? r.rectifyDueAt : r.verifyDueAt;
    if ((due?.getTime() ?? null) === (was?.getTime() ?? null)) continue;
    await tx
      .update(v)
      .set(rectify ? { rectifyDueAt: due } : { verifyDueAt: due })
      .where(eq(v.id, r.id));
    moved++;
  }
  return moved;
}
