/**
 * The escalation rule: which warning marks fire when the sweep takes an assignment, and what each writes.
 *
 * An assignment carries the marks of its running clocks (yellow, red, overdue; src/domain/sla/clocks.ts).
 * Every mark whose time has come is due; each due level fires once per assignment, clock, level and cycle
 * (the sweep's sla_alerts row is the gate) and writes:
 * - one 'sla_warning' event, by the system, with the ticket's version and
 *   `{ clock, level, dueAt, markAt, cycle, unitId }` (plus the ids of the items below);
 * - overdue only: a reminder (催办, to the unit) and a supervision item (督办), their reasons
 *   `催办：` / `督办：` + `<clock>已超期（期限 <deadline, Shanghai minute>）`, and one more 催办 and 督办 level
 *   on the ticket;
 * - an SMS from the `unit_warning` template to the unit's notify phone, when it has one: one per clock and
 *   pass, naming the worst level fired (after downtime the unit hears the worst news once, not three times).
 *
 * Nothing fires on a clock the unit can no longer act on — an assignment that ended or whose clocks stopped, a
 * ticket out of the units' hands, the lead's completion clock while its termination request waits: their
 * marks should already be gone; this tidies up (a resumed clock gets its marks back).
 *
 * Pure: src/domain/sla/sweep.ts claims the assignments, asks `escalate`, and writes the answer.
 */
import type { TicketEventPayloads } from '../../contract/events.ts';
import { CLOCK_LABELS } from '../../contract/labels.ts';
import { shanghaiMinute } from '../clock.ts';
import { DEFAULT_TEMPLATES, render } from '../notifications/outbox.ts';
import { LIVE_ASSIGNMENT, UNIT_ACTIVE, type AssignmentStatus, type TicketStatus } from '../tickets/status.ts';
import { dueMarks, levelRank, nextCheckAt, type Clock, type Level, type Mark } from './clocks.ts';

/** How the warning SMS names a level (a clock is named by its label, CLOCK_LABELS). */
export const LEVEL_LABEL: Record<Level, string> = { yellow: '即将到期（黄色预警）', red: '临近超期（红色预警）', overdue: '已超期' };

/** One claimed assignment with its ticket and unit, as the sweep's claim returns it (plain columns: no row mapping, the same on both drivers). */
export type ClaimedAssignment = {
  id: unknown;
  ticket_id: unknown;
  unit_id: unknown;
  status: string;
  role: string;
  ticket_status: string;
  stopped: boolean;
  sla_cycle: number;
  /** sla_marks as JSON text */
  marks: string;
  sign_due: string | null;
  response_due: string | null;
  complete_due: string | null;
  number: string;
  version: number;
  phone: string | null;
  /** the centre's `unit_warning` template, null for the default */
  template: string | null;
};

/** A due mark with everything it writes if it fires (keys short: the batch travels as one jsonb parameter). */
export type Firing = {
  /** firing order in the batch */
  i: number;
  /** assignment, ticket, unit */
  a: number;
  t: number;
  u: number;
  c: Clock;
  l: Level;
  /** the level's rank: the SMS names the worst level fired per clock */
  r: number;
  /** the SLA cycle, part of the alert's key */
  y: number;
  /** the ticket's version, recorded on the event */
  v: number;
  /** the event's payload, but for the items' ids, which the statement adds */
  p: Omit<TicketEventPayloads['sla_warning'], 'reminderId' | 'supervisionId'>;
  /** the reason of the reminder and supervision item (overdue only) */
  why: string | null;
  /** the unit's notify phone */
  ph: string | null;
  /** the SMS body should this be the worst level of its clock to fire */
  b: string | null;
};

/** An assignment's marks after the pass: those still to come, and when the next is due (null: none). */
export type MarksLeft = { id: number; m: Mark[]; n: string | null };

/** What the marks due at `now` write, in firing order, and the marks each assignment keeps. */
export function escalate(rows: readonly ClaimedAssignment[], now: Date): { firings: Firing[]; left: MarksLeft[] } {
  const firings: Firing[] = [];
  const left: MarksLeft[] = [];
  for (const row of rows) {
    const id = Number(row.id);
    const live = LIVE_ASSIGNMENT.includes(row.status as AssignmentStatus) && UNIT_ACTIVE.includes(row.ticket_status as TicketStatus) && !row.stopped;
    const held = row.role === 'lead' && row.ticket_status === 'termination_requested';
    const all = live ? (JSON.parse(row.marks) as Mark[]).filter((m) => !(held && m.clock === 'complete')) : [];
    const { due, rest } = dueMarks(all, now);
    left.push({ id, m: rest, n: nextCheckAt(rest)?.toISOString() ?? null });
    const phone = row.phone?.trim() || null;
    for (const m of due) {
      const dueAt = m.clock === 'sign' ? row.sign_due : m.clock === 'response' ? row.response_due : row.complete_due;
      const local = dueAt ? shanghaiMinute(new Date(dueAt)) : null;
      firings.push({
        i: firings.length,
        a: id,
        t: Number(row.ticket_id),
        u: Number(row.unit_id),
        c: m.clock,
        l: m.level,
        r: levelRank(m.level),
        y: row.sla_cycle,
        v: row.version,
        p: { clock: m.clock, level: m.level, dueAt, markAt: m.at, cycle: row.sla_cycle, unitId: Number(row.unit_id) },
        why: m.level === 'overdue' ? `${CLOCK_LABELS[m.clock]}已超期（期限 ${local ?? '—'}）` : null,
        ph: phone,
        b: phone
          ? render(row.template ?? DEFAULT_TEMPLATES.unit_warning!, {
              number: row.number,
              clock: CLOCK_LABELS[m.clock],
              level: LEVEL_LABEL[m.level],
              dueAt: local ?? '',
            })
          : null,
      });
    }
  }
  return { firings, left };
}
