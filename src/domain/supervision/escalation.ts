/**
 * 督办 by level, after the SLA sweep (src/jobs/sla-sweep.ts runs it on every pass):
 * - level 1 is the notice to the unit: the supervision item the sweep opens on an overdue clock (or a
 *   supervisor's one-click 督办);
 * - still open, and its assignment still overdue, SUPERVISION_ESCALATE_WORKING_DAYS working days after it was
 *   opened (the close of the n-th working day after that day: the calendar table, never weekdays alone), it goes
 *   to level 2: the leader of the level above (the unit's parent) is told — an SMS from the
 *   `supervision_escalated` template to that unit's notify phone, and a `supervision_escalated` ticket event,
 *   which reaches that unit's screens since it is on the path of the assigned unit;
 * - still open and overdue ACCOUNTABILITY_AFTER_WORKING_DAYS working days after the escalation: an
 *   accountability item (追责) on the unit, with an `accountability_recorded` event.
 * "Still overdue" is the item's own clock: not signed yet (sign), no contact nor reply yet (response), or the
 * completion clock past its deadline (complete, and a supervisor's 督办, which names no clock); in every case the
 * assignment is still live with its clocks running. A 督办 the supervisor resolved never moves on.
 *
 * Safe with several instances: each step takes its items FOR UPDATE SKIP LOCKED (two sweepers take disjoint
 * items; a row taken again after the other committed no longer matches), the escalation's update is guarded by
 * the level, and accountability items are unique per 督办 (insert … on conflict do nothing): exactly once.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { accountabilityItems, supervisionItems } from '../../../db/schema/index.ts';
import { CLOCK_LABELS } from '../../contract/labels.ts';
import type { CalendarTxDeps, Deps, WithConfig } from '../../deps.ts';
import { CalendarCoverageError } from '../calendar/calendar.ts';
import { enqueueNotification } from '../notifications/outbox.ts';
import { inTransaction } from '../tickets/record.ts';
import { rowsOf } from '../tickets/queries.ts';
import type { Clock } from '../vocab.ts';
import { completionOverdue } from './key-tickets.ts';
import { dueCutoff } from './kinds.ts';

export type EscalationDeps = CalendarTxDeps & Pick<Deps, 'logger'> & WithConfig<'SUPERVISION_ESCALATE_WORKING_DAYS' | 'ACCOUNTABILITY_AFTER_WORKING_DAYS'>;

export type EscalationResult = { escalated: number; accountable: number };

/** Items taken in one transaction, and how many of them moved on. */
type Batch = { claimed: number; done: number };

/** Items per transaction; a pass loops until a batch comes back short. */
const BATCH = 200;

/** The 督办 `s` on assignment `a` of ticket `t` is still overdue at `now` (see above). */
const stillOverdue = (now: Date): SQL => sql`(a.status in ('awaiting_sign', 'in_progress') and a.clocks_stopped_at is null and case s.clock
    when 'sign' then a.signed_at is null
    when 'response' then a.first_contact_at is null and a.replied_at is null
    else ${completionOverdue(now)} end)`;

type DueItem = {
  id: unknown;
  ticket_id: unknown;
  assignment_id: unknown;
  unit_id: number;
  clock: Clock | null;
  created_at: string;
  unit_name: string;
  to_unit: number | null;
  phone: string | null;
  number: string;
  version: number;
};

/** Open 督办 items at `level` whose step is due (`since` column before the cutoff), locked for this transaction. */
const claim = (level: 1 | 2, since: SQL, cutoff: Date, now: Date) => sql`
  select s.id, s.ticket_id, s.assignment_id, s.unit_id, s.clock,
    to_char(s.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at,
    u.name as unit_name, u.parent_id as to_unit, pu.notify_phone as phone, t.number, t.version
  from supervision_items s
  join assignments a on a.id = s.assignment_id
  join tickets t on t.id = s.ticket_id
  join units u on u.id = s.unit_id
  left join units pu on pu.id = u.parent_id
  where s.kind = 'supervision' and s.resolved_at is null and s.escalation_level = ${level}
    and ${since} < ${cutoff.toISOString()}::timestamptz and ${stillOverdue(now)}
    ${level === 2 ? sql`and not exists (select 1 from accountability_items ai where ai.supervision_item_id = s.id)` : sql``}
  order by s.id
  limit ${BATCH}
  for update of s skip locked`;

const clockName = (c: Clock | null) => CLOCK_LABELS[c ?? 'complete'];

