/**
 * Memory: the app's RSS under load and over a soak. Two figures, each beside the same-work bare server (servers/bare-same-server.ts) under
 * the same load in the same run, every server on a fresh seeded database of its own:
 * - the app's RSS under the intake load as the intake benchmark drives it (50 closed-loop connections, the portal's
 *   API token): its peak sampled every second, and where it goes at the end (V8 heap, external, the rest);
 * - a soak: intake as an operator at 100 tickets/s open loop for 10 minutes (bench/lib/open-loop.ts), the app's RSS
 *   and V8 heap (used, total, external) sampled every 5 s; start / end / max, the slope of heap used after the
 *   warm-up (least squares, MB per minute) and the heap left after a full GC at the warm-up's end and at the end
 *   (the child runs with --expose-gc; the sampler itself never collects). The baseline runs the same open loop for a minute.
 * --quick: seconds at a low rate.
 */
import os from 'node:os';
import postgres from 'postgres';
import { DEMO_API_TOKEN } from '../src/seed/city.ts';
import { TEST_KEYS } from '../src/domain/privacy/keyring.ts';
import { callBody } from './latency.ts';
import { freshSeededDb } from './lib/datasets.ts';
import { postLoad } from './lib/load.ts';
import { openLoop, type OpenLoopResult } from './lib/open-loop.ts';
import { startChild, type Child, type ChildMemory } from './lib/proc.ts';
import type { Section, SectionContext } from './lib/section.ts';
import { signIn } from './lib/sessions.ts';

const MB = 2 ** 20;
const mb = (n: number) => Math.round((n / MB) * 10) / 10;
export type MemorySample = { s: number; rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number };

const sampleOf = (m: ChildMemory, s: number): MemorySample => ({
  s: Math.round(s * 10) / 10,
  rss: mb(m.mem.rss),
  heapUsed: mb(m.mem.heapUsed),
  heapTotal: mb(m.mem.heapTotal),
  external: mb(m.mem.external),
  arrayBuffers: mb(m.mem.arrayBuffers),
});

/**
 * Samples the child's memory every `everyMs` while `work` runs (never collecting: what the process holds as it runs);
 * once `gcAfterSeconds` have passed, one more reading after a full GC, kept apart. One request at a time over IPC.
 */
async function sampled<T>(child: Child, everyMs: number, work: () => Promise<T>, gcAfterSeconds?: number) {
  const t0 = performance.now();
  const seconds = () => (performance.now() - t0) / 1000;
  const samples: MemorySample[] = [sampleOf(await child.mem(), 0)];
  let afterGc: ChildMemory | null = null;
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      await new Promise((r) => setTimeout(r, everyMs));
      if (stop) break;
      samples.push(sampleOf(await child.mem(), seconds()));
      if (gcAfterSeconds !== undefined && !afterGc && seconds() >= gcAfterSeconds) afterGc = await child.mem({ gc: true });
    }
  })();
  const result = await work();
  stop = true;
  await loop;
  samples.push(sampleOf(await child.mem(), seconds()));
  return { result, samples, afterGc: afterGc as ChildMemory | null };
}

/** Least-squares slope of y over x. */
export function slope(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const sxy = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return sxx ? sxy / sxx : 0;
}

const span = (samples: MemorySample[], k: keyof Omit<MemorySample, 's'>) => ({
  start: samples[0]![k],
  end: samples.at(-1)![k],
  max: Math.max(...samples.map((x) => x[k])),
});

/** Where the memory is at a moment: V8's heap spaces (used / size), external, and the rest of RSS (code, stacks, native). */
function breakdown(m: ChildMemory) {
  return {
    rss: mb(m.mem.rss),
    heapTotal: mb(m.mem.heapTotal),
    heapUsed: mb(m.mem.heapUsed),
    external: mb(m.mem.external),
    arrayBuffers: mb(m.mem.arrayBuffers),
    outsideHeap: mb(m.mem.rss - m.mem.heapTotal - m.mem.external),
    spaces: Object.fromEntries(m.spaces.map((s) => [s.space_name, { used: mb(s.space_used_size), size: mb(s.space_size) }])),
  };
}

async function closedLoopRss(child: Child, path: string, o: { seconds: number; body: (i: number) => unknown; headers: (i: number) => Record<string, string> }) {
  const url = `http://127.0.0.1:${child.port}${path}`;
  const { result, samples } = await sampled(child, 1000, () => postLoad({ url, connections: 50, seconds: o.seconds, body: o.body, headers: o.headers }));
  const atEnd = breakdown(await child.mem());
  return { load: result, peakRss: Math.max(...samples.map((x) => x.rss)), atEnd, samples };
}

