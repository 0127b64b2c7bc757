/**
 * SLA warnings that fall due during the fault run: every few hundred milliseconds the newest auto-dispatched
 * assignments get the three marks of their sign clock (yellow, red, overdue) a moment ahead, so both instances'
 * sweeps (every second) race for them before, across and after the kill. Afterwards: every mark fired, each exactly
 * once — one sla_alerts row and one sla_warning event per assignment and level.
 */
import type postgres from 'postgres';

const LEVELS = ['yellow', 'red', 'overdue'] as const;

export function startMarking(sql: postgres.Sql, o: { everyMs: number; perTick: number }) {
  const marked: number[] = [];
  let after = 0;
  let stopped = false;
  let failure: unknown = null;
  const loop = (async () => {
    while (!stopped) {
      try {
        const now = Date.now();
        // Due 0.2 s, 0.6 s and 1.0 s from now: a sweep run may take one level or several at once.
        const marks = LEVELS.map((level, k) => ({ clock: 'sign', level, at: new Date(now + 200 + 400 * k).toISOString() }));
        const rows = await sql<{ id: string }[]>`
          update assignments set sla_marks = ${sql.json(marks)}, next_check_at = ${marks[0]!.at}
           where id in (select id from assignments where id > ${after} and status = 'awaiting_sign' order by id limit ${o.perTick})
          returning id`;
        for (const r of rows) {
          marked.push(Number(r.id));
          after = Math.max(after, Number(r.id));
        }
      } catch (err) {
        failure = err;
      }
      await new Promise((r) => setTimeout(r, o.everyMs));
    }
  })();
  return {
    marked,
    async stop() {
      stopped = true;
      await loop;
      if (failure) throw failure;
    },
  };
}

export type SweepCheck = {
  assignments: number;
  expected: number;
  /** (assignment, level) pairs with exactly one event and one alert */
  once: number;
  missing: number;
  doubled: number;
  stillDue: number;
  ok: boolean;
};

/** Waits until no marked assignment has a mark left (or `timeoutMs`), then counts events and alerts per level. */
export async function checkSweep(sql: postgres.Sql, ids: number[], timeoutMs: number): Promise<SweepCheck> {
  const until = Date.now() + timeoutMs;
  let stillDue = 0;
  for (;;) {
    const [r] = await sql<{ n: number }[]>`select count(*)::int as n from assignments where id = any(${ids}) and next_check_at is not null`;
    stillDue = r!.n;
    if (stillDue === 0 || Date.now() > until) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const rows = await sql<{ e: number; a: number }[]>`
    with pairs as (select a.id, l.level from unnest(${ids}::bigint[]) a(id) cross join unnest(${LEVELS as unknown as string[]}::text[]) l(level))
    select (select count(*)::int from ticket_events e where e.type = 'sla_warning' and e.assignment_id = p.id and e.payload->>'level' = p.level) as e,
           (select count(*)::int from sla_alerts s where s.assignment_id = p.id and s.clock = 'sign' and s.level::text = p.level) as a
      from pairs p`;
  const once = rows.filter((r) => r.e === 1 && r.a === 1).length;
  const missing = rows.filter((r) => r.e === 0 || r.a === 0).length;
  const doubled = rows.filter((r) => r.e > 1 || r.a > 1).length;
  return { assignments: ids.length, expected: rows.length, once, missing, doubled, stillDue, ok: ids.length > 0 && once === rows.length && stillDue === 0 };
}
