/**
 * Server-side timestamps for the realtime benchmark, the same for both servers (realtime-server.ts and
 * bare-io-server.ts): when the trigger arrived over IPC, when the event was published (jiesu: after commit;
 * bare: the io.emit call), the first and the last websocket frame of the event handed to the socket (ws's
 * Sender.sendFrame, which every engine.io websocket write goes through), and the garbage-collection time
 * inside the round. Clock: performance.timeOrigin + performance.now(), like the bench and the client workers
 * (the bench measures each process's offset over IPC).
 */
import fs from 'node:fs';
import inspector from 'node:inspector/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

export const now = () => performance.timeOrigin + performance.now();

export type ServerRound = {
  /** 0 on a server that was armed but not triggered (it hears the event from another instance) */
  trigger: number;
  publish: number;
  firstWrite: number;
  lastWrite: number;
  writes: number;
  /** GC pauses inside the round: total, the longest, and the kinds seen (minor = scavenge, major = mark-compact) */
  gcMs: number;
  gcMax: number;
  gcKinds: string[];
  /** CPU time (user + system) the process used from the trigger to the end of the round, however long the wall clock */
  cpuMs: number;
};
const GC_KINDS: Record<number, string> = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weakcb' };

let current: ServerRound | null = null;
let cpu0 = process.cpuUsage();
let installed = false;

/** Patches the ws that engine.io uses (once) and observes GC. Frames are recognised by their event name. */
export function installProbe(eventName = 'ticket:event'): void {
  if (installed) return;
  installed = true;
  const fromEngine = createRequire(createRequire(import.meta.url).resolve('engine.io'));
  const { Sender } = fromEngine('ws') as { Sender: { prototype: { sendFrame(list: (Buffer | string)[], cb?: unknown): unknown } } };
  const sendFrame = Sender.prototype.sendFrame;
  const marker = Buffer.from(`"${eventName}"`);
  // A broadcast hands every socket the same pre-encoded frame: it is searched once, not once per socket.
  let last: Buffer | string | undefined;
  let lastIs = false;
  const isEvent = (payload: Buffer | string | undefined) => {
    if (payload === undefined) return false;
    if (payload !== last) (last = payload), (lastIs = typeof payload === 'string' ? payload.includes(eventName) : payload.indexOf(marker) !== -1);
    return lastIs;
  };
  Sender.prototype.sendFrame = function (list, cb) {
    const r = current;
    if (r) {
      if (isEvent(list[list.length - 1])) {
        const t = now();
        if (r.writes++ === 0) r.firstWrite = t;
        r.lastWrite = t;
      }
    }
    return sendFrame.call(this, list, cb);
  };
  new PerformanceObserver((list) => {
    const r = current;
    if (!r) return;
    for (const e of list.getEntries()) {
      r.gcMs += e.duration;
      r.gcMax = Math.max(r.gcMax, e.duration);
      const kind = GC_KINDS[(e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0] ?? 'other';
      if (!r.gcKinds.includes(kind)) r.gcKinds.push(kind);
    }
  }).observe({ entryTypes: ['gc'] });
}

// BENCH_RT_CPU_PROF=dir: a CPU profile of the rounds alone (from the first trigger to 'stop'; the connections'
// handshakes left out), written as <dir>/<server>-<pid>.cpuprofile for Chrome's DevTools or any profile reader.
let profiler: inspector.Session | null = null;
async function startProfile(): Promise<void> {
  if (!process.env.BENCH_RT_CPU_PROF || profiler) return;
  profiler = new inspector.Session();
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}
/** Writes the rounds' profile, if one was asked for (the servers call it on 'stop'). */
export async function saveProfile(name: string): Promise<void> {
  const dir = process.env.BENCH_RT_CPU_PROF;
  if (!profiler || !dir) return;
  const { profile } = await profiler.post('Profiler.stop');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}-${process.pid}.cpuprofile`), JSON.stringify(profile));
  profiler.disconnect();
  profiler = null;
}

/** A round starts when the bench arms it ('arm', sent to every server of the round before the trigger). */
export function startRound(): void {
  void startProfile();
  cpu0 = process.cpuUsage();
  current = { trigger: 0, publish: 0, firstWrite: 0, lastWrite: 0, writes: 0, gcMs: 0, gcMax: 0, gcKinds: [], cpuMs: 0 };
}

/** The trigger arrived (only on the server that raises the event; another instance hears it over the adapter). */
export function markTrigger(): void {
  if (!current) startRound();
  current!.trigger = now();
}

export function markPublish(): void {
  if (current && !current.publish) current.publish = now();
}

/** The round's timeline (asked for once every client has the event, or the round timed out); the next starts clean. */
export function endRound(): ServerRound | null {
  const r = current;
  current = null;
  if (r) {
    const cpu = process.cpuUsage(cpu0);
    r.cpuMs = Math.round((cpu.user + cpu.system) / 10) / 100;
    r.gcMs = Math.round(r.gcMs * 100) / 100;
    r.gcMax = Math.round(r.gcMax * 100) / 100;
  }
  return r;
}
