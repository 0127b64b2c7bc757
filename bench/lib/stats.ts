/** Percentiles of a list of milliseconds (nearest rank), rounded to 0.1 ms. */
export type Timing = { p50: number; p99: number; runs: number };

export function stats(ms: number[]): Timing {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? NaN;
  return { p50: Math.round(q(0.5) * 10) / 10, p99: Math.round(q(0.99) * 10) / 10, runs: s.length };
}

/** p50, p95 and p99 (nearest rank), rounded to 0.1 ms. */
export type Timing3 = { p50: number; p95: number; p99: number; runs: number };

export function stats3(ms: number[]): Timing3 {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => Math.round(s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]! * 10) / 10;
  return { p50: q(0.5), p95: q(0.95), p99: q(0.99), runs: s.length };
}

/** One warm-up call, then `runs` timed calls one after another. */
export async function timeRuns(runs: number, fn: () => Promise<unknown>): Promise<Timing3> {
  await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return stats3(ms);
}
