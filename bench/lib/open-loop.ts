/**
 * Open-loop load: requests sent at a fixed arrival rate on a schedule fixed in advance, whether or not the earlier
 * ones have been answered — as people arrive, not as a closed loop of connections waiting for their answers. Each
 * latency is measured from the request's SCHEDULED send time to the last byte of its answer, so a server (or a
 * sender) that falls behind shows in the figure instead of slowing the load down (no coordinated omission).
 * node:http with a keep-alive agent and enough sockets that no request waits for one.
 */
import http from 'node:http';
import { stats3, type Timing3 } from './stats.ts';

export type OpenLoopRequest = { method: 'GET' | 'POST'; path: string; headers?: Record<string, string>; body?: unknown };

export type OpenLoopResult = {
  rate: number;
  seconds: number;
  /** Requests sent, warm-up included (rate × (warm-up + seconds), exactly) */
  sent: number;
  /** Latency of the requests scheduled after the warm-up, from their scheduled time (ms) */
  latency: Timing3 & { mean: number; max: number };
  ok: number;
  non2xx: number;
  errors: number;
  statuses: Record<string, number>;
  /** How late the sender itself got behind its schedule at worst (ms): a check that the load was what it says */
  senderLagMaxMs: number;
  /** Most requests in flight at once */
  inFlightMax: number;
  /** The first answer that was not 2xx (status and the start of its body) or the first error, to say why */
  firstFailure: string | null;
};

const round1 = (n: number) => Math.round(n * 10) / 10;

export async function openLoop(o: {
  port: number;
  rate: number;
  seconds: number;
  warmupSeconds?: number;
  request: (i: number) => OpenLoopRequest;
  /** Sees every answer (warm-up included), e.g. to collect created ids */
  onResponse?: (i: number, status: number, body: string) => void;
  timeoutMs?: number;
  /** Send no more than this many (e.g. when fewer targets are left): the schedule stays the same, the tail is cut */
  maxRequests?: number;
}): Promise<OpenLoopResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1024, maxFreeSockets: 1024 });
  const warm = Math.round(o.rate * (o.warmupSeconds ?? 0));
  const total = Math.min(warm + Math.round(o.rate * o.seconds), o.maxRequests ?? Number.POSITIVE_INFINITY);
  const interval = 1000 / o.rate;
  const measured: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let lag = 0;
  let inFlight = 0;
  let inFlightMax = 0;
  let firstFailure: string | null = null;
  const done: Promise<void>[] = [];

  const fire = (i: number, scheduled: number) =>
    new Promise<void>((resolve) => {
      const r = o.request(i);
      const payload = r.body === undefined ? undefined : JSON.stringify(r.body);
      const headers: Record<string, string | number> = { ...r.headers };
      if (payload !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
      inFlightMax = Math.max(inFlightMax, ++inFlight);
      const finish = (status: number | null, body: string, error?: Error) => {
        inFlight--;
        if (status === null || status < 200 || status > 299) firstFailure ??= status === null ? `error: ${error?.message}` : `${status} ${body.slice(0, 300)}`;
        if (status === null) errors++;
        else {
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (i >= warm) measured.push(performance.now() - scheduled);
          o.onResponse?.(i, status, body);
        }
        resolve();
      };
      const req = http.request({ agent, host: '127.0.0.1', port: o.port, method: r.method, path: r.path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => finish(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
        res.on('error', (err) => finish(null, '', err));
      });
      req.setTimeout(o.timeoutMs ?? 30_000, () => req.destroy(new Error('timeout')));
      req.on('error', (err) => finish(null, '', err));
      req.end(payload);
    });

  await new Promise<void>((resolve) => {
    const t0 = performance.now() + 5;
    let next = 0;
    // Every request whose time has come is sent now, however late the timer fired; the lateness is kept.
    const pump = () => {
      const now = performance.now();
      while (next < total && t0 + next * interval <= now) {
        const scheduled = t0 + next * interval;
        lag = Math.max(lag, now - scheduled);
        done.push(fire(next, scheduled));
        next++;
      }
      if (next < total) setTimeout(pump, Math.max(0, t0 + next * interval - performance.now()));
      else resolve();
    };
    setTimeout(pump, 5);
  });
  await Promise.all(done);
  agent.destroy();

  const ok = Object.entries(statuses).reduce((a, [s, n]) => a + (s.startsWith('2') ? n : 0), 0);
  const mean = measured.reduce((a, b) => a + b, 0) / Math.max(1, measured.length);
  return {
    rate: o.rate,
    seconds: o.seconds,
    sent: total,
    latency: { ...stats3(measured), mean: round1(mean), max: round1(Math.max(0, ...measured)) },
    ok,
    non2xx: total - ok - errors,
    errors,
    statuses,
    senderLagMaxMs: round1(lag),
    inFlightMax,
    firstFailure,
  };
}
