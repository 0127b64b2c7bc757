/**
 * The report's figures the metric rollups do not keep, counted from the month's ticket_events (indexed by
 * time): overdue warnings and 督办, the centre's own clocks, return requests, reopens and appeals, by unit.
 */
import { inArray, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { units } from '../../../db/schema/index.ts';
import { APPEAL_REASON_LABELS, CENTRE_CLOCK_LABELS } from '../../contract/labels.ts';
import { APPEAL_REASON_CODES } from '../appeals/inputs.ts';
import { CENTRE_CLOCKS, centreClockOf, type CentreClock } from '../centre/clocks.ts';
import { TICKET_ACTIONS } from '../tickets/status.ts';
import { rowsOf } from '../tickets/queries.ts';
import { round, TOP_UNITS, type CentreClockFigure, type MonthlyFigures, type RateFigure, type UnitCount, type UnitRef } from './contents.ts';
import type { MonthSpan } from './months.ts';

type EventCount = { type: string; level: string | null; clock: string | null; reasonCode: string | null; unitId: number | null; n: number };

const EVENT_TYPES = [
  'sla_warning',
  'supervise',
  'request_return',
  'approve_return',
  'reject_return',
  // a sub-unit's return, decided by the unit that handed it down (its request is a request_return too)
  'approve_sub_return',
  'reject_sub_return',
  'reopen',
  'appeal_filed',
  'appeal_approved',
  'appeal_rejected',
];

/**
 * The month's events the report counts, by type and unit: the unit named in the event (assignment
 * actions, appeals, SLA warnings), else the unit of the assignment it refers to (return reviews, reopens).
 */
async function monthEvents(db: Db, span: MonthSpan): Promise<EventCount[]> {
  const int = (path: string) => sql.raw(`case when e.payload->>'${path}' ~ '^[0-9]+$' then (e.payload->>'${path}')::bigint end`);
  const rows = rowsOf<EventCount>(
    await db.execute(sql`
      select e.type, e.payload->>'level' as level, e.payload->>'clock' as clock, e.payload->>'reasonCode' as "reasonCode",
        coalesce(${int('unitId')}, a.unit_id)::int as "unitId", count(*)::int as n
      from ticket_events e
        left join assignments a on a.id = coalesce(e.assignment_id, ${int('assignmentId')})
      where e.created_at >= ${span.from.toISOString()}::timestamptz and e.created_at < ${span.to.toISOString()}::timestamptz
        and e.type in ${EVENT_TYPES}
      group by 1, 2, 3, 4, 5`),
  );
  return rows.map((r) => ({ ...r, unitId: r.unitId === null ? null : Number(r.unitId), n: Number(r.n) }));
}

/** A clock's row in the report: the contract's name, and for callbacks how a round is counted (see centreClocks). */
const clockName = (clock: CentreClock) => (clock === 'callback' ? `${CENTRE_CLOCK_LABELS.callback}（每轮首次）` : CENTRE_CLOCK_LABELS[clock]);

/** The actions that end a centre clock (src/domain/centre/clocks.ts), as event types. */
const CENTRE_EVENT_TYPES = TICKET_ACTIONS.filter((a) => centreClockOf(a) !== null);

/**
 * Each centre clock's decisions this month, from the `centre` payload of their events: a callback round counts
 * once, at its first attempt (as 回访及时率 does).
 */
async function centreClocks(db: Db, span: MonthSpan): Promise<CentreClockFigure[]> {
  const rows = rowsOf<{ clock: string; n: number; on_time: number; avg: string | number | null; max: number | null }>(
    await db.execute(sql`
      select e.payload->'centre'->>'clock' as clock, count(*)::int as n,
        count(*) filter (where (e.payload->'centre'->>'onTime')::boolean)::int as on_time,
        avg((e.payload->'centre'->>'waitedMinutes')::numeric) as avg, max((e.payload->'centre'->>'waitedMinutes')::int) as max
      from ticket_events e
      where e.created_at >= ${span.from.toISOString()}::timestamptz and e.created_at < ${span.to.toISOString()}::timestamptz
        and e.type in ${CENTRE_EVENT_TYPES} and e.payload ? 'centre'
        and (e.type not like 'callback%' or not exists (
          select 1 from ticket_events p where p.ticket_id = e.ticket_id and p.id < e.id and p.type like 'callback%'
            and p.id > coalesce((select max(a.id) from ticket_events a where a.ticket_id = e.ticket_id and a.id < e.id and a.type = 'approve_reply'), 0)))
      group by 1`),
  );
  return CENTRE_CLOCKS.map((clock) => {
    const r = rows.find((x) => x.clock === clock);
    return {
      clock,
      name: clockName(clock),
      decided: Number(r?.n ?? 0),
      onTime: Number(r?.on_time ?? 0),
      avgWaitMinutes: r?.avg === null || r?.avg === undefined ? null : round(Number(r.avg), 1),
      maxWaitMinutes: r?.max === null || r?.max === undefined ? null : Number(r.max),
    };
  });
}

/** Tickets with at least one overdue warning this month. */
async function overdueTickets(db: Db, span: MonthSpan): Promise<number> {
  const [r] = rowsOf<{ n: number }>(
    await db.execute(sql`
      select count(distinct ticket_id)::int as n from ticket_events
      where created_at >= ${span.from.toISOString()}::timestamptz and created_at < ${span.to.toISOString()}::timestamptz
        and type = 'sla_warning' and payload->>'level' = 'overdue'`),
  );
  return Number(r?.n ?? 0);
}

async function unitsById(db: Db, ids: number[]): Promise<Map<number, UnitRef>> {
  const distinct = [...new Set(ids)];
  const rows = distinct.length ? await db.select({ id: units.id, name: units.name, kind: units.kind }).from(units).where(inArray(units.id, distinct)) : [];
  return new Map(rows.map((u) => [u.id, u]));
}

const sum = (rows: EventCount[], pick: (e: EventCount) => boolean) => rows.filter(pick).reduce((s, e) => s + e.n, 0);

/** Per-unit sums of several measures, the top units by the first one (ties: by name). */
function topUnits<M extends Record<string, (e: EventCount) => boolean>>(
  rows: EventCount[],
  refs: Map<number, UnitRef>,
  measures: M,
  by: keyof M,
): (UnitCount & Record<keyof M, number>)[] {
  type Sums = Record<keyof M, number>;
  const per = new Map<number, Sums>();
  for (const e of rows) {
    if (e.unitId === null || !refs.has(e.unitId)) continue;
    for (const k of Object.keys(measures) as (keyof M)[]) {
      if (!measures[k]!(e)) continue;
      const m = per.get(e.unitId) ?? (Object.fromEntries(Object.keys(measures).map((x) => [x, 0])) as Sums);
      m[k] += e.n;
      per.set(e.unitId, m);
    }
  }
  return [...per.entries()]
    .filter(([, m]) => m[by] > 0)
    .map(([id, m]) => ({ unit: refs.get(id)!, count: m[by], ...m }))
    .sort((a, b) => b.count - a.count || a.unit.name.localeCompare(b.unit.name, 'zh-CN'))
    .slice(0, TOP_UNITS);
}

function overdueFigures(
  events: EventCount[],
  refs: Map<number, UnitRef>,
  tickets: number,
  closed: number,
  closedOnTime: number,
  onTimeRate: RateFigure,
): MonthlyFigures['overdue'] {
  const overdue = (clock?: string) => (e: EventCount) => e.type === 'sla_warning' && e.level === 'overdue' && (!clock || e.clock === clock);
  const alerts = {
    sign: sum(events, overdue('sign')),
    response: sum(events, overdue('response')),
    complete: sum(events, overdue('complete')),
    total: sum(events, overdue()),
  };
  const byUnit = topUnits(events, refs, { total: overdue(), sign: overdue('sign'), response: overdue('response'), complete: overdue('complete') }, 'total').map(
    ({ total: _t, ...r }) => r,
  );
  return { alerts, tickets, manualSupervisions: sum(events, (e) => e.type === 'supervise'), closed, closedLate: closed - closedOnTime, onTimeRate, byUnit };
}

/** Returns at every level, as 回退率 counts them: a sub-unit's, decided by its parent, beside those the centre decided. */
function returnFigures(events: EventCount[], refs: Map<number, UnitRef>, rate: RateFigure): MonthlyFigures['returns'] {
  const is =
    (...types: string[]) =>
    (e: EventCount) =>
      types.includes(e.type);
  const approved = is('approve_return', 'approve_sub_return');
  return {
    requested: sum(events, is('request_return')),
    approved: sum(events, approved),
    rejected: sum(events, is('reject_return', 'reject_sub_return')),
    rate,
    byUnit: topUnits(events, refs, { requested: is('request_return'), approved }, 'requested').map(({ requested: _r, ...x }) => x),
  };
}

function redoFigures(events: EventCount[], refs: Map<number, UnitRef>) {
  const reopen = (e: EventCount) => e.type === 'reopen';
  return { reopened: sum(events, reopen), byUnit: topUnits(events, refs, { n: reopen }, 'n').map(({ unit, count }) => ({ unit, count })) };
}

function appealFigures(events: EventCount[], refs: Map<number, UnitRef>): MonthlyFigures['appeals'] {
  const is = (type: string) => (e: EventCount) => e.type === type;
  const filed = events.filter(is('appeal_filed'));
  return {
    filed: sum(events, is('appeal_filed')),
    approved: sum(events, is('appeal_approved')),
    rejected: sum(events, is('appeal_rejected')),
    byReason: APPEAL_REASON_CODES.map((code) => ({ code, name: APPEAL_REASON_LABELS[code], count: sum(filed, (e) => e.reasonCode === code) })).filter(
      (r) => r.count > 0,
    ),
    byUnit: topUnits(events, refs, { filed: is('appeal_filed'), approved: is('appeal_approved'), rejected: is('appeal_rejected') }, 'filed').map(
      ({ filed: _f, ...x }) => x,
    ),
  };
}

/** Everything the report counts from the month's events; the closes and rates come from the rollups. */
export async function countedFigures(
  db: Db,
  span: MonthSpan,
  from: { closed: number; closedOnTime: number; closedRedone: number; onTimeRate: RateFigure; returnRate: RateFigure; redoRate: RateFigure },
): Promise<Pick<MonthlyFigures, 'overdue' | 'returns' | 'redo' | 'appeals'> & { centreClocks: CentreClockFigure[] }> {
  const events = await monthEvents(db, span);
  const refs = await unitsById(
    db,
    events.map((e) => e.unitId).filter((id): id is number => id !== null),
  );
  return {
    overdue: overdueFigures(events, refs, await overdueTickets(db, span), from.closed, from.closedOnTime, from.onTimeRate),
    centreClocks: await centreClocks(db, span),
    returns: returnFigures(events, refs, from.returnRate),
    redo: { ...redoFigures(events, refs), closedRedone: from.closedRedone, rate: from.redoRate },
    appeals: appealFigures(events, refs),
  };
}
