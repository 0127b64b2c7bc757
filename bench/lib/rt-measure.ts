/**
 * The realtime benchmarks' measuring loop (bench/realtime.ts, bench/realtime-10k.ts): one event at a time from
 * socket.io servers in child processes to socket.io-client websocket clients in other child processes
 * (lib/realtime-clients.ts), per-client latency on one clock, where it goes, and the servers' memory.
 *
 * A target is what one figure measures — jiesu (one or two instances) or bare socket.io (one or two
 * processes) — with its servers and the clients' auth per server. All targets' clients are connected at once,
 * from the same client processes, and the targets take turns round by round in ABBA order (A B B A A B …), so
 * each is measured under the same machine load and with the same clients: a burst of other work lands on both,
 * not on the half of the run that happens to be going. Warm-up rounds first (not counted), then `rounds` rounds
 * per target, one event at a time, 150 ms apart.
 *
 * Clocks: each process's clock (performance.timeOrigin + performance.now()) is mapped onto the bench's by its
 * offset over IPC (the reply with the shortest round trip of 20). Latency: from the moment the bench sends the
 * trigger (IPC) to the moment each client's handler runs. The parts, per round, from the servers' probe
 * (servers/rt-probe.ts): IPC → trigger handled, trigger → publish (jiesu: the event's transaction), publish →
 * first frame written, publish → the other instance's first frame (the adapter's NOTIFY hop), first → last
 * frame written (the fan-out; the longest of the servers), last frame → last client handler; the servers' GC
 * and CPU time and the client processes' CPU time in the round.
 */
import fs from 'node:fs';
import { startChild, type Child } from './proc.ts';
import { stats, type Timing } from './stats.ts';
import type { ServerRound } from '../servers/rt-probe.ts';

type P = { p50: number; p99: number };
export type Target = {
  name: string;
  servers: Child[];
  /** per server: the auth of each of its clients */
  auths: Record<string, unknown>[][];
  /** the servers that get the trigger in the target's round r (the others hear the event from them, or nothing) */
  triggers: (round: number) => number[];
};
export type RealtimeSide = {
  /** trigger (IPC sent) → client handler, over clients × rounds */
  p50: number;
  p99: number;
  max: number;
  /** clients of the instance that published the event, and of the other instance (two instances only) */
  local?: P;
  remote?: P;
  /** publish in the server (after commit, just before the emit) → client handler: the realtime layer alone */
  fromPublish: P;
  /** the slowest client of each round, trigger → handler */
  lastClientP50: number;
  lastClientP99: number;
  parts: {
    ipc: P;
    triggerToPublish: P;
    publishToFirstWrite: P;
    /** publish → the other instance's first frame (two instances) */
    relay?: P;
    fanout: P;
    lastWriteToLastClient: P;
    serverGcMs: { rounds: number; max: number; kinds: string[] };
  };
  /** CPU time (user + system) per round: the servers' (summed) and the client processes' (summed) */
  serverCpuMs: P;
  clientCpuMs: P;
  /** the largest server process's RSS at N sockets, and each one's */
  rssMB: number;
  rssEachMB: number[];
  connectSeconds: number;
  clients: number;
  received: number;
  expected: number;
  duplicates: number;
  wrong: number;
  timedOut: number;
};
export type Measured = {
  sides: Record<string, RealtimeSide>;
  workers: number;
  warmup: number;
  rounds: number;
  clockRttMs: number;
  clientGcMs: number;
  /** the open-file limit each client process had, and how many sockets the busiest held */
  fdLimit: number;
  socketsPerWorker: number;
};

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pp = (t: Timing): P => ({ p50: t.p50, p99: t.p99 });
const groupOf = (t: Target, s: number) => `${t.name}#${s}`;

/** This process's clock minus the child's, from the IPC ping with the shortest round trip. */
async function clockOffset(child: Child): Promise<{ offset: number; rtt: number }> {
  let best = { offset: 0, rtt: Infinity };
  for (let i = 0; i < 20; i++) {
    const t0 = now();
    const { now: theirs } = await child.request<{ now: number }>({ type: 'clock' }, 'clock');
    const t1 = now();
    if (t1 - t0 < best.rtt) best = { offset: (t0 + t1) / 2 - theirs, rtt: t1 - t0 };
  }
  return best;
}

