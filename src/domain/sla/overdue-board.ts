/**
 * The wallboard's overdue list (督办大屏 · 超时工单): every open ticket the SLA engine has marked overdue, with the
 * unit whose clock ran out and by how long, worst first — the highest supervision level (督办 raised), then the
 * longest overrun. The overrun is read from the assignments' own deadlines (clockStates, the ticket view's
 * rule): a clock still running counts up to now, one stopped late counts to when it stopped.
 */
import { and, desc, eq, inArray, ne } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { assignments, tickets, units } from '../../../db/schema/index.ts';
import type { Actor } from '../auth/actor.ts';
import { summary } from '../tickets/presenter.ts';
import { visibleTo } from '../tickets/queries.ts';
import { LIVE_ASSIGNMENT } from '../tickets/status.ts';
import { CLOCKS, type Clock, clockStates } from './clocks.ts';

export type Overrun = { clock: Clock; since: Date; minutes: number; unit: { id: number; name: string } };

type ClockRow = Parameters<typeof clockStates>[0] & { unitId: number; unitName: string };

/** The worst overrun among these assignments: the clock missed by the longest time (pure). */
export function worstOverrun(rows: readonly ClockRow[], now: Date): Overrun | null {
  let worst: Overrun | null = null;
  for (const a of rows) {
    const states = clockStates(a, [], now);
    for (const clock of CLOCKS) {
      const s = states[clock];
      if (!s.missedAt) continue;
      const until = s.stoppedAt && s.stoppedAt > s.missedAt ? s.stoppedAt : now;
      const minutes = Math.max(0, Math.floor((until.getTime() - s.missedAt.getTime()) / 60_000));
      if (!worst || minutes > worst.minutes) worst = { clock, since: s.missedAt, minutes, unit: { id: a.unitId, name: a.unitName } };
    }
  }
  return worst;
}

/** Severity order: supervision level first, then the longer overrun, then the older ticket. */
export function bySeverity<T extends { supervisionLevel: number; overdue: { minutes: number }; id: number }>(a: T, b: T): number {
  return b.supervisionLevel - a.supervisionLevel || b.overdue.minutes - a.overdue.minutes || a.id - b.id;
}

/** Open overdue tickets `actor` may read, worst first, at most `limit`. */
export async function overdueBoard(db: Db, actor: Actor, now: Date, limit: number) {
  const rows = await db
    .select()
    .from(tickets)
    .where(and(eq(tickets.warningLevel, 'overdue'), ne(tickets.status, 'closed'), visibleTo(actor)))
    .orderBy(desc(tickets.supervisionLevel), tickets.id)
    .limit(2000);
  if (rows.length === 0) return { items: [], total: 0 };
  const live = await db
    .select({ a: assignments, unitName: units.name })
    .from(assignments)
    .innerJoin(units, eq(units.id, assignments.unitId))
    .where(
      and(
        inArray(
          assignments.ticketId,
          rows.map((t) => t.id),
        ),
        inArray(assignments.status, [...LIVE_ASSIGNMENT]),
      ),
    );
  const byTicket = new Map<number, ClockRow[]>();
  for (const { a, unitName } of live) byTicket.set(a.ticketId, [...(byTicket.get(a.ticketId) ?? []), { ...a, unitName }]);
  const items = rows
    .map((t) => {
      const worst = worstOverrun(byTicket.get(t.id) ?? [], now);
      return {
        ...summary(actor, t),
        supervisionLevel: t.supervisionLevel,
        overdue: worst
          ? { clock: worst.clock, since: worst.since.toISOString(), minutes: worst.minutes, unit: worst.unit }
          : { clock: null, since: null, minutes: 0, unit: null },
      };
    })
    .sort(bySeverity);
  return { items: items.slice(0, limit), total: items.length };
}
