/**
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
 *
 * The batch is set-based: whatever its size, it is at most nine statements — the claim, one insert per
 * table (alerts, reminders and supervision items, events, messages; rows passed as one jsonb parameter),
 * the events' audience, the message template, one update of the assignments and one of the tickets.
 */
import { asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { assignments, messageTemplates, tickets, units } from '../../db/schema/index.ts';
import type { Deps } from '../deps.ts';
import type { PublishedEvent } from '../domain/events.ts';
import { dueMarks, levelRank, maxLevel, nextCheckAt, type Clock, type Level, type Mark, type WarningLevel } from '../domain/sla/clocks.ts';
import { DEFAULT_TEMPLATES, render } from '../domain/notifications/outbox.ts';
import { rowsOf } from '../domain/tickets/queries.ts';
import { LIVE_ASSIGNMENT, type AssignmentStatus } from '../domain/tickets/status.ts';
import type { Job } from './schedule.ts';

export type SweepResult = {
  /** Assignments taken (each had a mark due) */
  assignments: number;
  /** Levels fired: one sla_alerts row and one 'sla_warning' event each */
  fired: number;
  /** Of which overdue: each opened a reminder (催办) and a supervision item (督办) */
  overdue: number;
  batches: number;
};

export type SweepOptions = {
  batchSize?: number;
  /** Batches per run, so one run cannot go on forever (the next run continues); default 200 */
  maxBatches?: number;
  /** Batches at once on PostgreSQL (default 1: measured no faster at 2–3, see docs/benchmarks.md); always 1 on PGlite */
  concurrency?: number;
};

const CLOCK_LABEL: Record<Clock, string> = { sign: '签收', response: '响应', complete: '办结' };
const LEVEL_LABEL: Record<Level, string> = { yellow: '即将到期（黄色预警）', red: '临近超期（红色预警）', overdue: '已超期' };

/** Asia/Shanghai wall-clock time for messages, e.g. 2026-03-10 17:30. */
function localTime(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

type Row = { a: typeof assignments.$inferSelect; ticketNumber: string; ticketLevel: WarningLevel; ticketVersion: number; notifyPhone: string | null };

function dueOf(a: Row['a'], clock: Clock): Date | null {
  return clock === 'sign' ? a.signDueAt : clock === 'response' ? a.responseDueAt : a.completeDueAt;
}

/** Rows as one jsonb parameter, read back with jsonb_to_recordset (one statement, any number of rows). */
const json = (rows: unknown[]) => sql`${JSON.stringify(rows)}::jsonb`;
const markKey = (assignmentId: unknown, clock: string, level: string) => `${Number(assignmentId)}:${clock}:${level}`;

async function sweepBatch(deps: Deps, now: Date, batchSize: number): Promise<Omit<SweepResult, 'batches'>> {
  const pending: PublishedEvent[] = [];
  const result = await deps.db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const rows: Row[] = await tx
      .select({
        a: assignments,
        ticketNumber: tickets.number,
        ticketLevel: tickets.warningLevel,
        ticketVersion: tickets.version,
        notifyPhone: units.notifyPhone,
      })
      .from(assignments)
      .innerJoin(tickets, eq(tickets.id, assignments.ticketId))
      .innerJoin(units, eq(units.id, assignments.unitId))
      .where(lte(assignments.nextCheckAt, now))
      // By next_check_at alone, the partial index's order: a tie-break on id would sort every due row before
      // the LIMIT (measured: 0.5 s for 100,000 assignments due at one instant, against 6 ms without).
      .orderBy(asc(assignments.nextCheckAt))
      .limit(batchSize)
      .for('update', { of: [assignments, tickets], skipLocked: true });
    const result = { assignments: rows.length, fired: 0, overdue: 0 };
    if (!rows.length) return result;

    // 1. What is due. A clock whose assignment has ended fires nothing (its marks should already be gone; this tidies up).
    const plan = rows.map((row) => {
      const live = LIVE_ASSIGNMENT.includes(row.a.status as AssignmentStatus);
      const { due, rest } = live ? dueMarks(row.a.slaMarks, now) : { due: [] as Mark[], rest: [] as Mark[] };
      return { row, due, rest, fired: [] as Mark[] };
    });
    const wanted = plan.flatMap((p) => p.due.map((m) => ({ a: p.row.a.id, c: m.clock, l: m.level, y: p.row.a.slaCycle })));

    // 2. Fire: one insert for every due mark; the rows that come back are the levels firing now (a conflict
    // means it fired before in this cycle: never twice).
    if (wanted.length) {
      const inserted = rowsOf<{ assignment_id: unknown; clock: string; level: string }>(
        await tx.execute(sql`
          insert into sla_alerts (assignment_id, clock, level, cycle, fired_at)
          select x.a, x.c, x.l::warning_level, x.y, ${now.toISOString()}::timestamptz
          from jsonb_to_recordset(${json(wanted.map((w, i) => ({ ...w, i })))}) as x(i int, a bigint, c text, l text, y int)
          order by x.i
          on conflict do nothing
          returning assignment_id, clock, level::text as level`),
      );
      const firing = new Set(inserted.map((r) => markKey(r.assignment_id, r.clock, r.level)));
      for (const p of plan) p.fired = p.due.filter((m) => firing.has(markKey(p.row.a.id, m.clock, m.level)));
    }

    // 3. Each overdue level opens a reminder (催办, to the unit) and a supervision item (督办).
    const items = plan.flatMap((p) =>
      p.fired
        .filter((m) => m.level === 'overdue')
        .flatMap((m) => {
          const dueAt = dueOf(p.row.a, m.clock);
          const reason = `${CLOCK_LABEL[m.clock]}已超期（期限 ${dueAt ? localTime(dueAt) : '—'}）`;
          const common = { t: p.row.a.ticketId, a: p.row.a.id, u: p.row.a.unitId, c: m.clock };
          return [
            { ...common, k: 'reminder', r: `催办：${reason}` },
            { ...common, k: 'supervision', r: `督办：${reason}` },
          ];
        }),
    );
    const itemIds = new Map<string, number>();
    if (items.length) {
      const created = rowsOf<{ id: unknown; assignment_id: unknown; clock: string; kind: string }>(
        await tx.execute(sql`
          insert into supervision_items (ticket_id, assignment_id, unit_id, kind, reason, clock, created_at)
          select x.t, x.a, x.u, x.k, x.r, x.c, ${now.toISOString()}::timestamptz
          from jsonb_to_recordset(${json(items.map((it, i) => ({ ...it, i })))}) as x(i int, t bigint, a bigint, u int, k text, r text, c text)
          order by x.i
          returning id, assignment_id, clock, kind`),
      );
      for (const r of created) itemIds.set(markKey(r.assignment_id, r.clock, r.kind), Number(r.id));
    }

    // 4. One 'sla_warning' event per level fired, by the system, in the order fired.
    const events = plan.flatMap((p) =>
      p.fired.map((m) => {
        const { a } = p.row;
        return {
          t: a.ticketId,
          a: a.id,
          v: p.row.ticketVersion,
          p: {
            clock: m.clock,
            level: m.level,
            dueAt: dueOf(a, m.clock)?.toISOString() ?? null,
            markAt: m.at,
            cycle: a.slaCycle,
            unitId: a.unitId,
            reminderId: m.level === 'overdue' ? (itemIds.get(markKey(a.id, m.clock, 'reminder')) ?? null) : null,
            supervisionId: m.level === 'overdue' ? (itemIds.get(markKey(a.id, m.clock, 'supervision')) ?? null) : null,
          },
        };
      }),
    );
    if (events.length) {
      const createdAt = deps.clock.now();
      const written = rowsOf<{ id: unknown; assignment_id: unknown; clock: string; level: string }>(
        await tx.execute(sql`
          insert into ticket_events (ticket_id, assignment_id, type, version, payload, public, created_at)
          select x.t, x.a, 'sla_warning', x.v, x.p, false, ${createdAt.toISOString()}::timestamptz
          from jsonb_to_recordset(${json(events.map((e, i) => ({ ...e, i })))}) as x(i int, t bigint, a bigint, v int, p jsonb)
          order by x.i
          returning id, assignment_id, payload->>'clock' as clock, payload->>'level' as level`),
      );
      const idOf = new Map(written.map((r) => [markKey(r.assignment_id, r.clock, r.level), Number(r.id)]));
      // Who should hear of each: every unit on the path of an assigned unit, and the creator — one query for the batch.
      const ticketIds = [...new Set(events.map((e) => e.t))];
      const audience = await tx
        .select({ ticketId: tickets.id, createdBy: tickets.createdBy, path: units.path })
        .from(tickets)
        .leftJoin(assignments, eq(assignments.ticketId, tickets.id))
        .leftJoin(units, eq(units.id, assignments.unitId))
        .where(inArray(tickets.id, ticketIds));
      const heard = new Map<number, { unitIds: Set<number>; createdBy: number | null }>();
      for (const r of audience) {
        const h = heard.get(r.ticketId) ?? { unitIds: new Set<number>(), createdBy: r.createdBy };
        for (const id of (r.path ?? '').split('/').filter(Boolean)) h.unitIds.add(Number(id));
        heard.set(r.ticketId, h);
      }
      for (const e of events) {
        const h = heard.get(e.t);
        pending.push({
          id: idOf.get(markKey(e.a, e.p.clock, e.p.level))!,
          type: 'sla_warning',
          ticketId: e.t,
          assignmentId: e.a,
          version: e.v,
          toStatus: null,
          unitIds: [...(h?.unitIds ?? [])],
          createdBy: h?.createdBy ?? null,
          createdAt: createdAt.toISOString(),
        });
      }
    }

    // 5. One message per clock and pass: after downtime the unit hears the worst news once, not three times.
    const messages: { t: number; u: number; r: string; b: string }[] = [];
    let template: string | undefined;
    for (const p of plan) {
      const phone = p.row.notifyPhone?.trim();
      if (!phone || !p.fired.length) continue;
      if (template === undefined) {
        const [row] = await tx.select({ body: messageTemplates.body }).from(messageTemplates).where(eq(messageTemplates.key, 'unit_warning'));
        template = row?.body ?? DEFAULT_TEMPLATES.unit_warning!;
      }
      const { a } = p.row;
      for (const clock of new Set(p.fired.map((f) => f.clock))) {
        const worst = p.fired.filter((f) => f.clock === clock).reduce((x, y) => (levelRank(y.level) > levelRank(x.level) ? y : x));
        const dueAt = dueOf(a, clock);
        const body = render(template, { number: p.row.ticketNumber, clock: CLOCK_LABEL[clock], level: LEVEL_LABEL[worst.level], dueAt: dueAt ? localTime(dueAt) : '' });
        messages.push({ t: a.ticketId, u: a.unitId, r: phone, b: body });
      }
    }
    if (messages.length) {
      await tx.execute(sql`
        insert into notifications (ticket_id, audience, unit_id, recipient, template, body)
        select x.t, 'unit', x.u, x.r, 'unit_warning', x.b
        from jsonb_to_recordset(${json(messages.map((m, i) => ({ ...m, i })))}) as x(i int, t bigint, u int, r text, b text)
        order by x.i`);
    }

    // 6. Fired marks leave the assignments; next_check_at moves to the next mark — one update for the batch.
    const perTicket = new Map<number, { stored: WarningLevel; level: WarningLevel; overdue: number }>();
    const updates = plan.map((p) => {
      const level = p.fired.reduce<WarningLevel>((l, m) => maxLevel(l, m.level), p.row.a.warningLevel);
      const overdue = p.fired.filter((f) => f.level === 'overdue').length;
      result.fired += p.fired.length;
      result.overdue += overdue;
      const t = perTicket.get(p.row.a.ticketId) ?? { stored: p.row.ticketLevel, level: p.row.ticketLevel, overdue: 0 };
      t.level = maxLevel(t.level, level);
      t.overdue += overdue;
      perTicket.set(p.row.a.ticketId, t);
      return { id: p.row.a.id, m: p.rest, n: nextCheckAt(p.rest)?.toISOString() ?? null, l: level };
    });
    await tx.execute(sql`
      update assignments set sla_marks = x.m, next_check_at = x.n::timestamptz, warning_level = x.l::warning_level
      from jsonb_to_recordset(${json(updates)}) as x(id bigint, m jsonb, n text, l text)
      where assignments.id = x.id`);

    // 7. The ticket's level only rises here; each overdue clock adds one 催办 and one 督办 level.
    const raised = [...perTicket].filter(([, t]) => t.level !== t.stored || t.overdue > 0).map(([id, t]) => ({ id, l: t.level, o: t.overdue }));
    if (raised.length) {
      await tx.execute(sql`
        update tickets set warning_level = x.l::warning_level, reminder_count = tickets.reminder_count + x.o, supervision_level = tickets.supervision_level + x.o
        from jsonb_to_recordset(${json(raised)}) as x(id bigint, l text, o int)
        where tickets.id = x.id`);
    }
    return result;
  });
  deps.bus.publish(pending);
  return result;
}

