/**
 * 典型案例: a handful of the month's tickets worth reading in full, chosen by a fixed rule.
 *
 * Candidates are the tickets received in the month that were dispatched to a unit. Four measures, each
 * with its own shortlist (best first, ties by ticket number):
 *   1. 重办次数   — reopens after a dissatisfied callback (tickets.redo_count)
 *   2. 超期时长   — how long the lead unit's completion deadline was overrun, as at the end of the month
 *                   (its last reply, or the month's end when it had not replied)
 *   3. 重复来电   — repeat contacts linked to the ticket (contacts.is_repeat, merged tickets included)
 *   4. 督办级别   — supervision level (one per 督办), then reminders (催办)
 * The cases are taken in turn from the four shortlists (the first of each, then the second of each…),
 * skipping a ticket already taken, until CASES are chosen. Each case states every measure it meets.
 *
 * No caller data: no name, number or address; the summary is the ticket's title with digit runs (phone and
 * ID numbers) and forms of address (王先生, 李女士…) blotted out.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { rowsOf } from '../tickets/queries.ts';
import type { MonthSpan } from './months.ts';
import { redactContactDetails } from '../privacy/phone-numbers.ts';
import { CLOSE_REASON_LABELS, SATISFACTION_LABELS, SOLVED_LABELS, STATUS_LABELS } from '../../contract/labels.ts';
import type { CloseReason, Satisfaction, SolvedResult, TicketStatus } from '../../contract/vocab.ts';

export const CASES = 6;
const SHORTLIST = 3;

export type CaseMeasure = 'redo' | 'overdue' | 'repeat' | 'supervision';
export type TypicalCase = {
  number: string;
  category: string;
  street: string | null;
  leadUnit: string | null;
  summary: string;
  status: string;
  outcome: string;
  redoCount: number;
  overdueHours: number;
  repeatContacts: number;
  supervisionLevel: number;
  /** the measures this ticket was chosen for, in words (重办 2 次；超期 36 小时…) */
  reasons: string[];
  /** the shortlist it was taken from */
  chosenFor: CaseMeasure;
};

export const CASE_RULE =
  '从本月受理并派单的工单中，按重办次数、超期时长（截至月末）、重复来电次数、督办级别各取前三名，依次轮流选取（每项先取第一名，再取第二名……，已入选的跳过），共选 6 件。';

/**
 * A text fit for a widely read report, whoever reads it: phone numbers, ID numbers and e-mails replaced
 * (redactContactDetails), forms of address made anonymous.
 */
export function scrubPersonal(text: string, max = 60): string {
  const s = redactContactDetails(text)
    .replace(/[\u4e00-\u9fa5](先生|女士|小姐|阿姨|大爷|大妈|师傅|老师)/g, '某$1')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = [...s];
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : s;
}

type Candidate = { id: number; score: number };

