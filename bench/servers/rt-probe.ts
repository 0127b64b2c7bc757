/**
 * Server-side timestamps for the realtime benchmark, the same for both servers (realtime-server.ts and
 * bare-io-server.ts): when the trigger arrived over IPC, when the event was published (jiesu: after commit;
 * bare: the io.emit call), the first and the last websocket frame of the event handed to the socket (ws's
 * Sender.sendFrame, which every engine.io websocket write goes through), and the garbage-collection time
 * inside the round. Clock: performance.timeOrigin + performance.now(), like the bench and the client workers
 * (the bench measures each process's offset over IPC).
 */
import { createRequire } from 'node:module';
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

export const now = () => performance.timeOrigin + performance.now();

export type ServerRound = {
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
  Sender.prototype.sendFrame = function (list, cb) {
    const r = current;
    if (r) {
      const payload = list[list.length - 1];
      if (payload !== undefined && (typeof payload === 'string' ? payload.includes(eventName) : payload.indexOf(marker) !== -1)) {
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

/** A round starts when its trigger arrives. */
export function startRound(): void {
  cpu0 = process.cpuUsage();
  current = { trigger: now(), publish: 0, firstWrite: 0, lastWrite: 0, writes: 0, gcMs: 0, gcMax: 0, gcKinds: [], cpuMs: 0 };
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
