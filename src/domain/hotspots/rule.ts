/**
 * The spike rule (未诉先办), pure so it can be tested by hand:
 *
 *   mean = average of the trailing window counts (missing weeks count as 0)
 *   sd   = population standard deviation of the trailing counts
 *   σ    = max(sd, √mean, 1)      — a Poisson-style floor: a flat history (sd = 0) does not make
 *                                    every extra ticket a "spike", and tiny counts need at least ±1
 *   flag when count ≥ minCount  AND  count > mean + k·σ
 *
 * Defaults: 8 trailing weeks, k = 3, minCount = 5.
 */
export type SpikeRule = { weeks: number; k: number; minCount: number };
export const DEFAULT_SPIKE_RULE: SpikeRule = { weeks: 8, k: 3, minCount: 5 };

export type SpikeVerdict = { flagged: boolean; mean: number; sd: number; sigma: number; threshold: number; score: number };

/** The defaults with every given (not undefined) option over them. */
export function withDefaults<T extends object>(defaults: T, given: Partial<T> | undefined): T {
  const out = { ...defaults };
  for (const [k, v] of Object.entries(given ?? {})) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

export function judgeSpike(count: number, baseline: readonly number[], rule: Pick<SpikeRule, 'k' | 'minCount'> = DEFAULT_SPIKE_RULE): SpikeVerdict {
  const n = baseline.length;
  const mean = n ? baseline.reduce((a, b) => a + b, 0) / n : 0;
  const sd = n ? Math.sqrt(baseline.reduce((a, b) => a + (b - mean) ** 2, 0) / n) : 0;
  const sigma = Math.max(sd, Math.sqrt(mean), 1);
  const threshold = mean + rule.k * sigma;
  return {
    flagged: count >= rule.minCount && count > threshold,
    mean: round(mean),
    sd: round(sd),
    sigma: round(sigma),
    threshold: round(threshold),
    score: round((count - mean) / sigma),
  };
}

/** The rule in words, for the API and the dashboard. */
export function describeRule(rule: SpikeRule, locale: 'zh-CN' | 'en' = 'zh-CN'): string {
  return locale === 'en'
    ? `A (level-2 category, street) is a spike when its tickets in the current window are at least ${rule.minCount} and above mean + ${rule.k}·σ of the ${rule.weeks} preceding windows of the same length, where σ = max(standard deviation, √mean, 1).`
    : `（二级分类 × 街道）本期工单数 ≥ ${rule.minCount}，且高于此前 ${rule.weeks} 个等长周期的均值 + ${rule.k}·σ（σ = max(标准差, √均值, 1)）时，判为突增。`;
}