export async function typicalCases(db: Db, span: MonthSpan): Promise<TypicalCase[]> {
  const from = span.from.toISOString();
  const to = span.to.toISOString();
  const received = sql`t.created_at >= ${from}::timestamptz and t.created_at < ${to}::timestamptz and t.dispatched_at is not null`;
  const top = async (q: ReturnType<typeof sql>): Promise<Candidate[]> =>
    rowsOf<{ id: number; score: number }>(await db.execute(q)).map((r) => ({ id: Number(r.id), score: Number(r.score) }));

  const late = sql`extract(epoch from (least(coalesce(a.replied_at, ${to}::timestamptz), ${to}::timestamptz) - a.complete_due_at)) / 3600`;
  const shortlists: Record<CaseMeasure, Candidate[]> = {
    redo: await top(
      sql`select t.id, t.redo_count as score from tickets t where ${received} and t.redo_count > 0 order by t.redo_count desc, t.number limit ${SHORTLIST}`,
    ),
    overdue: await top(sql`
      select t.id, max(${late}) as score from tickets t join assignments a on a.ticket_id = t.id
      where ${received} and a.role = 'lead' and a.parent_id is null and a.complete_due_at is not null and a.complete_due_at < ${to}::timestamptz
      group by t.id, t.number having max(${late}) > 0 order by 2 desc, t.number limit ${SHORTLIST}`),
    repeat: await top(sql`
      select t.id, count(*) as score from tickets t join contacts c on c.ticket_id = t.id
      where ${received} and c.is_repeat group by t.id, t.number order by 2 desc, t.number limit ${SHORTLIST}`),
    supervision: await top(
      sql`select t.id, t.supervision_level as score from tickets t where ${received} and t.supervision_level > 0 order by t.supervision_level desc, t.reminder_count desc, t.number limit ${SHORTLIST}`,
    ),
  };

  const order: CaseMeasure[] = ['redo', 'overdue', 'repeat', 'supervision'];
  const chosen = new Map<number, CaseMeasure>();
  for (let i = 0; i < SHORTLIST && chosen.size < CASES; i++) {
    for (const m of order) {
      const c = shortlists[m][i];
      if (c && !chosen.has(c.id) && chosen.size < CASES) chosen.set(c.id, m);
    }
  }
  if (!chosen.size) return [];
  const ids = [...chosen.keys()];

  const details = rowsOf<{
    id: number;
    number: string;
    title: string;
    status: TicketStatus;
    close_reason: CloseReason | null;
    redo_count: number;
    supervision_level: number;
    category: string;
    street: string | null;
    lead_unit: string | null;
    repeats: number;
    late_hours: number | null;
    solved: SolvedResult | null;
    satisfaction: Satisfaction | null;
  }>(
    await db.execute(sql`
      select t.id, t.number, t.title, t.status, t.close_reason, t.redo_count, t.supervision_level, c.name as category,
        coalesce(s.name, d.name) as street,
        (select u.name from assignments a join units u on u.id = a.unit_id where a.ticket_id = t.id and a.role = 'lead' and a.parent_id is null order by a.id desc limit 1) as lead_unit,
        (select count(*)::int from contacts x where x.ticket_id = t.id and x.is_repeat) as repeats,
        (select max(${late}) from assignments a where a.ticket_id = t.id and a.role = 'lead' and a.parent_id is null and a.complete_due_at is not null) as late_hours,
        cb.solved, cb.satisfaction
      from tickets t
        join categories c on c.id = t.category_id
        left join units s on s.id = t.street_unit_id
        left join units d on d.id = t.district_unit_id
        left join lateral (select solved::text, satisfaction::text from callbacks k where k.ticket_id = t.id and k.reached order by k.id desc limit 1) cb on true
      where t.id in ${ids}`),
  );
  const byId = new Map(details.map((d) => [Number(d.id), d]));
  return ids.map((id) => {
    const d = byId.get(id)!;
    const overdueHours = Math.max(0, Math.round(Number(d.late_hours ?? 0)));
    const redoCount = Number(d.redo_count);
    const repeatContacts = Number(d.repeats);
    const supervisionLevel = Number(d.supervision_level);
    const reasons = [
      redoCount > 0 ? `重办 ${redoCount} 次` : null,
      overdueHours > 0 ? `超期 ${overdueHours} 小时` : null,
      repeatContacts > 0 ? `重复来电 ${repeatContacts} 次` : null,
      supervisionLevel > 0 ? `督办 ${supervisionLevel} 级` : null,
    ].filter((r): r is string => r !== null);
    const callback = [d.solved ? SOLVED_LABELS[d.solved] : null, d.satisfaction ? SATISFACTION_LABELS[d.satisfaction] : null].filter(Boolean).join('、');
    const status = STATUS_LABELS[d.status];
    const outcome = [d.status === 'closed' && d.close_reason ? CLOSE_REASON_LABELS[d.close_reason] : status, callback ? `回访：${callback}` : null]
      .filter(Boolean)
      .join('；');
    return {
      number: d.number,
      category: d.category,
      street: d.street,
      leadUnit: d.lead_unit,
      summary: scrubPersonal(d.title),
      status,
      outcome,
      redoCount,
      overdueHours,
      repeatContacts,
      supervisionLevel,
      reasons,
      chosenFor: chosen.get(id)!,
    };
  });
}
