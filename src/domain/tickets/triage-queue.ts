/**
 * The receiving unit's triage desk: its live top-level lead assignments still to triage, and its ordinary
 * tickets whose quick reply is still to come, each with both triage clocks at `now` (triage-clocks.ts).
 */
import { and, asc, eq, inArray, isNull, or } from 'drizzle-orm';
import { assignments, tickets, units } from '../../../db/schema/index.ts';
import type { Deps, WithConfig } from '../../deps.ts';
import type { Actor } from '../auth/actor.ts';
import { isReceivingLevel, triageClocks, type TriageClock } from './triage-clocks.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const clockView = (c: TriageClock | null) =>
  c && { ...c, startedAt: iso(c.startedAt), dueAt: iso(c.dueAt), yellowAt: iso(c.yellowAt), redAt: iso(c.redAt), stoppedAt: iso(c.stoppedAt) };

/** At most this many items (the oldest dispatch first). */
const LIMIT = 200;

export async function triageQueue(deps: Pick<Deps, 'db' | 'calendar'> & WithConfig<'TRIAGE_UNIT_KINDS'>, actor: Actor, now: Date) {
  const rows = await deps.db
    .select({ a: assignments, number: tickets.number, title: tickets.title, urgency: tickets.urgency, kind: units.kind })
    .from(assignments)
    .innerJoin(tickets, eq(tickets.id, assignments.ticketId))
    .innerJoin(units, eq(units.id, assignments.unitId))
    .where(
      and(
        eq(assignments.unitId, actor.unitId),
        isNull(assignments.parentId),
        eq(assignments.role, 'lead'),
        inArray(assignments.status, ['awaiting_sign', 'in_progress']),
        isNull(assignments.clocksStoppedAt),
        or(isNull(assignments.triage), and(eq(assignments.triage, 'ordinary'), isNull(assignments.repliedAt))),
      ),
    )
    .orderBy(asc(assignments.dispatchedAt), asc(assignments.id))
    .limit(LIMIT);
  const cal = await deps.calendar.get(deps.db);
  return {
    items: rows
      .filter((r) => isReceivingLevel(deps.config, r.a, r.kind))
      .map(({ a, number, title, urgency }) => {
        const c = triageClocks(a, now, { receiving: true, cal });
        return {
          assignmentId: a.id,
          ticketId: a.ticketId,
          number,
          title,
          urgency,
          status: a.status,
          version: a.version,
          dispatchedAt: iso(a.dispatchedAt),
          triage: a.triage,
          triagedAt: iso(a.triagedAt),
          clocks: { triage: clockView(c.triage), quickReply: clockView(c.quickReply) },
        };
      }),
  };
}
