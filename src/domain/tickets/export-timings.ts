/**
 * The row-per-ticket timings of an export (GET /api/tickets/export?detail=timings): for one page of tickets,
 * in one query, when the caller was first contacted (the time the unit gave), the first reply, the close and
 * its outcome, the last callback with its answer and how many attempts were made, and the caller's latest
 * rating (好差评, of the latest round rated). Nothing personal: the callback's and the rating's comments are left out.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { CLOSE_REASON_LABELS, RATING_LEVEL_LABELS, SATISFACTION_LABELS, SOLVED_LABELS } from '../../contract/labels.ts';
import type { RatingLevel } from '../../contract/vocab.ts';
import type { CloseReason, Satisfaction, SolvedResult } from '../vocab.ts';
import { shanghaiMinute } from '../clock.ts';
import { rowsOf } from './queries.ts';

export const TIMING_HEADERS = ['首次联系时间', '首次答复时间', '办结方式', '最后回访时间', '回访次数', '解决情况', '满意度', '市民评价'];

type Raw = {
  ticket_id: string | number;
  first_contact: string | null;
  first_reply: string | null;
  close_reason: CloseReason | null;
  last_callback: string | null;
  attempts: number;
  solved: SolvedResult | null;
  satisfaction: Satisfaction | null;
  rating: RatingLevel | null;
};

const time = (v: string | Date | null) => (v ? shanghaiMinute(new Date(v)) : '');

/** The timing cells of each ticket of the page, by ticket id. */
export async function timingsOf(db: Db, ticketIds: number[]): Promise<Map<number, string[]>> {
  if (!ticketIds.length) return new Map();
  const rows = rowsOf<Raw>(
    await db.execute(sql`
      select t.id as ticket_id, t.close_reason::text as close_reason,
        (select min((e.payload->>'contactedAt')::timestamptz) from ticket_events e where e.ticket_id = t.id and e.type = 'contact') as first_contact,
        (select min(e.created_at) from ticket_events e where e.ticket_id = t.id and e.type = 'reply') as first_reply,
        c.last_callback, coalesce(c.attempts, 0)::int as attempts, c.solved, c.satisfaction,
        (select r.level from citizen_ratings r where r.ticket_id = t.id order by r.round desc limit 1) as rating
      from tickets t
      left join lateral (
        select max(e.created_at) as last_callback, count(*) as attempts,
          (array_agg(e.payload->>'solved' order by e.id desc) filter (where e.payload->>'solved' is not null))[1] as solved,
          (array_agg(e.payload->>'satisfaction' order by e.id desc) filter (where e.payload->>'satisfaction' is not null))[1] as satisfaction
        from ticket_events e
        where e.ticket_id = t.id and e.type in ('callback_close', 'callback_dispute', 'callback_retry', 'callback_unreached')
      ) c on true
      where t.id = any(${`{${ticketIds.join(',')}}`}::bigint[])`),
  );
  return new Map(
    rows.map((r) => [
      Number(r.ticket_id),
      [
        time(r.first_contact),
        time(r.first_reply),
        r.close_reason ? (CLOSE_REASON_LABELS[r.close_reason] ?? r.close_reason) : '',
        time(r.last_callback),
        r.attempts ? String(r.attempts) : '',
        r.solved ? (SOLVED_LABELS[r.solved] ?? r.solved) : '',
        r.satisfaction ? (SATISFACTION_LABELS[r.satisfaction] ?? r.satisfaction) : '',
        r.rating ? (RATING_LEVEL_LABELS[r.rating] ?? r.rating) : '',
      ],
    ]),
  );
}
