/**
 * Keeps the assist section from rotting: `npm run bench -- --quick --only assist` on the bench's own PostgreSQL
 * server. Asserts the rows' shape (latency beside its fixed-body baseline, the in-process part, retraining time)
 * and the checks: both models trained on the section's dataset, every suggestion answered with categories.
 */
import { describe, expect, it } from 'vitest';
import type { AssistRun } from '../../bench/assist.ts';
import { runBench } from '../../bench/run.ts';

describe('assist section (quick)', () => {
  it('retrains on 2,000 closed tickets and times suggestions through HTTP against a fixed-body server, every check passing', { timeout: 300_000 }, async () => {
    const out = await runBench({ quick: true, only: ['assist'], write: false, log: () => {} });
    const rows = out.rows.filter((r) => r.bench === 'assist quick');
    expect(rows).toHaveLength(3);
    const [http, own, retrain] = rows;
    expect(http!.value).toMatch(/^[\d.]+ \/ [\d.]+ \/ [\d.]+$/);
    expect(http!.baseline).toMatch(/^[\d.]+ \/ [\d.]+ \/ [\d.]+ \(fixed body\)$/);
    expect(http!.goal).toBe('p95 < 30 ms');
    expect(own!.value).toMatch(/^[\d.]+ \/ [\d.]+ \/ [\d.]+$/);
    expect(retrain!.value).toMatch(/^[\d.]+ \([\d.]+, \d+\)$/);
    const run = (out.results.assist as { runs: AssistRun[] }).runs[0]!;
    expect(run.tickets).toBe(2000);
    expect(run.retrain.trained.map((m) => m.target).sort()).toEqual(['category', 'unit']);
    for (const m of run.retrain.trained) expect(m.samples).toBeGreaterThan(1500);
    expect(run.latency.requests).toBe(200);
    expect(run.latency.product.runs).toBe(200);
    expect(run.latency.baseline.runs).toBe(200);
    expect(Object.keys(out.checks).filter((k) => k.startsWith('assist:'))).toHaveLength(2);
    for (const [name, ok] of Object.entries(out.checks)) expect([name, ok]).toEqual([name, true]);
  });
});
