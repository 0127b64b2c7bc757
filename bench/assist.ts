/**
 * Assisted intake's speed, on the section's own dataset (lib/assist-data.ts: closed tickets with
 * the demo corpus's text, channel, street, final category and lead unit):
 * - retraining: the product's `retrain` (src/domain/assist/training.ts) over every ticket — the centre's words loaded
 *   (lexicon.ts: names and the places of the latest tickets' addresses), both models, the held-out fit and the stored
 *   versions — wall time, this process's CPU and its peak RSS; goal: 1 M tickets well
 *   inside the nightly window (one hour);
 * - a suggestion at intake: POST /api/assist/suggest through the product (servers/app-server.ts, signed in as an
 *   operator, the models just trained loaded by a first request), one request at a time as an operator's typing
 *   sends them, each with another demand of the corpus, against servers/bare-fixed-server.ts (Koa answering a fixed
 *   suggestion: the HTTP floor), the two taking turns request by request; p50 / p95 / p99, goal p95 < 30 ms.
 * Scales: --quick 2,000 tickets and 200 requests; --scale 100k / 1m (1,000 requests).
 */
import os from 'node:os';
import { eq } from 'drizzle-orm';
import { connect } from '../db/client.ts';
import { users } from '../db/schema/index.ts';
import { forgetModels } from '../src/domain/assist/models.ts';
import { suggest } from '../src/domain/assist/suggest.ts';
import { retrain } from '../src/domain/assist/training.ts';
import type { Actor } from '../src/domain/auth/actor.ts';
import { TEST_KEYS } from '../src/domain/privacy/keyring.ts';
import { ensureAssistDataset, type Pool } from './lib/assist-data.ts';
import { startChild } from './lib/proc.ts';
import type { Section, SectionContext } from './lib/section.ts';
import { signIn } from './lib/sessions.ts';
import { stats3, type Timing3 } from './lib/stats.ts';

const TICKETS: Record<string, number> = { quick: 2_000, '100k': 100_000, '1m': 1_000_000, '10m': 10_000_000 };
const LATENCY_GOAL_MS = 30;
const RETRAIN_GOAL_S_PER_M = 3600;

export type AssistRun = {
  scale: string;
  tickets: number;
  dataset: { reused: boolean; seconds: number };
  retrain: {
    seconds: number;
    cpuSeconds: number;
    peakRssMB: number;
    trained: { target: string; samples: number; classes: number; features: number; top1?: number; top3?: number }[];
  };
  latency: { product: Timing3; baseline: Timing3; nonEmpty: number; requests: number };
  /** suggest() called in this process (no HTTP, no session): the product's own part of the request */
  inProcess: Timing3;
};

async function timedRetrain(url: string) {
  const database = await connect({ url, max: 2 });
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    const r = await retrain(database.db, { now: new Date(), days: 730, trainedBy: null });
    const cpu = process.cpuUsage(cpu0);
    return {
      seconds: Math.round((performance.now() - t0) / 100) / 10,
      cpuSeconds: Math.round((cpu.user + cpu.system) / 1e5) / 10,
      peakRssMB: Math.round(Math.max(peak, process.memoryUsage().rss) / 2 ** 20),
      trained: r.models.map((m) => ({
        target: m.target,
        samples: m.samples,
        classes: m.classes,
        features: m.features,
        top1: m.evaluation.top1,
        top3: m.evaluation.top3,
      })),
    };
  } finally {
    clearInterval(timer);
    await database.close();
  }
}

/** The product's own work per suggestion: suggest() in this process, model loaded, one call after another. */
async function inProcess(url: string, pool: Pool, requests: number): Promise<Timing3> {
  const database = await connect({ url, max: 2 });
  try {
    forgetModels();
    const [u] = await database.db.select({ id: users.id, unitId: users.unitId }).from(users).where(eq(users.username, 'operator1'));
    const actor = {
      userId: u!.id,
      username: 'operator1',
      displayName: 'operator1',
      role: 'operator',
      unitId: u!.unitId,
      unitPath: '/',
      via: 'session',
      ip: null,
      requestId: null,
    } as unknown as Actor;
    const call = (i: number) => {
      const d = pool[(i * 7919) % pool.length]!;
      return suggest(database.db, actor, { title: d.title, content: d.content, channel: d.channel as 'phone', streetUnitId: d.street });
    };
    // the first call loads the models and the centre's words (segmenterFor), as a first request does
    for (let i = 0; i < 20; i++) await call(i);
    const ms: number[] = [];
    for (let i = 0; i < requests; i++) {
      const t0 = performance.now();
      await call(100 + i);
      ms.push(performance.now() - t0);
    }
    return stats3(ms);
  } finally {
    await database.close();
  }
}

