/**
 * Keeps the 'realtime-10k' section from rotting: `npm run bench -- --quick --only realtime-10k` (100 sockets over
 * two jiesu instances on the bench's own PostgreSQL, against two bare socket.io processes). Asserts that every
 * client heard every event exactly once — the other instance's clients through the postgres adapter — and that
 * the figures are there: latency for the publishing and the other instance's clients, RSS per instance, CPU.
 */
import { describe, expect, it } from 'vitest';
import { runBench } from '../../bench/run.ts';
import type { RealtimeSide } from '../../bench/lib/rt-measure.ts';

describe('realtime-10k section (quick)', () => {
  it('delivers each event once to every socket of both instances, and reports where the time and memory go', { timeout: 120_000 }, async () => {
    const out = await runBench({ quick: true, only: ['realtime-10k'], write: false, log: () => {} });
    expect(out.checks).toEqual({ 'realtime-10k': true });
    const r = out.results['realtime-10k'] as { clients: number; rounds: number; app: RealtimeSide; bare: RealtimeSide; run: { cores: number } };
    expect(r.clients).toBe(100);
    for (const side of [r.app, r.bare]) {
      expect(side).toMatchObject({ received: 100 * r.rounds, expected: 100 * r.rounds, duplicates: 0, wrong: 0, timedOut: 0 });
      expect(side.rssEachMB).toHaveLength(2);
      expect(side.p99).toBeGreaterThan(0);
    }
    // Both instances' clients were reached, the other instance's through the relay.
    expect(r.app.local!.p99).toBeGreaterThan(0);
    expect(r.app.remote!.p99).toBeGreaterThan(0);
    expect(r.app.parts.relay!.p50).toBeGreaterThan(0);
    expect(r.run.cores).toBeGreaterThan(0);
    expect(out.rows.filter((row) => row.bench === 'realtime-10k')).toHaveLength(3);
  });
});
