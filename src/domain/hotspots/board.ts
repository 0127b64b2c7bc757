import type { Db } from '../../../db/client.ts';
import { topicsLinking } from '../governance/queries.ts';
import { currentWeek, DEFAULT_REPEAT_RULE, hotspotsForPeriod, type RepeatRule } from './detect.ts';
import { DEFAULT_SPIKE_RULE, describeRule, withDefaults, type SpikeRule } from './rule.ts';

const DAY = 86_400_000;
/** Detection scans 9 weeks of tickets (seconds at city scale): the board reuses a result for this long. */
export const BOARD_CACHE_MS = 5 * 60_000;
const cache = new WeakMap<Db, Map<string, { at: number; value: Awaited<ReturnType<typeof hotspotsForPeriod>> }>>();

async function detectCached(db: Db, now: Date, key: string, run: () => ReturnType<typeof hotspotsForPeriod>) {
  let m = cache.get(db);
  if (!m) cache.set(db, (m = new Map()));
  const hit = m.get(key);
  if (hit && now.getTime() >= hit.at && now.getTime() - hit.at < BOARD_CACHE_MS) return { ...hit.value, cachedAt: new Date(hit.at) };
  const value = await run();
  for (const [k, v] of m) if (now.getTime() - v.at >= BOARD_CACHE_MS) m.delete(k);
  m.set(key, { at: now.getTime(), value });
  return { ...value, cachedAt: now };
}

/**
 * The supervisor board's hotspots for the week ending with the day of `now`: spikes against the trailing
 * weeks, repeated demands over the last `repeat.days` days, each with the open topics already linking its tickets.
 * Detection is reused for BOARD_CACHE_MS (window.countedUntil says how fresh); the topic links are always current.
 */
export async function hotspotBoard(db: Db, now: Date, opts: { rule?: Partial<SpikeRule>; repeat?: Partial<RepeatRule>; locale?: 'zh-CN' | 'en' } = {}) {
  const rule = withDefaults(DEFAULT_SPIKE_RULE, opts.rule);
  const repeat = withDefaults(DEFAULT_REPEAT_RULE, opts.repeat);
  const { from, to } = currentWeek(now);
  const end = new Date(Math.min(to.getTime(), now.getTime()));
  // A past week is final (its end is fixed); the live week is one entry refreshed every BOARD_CACHE_MS.
  const key = JSON.stringify([from, end.getTime() === to.getTime() ? 'complete' : 'live', rule, repeat]);
  const r = await detectCached(db, now, key, () => hotspotsForPeriod(db, { from, to, now, rule, repeat }));
  const countedUntil = new Date(Math.min(end.getTime(), r.cachedAt.getTime()));
  const linked = await topicsLinking(db, [...new Set([...r.spikes.flatMap((s) => s.ticketIds), ...r.repeats.flatMap((x) => x.ticketIds)])]);
  const topicsOf = (ids: number[]) => [...new Set(ids.flatMap((id) => linked.get(id) ?? []))].sort((a, b) => a - b);
  return {
    window: { from: from.toISOString(), to: to.toISOString(), countedUntil: countedUntil.toISOString() },
    baseline: { from: new Date(from.getTime() - rule.weeks * 7 * DAY).toISOString(), to: from.toISOString() },
    rule: { ...rule, categoryLevel: 2, text: describeRule(rule, opts.locale) },
    repeatRule: { ...repeat, from: new Date(countedUntil.getTime() - repeat.days * DAY).toISOString(), to: countedUntil.toISOString() },
    spikes: r.spikes.map((s) => ({ ...s, topicIds: topicsOf(s.ticketIds) })),
    repeats: r.repeats.map((x) => ({ ...x, topicIds: topicsOf(x.ticketIds) })),
  };
}
