/** Percentiles of a list of milliseconds (nearest rank), rounded to 0.1 ms. */
export type Timing = { p50: number; p99: number; runs: number };

export function stats(ms: number[]): Timing {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? NaN;
  return { p50: Math.round(q(0.5) * 10) / 10, p99: Math.round(q(0.99) * 10) / 10, runs: s.length };
}
