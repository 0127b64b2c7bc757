/**
 * The SLA side of the lifecycle commands: what dispatch, an approved extension, a reopen, a rejected reply
 * or termination, and the ticket leaving the units' hands do to an assignment's deadlines and marks. Each
 * returns the columns to write (the command writes them in its own update) and, where the calendar could
 * not place a deadline, a `report` that records the 'sla_uncomputable' event and raises the supervisors'
 * alert — after the command's own event, in its transaction. A clock the calendar cannot place waits for it
 * (assignments.sla_waiting, with the instant it started) until an import recomputes it (recompute.ts).
 */
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { assignmentRequests, assignments, slaAlerts, supervisionItems } from '../../../db/schema/index.ts';
import type { Deps } from '../../deps.ts';
import { raiseSystemAlert } from '../alerts.ts';
import { systemActor } from '../auth/actor.ts';
import type { AssignmentRow, TicketRow } from '../tickets/queries.ts';
import type { Recorder } from '../tickets/record.ts';
import { LIVE_ASSIGNMENT } from '../tickets/status.ts';
import {
  DEFAULT_THRESHOLDS,
  clockMarks,
  maxLevel,
  nextCheckAt,
  sortMarks,
  startAllClocks,
  startClock,
  withoutClock,
  type Clock,
  type CompletionHold,
  type Mark,
  type WarningLevel,
} from './clocks.ts';
import { raiseAwaitingCalendar } from './awaiting-calendar.ts';
import { clampToParent } from '../tickets/chain.ts';
import { termsOf } from './matching.ts';
import { matchPolicy, policyById } from './policies.ts';
import type { References } from '../reference.ts';

type AssignmentSet = Partial<typeof assignments.$inferInsert>;
export type SlaReport = (record: Recorder, version: number) => Promise<void>;
type Uncovered = { clock: Clock; date: string }[];
export type Waiting = AssignmentRow['slaWaiting'];

/**
 * Records 'sla_uncomputable' on the assignment (which clocks wait, for which date) and raises the
 * supervisors' alert that the calendar needs that year (one alert per missing year, kept current).
 */
async function reportUncovered(
  tx: Db,
  record: Recorder,
  version: number,
  ticket: Pick<TicketRow, 'id' | 'number'>,
  assignmentId: number,
  cycle: number,
  uncovered: Uncovered,
  now: Date,
) {
  if (uncovered.length === 0) return;
  const date = uncovered[0]!.date;
  const clocks = uncovered.map((u) => u.clock);
  await record(systemActor(), {
    ticketId: ticket.id,
    assignmentId,
    type: 'sla_uncomputable',
    version,
    payload: { clocks, date, cycle, awaitingCalendar: uncovered },
  });
  await raiseAwaitingCalendar(
    tx,
    uncovered.map((u) => Number(u.date.slice(0, 4))),
    now,
  );
}

/** The waiting list with one clock's entry replaced: it waits again from `start` (uncovered), or no longer. */
export function rewait(waiting: Waiting, clock: Clock, start: Date, uncovered: string | null): Waiting {
  const rest = waiting.filter((w) => w.clock !== clock);
  return uncovered ? [...rest, { clock, date: uncovered, start: start.toISOString() }] : rest;
}

const noReport: SlaReport = async () => {};

/**
 * At dispatch: the matching policy's three deadlines counted from now, and every warning mark. Every
 * assignment of one dispatch shares them (same ticket, same instant). No policy: no deadlines, and an
 * alert that the centre's policies leave this kind of ticket uncovered.
 */
