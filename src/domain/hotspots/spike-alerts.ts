/**
 * Spikes become alerts: a run over the 7 complete Asia/Shanghai days before `now` raises each spike
 * (./detect.ts, under the default rule) as a system alert (kind hotspot_spike) for supervisors. One alert per
 * (category, street) per ISO week of the run, so a spike that lasts several days is raised once; running
 * twice, or on several instances, adds nothing. The daily job (src/jobs/hotspots.ts) and the demo's history
 * call it.
 */
import type { Deps } from '../../deps.ts';
import { readerOf } from '../../deps.ts';
import { raiseSystemAlert } from '../alerts.ts';
import { shanghaiDate } from '../clock.ts';
import { isoWeekLabel, weekStart } from '../metrics/periods.ts';
import { findSpikes, shanghaiMidnight } from './detect.ts';
import { DEFAULT_SPIKE_RULE } from './rule.ts';

const DAY = 86_400_000;

/** Raises this week's spikes over the 7 complete days before `now`; returns how many were found and how many were new. */
export async function detectHotspots(deps: Pick<Deps, 'db' | 'logger' | 'readDb'>, now: Date) {
  const to = shanghaiMidnight(now);
  const from = new Date(to.getTime() - 7 * DAY);
  const spikes = await findSpikes(readerOf(deps), { from, to, rule: DEFAULT_SPIKE_RULE });
  const week = isoWeekLabel(weekStart(shanghaiDate(now)));
  let raised = 0;
  for (const s of spikes) {
    const fresh = await raiseSystemAlert(deps.db, {
      kind: 'hotspot_spike',
      dedupeKey: `hotspot_spike:${s.categoryId}:${s.streetUnitId}:${week}`,
      message: `未诉先办：${s.streetName}「${s.categoryName}」近7天 ${s.count} 件，此前${s.baseline.length}周平均 ${s.mean} 件（阈值 ${s.threshold}）`,
      details: {
        categoryId: s.categoryId,
        streetUnitId: s.streetUnitId,
        count: s.count,
        mean: s.mean,
        threshold: s.threshold,
        score: s.score,
        window: { from: from.toISOString(), to: to.toISOString() },
        ticketIds: s.ticketIds.slice(0, 50),
      },
      at: now,
    });
    if (fresh) raised++;
  }
  if (raised) deps.logger.info({ raised, spikes: spikes.length }, 'hotspot spikes raised');
  return { spikes: spikes.length, raised };
}
