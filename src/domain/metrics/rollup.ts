/**
 * The metrics rollup: counts queued ticket events into the rollup tables (metrics_daily and its coarser grains).
 *
 * Each batch is one transaction that
 *  1. takes a transaction-scoped advisory lock (another instance running at the same moment skips its turn),
 *  2. deletes up to `batchSize` ids from metrics_queue, oldest first (SKIP LOCKED as a second guard),
 *  3. loads the whole event stream, the ticket and the assignments of every ticket those events belong to,
 *  4. folds each stream (contributions.ts) and keeps the deltas of the taken events only,
 *  5. adds the summed deltas to every grain of the rollup (grains.ts; one upsert per key, in key order) —
 *     to the subtree grain once for each unit on the path of the delta's unit (the paths read under the lock;
 *     a change of paths rebuilds that grain's rows under the same lock: migration metrics_subtree_monthly).
 * The queue rows and the counts commit or roll back together: every event is counted exactly once, in
 * whatever order events commit. See docs/metrics.md.
 */
import { and, asc, eq, inArray, or, sql, type AnyColumn } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { assignments, type metricsDaily, metricsRollupState, ticketEvents, tickets, units } from '../../../db/schema/index.ts';
import type { DbDeps, WithConfig } from '../../deps.ts';
import { rowsOf } from '../tickets/queries.ts';
import { aggregate, COUNTED_EVENT_TYPES, ticketDeltas, type AssignmentFacts, type StreamEvent } from './contributions.ts';
import { COUNTERS, counterColumn, INTAKE_UNIT, type Counter } from './counters.ts';
import { GRAINS, monthOf, pathUnits, type Grain } from './grains.ts';
import { applyLedger, ledgerRows } from './ledger.ts';

/** pg advisory lock key of the rollup ("jiesu metrics"); also taken by the subtree grain's rebuild (migration 0012). */
export const ROLLUP_LOCK_KEY = 7212346;

export type RollupResult = { events: number; keys: number; batches: number; skipped: boolean };

async function takeLock(tx: Db): Promise<boolean> {
  const r = rowsOf<{ ok: boolean }>(await tx.execute(sql`select pg_try_advisory_xact_lock(${ROLLUP_LOCK_KEY}) as ok`));
  return r[0]?.ok === true;
}

/** The deltas of the given events, computed from their tickets' full streams. */
export async function deltasForEvents(tx: Db, eventIds: number[]) {
  if (eventIds.length === 0) return [];
  const taken = await tx.select({ id: ticketEvents.id, ticketId: ticketEvents.ticketId }).from(ticketEvents).where(inArray(ticketEvents.id, eventIds));
  const ticketIds = [...new Set(taken.map((e) => e.ticketId))];
  if (ticketIds.length === 0) return [];
  const [events, ticketRows, assignmentRows] = await Promise.all([
    tx
      .select({
        id: ticketEvents.id,
        ticketId: ticketEvents.ticketId,
        assignmentId: ticketEvents.assignmentId,
        type: ticketEvents.type,
        fromStatus: ticketEvents.fromStatus,
        toStatus: ticketEvents.toStatus,
        payload: ticketEvents.payload,
        createdAt: ticketEvents.createdAt,
      })
      .from(ticketEvents)
      .where(
        and(
          inArray(ticketEvents.ticketId, ticketIds),
          or(
            inArray(ticketEvents.type, [...COUNTED_EVENT_TYPES]),
            eq(ticketEvents.toStatus, 'closed'),
            // isCountedWarning: a completion clock gone overdue (the sweep's other warnings are not read)
            sql`(${ticketEvents.type} = 'sla_warning' and ${ticketEvents.payload}->>'level' = 'overdue' and ${ticketEvents.payload}->>'clock' = 'complete')`,
          ),
        ),
      )
      .orderBy(asc(ticketEvents.id)),
    tx
      .select({ id: tickets.id, categoryId: tickets.categoryId, channel: tickets.channel, createdAt: tickets.createdAt })
      .from(tickets)
      .where(inArray(tickets.id, ticketIds)),
    tx
      .select({
        id: assignments.id,
        ticketId: assignments.ticketId,
        unitId: assignments.unitId,
        role: assignments.role,
        parentId: assignments.parentId,
        dispatchedAt: assignments.dispatchedAt,
        signDueAt: assignments.signDueAt,
        responseDueAt: assignments.responseDueAt,
        completeDueAt: assignments.completeDueAt,
        originalCompleteDueAt: assignments.originalCompleteDueAt,
      })
      .from(assignments)
      .where(inArray(assignments.ticketId, ticketIds)),
  ]);
  const emit = new Set(eventIds);
  const streams = groupBy(events as StreamEvent[], (e) => e.ticketId);
  const assignmentsOf = groupBy(assignmentRows, (a) => a.ticketId);
  return ticketRows.flatMap((t) =>
    ticketDeltas(t, streams.get(t.id) ?? [], (assignmentsOf.get(t.id) ?? []) as AssignmentFacts[], emit).map((d) => ({ ...d, ticketId: t.id })),
  );
}

