/**
 * Triage at the receiving level (研判分类): the unit that received the centre's dispatch, once signed, marks the
 * ticket ordinary or complex (普通 / 复杂). It stops the triage clock and, for an ordinary ticket, starts the
 * quick-reply clock from the receipt (triage-clocks.ts). The ticket's status does not move.
 */
import { eq } from 'drizzle-orm';
import { assignments, units } from '../../../../db/schema/index.ts';
import type { CalendarTxDeps, WithConfig } from '../../../deps.ts';
import type { Actor } from '../../auth/actor.ts';
import { ConflictError, UnprocessableError } from '../../errors.ts';
import type { TriageLevel } from '../../vocab.ts';
import { isReceivingLevel, quickReplyDeadline, triageDeadline, type TriageSettings } from '../triage-clocks.ts';
import { runAssignmentAction } from './runners.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const notReceiving = () => new UnprocessableError('triage_not_receiving_level');

export async function triageAssignment(
  deps: CalendarTxDeps & WithConfig<keyof TriageSettings>,
  actor: Actor,
  id: number,
  input: { version: number; level: TriageLevel; note?: string },
) {
  try {
    return await runAssignmentAction(deps, actor, id, 'triage', input.version, async ({ tx, assignment: a, now }) => {
      const [unit] = await tx.select({ kind: units.kind }).from(units).where(eq(units.id, a.unitId));
      if (!isReceivingLevel(deps.config, a, unit!.kind)) throw notReceiving();
      if (a.triage) throw new ConflictError('already_triaged', {}, { triage: a.triage, triagedAt: iso(a.triagedAt) });
      // A deadline that waited for the calendar is placed now if the table covers it since; one never placed
      // cannot be missed (as an SLA deadline that was never set).
      const triageDueAt = a.triageDueAt ?? triageDeadline(await deps.calendar.get(tx), deps.config, a.dispatchedAt).due;
      const quickReplyDueAt = input.level === 'ordinary' ? quickReplyDeadline(deps.config, a.dispatchedAt) : null;
      return {
        set: { triage: input.level, triagedAt: now, triagedBy: actor.userId, triageDueAt, quickReplyDueAt },
        payload: {
          level: input.level,
          note: input.note ?? null,
          triageDueAt: iso(triageDueAt),
          onTime: !triageDueAt || now <= triageDueAt,
          quickReplyDueAt: iso(quickReplyDueAt),
        },
      };
    });
  } catch (err) {
    // The transition table refuses every sub-assignment's triage (409 invalid_transition, after the 404, 403 and
    // version checks): say why, as for any other assignment of the wrong level.
    if (err instanceof ConflictError && err.code === 'invalid_transition') {
      const [a] = await deps.db.select({ parentId: assignments.parentId }).from(assignments).where(eq(assignments.id, id));
      if (a?.parentId != null) throw notReceiving();
    }
    throw err;
  }
}
