/**
 * The receiving level's triage clock (研判分类) when the calendar changes: an untriaged ticket whose triage
 * deadline waited for the calendar (null: its day was past the table) gets it once the table covers it, and one
 * still running moves with the change — recomputed from the dispatch, inside the calendar edit's transaction.
 * A triage already made, or a deadline already passed, is never rewritten (it was judged).
 */
import { and, eq, gt, inArray, isNull, or } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { assignments, units } from '../../../db/schema/index.ts';
import type { CalendarData } from '../calendar/calendar.ts';
import { triageDeadline, triageKinds, type TriageStartConfig } from '../tickets/triage-clocks.ts';
import type { Config } from '../../config.ts';

export async function recomputeTriageClocks(tx: Db, cal: CalendarData, config: Pick<Config, TriageStartConfig>, now: Date): Promise<number> {
  const kinds = triageKinds(config);
  if (!kinds.length) return 0;
  const rows = await tx
    .select({ id: assignments.id, dispatchedAt: assignments.dispatchedAt, due: assignments.triageDueAt })
    .from(assignments)
    .innerJoin(units, eq(units.id, assignments.unitId))
    .where(
      and(
        isNull(assignments.parentId),
        eq(assignments.role, 'lead'),
        isNull(assignments.triage),
        isNull(assignments.clocksStoppedAt),
        inArray(assignments.status, ['awaiting_sign', 'in_progress']),
        inArray(units.kind, kinds),
        or(isNull(assignments.triageDueAt), gt(assignments.triageDueAt, now)),
      ),
    )
    .for('update', { of: assignments });
  let moved = 0;
  for (const r of rows) {
    const due = triageDeadline(cal, config, r.dispatchedAt).due;
    if ((due?.getTime() ?? null) === (r.due?.getTime() ?? null)) continue;
    await tx.update(assignments).set({ triageDueAt: due }).where(eq(assignments.id, r.id));
    moved++;
  }
  return moved;
}
