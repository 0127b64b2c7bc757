/**
 * Child process for the realtime benchmark: a share of the N socket.io-client websocket clients, so that the
 * receiving side is not one serialized event loop (bench/realtime.ts forks several of these, each holding
 * N / workers sockets). Forked through lib/proc.ts startChild; answers 'ready' at once (no port).
 *
 * IPC in: 'connect' { base, auths, ticketId } connects its sockets (50 at a time) and answers 'connected';
 * 'round' { version } arms a round: every client must receive the event of that version once; when the last
 * of its clients has it, the worker sends 'done' { version, times } (each receive on this process's clock,
 * performance.timeOrigin + performance.now()); 'clock' answers its clock; 'counts' answers duplicates and
 * unexpected events; 'stop' disconnects and exits.
 */
import os from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { io as connectClient, type Socket } from 'socket.io-client';

// The clients stand in for browsers on other machines, but here they share the server's 2 cores: reading the
// frames can preempt the server in the middle of its fan-out. BENCH_RT_NICE=10 lowers their priority (the
// server's fan-out then runs undisturbed, and the clients wait for a free core instead); default 0, no thumb
// on the scale.
os.setPriority(Number(process.env.BENCH_RT_NICE ?? 0));
const now = () => performance.timeOrigin + performance.now();
type Msg = { type: string; base?: string; auths?: Record<string, unknown>[]; ticketId?: number; version?: number };

const sockets: Socket[] = [];
let version = -1;
let times: number[] = [];
let lastVersion = new Int32Array(0);
let duplicates = 0;
let wrong = 0;
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ['gc'] });

async function connect(base: string, auths: Record<string, unknown>[], ticketId: number): Promise<void> {
  lastVersion = new Int32Array(auths.length).fill(-1);
  for (let i = 0; i < auths.length; i += 50) {
    await Promise.all(
      auths.slice(i, i + 50).map(
        (auth, j) =>
          new Promise<void>((resolve, reject) => {
            const k = i + j;
            const s = connectClient(base, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
            sockets.push(s);
            s.on('ticket:event', (e: { ticketId: number; version: number }) => {
              const at = now();
              if (e.ticketId !== ticketId || e.version !== version) return void wrong++;
              if (lastVersion[k] === version) return void duplicates++;
              lastVersion[k] = version;
              times.push(at);
              if (times.length === auths.length) process.send!({ type: 'done', version, times });
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
      await connect(m.base!, m.auths!, m.ticketId!);
      process.send!({ type: 'connected', seconds: (performance.now() - t0) / 1000 });
    } catch (err) {
      process.send!({ type: 'connected', error: String(err) });
    }
  }
  if (m.type === 'round') {
    version = m.version!;
    times = [];
    process.send!({ type: 'armed' });
  }
  if (m.type === 'clock') process.send!({ type: 'clock', now: now() });
  if (m.type === 'counts') process.send!({ type: 'counts', duplicates, wrong, gcMs: Math.round(gcMs * 10) / 10 });
  if (m.type === 'stop') {
    for (const s of sockets) s.disconnect();
    setTimeout(() => process.exit(0), 50);
  }
});
process.send!({ type: 'ready', port: 0 });
