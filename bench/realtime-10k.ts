/**
 * Section 'realtime-10k': one ticket event to 10,000 sockets held by TWO jiesu instances —
 * two processes of bench/servers/realtime-server.ts (the real attachRealtime: token handshake, rooms, the
 * postgres adapter) on one PostgreSQL database, the clients split evenly between them. The instances take turns
 * to raise the event (round r on instance r mod 2, one real event through inTransaction/record): the publishing
 * instance writes to its own sockets at once and relays the event to the other over the adapter's NOTIFY, which
 * writes to its own. Every client must receive every event exactly once.
 *
 * Baseline, same run (the two take turns round by round, lib/rt-measure.ts): two bare socket.io processes
 * (bench/servers/bare-io-server.ts) with the same clients split the same way, both triggered at once, each doing
 * io.emit to its half — the same fan-out with no relay, no database and no rooms.
 *
 * Figures: p50 / p99 trigger → client over every delivery, split into the clients of the publishing instance
 * and of the other; RSS of each instance at 5,000 sockets; the servers' and the client processes' CPU time per
 * event. On the bench machine the two instances, PostgreSQL and the client processes (BENCH_RT_WORKERS, more if
 * the open-file limit needs it) all share the same cores, unpinned: each event costs the clients about as
 * much CPU as the servers, so the figure is the latency of a machine that also plays 10,000 browsers — an
 * upper bound on what two instances on their own cores would show. The results carry the core count and the
 * CPU split. --quick: 100 sockets, 3 rounds.
 */
import os from 'node:os';
import { startChild, type Child } from './lib/proc.ts';
import { measureTargets } from './lib/rt-measure.ts';
import type { Section } from './lib/section.ts';
import { ensureRealtimeDb, roomShares, stopAll } from './realtime.ts';

const evens = <T>(xs: T[], k: number) => xs.filter((_, i) => i % 2 === k);

export const realtime10k: Section = {
  name: 'realtime-10k',
  async run(ctx) {
    const n = ctx.quick ? 100 : 10_000;
    const rounds = ctx.quick ? 3 : Number(process.env.BENCH_RT_ROUNDS ?? 50);
    ctx.log(`realtime-10k: ${n.toLocaleString('en')} sockets over two instances…`);
    const rooms = roomShares(n);
    const { url, tokens, ticketId } = await ensureRealtimeDb(ctx.server, n, rooms);
    const load0 = os.loadavg();
    const children: Child[] = [];
    const start = async (file: string, env: Record<string, string>) => {
      const c = await startChild(file, env);
      children.push(c);
      return c;
    };
    try {
      const app = [
        await start('realtime-server.ts', { DATABASE_URL: url, INSTANCE_ID: 'rt-a' }),
        await start('realtime-server.ts', { DATABASE_URL: url, INSTANCE_ID: 'rt-b' }),
      ];
      const bare = [await start('bare-io-server.ts', {}), await start('bare-io-server.ts', {})];
      const auths = tokens.map((token) => ({ token }));
      const m = await measureTargets(
        [
          { name: 'jiesu', servers: app, auths: [evens(auths, 0), evens(auths, 1)], triggers: (r) => [r % 2] },
          { name: 'bare', servers: bare, auths: [evens(auths, 0).map(() => ({})), evens(auths, 1).map(() => ({}))], triggers: () => [0, 1] },
        ],
        { rounds, ticketId, trace: !!process.env.BENCH_RT_TRACE },
      );
      const { sides, ...run } = m;
      const a = sides.jiesu!;
      const b = sides.bare!;
      const ok = [a, b].every((s) => s.received === s.expected && s.duplicates === 0 && s.wrong === 0);
      const cores = os.cpus().length;
      ctx.results['realtime-10k'] = {
        clients: n,
        rounds,
        rooms,
        app: a,
        bare: b,
        ratio: Math.round((a.p99 / Math.max(b.p99, 0.1)) * 100) / 100,
        run: { ...run, cores, pinned: false, loadAverage: [load0, os.loadavg()] },
      };
      ctx.checks['realtime-10k'] = ok;
      const per = (x: number[]) => x.join(' / ');
      ctx.rows.push({
        bench: 'realtime-10k',
        figure: `one event → ${n.toLocaleString('en')} sockets on 2 instances (p50 / p99)`,
        value: `${a.p50} / ${a.p99} ms`,
        baseline: `${b.p50} / ${b.p99} ms (2 bare io.emit, no relay)`,
        ratio: `${(Math.round((a.p99 / Math.max(b.p99, 0.1)) * 100) / 100).toFixed(2)}× (p99)`,
        goal: 'measured',
        pass: null,
      });
      ctx.rows.push({
        bench: 'realtime-10k',
        figure: 'p99: publishing instance / other instance (NOTIFY relay)',
        value: `${a.local?.p99} / ${a.remote?.p99} ms`,
        baseline: `relay publish → first frame p50 ${a.parts.relay?.p50} ms`,
        ratio: '',
        goal: 'measured',
        pass: null,
      });
      ctx.rows.push({
        bench: 'realtime-10k',
        figure: `RSS per instance at ${(n / 2).toLocaleString('en')} sockets; CPU per event (${cores} cores shared with the clients)`,
        value: `${per(a.rssEachMB)} MB; servers ${a.serverCpuMs.p50} ms, clients ${a.clientCpuMs.p50} ms`,
        baseline: `${per(b.rssEachMB)} MB; servers ${b.serverCpuMs.p50} ms, clients ${b.clientCpuMs.p50} ms`,
        ratio: '',
        goal: 'measured',
        pass: null,
      });
      ctx.log(
        `realtime-10k: ${a.received}/${a.expected} deliveries (${a.duplicates} duplicated, ${a.wrong} unexpected), bare ${b.received}/${b.expected}; ${run.workers} client processes (≤ ${run.socketsPerWorker} sockets each, open-file limit ${run.fdLimit}), ${cores} cores shared`,
      );
    } finally {
      await stopAll(children);
    }
  },
};
