/**
 * Recomputing clocks when the calendar changes (a year imported, a day set or deleted, working hours
 * replaced), inside the calendar edit's own transaction, with the new table.
 *
 * Which clocks: every clock awaiting the calendar (assignments.sla_waiting), and every clock not yet judged
 * — still running (or the lead's completion clock held by a termination request), deadline not passed —
 * whose working-time span [start, deadline] touches a changed date (any date, for working hours). A clock
 * already judged (stopped with a deadline, or its deadline passed) is never rewritten. A waiting clock that
 * stopped meanwhile gets its deadline (to judge it by) but no marks.
 *
 * What changes: the deadline (from the clock's start under the assignment's policy; a deadline set by hand
 * through an extension stays, only its warning marks are placed again), the marks of running clocks (levels
 * already fired stay fired: never twice), next_check_at and sla_waiting. One `sla_recomputed` event per
 * assignment whose deadlines moved, `{ reason, cycle, changes: [{ clock, from, to }] }` (null = awaiting
 * the calendar), by the system, with the ticket's version; published after the commit. A deadline that moved
 * into the past keeps its overdue mark, which the next sweep fires once (sla_alerts' unique key).
 *
 * Set-based and chunked: a chunk is one claim (assignment and ticket FOR UPDATE SKIP LOCKED, as the sweep
 * takes them: never waiting for, so never deadlocking with, a unit acting on the ticket), one read of the
 * levels fired, one UPDATE from a jsonb recordset and one INSERT of the events — tens of thousands of
 * waiting clocks recompute in seconds. Rows a unit had locked are taken again once it commits.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import type { TicketEventPayloads } from '../../contract/events.ts';
import type { PublishedEvent } from '../events.ts';
import type { RecomputeReason } from '../vocab.ts';
import { dayNumberOf, localInstant, type CalendarData } from '../calendar/calendar.ts';
import { rowsOf } from '../tickets/queries.ts';
import { LIVE_ASSIGNMENT, UNIT_ACTIVE, type AssignmentStatus, type TicketStatus } from '../tickets/status.ts';
import { CLOCKS, clockMarks, nextCheckAt, sortMarks, startClock, type Clock, type Mark, type SlaTerms, type WarningLevel } from './clocks.ts';
import { isoText, jsonRows } from './batch-sql.ts';
import { termsOf } from './matching.ts';
import { listPolicies } from './policies.ts';
import { recordEvents, toPublished, type EventRow } from '../tickets/audience.ts';

export type { RecomputeReason } from '../vocab.ts';
/** The local dates whose meaning changed (inclusive), or every date (working hours). */
export type RecomputeScope = { from: string; to: string } | 'all';
export type Change = { clock: Clock; from: string | null; to: string | null };
export type RecomputeSummary = {
  /** Assignments whose deadlines moved (one sla_recomputed event each) */
  assignments: number;
  /** Clocks whose deadline moved (from waiting to a deadline included) */
  clocks: number;
  /** Clocks still awaiting the calendar afterwards */
  stillWaiting: number;
};

const CHUNK = 2000;
const WORKING = new Set(['working_hours', 'working_days']);

type Row = {
  id: unknown;
  ticket_id: unknown;
  role: string;
  status: string;
  ticket_status: string;
  version: number;
  policy_id: number;
  cycle: number;
  marks: string;
  waiting: string;
  sign_due: string | null;
  response_due: string | null;
  complete_due: string | null;
  dispatched: string;
  complete_start: string | null;
  extended: boolean;
  signed: boolean;
  contacted: boolean;
  replied: boolean;
  stopped: boolean;
  /** A sub-assignment's parent (下派): its deadlines bound this one's; sign and response only while the parent's run. */
  parent_id: unknown;
  parent_sign_due: string | null;
  parent_response_due: string | null;
  parent_complete_due: string | null;
  parent_signed: boolean | null;
  parent_contacted: boolean | null;
  clamped: string;
};
type Waiting = { clock: Clock; date: string; start: string };
type Written = { id: number; s: string | null; r: string | null; c: string | null; m: Mark[]; n: string | null; w: Waiting[]; k: Clock[] };
type NewEvent = { t: number; a: number; v: number; p: TicketEventPayloads['sla_recomputed'] };

/** `a.id` among (or not among) these ids, as one parameter whatever their number. */
const idsIn = (ids: number[], not = false) =>
  sql`and ${sql.raw(not ? 'not ' : '')}(a.id = any(array(select jsonb_array_elements_text(${jsonRows(ids)})::bigint)))`;

/**
 * Which assignments may need recomputing: those with waiting clocks, and those of a policy with a
 * working-time clock whose open span touches the changed dates. `extra` narrows it (keyset, ids); a claim
 * locks what it returns, a look (`claim: false`) only lists the ids.
 */