/**
 * Runs batches until nothing is due (or maxBatches). Idempotent: a second pass at the same instant fires nothing.
 * On PostgreSQL `concurrency` batches run at once on separate connections (SKIP LOCKED gives each its own
 * rows, as it does two instances); PGlite is one session, so there they run one after another.
 */
export async function sweep(deps: Deps, now: Date, opts: SweepOptions = {}): Promise<SweepResult> {
  const batchSize = opts.batchSize ?? deps.config.SLA_SWEEP_BATCH_SIZE;
  const maxBatches = opts.maxBatches ?? 200;
  const workers = deps.database.driver === 'postgres' ? Math.max(1, opts.concurrency ?? 1) : 1;
  const total: SweepResult = { assignments: 0, fired: 0, overdue: 0, batches: 0 };
  let started = 0;
  let drained = false;
  const worker = async () => {
    while (!drained && started < maxBatches) {
      started++;
      const r = await sweepBatch(deps, now, batchSize);
      total.batches++;
      total.assignments += r.assignments;
      total.fired += r.fired;
      total.overdue += r.overdue;
      if (r.assignments < batchSize) drained = true;
    }
  };
  // The first batch alone: a pass with nothing (or little) due stays one claim query on one connection.
  started = maxBatches > 0 ? 1 : 0;
  if (started) {
    const r = await sweepBatch(deps, now, batchSize);
    Object.assign(total, { batches: 1, assignments: r.assignments, fired: r.fired, overdue: r.overdue });
    drained = r.assignments < batchSize;
  }
  await Promise.all(Array.from({ length: workers }, worker));
  if (total.fired) deps.logger.info({ ...total }, 'sla sweep fired warnings');
  return total;
}

export const slaSweepJob: Job = {
  name: 'sla-sweep',
  cron: (config) => config.SLA_SWEEP_CRON,
  run: (deps, now) => sweep(deps, now),
};