function groupBy<T, K>(rows: readonly T[], key: (r: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}

const UPSERT_CHUNK = 500;

type Rows = ReturnType<typeof aggregate>;
type GrainRow = { time: string; unitId: number; categoryId: number; channel: string | null; appealed: boolean; counts: Partial<Record<Counter, number>> };

/**
 * The summed rows of the finest grain, summed again at a coarser one (rows that net to zero are dropped).
 * A subtree grain credits each row to every unit on its unit's path (`ancestors`: unit → those units;
 * unit 0 stays itself; a unit without a path counts for none, as the dashboards' path expansion does), all
 * channels together.
 */
export function regroup(rows: Rows, grain: Grain, ancestors: ReadonlyMap<number, number[]> = new Map()): GrainRow[] {
  const out = new Map<string, GrainRow>();
  for (const r of rows) {
    const time = grain.time === 'day' ? r.day : monthOf(r.day);
    const unitIds = !grain.dims.includes('unitId') ? [0] : grain.subtree && r.unitId !== INTAKE_UNIT ? (ancestors.get(r.unitId) ?? []) : [r.unitId];
    const categoryId = grain.dims.includes('categoryId') ? r.categoryId : 0;
    const channel = grain.subtree ? null : r.channel;
    for (const unitId of unitIds) {
      const key = `${time}|${unitId}|${categoryId}|${channel}|${r.appealed}`;
      let g = out.get(key);
      if (!g) out.set(key, (g = { time, unitId, categoryId, channel, appealed: r.appealed, counts: {} }));
      for (const [c, v] of Object.entries(r.counts) as [Counter, number][]) g.counts[c] = (g.counts[c] ?? 0) + v;
    }
  }
  return [...out.entries()]
    .filter(([, g]) => Object.values(g.counts).some((v) => v !== 0))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, g]) => g);
}

/** Every unit on the path of each given unit (itself included), for the subtree grain. */
async function ancestorsOf(tx: Db, unitIds: number[]): Promise<Map<number, number[]>> {
  const ids = [...new Set(unitIds)].filter((id) => id !== INTAKE_UNIT);
  if (ids.length === 0) return new Map();
  const rows = await tx.select({ id: units.id, path: units.path }).from(units).where(inArray(units.id, ids));
  return new Map(rows.map((u) => [u.id, pathUnits(u.path)]));
}