function candidates(scope: RecomputeScope, now: Date, workingPolicies: number[], extra: SQL, limit: number, claim: 'skip' | 'wait' | false = 'skip'): SQL {
  const t = now.toISOString();
  const touches = (start: SQL, due: SQL) =>
    scope === 'all'
      ? sql`${due} > ${t}::timestamptz`
      : sql`${due} > ${t}::timestamptz and ${due} >= ${localInstant(dayNumberOf(scope.from), 0).toISOString()}::timestamptz
            and ${start} < ${localInstant(dayNumberOf(scope.to) + 1, 0).toISOString()}::timestamptz`;
  const open = workingPolicies.length
    ? sql`(a.sla_policy_id in (${sql.join(
        workingPolicies.map((p) => sql`${p}`),
        sql`, `,
      )})
        and a.status in ('awaiting_sign', 'in_progress', 'replied') and a.clocks_stopped_at is null
        and ((a.signed_at is null and ${touches(sql`a.dispatched_at`, sql`a.sign_due_at`)})
          or (a.first_contact_at is null and a.replied_at is null and ${touches(sql`a.dispatched_at`, sql`a.response_due_at`)})
          or (a.status <> 'replied' and ${touches(sql`coalesce(a.complete_started_at, a.dispatched_at)`, sql`a.complete_due_at`)})))`
    : sql`false`;
  const where = sql`where a.sla_policy_id is not null and (a.sla_waiting <> '[]'::jsonb or ${open}) ${extra}`;
  if (!claim) return sql`select a.id from assignments a ${where} limit ${limit}`;
  return sql`
    select a.id, a.ticket_id, a.role::text as role, a.status::text as status, t.status::text as ticket_status, t.version,
      a.sla_policy_id as policy_id, a.sla_cycle as cycle, a.sla_marks::text as marks, a.sla_waiting::text as waiting,
      ${isoText('a.sign_due_at')} as sign_due, ${isoText('a.response_due_at')} as response_due, ${isoText('a.complete_due_at')} as complete_due,
      ${isoText('a.dispatched_at')} as dispatched, ${isoText('a.complete_started_at')} as complete_start,
      -- The completion deadline was set by hand: an extension approved since this completion clock started.
      (a.original_complete_due_at is not null or exists (select 1 from assignment_requests r
        where r.ticket_id = a.ticket_id and r.assignment_id = a.id and r.kind = 'extension' and r.status = 'approved'
          and r.decided_at >= coalesce(a.complete_started_at, a.dispatched_at))
        -- or by the parent at the hand-down (下派办结时限), while this completion clock is the first.
        or (a.parent_id is not null and coalesce(a.complete_started_at, a.dispatched_at) <= a.dispatched_at and exists (select 1 from ticket_events e
          where e.ticket_id = a.ticket_id and e.type = 'hand_down' and e.assignment_id = a.parent_id
            and e.payload->'subAssignmentIds' @> to_jsonb(a.id) and e.payload->>'completeDueAt' is not null))) as extended,
      a.signed_at is not null as signed,
      a.first_contact_at is not null as contacted, a.replied_at is not null as replied, a.clocks_stopped_at is not null as stopped,
      a.parent_id, ${isoText('p.sign_due_at')} as parent_sign_due, ${isoText('p.response_due_at')} as parent_response_due,
      ${isoText('p.complete_due_at')} as parent_complete_due, p.signed_at is not null as parent_signed,
      p.first_contact_at is not null as parent_contacted, a.clamped_clocks::text as clamped
    from assignments a join tickets t on t.id = a.ticket_id left join assignments p on p.id = a.parent_id
    ${where}
    order by a.id
    limit ${limit}
    for update of a, t ${sql.raw(claim === 'skip' ? 'skip locked' : '')}`;
}

/** The parent's deadline bounding a sub-assignment's clock, as read before this recompute (null: no bound). */
function parentBound(row: Row, clock: Clock): Date | null {
  const stopped = { sign: row.parent_signed === true, response: row.parent_contacted === true, complete: false };
  const due = { sign: row.parent_sign_due, response: row.parent_response_due, complete: row.parent_complete_due }[clock];
  return due && !stopped[clock] ? new Date(due) : null;
}

