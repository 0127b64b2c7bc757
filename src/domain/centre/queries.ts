/**
 * What waits for the centre now: per clock, how many items wait, how many are at each warning
 * level, and the oldest ones with their instants — for the dispatcher's, reviewer's and callback agent's
 * screens and the wallboard. The screens recompute each item's level every few seconds from the instants.
 *
 * One statement: the waiting items (tickets in a waiting status, pending extension requests), each item's
 * deadline by the rule of clocks.ts (`centreDueAt`, written once more in SQL so the counts never need every
 * row in the application; a test checks the two agree), counts per clock and level, and the oldest `limit`
 * items per clock. Indexed by tickets_status_idx and the pending-request index.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import type { Config } from '../../config.ts';
import { DEFAULT_THRESHOLDS } from '../sla/clocks.ts';
import { rowsOf } from '../tickets/queries.ts';
import { CENTRE_CLOCKS, WAITING_STATUS, centreLevel, centreWait, type CentreClock, type CentreLevel } from './clocks.ts';

type Limits = Parameters<typeof centreWait>[0];

export type WaitingItem = {
  ticketId: number;
  number: string;
  since: string;
  yellowAt: string;
  redAt: string;
  dueAt: string;
  waitedMinutes: number;
  level: CentreLevel;
};
export type WaitingClock = { clock: CentreClock; limitMinutes: number | null; total: number; levels: Record<CentreLevel, number>; oldest: WaitingItem[] };

const toDate = (v: string | Date) => (v instanceof Date ? v : new Date(v));

/** Natural-minute limits per clock (the callback's depends on the approval's day: null). */
export function limitMinutesOf(config: Limits, clock: CentreClock): number | null {
  return clock === 'callback' ? null : centreWait(config, clock, new Date(0)).limitMinutes;
}

export async function centreWaiting(
  db: Db,
  config: Pick<Config, keyof Limits>,
  now: Date,
  opts: { limit: number; clocks?: readonly CentreClock[] },
): Promise<WaitingClock[]> {
  const clocks = opts.clocks ?? CENTRE_CLOCKS;
  const statusClock = Object.entries(WAITING_STATUS).filter(([clock]) => clocks.includes(clock as CentreClock));
  const minutes = (c: CentreClock) => sql.raw(String(limitMinutesOf(config, c) ?? 0));
  const at = now.toISOString();
  const rows = rowsOf<{
    clock: CentreClock;
    ticket_id: string | number | null;
    number: string | null;
    since: string | Date | null;
    total: number;
    yellow: number;
    red: number;
    overdue: number;
  }>(
    await db.execute(sql`
      with w as (
        ${
          statusClock.length
            ? sql`select t.id as ticket_id, t.number, case t.status ${sql.join(
                statusClock.map(([clock, status]) => sql`when ${status} then ${clock}`),
                sql` `,
              )} end as clock, t.status_changed_at as since
              from tickets t where t.status in (${sql.join(
                statusClock.map(([, s]) => sql`${s}`),
                sql`, `,
              )})`
            : sql`select null::bigint as ticket_id, null::text as number, null::text as clock, null::timestamptz as since where false`
        }
        ${
          clocks.includes('extension_review')
            ? sql`union all select r.ticket_id, t.number, 'extension_review', r.requested_at
              from assignment_requests r join tickets t on t.id = r.ticket_id join assignments a on a.id = r.assignment_id
              where r.kind = 'extension' and r.status = 'pending' and a.parent_id is null`
            : sql``
        }
      ),
      d as (
        select w.*, case w.clock
            when 'callback' then ((w.since at time zone 'Asia/Shanghai')::date + ${sql.raw(String(config.CALLBACK_DUE_DAYS + 1))})::timestamp at time zone 'Asia/Shanghai'
            ${sql.join(
              CENTRE_CLOCKS.filter((c) => c !== 'callback').map((c) => sql`when ${c} then w.since + interval '1 minute' * ${minutes(c)}`),
              sql` `,
            )}
          end as due
        from w
      ),
      counted as (
        select clock, count(*)::int as total,
          count(*) filter (where ${at}::timestamptz > due)::int as overdue,
          count(*) filter (where ${at}::timestamptz <= due and ${at}::timestamptz >= since + (due - since) * ${DEFAULT_THRESHOLDS.red})::int as red,
          count(*) filter (where ${at}::timestamptz >= since + (due - since) * ${DEFAULT_THRESHOLDS.yellow} and ${at}::timestamptz < since + (due - since) * ${DEFAULT_THRESHOLDS.red})::int as yellow
        from d group by clock
      ),
      oldest as (
        select * from (select d.*, row_number() over (partition by clock order by since, ticket_id) as n from d) x where n <= ${opts.limit}
      )
      select c.clock, o.ticket_id, o.number, o.since, c.total, c.yellow, c.red, c.overdue
      from counted c left join oldest o on o.clock = c.clock
      order by c.clock, o.since, o.ticket_id`),
  );
  return clocks.map((clock) => {
    const mine = rows.filter((r) => r.clock === clock);
    const first = mine[0];
    const total = Number(first?.total ?? 0);
    const [yellow, red, overdue] = [Number(first?.yellow ?? 0), Number(first?.red ?? 0), Number(first?.overdue ?? 0)];
    return {
      clock,
      limitMinutes: limitMinutesOf(config, clock),
      total,
      levels: { none: total - yellow - red - overdue, yellow, red, overdue },
      oldest: mine
        .filter((r) => r.ticket_id !== null)
        .map((r) => {
          const w = centreWait(config, clock, toDate(r.since!));
          return {
            ticketId: Number(r.ticket_id),
            number: r.number!,
            since: w.since.toISOString(),
            yellowAt: w.yellowAt.toISOString(),
            redAt: w.redAt.toISOString(),
            dueAt: w.dueAt.toISOString(),
            waitedMinutes: Math.max(0, Math.floor((now.getTime() - w.since.getTime()) / 60_000)),
            level: centreLevel(w, now),
          };
        }),
    };
  });
}