/** Adds summed deltas to one grain's table (keys in sorted order, so concurrent writers cannot deadlock). */
export async function applyDeltas(tx: Db, grain: Grain, rows: GrainRow[]) {
  const t = grain.table as typeof metricsDaily;
  const cols = t as unknown as Record<string, AnyColumn>;
  const set = Object.fromEntries(COUNTERS.map((c) => [c, sql`${cols[c]} + excluded.${sql.raw(counterColumn(c))}`]));
  const target = [cols[grain.time]!, ...grain.dims.map((d) => cols[d]!), ...(grain.subtree ? [] : [cols.channel!]), cols.appealed!];
  for (let i = 0; i < rows.length; i += UPSERT_CHUNK) {
    const chunk = rows.slice(i, i + UPSERT_CHUNK).map((r) => ({
      [grain.time]: r.time,
      ...(grain.dims.includes('unitId') ? { unitId: r.unitId } : {}),
      ...(grain.dims.includes('categoryId') ? { categoryId: r.categoryId } : {}),
      ...(grain.subtree ? {} : { channel: r.channel }),
      appealed: r.appealed,
      ...Object.fromEntries(COUNTERS.map((c) => [c, r.counts[c] ?? 0])),
    }));
    await tx
      .insert(t)
      .values(chunk as (typeof metricsDaily.$inferInsert)[])
      .onConflictDoUpdate({ target: target as never, set });
  }
}

/** One batch in one transaction; `skipped` when another instance holds the lock. */
export async function rollupBatch(deps: DbDeps, now: Date, batchSize: number): Promise<{ events: number; keys: number; skipped: boolean }> {
  return deps.db.transaction(async (t) => {
    const tx = t as unknown as Db;
    if (!(await takeLock(tx))) return { events: 0, keys: 0, skipped: true };
    const taken = rowsOf<{ event_id: string | number }>(
      await tx.execute(sql`
        delete from metrics_queue where event_id in (
          select event_id from metrics_queue order by event_id limit ${batchSize} for update skip locked
        ) returning event_id`),
    ).map((r) => Number(r.event_id));
    if (taken.length === 0) return { events: 0, keys: 0, skipped: false };
    const deltas = await deltasForEvents(tx, taken);
    const rows = aggregate(deltas);
    const ancestors = await ancestorsOf(
      tx,
      rows.map((r) => r.unitId),
    );
    for (const grain of GRAINS) await applyDeltas(tx, grain, regroup(rows, grain, ancestors));
    await applyLedger(tx, ledgerRows(deltas));
    await tx
      .insert(metricsRollupState)
      .values({ id: 1, lastRunAt: now, eventsProcessed: taken.length })
      .onConflictDoUpdate({
        target: metricsRollupState.id,
        set: { lastRunAt: now, eventsProcessed: sql`${metricsRollupState.eventsProcessed} + ${taken.length}` },
      });
    return { events: taken.length, keys: rows.length, skipped: false };
  });
}

/** Batches until the queue is empty (or maxBatches: the next run continues). */
export async function rollup(
  deps: DbDeps & WithConfig<'METRICS_ROLLUP_BATCH_SIZE'>,
  now: Date,
  opts: { batchSize?: number; maxBatches?: number } = {},
): Promise<RollupResult> {
  const batchSize = opts.batchSize ?? deps.config.METRICS_ROLLUP_BATCH_SIZE;
  const total: RollupResult = { events: 0, keys: 0, batches: 0, skipped: false };
  for (let i = 0; i < (opts.maxBatches ?? 200); i++) {
    const r = await rollupBatch(deps, now, batchSize);
    if (r.skipped) return { ...total, skipped: true };
    total.batches++;
    total.events += r.events;
    total.keys += r.keys;
    if (r.events < batchSize) break;
  }
  return total;
}

/** How current the rollup is: events still queued, and when it last counted any. */
export async function rollupFreshness(db: Db) {
  const [q] = rowsOf<{ n: string | number }>(await db.execute(sql`select count(*) as n from metrics_queue`));
  const [s] = await db.select().from(metricsRollupState).where(eq(metricsRollupState.id, 1));
  return { pendingEvents: Number(q?.n ?? 0), lastRunAt: s?.lastRunAt?.toISOString() ?? null };
}