/** Where one assignment's clocks go under the new calendar (pure); a sub-assignment's stay within its parent's. */
export function recomputeRow(
  row: Row,
  terms: SlaTerms,
  cal: CalendarData,
  fired: ReadonlySet<string>,
  scope: RecomputeScope,
  now: Date,
): { written: Written; changes: Change[]; stillWaiting: number } | null {
  const waiting = JSON.parse(row.waiting) as Waiting[];
  const marks = JSON.parse(row.marks) as Mark[];
  const due: Record<Clock, string | null> = { sign: row.sign_due, response: row.response_due, complete: row.complete_due };
  const start: Record<Clock, string> = { sign: row.dispatched, response: row.dispatched, complete: row.complete_start ?? row.dispatched };
  const live = LIVE_ASSIGNMENT.includes(row.status as AssignmentStatus) && UNIT_ACTIVE.includes(row.ticket_status as TicketStatus) && !row.stopped;
  const open: Record<Clock, boolean> = {
    sign: live && !row.signed,
    response: live && !row.contacted && !row.replied,
    complete: live && row.status !== 'replied',
  };
  // The lead's completion clock while its termination request waits: its deadline may move, it gets no marks.
  const held = row.role === 'lead' && row.ticket_status === 'termination_requested';
  const [lo, hi] = scope === 'all' ? [null, null] : [localInstant(dayNumberOf(scope.from), 0), localInstant(dayNumberOf(scope.to) + 1, 0)];
  const changes: Change[] = [];
  const nextWaiting: Waiting[] = [];
  let kept = marks;
  let touched = false;
  const clamped = JSON.parse(row.clamped) as Clock[];
  for (const clock of CLOCKS) {
    const w = waiting.find((x) => x.clock === clock);
    const old = due[clock];
    let next: Date | null;
    let uncovered: string | null = null;
    let placed: Mark[] = [];
    if (w) {
      const s = startClock(cal, terms, clock, new Date(w.start));
      next = s.due;
      uncovered = s.due ? null : s.uncovered;
      placed = s.marks;
    } else {
      // Not waiting: only a clock not yet judged, of working time, whose span touches the change.
      if (!open[clock] || !old || new Date(old) <= now) continue;
      const manual = clock === 'complete' && row.extended;
      if (!manual && !WORKING.has(terms[clock].unit)) continue;
      if (lo && hi && !(new Date(old) >= lo && new Date(start[clock]) < hi)) continue;
      if (manual) {
        next = new Date(old);
        placed = clockMarks(cal, clock, new Date(start[clock]), next, terms.complete.unit, terms.thresholds).marks;
      } else {
        const s = startClock(cal, terms, clock, new Date(start[clock]));
        next = s.due;
        uncovered = s.due ? null : s.uncovered;
        placed = s.marks;
      }
    }
    // A sub-assignment's clock never ends after its parent's (clampToParent, as at the hand-down).
    const bound = parentBound(row, clock);
    if (bound && (!next || next > bound)) {
      next = bound;
      uncovered = null;
      placed = clockMarks(cal, clock, new Date(w?.start ?? start[clock]), next, terms[clock].unit, terms.thresholds).marks;
      if (!clamped.includes(clock)) clamped.push(clock);
    }
    touched = true;
    if (uncovered) nextWaiting.push({ clock, date: uncovered, start: w?.start ?? start[clock] });
    const to = next?.toISOString() ?? null;
    if (to !== old) changes.push({ clock, from: old, to });
    due[clock] = to;
    // A running clock's marks are placed again, but a level that already fired never fires twice (sign and
    // response have one cycle; the completion clock counts its current one).
    kept = kept.filter((m) => m.clock !== clock);
    if (next && open[clock] && !(clock === 'complete' && held)) {
      kept = [...kept, ...placed.filter((m) => !fired.has(`${clock}:${m.level}:${clock === 'complete' ? row.cycle : '*'}`))];
    }
  }
  if (!touched) return null;
  const still = [...nextWaiting, ...waiting.filter((x) => !CLOCKS.includes(x.clock))];
  const m = sortMarks(kept);
  return {
    written: { id: Number(row.id), s: due.sign, r: due.response, c: due.complete, m, n: nextCheckAt(m)?.toISOString() ?? null, w: still, k: clamped },
    changes,
    stillWaiting: still.length,
  };
}

/**
 * Recomputes, in `tx` (the calendar edit's transaction, `cal` the table as it now stands), every clock the
 * change can move; returns the events to publish after the commit and a summary.
 */
