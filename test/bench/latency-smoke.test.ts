/**
 * Keeps the latency and memory sections from rotting: `npm run bench -- --quick --only latency,soak` on the bench's
 * own PostgreSQL server (bench/lib/pg.ts). Asserts the rows' shape and the sections' checks: every open-loop and
 * closed-loop request answered 2xx, each intake one auto-dispatched ticket, each sign and reply one step, product
 * and bare baseline ending in the same ticket states, each soak intake one ticket; and that the figures are
 * measured (latencies from the scheduled send time, memory samples taken over the soak).
 */
import { describe, expect, it } from 'vitest';
import { runBench } from '../../bench/run.ts';
import type { LatencyPhase } from '../../bench/latency.ts';
import type { MemorySample } from '../../bench/soak.ts';
import { slope } from '../../bench/soak.ts';

describe('latency and soak sections (quick)', () => {
  it('the least-squares slope of a line is its slope', () => {
    expect(slope([])).toBe(0);
    expect(
      slope([
        [0, 1],
        [1, 3],
        [2, 5],
      ]),
    ).toBeCloseTo(2);
  });

  it('measures every operation at a low arrival rate against its baseline, and the app memory over a short soak, every check passing', {
    timeout: 240_000,
  }, async () => {
    const out = await runBench({ quick: true, only: ['latency', 'soak'], write: false, log: () => {} });
    const latencyRows = out.rows.filter((r) => r.bench === 'latency');
    expect(latencyRows.map((r) => r.figure.split(' at ')[0])).toEqual(['intake', 'sign', 'reply', 'list centre', 'list unit']);
    for (const r of latencyRows) {
      expect(r.value).toMatch(/^[\d.]+ \/ [\d.]+ \/ [\d.]+$/);
      expect(r.baseline).toMatch(/^[\d.]+ \/ [\d.]+ \/ [\d.]+ \((same-work|bare)\)$/);
      expect(r.goal).toBe('p99 < 30 ms');
      expect(typeof r.pass).toBe('boolean');
    }
    const phases = (out.results.latency as { phases: LatencyPhase[] }).phases;
    for (const ph of phases)
      for (const side of [ph.product, ph.baseline]) {
        expect(side.sent).toBe(15); // 10/s for 0.5 s of warm-up and 1 s measured
        expect(side.latency.runs).toBe(10);
        expect(side.latency.p50).toBeGreaterThan(0);
      }

    const soakRows = out.rows.filter((r) => r.bench === 'soak');
    expect(soakRows).toHaveLength(5);
    for (const r of soakRows) expect(r).toMatchObject({ figure: expect.any(String), value: expect.any(String), goal: expect.any(String) });
    const soak = out.results.soak as { soak: { samples: MemorySample[]; sent: number; ok: number } };
    expect(soak.soak.sent).toBe(100); // 20/s for 5 s
    expect(soak.soak.samples.length).toBeGreaterThanOrEqual(4);
    for (const x of soak.soak.samples) expect(x.rss).toBeGreaterThan(x.heapUsed);

    expect(Object.keys(out.checks).filter((k) => k.startsWith('latency:') || k.startsWith('soak:'))).toHaveLength(5);
    for (const [name, ok] of Object.entries(out.checks)) expect([name, ok]).toEqual([name, true]);
  });
});
