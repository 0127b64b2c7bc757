/**
 * The demo city's lived-in history: about 90 days of calls, window complaints and online submissions
 * handled through the product's own commands — intake, dispatch, sign, contact, reply, returns,
 * extensions, terminations, reviews, callbacks, reopens, appeals, 督办 — on a settable clock driven
 * through simulated time (engine.ts), with the SLA sweep, the SMS outbox, the hotspot job and the metric
 * rollup run as their schedules would have run them, ending at the real "now" of the first start.
 *
 * Deterministic for a given seed and "now" (one seeded generator; ids follow from a fresh database).
 * Besides the flow of ordinary work, a few stories are placed so that at "now" every role's queue holds
 * something whatever the hour (awaiting dispatch, sign, review, callback, a disputed callback, pending
 * return / extension / termination requests, pending appeals, overdue tickets with their 催办 and 督办),
 * and three clusters of calls make hotspots (two in the current week, one five weeks back that became a
 * governance topic). See docs/demo.md. The stories are told in history/: desk.ts (what they share), intake.ts,
 * handling.ts (the centre and the units), aftercare.ts (callbacks, reopens, 督办, appeals), period.ts (the plan).
 */
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../../db/client.ts';
import { tickets } from '../../db/schema/index.ts';
import type { Config } from '../config.ts';
import type { Deps } from '../deps.ts';
import { CalendarStore, loadCalendar } from '../domain/calendar/store.ts';
import { fixedClock } from '../domain/clock.ts';
import { EventBus } from '../domain/events.ts';
import { detectHotspots } from '../domain/hotspots/spike-alerts.ts';
import { rollup } from '../domain/metrics/rollup.ts';
import { Sim, type SimDeps } from './engine.ts';
import { History } from './history/period.ts';
import { loadWorld } from './history/world.ts';
import { Rng } from './random.ts';
import { midnight, shifts } from './shifts.ts';

export const DEMO_HISTORY_SEED = 'jiesu demo city';

export type HistoryOptions = {
  /** Where the history ends (the first start's "now") */
  now: Date;
  /** How far back it starts (default 90) */
  days?: number;
  seed?: string;
  /** Calls per working day, before and within the last `recentDays` (the month a report covers, and this one, are the busy part) */
  volume?: { before: number; recent: number; recentDays: number };
};

export type HistoryReport = {
  from: string;
  to: string;
  contacts: number;
  tickets: number;
  commands: number;
  sweeps: number;
  failures: { process: string; error: string }[];
  /** Time per kind of step, heaviest first: { label: [count, ms] } */
  timings: Record<string, [number, number]>;
  ms: number;
};

/** What the history needs of the composition root; the rest of its deps (a settable clock, its own bus) it makes. */
export type HistoryBase = { db: Deps['db']; database: Database; config: Config; logger: Logger };

export async function seedHistory(base: HistoryBase, opts: HistoryOptions): Promise<HistoryReport> {
  const t0 = performance.now();
  const days = opts.days ?? 90;
  const end = opts.now.getTime();
  const start = midnight(end, -days);
  const clock = fixedClock(new Date(start));
  // The jobs log each run at info; inside the history that would be hundreds of lines.
  const logger = base.logger.child({ demo: 'history' }, { level: 'warn' });
  const deps: SimDeps = { ...base, logger, clock, bus: new EventBus(), calendar: new CalendarStore() };
  const world = await loadWorld(deps.db);
  const cal = await loadCalendar(deps.db);
  const sh = shifts(cal);
  const rng = new Rng(`${opts.seed ?? DEMO_HISTORY_SEED}|${opts.now.toISOString()}|${days}`);
  const sim = new Sim(deps, start, end);
  const h = new History(deps, sim, world, cal, sh, rng, opts.volume ?? { before: 0.6, recent: 2.4, recentDays: 36 });
  h.plan(start, end);
  await sim.run();
  // The jobs of the first minute, at "now": metrics counted, hotspots detected.
  await rollup(deps, opts.now);
  await detectHotspots(deps, opts.now);
  const [{ n }] = (await deps.db.select({ n: sql<number>`count(*)::int` }).from(tickets)) as [{ n: number }];
  return {
    from: new Date(start).toISOString(),
    to: opts.now.toISOString(),
    contacts: h.contacts,
    tickets: n,
    commands: h.commands,
    sweeps: sim.sweeps,
    failures: sim.failures,
    timings: sim.timings.summary(),
    ms: Math.round(performance.now() - t0),
  };
}

/**
 * The first start's history, after the demo city was just seeded (src/seed/city.ts): `days` back to now, one line in
 * the log; a step that failed is logged as a warning (the rest of the history stands).
 */
export async function seedDemoHistory(base: HistoryBase, opts: { days: number; now?: Date }): Promise<HistoryReport | null> {
  if (opts.days <= 0) return null;
  const r = await seedHistory(base, { now: opts.now ?? new Date(), days: opts.days });
  base.logger.info(
    { contacts: r.contacts, tickets: r.tickets, commands: r.commands, ms: r.ms, from: r.from },
    `demo history seeded: ${r.contacts} contacts, ${r.tickets} tickets, ${r.commands} commands over ${opts.days} days in ${(r.ms / 1000).toFixed(1)} s`,
  );
  if (r.failures.length) base.logger.warn({ failures: r.failures.slice(0, 20), count: r.failures.length }, 'demo history: some steps failed');
  base.logger.debug({ timings: r.timings }, 'demo history: time per step');
  return r;
}
