/**
 * The report's 热点 section: spikes and repeated demands of the month from src/domain/hotspots (the same
 * rule as the wallboard's, with the month as the window and the eight months before it as the baseline),
 * cut to what a widely read report may show: a repeated caller is counted, never named or numbered.
 */
import type { Db } from '../../../db/client.ts';
import { hotspotsForPeriod } from '../hotspots/detect.ts';
import { DEFAULT_SPIKE_RULE, describeRule } from '../hotspots/rule.ts';
import type { MonthSpan } from './months.ts';

/** Rows of each list in the report. */
export const HOTSPOT_ROWS = 10;

export type ReportHotspots = {
  rule: string;
  spikes: { category: string; street: string; count: number; baselineMean: number; threshold: number; score: number }[];
  repeats: { kind: 'caller' | 'address' | 'linked'; kindName: string; subject: string; category: string | null; street: string | null; count: number }[];
};

const KIND_NAMES = { caller: '同一来电人多次反映', address: '同一地点同类诉求', linked: '重复件关联同一工单' } as const;

export async function reportHotspots(db: Db, span: MonthSpan): Promise<ReportHotspots> {
  const h = await hotspotsForPeriod(db, { from: span.from, to: span.to });
  return {
    rule: `${describeRule(DEFAULT_SPIKE_RULE)}本报告的“本期”为本月，基线为此前 ${DEFAULT_SPIKE_RULE.weeks} 个与本月等长的时段。`,
    spikes: h.spikes
      .slice(0, HOTSPOT_ROWS)
      .map((s) => ({ category: s.categoryName, street: s.streetName, count: s.count, baselineMean: s.mean, threshold: s.threshold, score: s.score })),
    repeats: h.repeats
      .slice()
      .sort((a, b) => b.count - a.count)
      .slice(0, HOTSPOT_ROWS)
      .map((r) => ({
        kind: r.kind,
        kindName: KIND_NAMES[r.kind],
        // A caller's number (even masked) stays out of the report; an address is the matter's place; a ticket number is public.
        subject: r.kind === 'caller' ? '（来电号码不予列出）' : r.key,
        category: r.categoryName,
        street: r.streetName,
        count: r.count,
      })),
  };
}
