/**
 * BASELINE for the sweep benchmark: the row-by-row sweep as it was before the set-based rewrite of
 * the SLA sweep (now src/domain/sla/sweep.ts; ≈ 6–7 statements per due assignment), kept as it was apart
 * from imports and the product's later firing rules, so that it does the same work: nothing fires on a
 * clock the unit can no longer act on (an ended assignment, stopped clocks, a ticket out of the units'
 * hands) nor on the lead's completion clock while its termination request waits.
 *
 * The SLA sweep: fires every warning mark whose time has come, exactly once.
 *
 * Each batch is one transaction. It takes the assignments whose earliest mark is due (the partial index on
 * next_check_at), locking each with its ticket FOR UPDATE SKIP LOCKED: two instances sweeping at the
 * same moment take disjoint rows and never wait for each other or for a unit acting on the ticket (so
 * the sweep cannot deadlock with the lifecycle, which locks ticket then assignment). A level fires by
 * inserting its sla_alerts row (unique per assignment, clock, level and cycle) — only a row actually
 * inserted writes the event, the reminder and the message, so even a mark processed twice fires once.
 * Fired marks leave the assignment and next_check_at moves to the next one; events are published after
 * the commit. A pass with nothing due reads the index and writes nothing.
 */
import { asc, eq, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { assignments, slaAlerts, supervisionItems, tickets, units } from '../../db/schema/index.ts';
import type { Deps } from '../../src/deps.ts';
import { systemActor } from '../../src/domain/auth/actor.ts';
import { dueMarks, levelRank, maxLevel, nextCheckAt, type Clock, type Mark, type WarningLevel } from '../../src/domain/sla/clocks.ts';
import { enqueueNotification } from '../../src/domain/notifications/outbox.ts';
import { inTransaction, type Recorder } from '../../src/domain/tickets/record.ts';
import { LIVE_ASSIGNMENT, UNIT_ACTIVE, type AssignmentStatus, type TicketStatus } from '../../src/domain/tickets/status.ts';
import { shanghaiMinute } from '../../src/domain/clock.ts';
import { CLOCK_LABELS } from '../../src/contract/labels.ts';
import { LEVEL_LABEL } from '../../src/domain/sla/escalation.ts';
import type { SweepResult } from '../../src/domain/sla/sweep.ts';

/** The product's result type, labels and time format: the baseline differs from it in how it writes, not in what. */
export type SweepOptions = {
  batchSize?: number;
  /** Batches per run, so one run cannot go on forever (the next run continues) */
  maxBatches?: number;
};

type Row = {
  a: typeof assignments.$inferSelect;
  ticketNumber: string;
  ticketStatus: string;
  ticketLevel: WarningLevel;
  ticketVersion: number;
  notifyPhone: string | null;
};

function dueOf(a: Row['a'], clock: Clock): Date | null {
  return clock === 'sign' ? a.signDueAt : clock === 'response' ? a.responseDueAt : a.completeDueAt;
}

/** Fires one assignment's due marks; returns the levels it fired. */
async function fireAssignment(tx: Db, record: Recorder, row: Row, now: Date): Promise<{ fired: Mark[]; level: WarningLevel }> {
  const { a } = row;
  // Nothing fires on a clock the unit can no longer act on, nor on the lead's completion clock while its
  // termination request waits (their marks should already be gone; this tidies up) — as the product's sweep.
  const live = LIVE_ASSIGNMENT.includes(a.status as AssignmentStatus) && UNIT_ACTIVE.includes(row.ticketStatus as TicketStatus) && !a.clocksStoppedAt;
  const held = a.role === 'lead' && row.ticketStatus === 'termination_requested';
  const { due, rest } = dueMarks(live ? a.slaMarks.filter((m) => !(held && m.clock === 'complete')) : [], now);
  const fired: Mark[] = [];
  let level = a.warningLevel;
  // One insert for all of them; the rows that come back are the levels firing now (a conflict means it
  // fired before in this cycle: never twice).
  const inserted = due.length
    ? await tx
        .insert(slaAlerts)
        .values(due.map((m) => ({ assignmentId: a.id, clock: m.clock, level: m.level, cycle: a.slaCycle, firedAt: now })))
        .onConflictDoNothing()
        .returning({ clock: slaAlerts.clock, level: slaAlerts.level })
    : [];
  for (const m of due) {
    if (!inserted.some((i) => i.clock === m.clock && i.level === m.level)) continue;
    fired.push(m);
    level = maxLevel(level, m.level);
    const dueAt = dueOf(a, m.clock);
    let items: { id: number; kind: string }[] = [];
    if (m.level === 'overdue') {
      const reason = `${CLOCK_LABELS[m.clock]}已超期（期限 ${dueAt ? shanghaiMinute(dueAt) : '—'}）`;
      const common = { ticketId: a.ticketId, assignmentId: a.id, clock: m.clock, createdAt: now };
      items = await tx
        .insert(supervisionItems)
        .values([
          { ...common, kind: 'reminder', unitId: a.unitId, reason: `催办：${reason}` },
          { ...common, kind: 'supervision', unitId: a.unitId, reason: `督办：${reason}` },
        ])
        .returning({ id: supervisionItems.id, kind: supervisionItems.kind });
    }
    await record(systemActor('supervisor'), {
      ticketId: a.ticketId,
      assignmentId: a.id,
      type: 'sla_warning',
      version: row.ticketVersion,
      payload: {
        clock: m.clock,
        level: m.level,
        dueAt: dueAt?.toISOString() ?? null,
        markAt: m.at,
        cycle: a.slaCycle,
        unitId: a.unitId,
        reminderId: items.find((i) => i.kind === 'reminder')?.id ?? null,
        supervisionId: items.find((i) => i.kind === 'supervision')?.id ?? null,
      },
    });
  }
  // One message per clock and pass: after downtime the unit hears the worst news once, not three times.
  const phone = row.notifyPhone?.trim();
  if (phone) {
    for (const clock of new Set(fired.map((f) => f.clock))) {
      const worst = fired.filter((f) => f.clock === clock).reduce((x, y) => (levelRank(y.level) > levelRank(x.level) ? y : x));
      const dueAt = dueOf(a, clock);
      await enqueueNotification(tx, {
        ticketId: a.ticketId,
        audience: 'unit',
        unitId: a.unitId,
        recipient: phone,
        template: 'unit_warning',
        params: { number: row.ticketNumber, clock: CLOCK_LABELS[clock], level: LEVEL_LABEL[worst.level], dueAt: dueAt ? shanghaiMinute(dueAt) : '' },
      });
    }
  }
  await tx
    .update(assignments)
    .set({ slaMarks: rest, nextCheckAt: nextCheckAt(rest), warningLevel: level })
    .where(eq(assignments.id, a.id));
  return { fired, level };
}

async function sweepBatch(deps: Deps, now: Date, batchSize: number): Promise<Omit<SweepResult, 'batches'>> {
  return inTransaction(deps, async (tx, record) => {
    const rows: Row[] = await tx
      .select({
        a: assignments,
        ticketNumber: tickets.number,
        ticketStatus: tickets.status,
        ticketLevel: tickets.warningLevel,
        ticketVersion: tickets.version,
        notifyPhone: units.notifyPhone,
      })
      .from(assignments)
      .innerJoin(tickets, eq(tickets.id, assignments.ticketId))
      .innerJoin(units, eq(units.id, assignments.unitId))
      .where(lte(assignments.nextCheckAt, now))
      .orderBy(asc(assignments.nextCheckAt), asc(assignments.id))
      .limit(batchSize)
      .for('update', { of: [assignments, tickets], skipLocked: true });
    const result = { assignments: rows.length, fired: 0, overdue: 0 };
    const perTicket = new Map<number, { stored: WarningLevel; level: WarningLevel; overdue: number }>();
    for (const row of rows) {
      const { fired, level } = await fireAssignment(tx, record, row, now);
      result.fired += fired.length;
      const overdue = fired.filter((f) => f.level === 'overdue').length;
      result.overdue += overdue;
      const t = perTicket.get(row.a.ticketId) ?? { stored: row.ticketLevel, level: row.ticketLevel, overdue: 0 };
      t.level = maxLevel(t.level, level);
      t.overdue += overdue;
      perTicket.set(row.a.ticketId, t);
    }
    for (const [ticketId, t] of perTicket) {
      if (t.level === t.stored && t.overdue === 0) continue;
      // The ticket's level only rises here; each overdue clock adds one 催办 and one 督办 level.
      await tx
        .update(tickets)
        .set({
          warningLevel: t.level,
          reminderCount: sql`${tickets.reminderCount} + ${t.overdue}`,
          supervisionLevel: sql`${tickets.supervisionLevel} + ${t.overdue}`,
        })
        .where(eq(tickets.id, ticketId));
    }
    return result;
  });
}

/** Runs batches until nothing is due (or maxBatches). Idempotent: a second pass at the same instant fires nothing. */
export async function sweep(deps: Deps, now: Date, opts: SweepOptions = {}): Promise<SweepResult> {
  const batchSize = opts.batchSize ?? deps.config.SLA_SWEEP_BATCH_SIZE;
  const total: SweepResult = { assignments: 0, fired: 0, overdue: 0, batches: 0 };
  for (let i = 0; i < (opts.maxBatches ?? 50); i++) {
    const r = await sweepBatch(deps, now, batchSize);
    total.batches++;
    total.assignments += r.assignments;
    total.fired += r.fired;
    total.overdue += r.overdue;
    if (r.assignments < batchSize) break;
  }
  if (total.fired) deps.logger.info({ ...total }, 'sla sweep fired warnings');
  return total;
}