async function escalateBatch(deps: EscalationDeps, now: Date, cutoff: Date): Promise<Batch> {
  return inTransaction(deps, async (tx, record) => {
    const items = rowsOf<DueItem>(await tx.execute(claim(1, sql`s.created_at`, cutoff, now)));
    let done = 0;
    for (const i of items) {
      const id = Number(i.id);
      const [moved] = await tx
        .update(supervisionItems)
        .set({ escalationLevel: 2, escalatedAt: now, escalatedToUnitId: i.to_unit })
        .where(and(eq(supervisionItems.id, id), eq(supervisionItems.escalationLevel, 1)))
        .returning({ id: supervisionItems.id });
      if (!moved) continue;
      done++;
      const ticketId = Number(i.ticket_id);
      await record(null, {
        ticketId,
        assignmentId: Number(i.assignment_id),
        type: 'supervision_escalated',
        version: i.version,
        payload: { supervisionId: id, unitId: i.unit_id, toUnitId: i.to_unit, clock: i.clock, level: 2, noticeAt: i.created_at },
      });
      if (i.phone && i.to_unit !== null) {
        await enqueueNotification(tx, {
          ticketId,
          audience: 'unit',
          unitId: i.to_unit,
          recipient: i.phone,
          template: 'supervision_escalated',
          params: { number: i.number, unitName: i.unit_name, clock: clockName(i.clock) },
          at: now,
        });
      }
    }
    return { claimed: items.length, done };
  });
}

async function accountBatch(deps: EscalationDeps, now: Date, cutoff: Date): Promise<Batch> {
  return inTransaction(deps, async (tx, record) => {
    const items = rowsOf<DueItem>(await tx.execute(claim(2, sql`s.escalated_at`, cutoff, now)));
    let done = 0;
    for (const i of items) {
      const supervisionId = Number(i.id);
      const ticketId = Number(i.ticket_id);
      const reason = `${i.unit_name}${clockName(i.clock)}超期，督办升级至上级领导后 ${deps.config.ACCOUNTABILITY_AFTER_WORKING_DAYS} 个工作日仍未办理`;
      const [made] = await tx
        .insert(accountabilityItems)
        .values({
          ticketId,
          assignmentId: Number(i.assignment_id),
          unitId: i.unit_id,
          supervisionItemId: supervisionId,
          kind: 'overdue',
          reason,
          createdAt: now,
        })
        .onConflictDoNothing({ target: accountabilityItems.supervisionItemId })
        .returning({ id: accountabilityItems.id });
      if (!made) continue;
      done++;
      await record(null, {
        ticketId,
        assignmentId: Number(i.assignment_id),
        type: 'accountability_recorded',
        version: i.version,
        payload: { accountabilityId: made.id, supervisionId, unitId: i.unit_id, kind: 'overdue', reason },
      });
    }
    return { claimed: items.length, done };
  });
}

/** Runs a batch step until a batch comes back short. */
async function drain(step: () => Promise<Batch>): Promise<number> {
  let total = 0;
  for (;;) {
    const r = await step();
    total += r.done;
    if (r.claimed < BATCH) return total;
  }
}

/**
 * One pass at `now`: escalations first, then accountability (an item escalated in this pass is not yet due for
 * it). Idempotent: a second pass at the same instant writes nothing. Without a calendar covering the days it
 * counts, it does nothing and says so (the calendar coverage alert already asks for the year).
 */
export async function escalateSupervision(deps: EscalationDeps, now: Date): Promise<EscalationResult> {
  const cal = await deps.calendar.get(deps.db);
  let cutoffs: [Date, Date];
  try {
    cutoffs = [dueCutoff(cal, now, deps.config.SUPERVISION_ESCALATE_WORKING_DAYS), dueCutoff(cal, now, deps.config.ACCOUNTABILITY_AFTER_WORKING_DAYS)];
  } catch (err) {
    if (!(err instanceof CalendarCoverageError)) throw err;
    deps.logger.warn({ err: err.message }, 'supervision escalation skipped: the calendar does not cover the working days it counts');
    return { escalated: 0, accountable: 0 };
  }
  const escalated = await drain(() => escalateBatch(deps, now, cutoffs[0]));
  const accountable = await drain(() => accountBatch(deps, now, cutoffs[1]));
  if (escalated || accountable) deps.logger.info({ escalated, accountable }, 'supervision escalated');
  return { escalated, accountable };
}