export async function dispatchClocks(deps: Pick<Deps, 'calendar'>, tx: Db, ticket: TicketRow, now: Date, refs?: References) {
  const policy = await matchPolicy(tx, ticket, refs);
  const base = {
    slaCycle: 0,
    warningLevel: 'none' as const,
    completeStartedAt: now,
    originalCompleteDueAt: null,
    slaWaiting: [],
    clocksStoppedAt: null,
    completeMissedAt: null,
  };
  if (!policy) {
    await raiseSystemAlert(tx, {
      kind: 'sla_no_policy',
      dedupeKey: `sla_no_policy:${ticket.categoryId}:${ticket.urgency}:${ticket.channel}`,
      message: `没有适用于该类工单的时限策略（分类 ${ticket.categoryId}、紧急程度 ${ticket.urgency}、渠道 ${ticket.channel}），工单${ticket.number}未设置期限。请配置兜底策略。`,
      details: { ticketId: ticket.id, categoryId: ticket.categoryId, urgency: ticket.urgency, channel: ticket.channel },
      at: now,
    });
    return {
      values: {
        ...base,
        slaPolicyId: null,
        signDueAt: null,
        responseDueAt: null,
        completeDueAt: null,
        slaMarks: [],
        nextCheckAt: null,
      } satisfies AssignmentSet,
      report: (async () => {}) as (record: Recorder, version: number, ids: number[]) => Promise<void>,
    };
  }
  const cal = await deps.calendar.get(tx);
  const c = startAllClocks(cal, termsOf(policy), now);
  return {
    values: {
      ...base,
      slaPolicyId: policy.id,
      signDueAt: c.due.sign,
      responseDueAt: c.due.response,
      completeDueAt: c.due.complete,
      slaMarks: c.marks,
      nextCheckAt: nextCheckAt(c.marks),
      // A clock the calendar cannot place waits for it, visibly; importing the year recomputes it from `start`.
      slaWaiting: c.uncovered.filter((u) => c.due[u.clock] === null).map((u) => ({ clock: u.clock, date: u.date, start: now.toISOString() })),
    } satisfies AssignmentSet,
    report: async (record: Recorder, version: number, ids: number[]) => {
      for (const id of ids) await reportUncovered(tx, record, version, ticket, id, 0, c.uncovered, now);
    },
  };
}

/**
 * A sub-assignment's clocks (下派): the ticket's SLA policy started at the hand-down, each deadline brought back
 * to the parent's same clock where it would end later (clampToParent: the clamped clocks are named, and their
 * warnings are placed against the clamped deadline). A clock that would wait for the calendar but is bounded by
 * the parent's known deadline takes that deadline and waits no more.
 */
export async function handDownClocks(
  deps: Pick<Deps, 'calendar'>,
  tx: Db,
  ticket: TicketRow,
  parent: AssignmentRow,
  now: Date,
  completeBy: Date | null = null,
) {
  const d = await dispatchClocks(deps, tx, ticket, now);
  const policy = d.values.slaPolicyId ? await policyById(tx, d.values.slaPolicyId) : null;
  const own = { sign: d.values.signDueAt, response: d.values.responseDueAt, complete: d.values.completeDueAt };
  const clampedTo = clampToParent(own, {
    sign: parent.signDueAt,
    response: parent.responseDueAt,
    complete: parent.completeDueAt,
    // The parent's own sign and first contact are done: the sub-unit's are new steps, bounded only by completion.
    stopped: { sign: parent.signedAt !== null, response: parent.firstContactAt !== null },
  });
  const { deadlines } = clampedTo;
  // A completion deadline the parent set replaces the policy's (validated: not after the parent's own).
  const set: Clock[] = completeBy ? ['complete'] : [];
  if (completeBy) deadlines.complete = completeBy;
  const clamped = clampedTo.clamped.filter((c) => !set.includes(c));
  let marks = d.values.slaMarks;
  if (clamped.length || set.length) {
    const cal = await deps.calendar.get(tx);
    const terms = policy ? termsOf(policy) : null;
    for (const clock of [...clamped, ...set]) {
      const placed = terms
        ? clockMarks(cal, clock, now, deadlines[clock]!, terms[clock].unit, terms.thresholds).marks
        : [{ clock, level: 'overdue' as const, at: deadlines[clock]!.toISOString() }];
      marks = sortMarks([...withoutClock(marks, clock), ...placed]);
    }
  }
  return {
    values: {
      ...d.values,
      signDueAt: deadlines.sign,
      responseDueAt: deadlines.response,
      completeDueAt: deadlines.complete,
      slaMarks: marks,
      nextCheckAt: nextCheckAt(marks),
      slaWaiting: d.values.slaWaiting.filter((w) => deadlines[w.clock] === null),
      clampedClocks: clamped,
    } satisfies AssignmentSet,
    report: d.report,
  };
}