async function run(ctx: SectionContext) {
  const q = ctx.quick;
  const o = {
    closedSeconds: q ? 2 : 20,
    rate: q ? 20 : 100,
    soakSeconds: q ? 5 : 600,
    warmupSeconds: q ? 1 : 60,
    sampleMs: q ? 1000 : 5000,
    baselineSeconds: q ? 3 : 60,
  };
  const runId = String(Date.now());
  const load0 = os.loadavg();
  const keys = { JIESU_KEYS: JSON.stringify(TEST_KEYS) };
  const rssUrl = await freshSeededDb(ctx.server, 'bench_soak_rss');
  const bareUrl = await freshSeededDb(ctx.server, 'bench_soak_bare');
  const soakUrl = await freshSeededDb(ctx.server, 'bench_soak');
  const children: Child[] = [];
  const start = async (file: string, env: Record<string, string>) => {
    const c = await startChild(file, env, 120_000, { execArgv: ['--expose-gc'] });
    children.push(c);
    return c;
  };
  try {
    // 1. RSS under the intake benchmark's load: 50 connections, closed loop, the portal's token.
    const app1 = await start('app-server.ts', { DATABASE_URL: rssUrl, ...keys });
    const [cat] = await query<{ ids: number[] }>(rssUrl, 'select array_agg(id order by id) as ids from categories where auto_dispatch');
    const body = callBody(cat!.ids, runId);
    const key = (side: string) => (i: number) => ({ 'idempotency-key': `soak-${runId}-${side}-${i}` });
    const appClosed = await closedLoopRss(app1, '/api/tickets', {
      seconds: o.closedSeconds,
      body,
      headers: (i) => ({ authorization: `Bearer ${DEMO_API_TOKEN}`, ...key('app')(i) }),
    });
    await app1.stop();
    const bare = await start('bare-same-server.ts', { DATABASE_URL: bareUrl });
    const bareClosed = await closedLoopRss(bare, '/tickets', { seconds: o.closedSeconds, body, headers: key('bare') });
    ctx.log(
      `  RSS at 50 connections: app peak ${appClosed.peakRss} MB (${appClosed.load.rps} tickets/s), same-work bare ${bareClosed.peakRss} MB (${bareClosed.load.rps}/s)`,
    );

    // 2. The baseline's open loop at the soak's rate, for a minute.
    const bareOpen = await sampled(bare, o.sampleMs / 5, () =>
      openLoop({
        port: bare.port,
        rate: o.rate,
        seconds: o.baselineSeconds,
        request: (i) => ({ method: 'POST', path: '/tickets', headers: key('bare-open')(i), body: body(1e7 + i) }),
      }),
    );
    await bare.stop();

    // 3. The soak: an operator's intake at the rate, open loop, the app's memory sampled as it runs.
    const app = await start('app-server.ts', { DATABASE_URL: soakUrl, ...keys });
    const operator = await signIn(app.port, 'operator1');
    const before = breakdown(await app.mem({ gc: true }));
    const soak = await sampled(
      app,
      o.sampleMs,
      () =>
        openLoop({
          port: app.port,
          rate: o.rate,
          seconds: o.soakSeconds,
          request: (i) => ({ method: 'POST', path: '/api/tickets', headers: { ...operator, ...key('soak')(i) }, body: body(2e7 + i) }),
        }),
      o.warmupSeconds,
    );
    const warm = soak.afterGc ? breakdown(soak.afterGc) : null;
    const after = breakdown(await app.mem({ gc: true }));
    const settled = soak.samples.filter((x) => x.s >= o.warmupSeconds);
    const perMinute = (k: 'heapUsed' | 'rss') => Math.round(slope(settled.map((x) => [x.s / 60, x[k]])) * 100) / 100;
    const figures = {
      rss: span(soak.samples, 'rss'),
      heapUsed: span(soak.samples, 'heapUsed'),
      heapTotal: span(soak.samples, 'heapTotal'),
      external: span(soak.samples, 'external'),
      heapSlopeMBPerMin: perMinute('heapUsed'),
      rssSlopeMBPerMin: perMinute('rss'),
      afterGc: { start: before.heapUsed, warm: warm?.heapUsed ?? null, end: after.heapUsed },
    };
    const bareFig = { rss: span(bareOpen.samples, 'rss'), heapUsed: span(bareOpen.samples, 'heapUsed') };
    const lat = (r: OpenLoopResult) => `${r.latency.p50} / ${r.latency.p99}`;
    ctx.log(
      `  soak ${o.soakSeconds} s at ${o.rate}/s: RSS ${figures.rss.start} → ${figures.rss.end} MB (max ${figures.rss.max}), heap used slope ${figures.heapSlopeMBPerMin} MB/min, ` +
        `heap after GC ${figures.afterGc.warm} → ${figures.afterGc.end} MB; intake p50/p99 ${lat(soak.result)} ms`,
    );

    // Every request answered 2xx; each intake one ticket.
    const [counted] = await query<{ n: number }>(soakUrl, 'select count(*)::int as n from tickets');
    const soakTickets = Number(counted!.n);
    ctx.checks['soak: every request answered 2xx (closed loop, open loop, soak; app and baseline)'] =
      appClosed.load.non2xx === 0 &&
      appClosed.load.errors === 0 &&
      bareClosed.load.non2xx === 0 &&
      bareOpen.result.ok === bareOpen.result.sent &&
      soak.result.ok === soak.result.sent;
    ctx.checks['soak: each intake of the soak one ticket'] = soakTickets === soak.result.sent;

    const growth = figures.afterGc.warm === null ? null : Math.round((figures.afterGc.end - figures.afterGc.warm) * 10) / 10;
    const minutes = Math.round((o.soakSeconds / 60) * 10) / 10;
    ctx.rows.push(
      {
        bench: 'soak',
        figure: 'app RSS under the intake load (50 connections, closed loop), peak MB',
        value: String(appClosed.peakRss),
        baseline: `${bareClosed.peakRss} (same-work)`,
        ratio: String(Math.round((appClosed.peakRss / bareClosed.peakRss) * 100) / 100),
        goal: '< 200 MB',
        pass: appClosed.peakRss < 200,
      },
      {
        bench: 'soak',
        figure: `RSS over ${minutes} min at ${o.rate} tickets/s open loop: start / end / max MB`,
        value: `${figures.rss.start} / ${figures.rss.end} / ${figures.rss.max}`,
        baseline: `${bareFig.rss.start} / ${bareFig.rss.end} / ${bareFig.rss.max} (same-work, ${o.baselineSeconds} s)`,
        ratio: String(Math.round((figures.rss.max / bareFig.rss.max) * 100) / 100),
        goal: '< 200 MB',
        pass: figures.rss.max < 200,
      },
      {
        bench: 'soak',
        figure: `V8 heap used after warm-up (${o.warmupSeconds} s): slope, MB/min (RSS slope)`,
        value: `${figures.heapSlopeMBPerMin} (${figures.rssSlopeMBPerMin})`,
        baseline: `heap used ${bareFig.heapUsed.start} → ${bareFig.heapUsed.end} MB`,
        ratio: '',
        goal: '|slope| < 0.5 MB/min (flat)',
        pass: Math.abs(figures.heapSlopeMBPerMin) < 0.5,
      },
      {
        bench: 'soak',
        figure: 'V8 heap after a full GC: before / warm-up end / end, MB',
        value: `${figures.afterGc.start} / ${figures.afterGc.warm ?? '—'} / ${figures.afterGc.end}`,
        baseline: '',
        ratio: '',
        goal: 'growth after warm-up < 5 MB',
        pass: growth === null ? null : growth < 5,
      },
      {
        // Whether the app kept up with the rate: when it did not, requests pile up in it and the memory figures
        // above measure that backlog, not a leak (the sender keeps at most 1,024 requests on the wire).
        bench: 'soak',
        figure: `soak intake latency: p50 / p99 ms (most in flight)`,
        value: `${soak.result.latency.p50} / ${soak.result.latency.p99} (${soak.result.inFlightMax})`,
        baseline: `${bareOpen.result.latency.p50} / ${bareOpen.result.latency.p99} (${bareOpen.result.inFlightMax}, same-work)`,
        ratio: '',
        goal: 'p99 < 50 ms',
        pass: soak.result.latency.p99 < 50,
      },
    );
    ctx.results.soak = {
      options: o,
      closedLoop: { app: appClosed, baseline: bareClosed },
      baselineOpenLoop: { latency: bareOpen.result.latency, samples: bareOpen.samples, figures: bareFig },
      soak: {
        figures,
        latency: soak.result.latency,
        sent: soak.result.sent,
        ok: soak.result.ok,
        senderLagMaxMs: soak.result.senderLagMaxMs,
        inFlightMax: soak.result.inFlightMax,
        firstFailure: soak.result.firstFailure,
        samples: soak.samples,
      },
      memory: { beforeLoad: before, warm, afterSoak: after },
      tickets: soakTickets,
      loadavg: { start: load0, end: os.loadavg() },
    };
  } finally {
    for (const c of children) await c.stop();
  }
}

async function query<T>(url: string, text: string): Promise<T[]> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return (await sql.unsafe(text)) as unknown as T[];
  } finally {
    await sql.end();
  }
}

export const soakSection: Section = { name: 'soak', run };
