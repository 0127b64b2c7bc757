/**
 * Dispatch (派单): the centre sends a ticket to a lead unit and any assisting ones. The writes besides the
 * ticket's own (assignments with their SLA deadlines, the units' SMS) are shared with intake's auto-dispatch.
 */
import { insertRows } from '../../../../db/prepared.ts';
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../../db/client.ts';
import { assignments, units } from '../../../../db/schema/index.ts';
import type { AutoDispatchModel, DispatchPayload } from '../../../contract/events.ts';
import type { CalendarTxDeps, Deps, WithConfig } from '../../../deps.ts';
import type { Actor } from '../../auth/actor.ts';
import type { CentreLimits } from '../../centre/clocks.ts';
import { UnprocessableError } from '../../errors.ts';
import { notifyUnitsOfDispatch } from '../../notifications/notices.ts';
import type { References } from '../../reference.ts';
import { dispatchClocks } from '../../sla/assignment-clocks.ts';
import { isReceivingLevel, triageDeadline, type TriageStartConfig } from '../triage-clocks.ts';
import type { TicketRow } from '../queries.ts';
import type { Recorder } from '../record.ts';
import { runTicketAction } from './runners.ts';
import { recordDispatchedUnit } from '../../assist/choices.ts';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export type DispatchInput = {
  version: number;
  leadUnitId: number;
  assistUnitIds: number[];
  designate: boolean;
  note?: string;
  /**
   * Set by auto-dispatch, never from HTTP: the rule that chose the units and the units copied — or, for the unit
   * model above an administrator's threshold (src/domain/assist/auto-apply.ts), the model's version and confidence
   */
  auto?: { ruleId?: number; copyUnitIds: number[]; model?: AutoDispatchModel };
};

/** The units a dispatch may go to: active, not the centre (returned with their kinds). From `refs`, the command's copy of the reference data, when given. */
export async function assignableUnits(tx: Db, ids: number[], refs?: References) {
  const found = refs
    ? ids.flatMap((id) => refs.units.get(id) ?? []).filter((u) => u.active)
    : await tx
        .select({ id: units.id, kind: units.kind })
        .from(units)
        .where(and(inArray(units.id, ids), eq(units.active, true)));
  for (const id of ids) {
    const u = found.find((f) => f.id === id);
    if (!u) throw new UnprocessableError('unit_unknown', { unitId: id });
    if (u.kind === 'centre') throw new UnprocessableError('unit_not_assignable');
  }
  return found;
}

/**
 * What a dispatch writes besides the ticket's own update and event: the assignments with their SLA
 * deadlines and marks, and the units' SMS. Shared by the dispatcher's command and intake's auto-dispatch,
 * which writes a new ticket already dispatched (the writes are issued together and awaited by the caller)
 * and passes its copy of the reference data (`refs`) for the units, the SLA policy and the SMS template.
 */
export async function dispatchWrites(
  deps: Pick<Deps, 'calendar'> & WithConfig<TriageStartConfig>,
  tx: Db,
  d: { actor: Actor; ticket: TicketRow; input: Omit<DispatchInput, 'version'>; now: Date; refs?: References },
) {
  const { actor, ticket, input, now, refs } = d;
  const all = [input.leadUnitId, ...input.assistUnitIds]; // distinct: both callers refuse repeats first
  const found = await assignableUnits(tx, all, refs);
  const sla = await dispatchClocks(deps, tx, ticket, now, refs);
  // The receiving level's triage clock, on the lead only (triage is the lead's act); null past the calendar.
  const leadKind = found.find((u) => u.id === input.leadUnitId)!.kind;
  const triageDueAt = isReceivingLevel(deps.config, { parentId: null, role: 'lead' }, leadKind)
    ? triageDeadline(await deps.calendar.get(tx), deps.config, now).due
    : null;
  const inserted = insertRows<typeof assignments.$inferSelect>(
    tx,
    assignments,
    all.map((unitId, i) => ({
      ticketId: ticket.id,
      unitId,
      role: i === 0 ? ('lead' as const) : ('assist' as const),
      status: 'awaiting_sign' as const,
      designated: i === 0 && input.designate,
      dispatchedBy: actor.userId || null, // 0 = the system (auto-dispatch)
      dispatchedAt: now,
      ...sla.values,
      triageDueAt: i === 0 ? triageDueAt : null,
    })),
    { returning: true },
  );
  // Notifications: a new-dispatch SMS to each assigned unit's notify phone, queued in this transaction.
  const notified = notifyUnitsOfDispatch(
    tx,
    ticket,
    all.map((unitId, i) => ({ unitId, role: i === 0 ? ('lead' as const) : ('assist' as const) })),
    now,
    refs,
  );
  return {
    /** The assignments, once every row is written. */
    written: Promise.all([inserted, notified]).then(([rows]) => rows),
    set: { dispatchedAt: ticket.dispatchedAt ?? now, warningLevel: 'none' as const },
    /** After the dispatch event: the calendar's gaps, if a deadline fell outside it. */
    report: (record: Recorder, version: number, assignmentIds: number[]) => sla.report(record, version, assignmentIds),
    payload: {
      leadUnitId: input.leadUnitId,
      assistUnitIds: input.assistUnitIds,
      designate: input.designate,
      note: input.note ?? null,
      // The deadlines every assignment of this dispatch starts with (the metrics bucket clocks by their due day),
      // and the clocks that wait for the calendar instead.
      deadlines: { sign: iso(sla.values.signDueAt), response: iso(sla.values.responseDueAt), complete: iso(sla.values.completeDueAt) },
      awaitingCalendar: sla.values.slaWaiting.map((w) => ({ clock: w.clock, date: w.date })),
      ...(input.auto ? { auto: true as const, ruleId: input.auto.ruleId, copyUnitIds: input.auto.copyUnitIds } : {}),
      ...(input.auto?.model ? { model: input.auto.model } : {}),
    } satisfies DispatchPayload,
  };
}

export async function dispatchTicket(
  deps: CalendarTxDeps & WithConfig<keyof CentreLimits | TriageStartConfig>,
  actor: Actor,
  ticketId: number,
  input: DispatchInput,
) {
  const all = [input.leadUnitId, ...input.assistUnitIds];
  if (new Set(all).size !== all.length) throw new UnprocessableError('units_repeated');
  return runTicketAction(deps, actor, ticketId, 'dispatch', input.version, async ({ tx, ticket, now, record }) => {
    const d = await dispatchWrites(deps, tx, { actor, ticket, input, now });
    // the first lead unit, beside the suggestion the ticket was taken in with (assisted intake's live accuracy)
    const [written] = await Promise.all([d.written, recordDispatchedUnit(tx, ticket.id, input.leadUnitId)]);
    const ids = written.map((a) => a.id);
    return { set: d.set, after: () => d.report(record, ticket.version + 1, ids), payload: d.payload, public: true };
  });
}
