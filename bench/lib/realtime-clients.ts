/**
 * Child process for the realtime benchmarks: a share of the socket.io-client websocket clients, so that the
 * receiving side is not one serialized event loop (bench/lib/rt-measure.ts forks several of these). Its sockets
 * are in groups, one per server process measured (jiesu, bare socket.io, each of two jiesu instances); the
 * servers take turns round by round. Forked through lib/proc.ts startChild; answers 'ready' at once (no port).
 *
 * IPC in: 'connect' { group, base, auths, ticketId } connects sockets to base (50 at a time) and answers
 * 'connected'; 'round' { groups, version } arms a round: every socket of those groups must receive the event of
 * that version exactly once, and no other socket anything; when the last of a group's sockets here has it, the
 * worker sends 'done' { group, version, times, cpuMs } (each receive on this process's clock,
 * performance.timeOrigin + performance.now(); the CPU time this process used since it was armed) — a worker
 * holding none of a group's sockets sends none for it; 'clock' answers its clock; 'counts' answers duplicates
 * and unexpected events per group; 'stop' disconnects and exits.
 */
import os from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { io as connectClient, type Socket } from 'socket.io-client';

// The clients stand in for browsers on other machines, but here they share the servers' cores: reading the
// frames can preempt a server in the middle of its fan-out. BENCH_RT_NICE=10 lowers their priority (the
// server's fan-out then runs undisturbed, and the clients wait for a free core instead); default 0, no thumb
// on the scale.
os.setPriority(Number(process.env.BENCH_RT_NICE ?? 0));
const now = () => performance.timeOrigin + performance.now();
type Msg = { type: string; group?: string; groups?: string[]; base?: string; auths?: Record<string, unknown>[]; ticketId?: number; version?: number };
type Group = {
  size: number;
  /** the version armed for this group, -1 when it is not its turn */
  version: number;
  times: number[];
  duplicates: number;
  wrong: number;
  cpu0: NodeJS.CpuUsage;
};

const sockets: Socket[] = [];
const groups = new Map<string, Group>();
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ['gc'] });

function groupOf(name: string): Group {
  let g = groups.get(name);
  if (!g) groups.set(name, (g = { size: 0, version: -1, times: [], duplicates: 0, wrong: 0, cpu0: process.cpuUsage() }));
  return g;
}

async function connect(name: string, base: string, auths: Record<string, unknown>[], ticketId: number): Promise<void> {
  const g = groupOf(name);
  for (let i = 0; i < auths.length; i += 50) {
    await Promise.all(
      auths.slice(i, i + 50).map(
        (auth) =>
          new Promise<void>((resolve, reject) => {
            let last = -1;
            const s = connectClient(base, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
            sockets.push(s);
            g.size++;
            s.on('ticket:event', (e: { ticketId: number; version: number }) => {
              const at = now();
              if (g.version < 0 || e.ticketId !== ticketId || e.version !== g.version) return void g.wrong++;
              if (last === g.version) return void g.duplicates++;
              last = g.version;
              g.times.push(at);
              if (g.times.length === g.size) {
                const cpu = process.cpuUsage(g.cpu0);
                process.send!({ type: 'done', group: name, version: g.version, times: g.times, cpuMs: (cpu.user + cpu.system) / 1000 });
              }
            });
            s.once('connect', () => resolve());
            s.once('connect_error', reject);
          }),
      ),
    );
  }
}

process.on('message', async (m: Msg) => {
  if (m.type === 'connect') {
    const t0 = performance.now();
    try {
      await connect(m.group!, m.base!, m.auths!, m.ticketId!);
      process.send!({ type: 'connected', seconds: (performance.now() - t0) / 1000 });
    } catch (err) {
      process.send!({ type: 'connected', error: String(err) });
    }
  }
  if (m.type === 'round') {
    // These groups' turn: the others' sockets must hear nothing until theirs.
    for (const g of groups.values()) g.version = -1;
    for (const name of m.groups!) {
      const g = groupOf(name);
      g.version = m.version!;
      g.times = [];
      g.cpu0 = process.cpuUsage();
    }
    process.send!({ type: 'armed' });
  }
  if (m.type === 'clock') process.send!({ type: 'clock', now: now() });
  if (m.type === 'counts') {
    const counts = Object.fromEntries([...groups].map(([k, g]) => [k, { duplicates: g.duplicates, wrong: g.wrong }]));
    process.send!({ type: 'counts', groups: counts, gcMs: Math.round(gcMs * 10) / 10 });
  }
  if (m.type === 'stop') {
    for (const s of sockets) s.disconnect();
    setTimeout(() => process.exit(0), 50);
  }
});
process.send!({ type: 'ready', port: 0 });