/** The soft limit on open files of this process (its children inherit it): each socket is one. */
export function openFileLimit(): number {
  try {
    const line = fs.readFileSync('/proc/self/limits', 'utf8').match(/^Max open files\s+(\d+)/m);
    return line ? Number(line[1]) : 1024;
  } catch {
    return 1024;
  }
}

type Acc = {
  fromTrigger: number[];
  local: number[];
  remote: number[];
  fromPublish: number[];
  lastClient: number[];
  ipc: number[];
  triggerToPublish: number[];
  publishToFirstWrite: number[];
  relay: number[];
  fanout: number[];
  lastWriteToLastClient: number[];
  gc: number[];
  gcMax: number;
  gcKinds: Set<string>;
  serverCpu: number[];
  clientCpu: number[];
  timedOut: number;
};
const acc = (): Acc => ({
  ...{ fromTrigger: [], local: [], remote: [], fromPublish: [], lastClient: [], ipc: [], triggerToPublish: [], publishToFirstWrite: [] },
  ...{ relay: [], fanout: [], lastWriteToLastClient: [], gc: [], gcMax: 0, gcKinds: new Set(), serverCpu: [], clientCpu: [], timedOut: 0 },
});

export async function measureTargets(targets: Target[], opts: { rounds: number; ticketId: number; trace?: boolean }): Promise<Measured> {
  const total = targets.reduce((a, t) => a + t.auths.flat().length, 0);
  const fdLimit = openFileLimit();
  // One file per socket in the client process (and a few dozen of its own): more processes if one cannot hold its share.
  const nWorkers = Math.max(1, Math.min(total, Math.max(Number(process.env.BENCH_RT_WORKERS ?? 2), Math.ceil(total / (fdLimit - 256)))));
  const warmup = opts.rounds >= 10 ? 5 : 1;
  const workers: Child[] = [];
  try {
    for (let w = 0; w < nWorkers; w++) workers.push(await startChild('../lib/realtime-clients.ts', {}));
    // Which (worker, group) pairs hold sockets, and how many sockets each worker holds.
    const holds = new Set<string>();
    const perWorker = new Array<number>(nWorkers).fill(0);
    const connectSeconds: Record<string, number> = {};
    for (const t of targets) {
      const c0 = performance.now();
      for (const [s, auths] of t.auths.entries()) {
        const share = workers.map((_, w) => auths.filter((_, i) => i % nWorkers === w));
        const base = `http://127.0.0.1:${t.servers[s]!.port}`;
        const connected = await Promise.all(
          workers.map((w, i) =>
            share[i]!.length
              ? w.request<{ error?: string }>({ type: 'connect', group: groupOf(t, s), base, auths: share[i], ticketId: opts.ticketId }, 'connected')
              : { error: undefined },
          ),
        );
        for (const c of connected) if (c.error) throw new Error(`realtime clients of ${groupOf(t, s)}: ${c.error}`);
        share.forEach((a, w) => {
          if (a.length) holds.add(`${w}:${groupOf(t, s)}`), (perWorker[w]! += a.length);
        });
      }
      connectSeconds[t.name] = Math.round((performance.now() - c0) / 100) / 10;
    }
    await sleep(1000);
    const rss: Record<string, number[]> = {};
    for (const t of targets) rss[t.name] = await Promise.all(t.servers.map(async (s) => Math.round((await s.rss()) / 2 ** 20)));
    const serverClocks = new Map<Child, { offset: number; rtt: number }>();
    for (const t of targets) for (const s of t.servers) serverClocks.set(s, await clockOffset(s));
    const clocks = await Promise.all(workers.map(clockOffset));
    const clockRttMs = Math.round(Math.max(...[...serverClocks.values(), ...clocks].map((c) => c.rtt)) * 100) / 100;

    // The workers' 'done' for the current round: receive times mapped to this process's clock, per group.
    let pending: { version: number; times: Map<string, number[]>; cpu: number; left: number; resolve: () => void } | null = null;
    for (const [i, w] of workers.entries()) {
      w.proc.on('message', (m: { type: string; group?: string; version?: number; times?: number[]; cpuMs?: number }) => {
        if (m.type !== 'done' || !pending || m.version !== pending.version) return;
        const list = pending.times.get(m.group!) ?? [];
        for (const t of m.times!) list.push(t + clocks[i]!.offset);
        pending.times.set(m.group!, list);
        pending.cpu += m.cpuMs!;
        if (--pending.left === 0) pending.resolve();
      });
    }

    const accs = new Map(targets.map((t) => [t.name, acc()]));
    const done = new Map(targets.map((t) => [t.name, 0]));
    let version = 0;
    for (let block = 0; [...done.values()].some((n) => n < warmup + opts.rounds); block++) {
      for (const t of block % 2 ? [...targets].reverse() : targets) {
        const r = done.get(t.name)!;
        if (r >= warmup + opts.rounds) continue;
        done.set(t.name, r + 1);
        version++;
        const a = accs.get(t.name)!;
        const groups = t.servers.map((_, s) => groupOf(t, s));
        const left = [...holds].filter((h) => groups.includes(h.slice(h.indexOf(':') + 1))).length;
        const times = new Map<string, number[]>();
        let settle: (complete: boolean) => void = () => {};
        const all = new Promise<boolean>((resolve) => (settle = resolve));
        const round = { version, times, cpu: 0, left, resolve: () => settle(true) };
        const timer = setTimeout(() => settle(false), 15_000);
        pending = round;
        await Promise.all(workers.map((w) => w.request({ type: 'round', groups, version }, 'armed')));
        await Promise.all(t.servers.map((s) => s.request({ type: 'arm' }, 'armed')));
        const triggered = t.triggers(r);
        const t0 = now();
        const replies = triggered.map((s) => t.servers[s]!.request({ type: 'trigger', ticketId: opts.ticketId, version }, 'triggered'));
        const complete = await all;
        clearTimeout(timer);
        const clientCpu = round.cpu;
        pending = null;
        await Promise.all(replies);
        await sleep(150); // late duplicates would land here, and the probe's GC entries
        const srs = await Promise.all(
          t.servers.map(async (s) => {
            const sr = (await s.request<{ round: ServerRound | null }>({ type: 'timeline' }, 'timeline')).round;
            const o = serverClocks.get(s)!.offset;
            return (
              sr && {
                ...sr,
                trigger: sr.trigger && sr.trigger + o,
                publish: sr.publish && sr.publish + o,
                firstWrite: sr.firstWrite + o,
                lastWrite: sr.lastWrite + o,
              }
            );
          }),
        );
        if (r < warmup) continue;
        if (!complete) a.timedOut++;
        const origin = triggered[0]!;
        const pub = srs[origin]?.publish || srs[origin]?.trigger || t0;
        let last = t0;
        for (const [s, g] of groups.entries()) {
          for (const at of times.get(g) ?? []) {
            a.fromTrigger.push(at - t0);
            (triggered.includes(s) ? a.local : a.remote).push(at - t0);
            a.fromPublish.push(at - pub);
            last = Math.max(last, at);
          }
        }
        a.lastClient.push(last - t0);
        const o = srs[origin];
        if (o && srs.every((s) => s && s.writes > 0)) {
          a.ipc.push(o.trigger - t0);
          if (o.publish) a.triggerToPublish.push(o.publish - o.trigger), a.publishToFirstWrite.push(o.firstWrite - o.publish);
          for (const [s, sr] of srs.entries()) if (!triggered.includes(s) && o.publish) a.relay.push(sr!.firstWrite - o.publish);
          a.fanout.push(Math.max(...srs.map((s) => s!.lastWrite - s!.firstWrite)));
          a.lastWriteToLastClient.push(last - Math.max(...srs.map((s) => s!.lastWrite)));
          const gc = srs.reduce((x, s) => x + s!.gcMs, 0);
          a.gc.push(gc);
          a.gcMax = Math.max(a.gcMax, ...srs.map((s) => s!.gcMax));
          for (const s of srs) for (const k of s!.gcKinds) a.gcKinds.add(k);
          a.serverCpu.push(srs.reduce((x, s) => x + s!.cpuMs, 0));
          a.clientCpu.push(clientCpu);
        }
        if (opts.trace && o) {
          const f = (x: number) => x.toFixed(1);
          const fan = srs.map((s) => (s ? `${f(s.lastWrite - s.firstWrite)} (${s.writes})` : '?')).join(' + ');
          process.stderr.write(
            `${t.name} round ${r - warmup}: ipc ${f(o.trigger - t0)} → publish ${o.publish ? f(o.publish - o.trigger) : '-'} → first write ${f(o.firstWrite - (o.publish || o.trigger))} → fan-out ${fan} → last client ${f(last - Math.max(...srs.map((s) => s?.lastWrite ?? 0)))}; total ${f(last - t0)}; cpu servers ${f(srs.reduce((x, s) => x + (s?.cpuMs ?? 0), 0))} clients ${f(clientCpu)} ms, gc ${f(srs.reduce((x, s) => x + (s?.gcMs ?? 0), 0))} ms\n`,
          );
        }
      }
    }
    // BENCH_RT_CPU_PROF: the servers write their profiles of the rounds now, before the clients go away.
    for (const t of targets) await Promise.all(t.servers.map((s) => s.request({ type: 'profile' }, 'profiled')));
    const counts = await Promise.all(
      workers.map((w) => w.request<{ groups: Record<string, { duplicates: number; wrong: number }>; gcMs: number }>({ type: 'counts' }, 'counts')),
    );
    const sides: Record<string, RealtimeSide> = {};
    for (const t of targets) {
      const a = accs.get(t.name)!;
      const c = counts.flatMap((k) => t.servers.map((_, s) => k.groups[groupOf(t, s)] ?? { duplicates: 0, wrong: 0 }));
      const s = stats(a.fromTrigger);
      const lc = stats(a.lastClient);
      const clients = t.auths.flat().length;
      sides[t.name] = {
        p50: s.p50,
        p99: s.p99,
        max: Math.round(a.fromTrigger.reduce((x, y) => Math.max(x, y), 0) * 10) / 10,
        ...(a.remote.length ? { local: pp(stats(a.local)), remote: pp(stats(a.remote)) } : {}),
        fromPublish: pp(stats(a.fromPublish)),
        lastClientP50: lc.p50,
        lastClientP99: lc.p99,
        parts: {
          ipc: pp(stats(a.ipc)),
          triggerToPublish: pp(stats(a.triggerToPublish)),
          publishToFirstWrite: pp(stats(a.publishToFirstWrite)),
          ...(a.relay.length ? { relay: pp(stats(a.relay)) } : {}),
          fanout: pp(stats(a.fanout)),
          lastWriteToLastClient: pp(stats(a.lastWriteToLastClient)),
          serverGcMs: { rounds: a.gc.filter((g) => g > 0).length, max: Math.round(a.gcMax * 10) / 10, kinds: [...a.gcKinds].sort() },
        },
        serverCpuMs: pp(stats(a.serverCpu)),
        clientCpuMs: pp(stats(a.clientCpu)),
        rssMB: Math.max(...rss[t.name]!),
        rssEachMB: rss[t.name]!,
        connectSeconds: connectSeconds[t.name]!,
        clients,
        received: a.fromTrigger.length,
        expected: clients * opts.rounds,
        duplicates: c.reduce((x, k) => x + k.duplicates, 0),
        wrong: c.reduce((x, k) => x + k.wrong, 0),
        timedOut: a.timedOut,
      };
    }
    return {
      sides,
      workers: nWorkers,
      warmup,
      rounds: opts.rounds,
      clockRttMs,
      clientGcMs: Math.round(counts.reduce((x, k) => x + k.gcMs, 0)),
      fdLimit,
      socketsPerWorker: Math.max(...perWorker),
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}