/** Product and baseline in turn, request by request, each with the i-th demand of the pool. */
async function latency(url: string, pool: Pool, requests: number) {
  const app = await startChild('app-server.ts', { DATABASE_URL: url, JIESU_KEYS: JSON.stringify(TEST_KEYS) }, 120_000);
  const bare = await startChild('bare-fixed-server.ts', {});
  try {
    const operator = await signIn(app.port, 'operator1');
    const post = async (port: number, i: number, headers: Record<string, string> = {}) => {
      const d = pool[(i * 7919) % pool.length]!;
      const t0 = performance.now();
      const res = await fetch(`http://127.0.0.1:${port}/api/assist/suggest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ title: d.title, content: d.content, channel: d.channel, streetUnitId: d.street }),
      });
      const body = (await res.json()) as { id: number | null; categories: unknown[] };
      const ms = performance.now() - t0;
      if (res.status !== 200) throw new Error(`suggest answered ${res.status}: ${JSON.stringify(body)}`);
      return { ms, nonEmpty: body.categories.length > 0 };
    };
    // Warm-up: the first request loads the models, the centre's words and jieba into the product; then both sides warm their paths.
    for (let i = 0; i < 20; i++) await post(app.port, i, operator), await post(bare.port, i);
    const product: number[] = [];
    const baseline: number[] = [];
    let nonEmpty = 0;
    for (let i = 0; i < requests; i++) {
      const r = await post(app.port, 100 + i, operator);
      product.push(r.ms);
      if (r.nonEmpty) nonEmpty++;
      baseline.push((await post(bare.port, 100 + i)).ms);
    }
    return { product: stats3(product), baseline: stats3(baseline), nonEmpty, requests };
  } finally {
    await app.stop();
    await bare.stop();
  }
}

async function runScale(ctx: SectionContext, scale: string): Promise<AssistRun> {
  const n = TICKETS[scale] ?? Number(scale);
  const ds = await ensureAssistDataset(ctx.server, scale, n, ctx.log);
  ctx.log(`assist ${scale}: retraining on ${n.toLocaleString('en')} tickets…`);
  const rt = await timedRetrain(ds.url);
  ctx.log(`  ${rt.seconds} s (CPU ${rt.cpuSeconds} s, peak RSS ${rt.peakRssMB} MB)`);
  const requests = ctx.quick ? 200 : 1000;
  ctx.log(`assist ${scale}: ${requests} suggestions against the fixed-body baseline…`);
  const lat = await latency(ds.url, ds.pool, requests);
  const own = await inProcess(ds.url, ds.pool, requests);
  return { scale, tickets: n, dataset: { reused: ds.reused, seconds: ds.seconds }, retrain: rt, latency: lat, inProcess: own };
}

export const assistSection: Section = {
  name: 'assist',
  async run(ctx) {
    const runs: AssistRun[] = [];
    for (const scale of ctx.scales) runs.push(await runScale(ctx, scale));
    ctx.results.assist = { runs, loadAverage: os.loadavg() };
    const ms = (t: Timing3) => `${t.p50} / ${t.p95} / ${t.p99}`;
    for (const r of runs) {
      const { product, baseline } = r.latency;
      const budget = (RETRAIN_GOAL_S_PER_M * r.tickets) / 1_000_000;
      ctx.checks[`assist:${r.scale}:trained`] = r.retrain.trained.length === 2;
      ctx.checks[`assist:${r.scale}:suggested`] = r.latency.nonEmpty === r.latency.requests;
      ctx.rows.push(
        {
          bench: `assist ${r.scale}`,
          figure: `suggestion at intake (HTTP, model of ${r.tickets.toLocaleString('en')} tickets), p50 / p95 / p99 ms`,
          value: ms(product),
          baseline: `${ms(baseline)} (fixed body)`,
          ratio: `${Math.round((product.p95 / baseline.p95) * 10) / 10}× (p95)`,
          goal: `p95 < ${LATENCY_GOAL_MS} ms`,
          pass: product.p95 < LATENCY_GOAL_MS,
        },
        {
          bench: `assist ${r.scale}`,
          figure: 'the same, suggest() in process (no HTTP, no session), p50 / p95 / p99 ms',
          value: ms(r.inProcess),
          baseline: '',
          ratio: '',
          goal: '',
          pass: null,
        },
        {
          bench: `assist ${r.scale}`,
          figure: `retraining both models on ${r.tickets.toLocaleString('en')} closed tickets, s (CPU s, peak RSS MB)`,
          value: `${r.retrain.seconds} (${r.retrain.cpuSeconds}, ${r.retrain.peakRssMB})`,
          baseline: '',
          ratio: '',
          goal: `< ${Math.round(budget)} s (1 h per 1 M)`,
          pass: r.retrain.seconds < budget,
        },
      );
    }
  },
};
