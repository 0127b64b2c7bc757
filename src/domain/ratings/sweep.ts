/**
 * The verification sweep (every few minutes, any instance): for each verification whose clock still runs,
 * places a deadline the calendar could not place before (verify: from the rating; rectify: from the
 * confirmation), and raises its warning level — 'warning' within the last working day before the deadline,
 * 'overdue' past it — writing one verification_warning event per level reached (the unit hears of it in its
 * notification centre). Each verification is its own transaction: the ticket's row lock, then the
 * verification's, taken with SKIP LOCKED so two instances never work the same row and never wait on a user.
 */
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { ratingVerifications, tickets } from '../../../db/schema/index.ts';
import type { CalendarTxDeps } from '../../deps.ts';
import type { Config } from '../../config.ts';
import type { VerificationClock } from '../../contract/vocab.ts';
import { addWorkingDays, CalendarCoverageError } from '../calendar/calendar.ts';
import { systemActor } from '../auth/actor.ts';
import { inTransaction } from '../tickets/record.ts';
import { workingDeadline } from './deadlines.ts';

type SweepDeps = CalendarTxDeps & { config: Pick<Config, 'RATING_VERIFY_WORKING_DAYS' | 'RATING_RECTIFY_WORKING_DAYS'> };
type Level = 'none' | 'warning' | 'overdue';
const RANK: Record<Level, number> = { none: 0, warning: 1, overdue: 2 };

/** When the warning level starts: one working day before the deadline (or the deadline itself if the calendar ends). */
async function warnAt(deps: SweepDeps, tx: Db, due: Date): Promise<Date> {
  const cal = await deps.calendar.get(tx);
  try {
    // The instant one working day earlier: walk back day by day until a day with one working day to the deadline.
    for (let h = 24; h <= 24 * 15; h += 24) {
      const start = new Date(due.getTime() - h * 3600_000);
      if (addWorkingDays(cal, start, 1) >= due) return start;
    }
  } catch (err) {
    if (!(err instanceof CalendarCoverageError)) throw err;
  }
  return new Date(due.getTime() - 24 * 3600_000);
}

export async function sweepVerifications(deps: SweepDeps, now: Date, batch = 500) {
  let placed = 0;
  let warned = 0;
  let after = 0;
  for (;;) {
    const open = await deps.db
      .select({ id: ratingVerifications.id })
      .from(ratingVerifications)
      .where(and(inArray(ratingVerifications.status, ['verifying', 'appealed', 'confirmed']), gt(ratingVerifications.id, after)))
      .orderBy(asc(ratingVerifications.id))
      .limit(batch);
    for (const { id } of open) {
      const r = await sweepOne(deps, id, now);
      placed += r.placed ? 1 : 0;
      warned += r.warned ? 1 : 0;
    }
    if (open.length < batch) break;
    after = open.at(-1)!.id;
  }
  return { placed, warned };
}

async function sweepOne(deps: SweepDeps, id: number, now: Date) {
  return inTransaction(deps, async (tx, record) => {
    const [ref] = await tx.select({ ticketId: ratingVerifications.ticketId }).from(ratingVerifications).where(eq(ratingVerifications.id, id));
    const [t] = await tx
      .select({ id: tickets.id, status: tickets.status, version: tickets.version })
      .from(tickets)
      .where(eq(tickets.id, ref!.ticketId))
      .for('update', { skipLocked: true });
    if (!t) return { placed: false, warned: false };
    const [v] = await tx.select().from(ratingVerifications).where(eq(ratingVerifications.id, id)).for('update', { skipLocked: true });
    if (!v || !['verifying', 'appealed', 'confirmed'].includes(v.status)) return { placed: false, warned: false };
    const clock: VerificationClock = v.status === 'confirmed' ? 'rectify' : 'verify';
    let due = clock === 'verify' ? v.verifyDueAt : v.rectifyDueAt;
    let placed = false;
    if (due === null) {
      const from = clock === 'verify' ? v.createdAt : (v.decidedAt ?? v.createdAt);
      due = await workingDeadline(
        deps.calendar,
        tx,
        from,
        clock === 'verify' ? deps.config.RATING_VERIFY_WORKING_DAYS : deps.config.RATING_RECTIFY_WORKING_DAYS,
      );
      if (due === null) return { placed: false, warned: false }; // still waiting for the calendar: the list shows it
      await tx
        .update(ratingVerifications)
        .set(clock === 'verify' ? { verifyDueAt: due } : { rectifyDueAt: due })
        .where(eq(ratingVerifications.id, id));
      placed = true;
    }
    const level: Level = now >= due ? 'overdue' : now >= (await warnAt(deps, tx, due)) ? 'warning' : 'none';
    if (RANK[level] <= RANK[v.warningLevel]) return { placed, warned: false };
    await tx.update(ratingVerifications).set({ warningLevel: level }).where(eq(ratingVerifications.id, id));
    await record(systemActor('supervisor'), {
      ticketId: t.id,
      type: 'verification_warning',
      fromStatus: t.status,
      toStatus: t.status,
      version: t.version,
      payload: { verificationId: v.id, ratingId: v.ratingId, unitId: v.unitId, clock, level: level as 'warning' | 'overdue', dueAt: due.toISOString() },
    });
    return { placed, warned: true };
  });
}

/** How many verifications' clocks wait for the calendar (for the coverage alert and the list's notice). */
export async function verificationsAwaitingCalendar(db: Db): Promise<number> {
  const [r] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(ratingVerifications)
    .where(
      sql`(${ratingVerifications.status} in ('verifying', 'appealed') and ${ratingVerifications.verifyDueAt} is null) or (${ratingVerifications.status} = 'confirmed' and ${ratingVerifications.rectifyDueAt} is null)`,
    );
  return Number(r?.n ?? 0);
}