/** The assignment's level once its completion clock restarts: only sign and response keep theirs. */
async function levelWithoutCompletion(tx: Db, assignmentId: number): Promise<WarningLevel> {
  const rows = await tx
    .select({ level: slaAlerts.level })
    .from(slaAlerts)
    .where(and(eq(slaAlerts.assignmentId, assignmentId), inArray(slaAlerts.clock, ['sign', 'response'])));
  return maxLevel(...rows.map((r) => r.level));
}

/** Completion marks from the clock's start to `due` under the assignment's policy (defaults when it has none). */
async function completionMarks(deps: Pick<Deps, 'calendar'>, tx: Db, a: AssignmentRow, due: Date) {
  const policy = await policyById(tx, a.slaPolicyId);
  const cal = await deps.calendar.get(tx);
  const start = a.completeStartedAt ?? a.dispatchedAt;
  const { marks, uncovered } = clockMarks(
    cal,
    'complete',
    start,
    due,
    policy?.completeUnit ?? 'natural_days',
    policy ? termsOf(policy).thresholds : DEFAULT_THRESHOLDS,
  );
  return { marks, uncovered: uncovered ? [{ clock: 'complete' as const, date: uncovered }] : [] };
}

function withMarks(a: AssignmentRow, added: Mark[]) {
  const slaMarks = sortMarks([...withoutClock(a.slaMarks, 'complete'), ...added]);
  return { slaMarks, nextCheckAt: nextCheckAt(slaMarks) };
}

/**
 * An approved extension: the completion deadline moves (the command keeps the first one in
 * originalCompleteDueAt) and the completion clock starts a new cycle towards it, so the unit is warned
 * again before the new deadline; levels fired against the old deadline no longer count. A deadline that
 * had already passed stays a miss (completeMissedAt, kept until a reopen restarts the clock), and the
 * assignment stays overdue. A deadline set by hand waits for no calendar.
 */
export async function extendCompletion(deps: Pick<Deps, 'calendar'>, tx: Db, ticket: TicketRow, a: AssignmentRow, newDueAt: Date, now: Date) {
  const running = (a.status === 'awaiting_sign' || a.status === 'in_progress') && !a.clocksStoppedAt;
  const { marks, uncovered } = running ? await completionMarks(deps, tx, a, newDueAt) : { marks: [], uncovered: [] };
  const cycle = a.slaCycle + 1;
  const missedAt = a.completeDueAt && a.completeDueAt <= now ? a.completeDueAt : null;
  const completeMissedAt = a.completeMissedAt ?? missedAt;
  const level = await levelWithoutCompletion(tx, a.id);
  return {
    set: {
      slaCycle: cycle,
      ...withMarks(a, marks),
      slaWaiting: rewait(a.slaWaiting, 'complete', now, null),
      completeMissedAt,
      warningLevel: completeMissedAt ? maxLevel(level, 'overdue') : level,
    } satisfies AssignmentSet,
    previousDueAt: a.completeDueAt,
    missedAt,
    report: ((record, version) => reportUncovered(tx, record, version, ticket, a.id, cycle, uncovered, now)) as SlaReport,
  };
}

/**
 * A reopen (重办): under a policy that says so, a new completion clock from now, in a new cycle (every
 * level can fire again); otherwise the old deadline stands and its remaining marks come back. Either way
 * the lead's clocks were stopped when the ticket left the units; the command clears clocksStoppedAt.
 */
export async function reopenCompletion(deps: Pick<Deps, 'calendar'>, tx: Db, ticket: TicketRow, a: AssignmentRow, now: Date) {
  const policy = await policyById(tx, a.slaPolicyId);
  if (!policy) return { set: {} satisfies AssignmentSet, report: noReport };
  if (!policy.reopenRestartsClock) return resumeCompletion(deps, tx, ticket, a, now);
  const cycle = a.slaCycle + 1;
  const cal = await deps.calendar.get(tx);
  const started = startClock(cal, termsOf(policy), 'complete', now);
  const uncovered = started.uncovered ? [{ clock: 'complete' as const, date: started.uncovered }] : [];
  return {
    set: {
      slaCycle: cycle,
      completeStartedAt: now,
      completeDueAt: started.due,
      originalCompleteDueAt: null,
      completeMissedAt: null,
      ...withMarks(a, started.marks),
      slaWaiting: rewait(a.slaWaiting, 'complete', now, started.due ? null : started.uncovered),
      warningLevel: await levelWithoutCompletion(tx, a.id),
    } satisfies AssignmentSet,
    report: ((record, version) => reportUncovered(tx, record, version, ticket, a.id, cycle, uncovered, now)) as SlaReport,
  };
}

