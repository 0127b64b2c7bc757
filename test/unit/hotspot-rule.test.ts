import { describe, expect, it } from 'vitest';
import { DEFAULT_SPIKE_RULE, describeRule, judgeSpike, withDefaults } from '../../src/domain/hotspots/rule.ts';
import { currentWeek, shanghaiMidnight } from '../../src/domain/hotspots/detect.ts';
import { nextTopicStatus, topicActions, TOPIC_ACTIONS, TOPIC_STATUSES } from '../../src/domain/governance/status.ts';

describe('judgeSpike (count ≥ 5 and count > mean + 3·max(sd, √mean, 1))', () => {
  // Hand-computed fixtures.
  it.each([
    // flat history of 2 a week: mean 2, sd 0, σ = √2 = 1.414, threshold 2 + 4.243 = 6.243
    { count: 7, baseline: [2, 2, 2, 2, 2, 2, 2, 2], flagged: true, mean: 2, sd: 0, sigma: 1.414, threshold: 6.243 },
    { count: 6, baseline: [2, 2, 2, 2, 2, 2, 2, 2], flagged: false, mean: 2, sd: 0, sigma: 1.414, threshold: 6.243 },
    // nothing before: mean 0, σ floored at 1, threshold 3 — but 4 < minCount 5
    { count: 4, baseline: [0, 0, 0, 0, 0, 0, 0, 0], flagged: false, mean: 0, sd: 0, sigma: 1, threshold: 3 },
    { count: 5, baseline: [0, 0, 0, 0, 0, 0, 0, 0], flagged: true, mean: 0, sd: 0, sigma: 1, threshold: 3 },
    // noisy history: 0,10 alternating → mean 5, sd 5 (population), σ 5, threshold 20
    { count: 20, baseline: [0, 10, 0, 10, 0, 10, 0, 10], flagged: false, mean: 5, sd: 5, sigma: 5, threshold: 20 },
    { count: 21, baseline: [0, 10, 0, 10, 0, 10, 0, 10], flagged: true, mean: 5, sd: 5, sigma: 5, threshold: 20 },
    // busy flat street: mean 100, sd 0, σ = √100 = 10, threshold 130
    { count: 130, baseline: [100, 100, 100, 100, 100, 100, 100, 100], flagged: false, mean: 100, sd: 0, sigma: 10, threshold: 130 },
    { count: 131, baseline: [100, 100, 100, 100, 100, 100, 100, 100], flagged: true, mean: 100, sd: 0, sigma: 10, threshold: 130 },
  ])('$count against $baseline → $flagged', ({ count, baseline, ...expected }) => {
    expect(judgeSpike(count, baseline)).toMatchObject(expected);
  });

  it('a flat series never flags, whatever its level', () => {
    for (let level = 0; level <= 500; level += 7) expect(judgeSpike(level, new Array(8).fill(level)).flagged, String(level)).toBe(false);
  });

  it('is monotone in the count and needs at least minCount', () => {
    // deterministic pseudo-random baselines
    let seed = 12345;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const failures: string[] = [];
    for (let i = 0; i < 300; i++) {
      const baseline = Array.from({ length: 8 }, () => Math.floor(rnd() * 40));
      let seen = false;
      for (let c = 0; c <= 200; c++) {
        const v = judgeSpike(c, baseline);
        if (c < DEFAULT_SPIKE_RULE.minCount && v.flagged) failures.push(`below minCount: ${c} ${baseline}`);
        if (seen && !v.flagged) failures.push(`not monotone: ${c} ${baseline}`); // once flagged, any higher count is too
        if (v.sigma < 1 || v.sigma < Math.sqrt(v.mean) - 0.001) failures.push(`sigma floor: ${baseline}`);
        seen ||= v.flagged;
      }
      if (!seen) failures.push(`never flagged: ${baseline}`);
    }
    expect(failures).toEqual([]);
  });

  it('k and minCount are options', () => {
    expect(judgeSpike(7, [2, 2, 2, 2], { k: 4, minCount: 5 }).flagged).toBe(false); // 2 + 4·1.414 = 7.657
    expect(judgeSpike(4, [0, 0, 0, 0], { k: 3, minCount: 4 }).flagged).toBe(true);
    expect(withDefaults(DEFAULT_SPIKE_RULE, { k: undefined, weeks: 4 })).toEqual({ weeks: 4, k: 3, minCount: 5 });
    expect(describeRule(DEFAULT_SPIKE_RULE)).toContain('≥ 5');
    expect(describeRule(DEFAULT_SPIKE_RULE, 'en')).toContain('mean + 3·σ');
  });
});

describe('weeks in Asia/Shanghai', () => {
  it('the week is the 7 Shanghai days ending with the day of now', () => {
    // 2026-03-10 01:30 Shanghai is still 2026-03-09 in UTC
    const now = new Date('2026-03-09T17:30:00Z');
    expect(shanghaiMidnight(now).toISOString()).toBe('2026-03-09T16:00:00.000Z');
    const w = currentWeek(now);
    expect(w.to.toISOString()).toBe('2026-03-10T16:00:00.000Z'); // end of 2026-03-10 Shanghai
    expect(w.from.toISOString()).toBe('2026-03-03T16:00:00.000Z'); // start of 2026-03-04 Shanghai
  });
});

describe('topic lifecycle table', () => {
  it.each([
    ['open', 'start', 'in_progress'],
    ['open', 'resolve', 'resolved'],
    ['in_progress', 'resolve', 'resolved'],
    ['resolved', 'reopen', 'in_progress'],
    ['open', 'close', 'closed'],
    ['in_progress', 'close', 'closed'],
    ['resolved', 'close', 'closed'],
  ] as const)('%s —%s→ %s', (from, action, to) => {
    expect(nextTopicStatus(from, action)).toBe(to);
  });

  it('everything else is illegal, and closed is final', () => {
    const legal = 7;
    let n = 0;
    for (const s of TOPIC_STATUSES) for (const a of TOPIC_ACTIONS) if (nextTopicStatus(s, a)) n++;
    expect(n).toBe(legal);
    expect(topicActions('closed')).toEqual([]);
    expect(topicActions('open')).toEqual(['start', 'resolve', 'close']);
    expect(nextTopicStatus('in_progress', 'start')).toBeNull();
    expect(nextTopicStatus('open', 'reopen')).toBeNull();
  });
});
