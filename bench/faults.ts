/**
 * Faults at scale: two product instances behind Debian's nginx on a fresh seeded database of
 * the bench's server, intake load through nginx whose clients retry with their Idempotency-Key, staff sockets
 * through nginx, SLA marks falling due all along, and one instance killed with SIGKILL mid-load
 * (bench/lib/faults/). The baseline of each figure is the same run's state before the kill, or what the database
 * says should have happened. Without nginx the section throws: it never passes unmeasured.
 */
import { freshSeededDb } from './lib/datasets.ts';
import { runFaults } from './lib/faults/run.ts';
import { requireNginx } from './lib/faults/topology.ts';
import type { Section } from './lib/section.ts';

export const faultsSection: Section = {
  name: 'faults',
  async run(ctx) {
    requireNginx();
    const url = await freshSeededDb(ctx.server, 'bench_faults');
    const r = await runFaults({
      url,
      ...(ctx.quick ? { connections: 6, warmup: 1, seconds: 5, killAt: 2, sockets: 6 } : { connections: 16, warmup: 3, seconds: 20, killAt: 8, sockets: 40 }),
      log: ctx.log,
    });
    ctx.results.faults = r;
    Object.assign(ctx.checks, r.checks);
    const t = r.tickets;
    const bench = `faults${ctx.quick ? ' quick' : ''}`;
    ctx.rows.push(
      {
        bench,
        figure: `kill -9 of 1 of 2 instances at ${r.killAtSeconds} s: tickets acknowledged, lost, doubled`,
        value: `${t.acknowledged} acked · ${t.lost} lost · ${t.doubled} doubled`,
        baseline: `${t.inDatabase} in the database, one per key`,
        ratio: '',
        goal: '0 lost, 0 doubled',
        pass: r.checks.faultsNoTicketLostOrDoubled!,
      },
      {
        bench,
        figure: 'retried with their Idempotency-Key: got their ticket',
        value: `${r.retries.gotTheirTicket} / ${r.retries.keys} (${r.retries.replayed} replayed)`,
        baseline: `${r.retries.inFlightAtKill} in flight at the kill`,
        ratio: '',
        goal: 'every retry its ticket',
        pass: r.checks.faultsRetriesGotTheirTicket!,
      },
      {
        bench,
        figure: `intake after the kill, ${r.connections} connections (tickets/s; baseline: both instances before it)`,
        value: String(r.throughput.after),
        baseline: String(r.throughput.before),
        ratio: String(r.throughput.ratio),
        goal: 'the survivor carries on',
        pass: r.checks.faultsSurvivorCarriesOn!,
      },
      {
        bench,
        figure: 'recovery: kill → last failed request acknowledged',
        value: `${r.recoveryMs} ms`,
        baseline: `longest gap without an ack ${r.longestGapMs} ms`,
        ratio: '',
        goal: '—',
        pass: null,
      },
      {
        bench,
        figure: 'sockets that lost their instance: reconnected, events missed',
        value: `${r.sockets.reconnected} / ${r.sockets.lostTheirInstance} · ${r.sockets.missedAfterReconnect} missed (${r.sockets.catchUpEvents} caught up)`,
        baseline: `${r.sockets.expectedEvents} events each; survivor's ${r.sockets.clients - r.sockets.lostTheirInstance} sockets missed ${r.sockets.missedStaying}`,
        ratio: '',
        goal: 'all back, 0 missed',
        pass: r.checks.faultsSocketsReconnectedAndCaughtUp!,
      },
      {
        bench,
        figure: 'SLA warnings with two sweepers across the kill: fired exactly once',
        value: `${r.sweep.once} / ${r.sweep.expected}`,
        baseline: `${r.sweep.assignments} assignments × 3 levels`,
        ratio: '',
        goal: 'each once',
        pass: r.checks.faultsSweepWarningsOnce!,
      },
    );
  },
};