/**
 * The completion clock runs again towards its current deadline (a rejected reply goes back to the unit;
 * a reopen under a policy that does not restart the clock). Levels already fired in this cycle stay fired
 * (the sweep's unique key makes them no-ops); a deadline passed meanwhile fires at the next sweep.
 */
export async function resumeCompletion(deps: Pick<Deps, 'calendar'>, tx: Db, ticket: TicketRow, a: AssignmentRow, now: Date) {
  if (!a.completeDueAt) return { set: {} satisfies AssignmentSet, report: noReport };
  const { marks, uncovered } = await completionMarks(deps, tx, a, a.completeDueAt);
  return {
    set: withMarks(a, marks) satisfies AssignmentSet,
    report: ((record, version) => reportUncovered(tx, record, version, ticket, a.id, a.slaCycle, uncovered, now)) as SlaReport,
  };
}

/**
 * The ticket has left the units' hands (reply approved, return approved, termination approved, closed):
 * every live assignment's clocks stop here — its remaining marks go, so no 催办, 督办 or level rise can come
 * of a clock the unit can no longer act on. Clocks stopped earlier keep their first stop. The units'
 * open reminders (催办) on those assignments close with them: they asked for an act that is no longer
 * possible. Supervision items (督办) stay open for supervisors, who judge the miss that opened them.
 * A clock awaiting the calendar keeps waiting: its deadline is still needed to judge it.
 */
export async function stopTicketClocks(tx: Db, ticketId: number, now: Date): Promise<number[]> {
  const stopped = await tx
    .update(assignments)
    .set({ clocksStoppedAt: now, slaMarks: [], nextCheckAt: null })
    .where(and(eq(assignments.ticketId, ticketId), inArray(assignments.status, [...LIVE_ASSIGNMENT]), isNull(assignments.clocksStoppedAt)))
    .returning({ id: assignments.id });
  const ids = stopped.map((r) => r.id);
  if (ids.length) {
    await tx
      .update(supervisionItems)
      .set({ resolvedAt: now })
      .where(and(inArray(supervisionItems.assignmentId, ids), eq(supervisionItems.kind, 'reminder'), isNull(supervisionItems.resolvedAt)));
  }
  return ids;
}

/**
 * The lead's termination request holds its completion clock: pending, the clock is paused (no overdue for
 * the reviewer's delay); approved, the clock is judged at the request's time. By assignment id.
 */
export async function completionHolds(db: Db, ticketId: number): Promise<Map<number, CompletionHold>> {
  const rows = await db
    .select({ assignmentId: assignmentRequests.assignmentId, status: assignmentRequests.status, at: assignmentRequests.requestedAt })
    .from(assignmentRequests)
    .where(
      and(eq(assignmentRequests.ticketId, ticketId), eq(assignmentRequests.kind, 'termination'), inArray(assignmentRequests.status, ['pending', 'approved'])),
    );
  return new Map(rows.map((r) => [r.assignmentId, { at: r.at, pending: r.status === 'pending' }]));
}

/** The ticket's level: the worst over its live assignments. */
export async function liveTicketLevel(tx: Db, ticketId: number): Promise<WarningLevel> {
  const rows = await tx
    .select({ level: assignments.warningLevel })
    .from(assignments)
    .where(and(eq(assignments.ticketId, ticketId), inArray(assignments.status, [...LIVE_ASSIGNMENT])));
  return maxLevel(...rows.map((r) => r.level));
}

/** Every alert fired for these assignments (the ticket view derives each clock's level from them). */
export async function firedAlerts(db: Db, assignmentIds: number[]) {
  if (assignmentIds.length === 0) return [];
  return db
    .select({ assignmentId: slaAlerts.assignmentId, clock: slaAlerts.clock, level: slaAlerts.level, cycle: slaAlerts.cycle })
    .from(slaAlerts)
    .where(inArray(slaAlerts.assignmentId, assignmentIds));
}