export async function recomputeClocks(
  tx: Db,
  cal: CalendarData,
  now: Date,
  reason: RecomputeReason,
  scope: RecomputeScope,
): Promise<RecomputeSummary & { events: PublishedEvent[] }> {
  const policies = new Map((await listPolicies(tx, { all: true })).map((p) => [p.id, p]));
  const workingPolicies = [...policies.values()]
    .filter((p) => WORKING.has(p.signUnit) || WORKING.has(p.responseUnit) || WORKING.has(p.completeUnit))
    .map((p) => p.id);
  const summary: RecomputeSummary & { events: PublishedEvent[] } = { assignments: 0, clocks: 0, stillWaiting: 0, events: [] };
  const done = new Set<number>();

  const processChunk = async (extra: SQL, claim: 'skip' | 'wait' = 'skip'): Promise<{ rows: number; last: number | null }> => {
    const rows = rowsOf<Row>(await tx.execute(candidates(scope, now, workingPolicies, extra, CHUNK, claim)));
    if (!rows.length) return { rows: 0, last: null };
    const ids = rows.map((r) => Number(r.id));
    const fired = new Map<number, Set<string>>();
    const firedRows = rowsOf<{ assignment_id: unknown; clock: string; level: WarningLevel; cycle: number }>(
      await tx.execute(
        sql`select assignment_id, clock, level::text as level, cycle from sla_alerts where assignment_id in (${sql.join(
          ids.map((i) => sql`${i}`),
          sql`, `,
        )})`,
      ),
    );
    for (const f of firedRows) {
      const set = fired.get(Number(f.assignment_id)) ?? new Set<string>();
      set.add(`${f.clock}:${f.level}:${f.clock === 'complete' ? f.cycle : '*'}`);
      fired.set(Number(f.assignment_id), set);
    }
    const written: Written[] = [];
    const events: NewEvent[] = [];
    const moved = new Map<number, Written>();
    for (const row of rows) {
      done.add(Number(row.id));
      // A parent recomputed earlier in this chunk (ids ascend: a parent precedes its sub-assignments) bounds with its new deadlines.
      const p = row.parent_id == null ? undefined : moved.get(Number(row.parent_id));
      if (p) Object.assign(row, { parent_sign_due: p.s, parent_response_due: p.r, parent_complete_due: p.c });
      const policy = policies.get(row.policy_id);
      if (!policy) continue;
      const r = recomputeRow(row, termsOf(policy), cal, fired.get(Number(row.id)) ?? new Set(), scope, now);
      if (!r) continue;
      written.push(r.written);
      moved.set(r.written.id, r.written);
      summary.stillWaiting += r.stillWaiting;
      if (r.changes.length) {
        summary.assignments++;
        summary.clocks += r.changes.length;
        events.push({ t: Number(row.ticket_id), a: Number(row.id), v: row.version, p: { reason, cycle: row.cycle, changes: r.changes } });
      }
    }
    if (written.length) {
      await tx.execute(sql`
        update assignments set sign_due_at = u.s::timestamptz, response_due_at = u.r::timestamptz, complete_due_at = u.c::timestamptz,
          sla_marks = u.m, next_check_at = u.n::timestamptz, sla_waiting = u.w, clamped_clocks = u.k
        from jsonb_to_recordset(${jsonRows(written)}) as u(id bigint, s text, r text, c text, m jsonb, n text, w jsonb, k jsonb)
        where assignments.id = u.id`);
    }
    if (events.length) {
      const at = now.toISOString();
      const rowsOut = rowsOf<EventRow>(
        await tx.execute(
          recordEvents(
            {
              ticket_id: sql`e.t`,
              assignment_id: sql`e.a`,
              type: sql`'sla_recomputed'`,
              version: sql`e.v`,
              payload: sql`e.p`,
              public: sql`false`,
              created_at: sql`${at}::timestamptz`,
            },
            { from: sql`jsonb_to_recordset(${jsonRows(events)}) as e(t bigint, a bigint, v int, p jsonb)`, orderBy: sql`e.a` },
          ),
        ),
      );
      summary.events.push(...rowsOut.map((e) => toPublished(e, 'sla_recomputed', at)));
    }
    return { rows: rows.length, last: ids.at(-1)! };
  };

  // One pass in id order; rows locked by a unit at that moment are skipped (SKIP LOCKED) …
  let after = 0;
  for (;;) {
    const r = await processChunk(sql`and a.id > ${after}`);
    if (r.last === null) break;
    after = r.last;
    if (r.rows < CHUNK) break;
  }
  // … and taken once the unit's transaction has committed (it holds them for milliseconds); after a while,
  // waiting for the lock rather than skipping it.
  for (let attempt = 0; attempt < 60; attempt++) {
    const missed = rowsOf<{ id: unknown }>(await tx.execute(candidates(scope, now, workingPolicies, idsIn([...done], true), CHUNK, false))).map((r) =>
      Number(r.id),
    );
    if (!missed.length) break;
    if (attempt > 0) await new Promise((r) => setTimeout(r, 25));
    await processChunk(idsIn(missed), attempt < 50 ? 'skip' : 'wait');
  }
  return summary;
}
