/**
 * Latency where people feel it: open-loop load at fixed arrival rates (20/s, about the busiest
 * minute of a large city's hotline, and 100/s), p50 / p95 / p99 from each request's scheduled send time
 * (bench/lib/open-loop.ts), for
 * - intake: an operator logs a call (session cookie + CSRF token, Idempotency-Key), auto-dispatched at once;
 * - sign and reply: the unit's handler signs an assignment just dispatched, then replies on one just signed;
 * - the ticket list (GET /api/tickets?limit=50, what 工单查询 asks first), as a centre user (dispatcher) and a unit user.
 * Each against a bare baseline measured in the same run at the same rate: intake against the same-work server
 * (servers/bare-same-server.ts: every row an auto-dispatched intake writes, one statement), sign / reply / list
 * against servers/bare-lifecycle-server.ts (the same UPDATEs, INSERTs and SELECT, no framework), phase by phase in
 * turn (product, then baseline), each side on a fresh seeded database of its own. Every ticket is made through the
 * server's own intake, every assignment signed through its own sign: the intake phase at a rate makes exactly the
 * assignments the sign phase signs, which are exactly those the reply phase answers.
 */
import os from 'node:os';
import postgres from 'postgres';
import { TEST_KEYS } from '../src/domain/privacy/keyring.ts';
import { freshSeededDb } from './lib/datasets.ts';
import { openLoop, type OpenLoopRequest, type OpenLoopResult } from './lib/open-loop.ts';
import { startChild, type Child } from './lib/proc.ts';
import type { Section, SectionContext } from './lib/section.ts';
import { signIn, type SessionHeaders } from './lib/sessions.ts';

const OPS = ['intake', 'sign', 'reply', 'list_centre', 'list_unit'] as const;
type Op = (typeof OPS)[number];
/** The goals: p99 under 30 ms at 20/s and under 50 ms at 100/s (a lower rate is held to the first). */
const goalMs = (rate: number) => (rate <= 20 ? 30 : 50);

type Side = {
  name: 'product' | 'baseline';
  sql: postgres.Sql;
  /** The request of op number i, given the targets read before the phase */
  request: (op: Op, i: number, target: Target | undefined) => OpenLoopRequest;
  port: (op: Op) => number;
};
type Target = { id: number; version: number; unitId: number };
export type LatencyPhase = { rate: number; op: Op; product: OpenLoopResult; baseline: OpenLoopResult };

/** A call as an operator logs it, in one of the categories the catalogue dispatches by itself. */
export function callBody(categoryIds: number[], run: string) {
  return (i: number) => ({
    type: 'complaint',
    categoryId: categoryIds[i % categoryIds.length],
    content: `来电反映 ${run}-${i}：小区东门路灯连续三晚不亮，老人夜里出门不安全，请尽快派人维修。`,
    // Inside the demo city's streets: routing finds the street from the coordinates.
    lat: 30.165 + ((i * 613) % 900) / 10000,
    lng: 120.105 + ((i * 911) % 900) / 10000,
    caller: { name: '王女士', phone: `138${String((i * 7919 + Number(run.slice(-5))) % 100_000_000).padStart(8, '0')}` },
  });
}

const REPLY_TEXT = '已到现场核实，路灯控制箱故障已更换，当晚恢复照明，已电话告知诉求人。';

/** The assignments a sign or reply phase acts on: those waiting for that step, oldest first. */
async function targets(sql: postgres.Sql, status: string): Promise<Target[]> {
  const rows = await sql`select id, version, unit_id from assignments where status = ${status} order by id`;
  return rows.map((r) => ({ id: Number(r.id), version: Number(r.version), unitId: Number(r.unit_id) }));
}

async function run(ctx: SectionContext) {
  const rates = ctx.quick ? [10] : [20, 100];
  const seconds = (rate: number) => (ctx.quick ? 1 : rate <= 20 ? 15 : 10);
  const warmup = ctx.quick ? 0.5 : 1;
  const runId = String(Date.now());
  const load0 = os.loadavg();

  const appUrl = await freshSeededDb(ctx.server, 'bench_latency_app');
  const bareUrl = await freshSeededDb(ctx.server, 'bench_latency_bare');
  const children: Child[] = [];
  const sqls: postgres.Sql[] = [];
  try {
    const app = await startChild('app-server.ts', { DATABASE_URL: appUrl, JIESU_KEYS: JSON.stringify(TEST_KEYS) }, 120_000);
    children.push(app);
    const same = await startChild('bare-same-server.ts', { DATABASE_URL: bareUrl });
    children.push(same);
    const life = await startChild('bare-lifecycle-server.ts', { DATABASE_URL: bareUrl });
    children.push(life);
    const appSql = postgres(appUrl, { max: 1, onnotice: () => {} });
    const bareSql = postgres(bareUrl, { max: 1, onnotice: () => {} });
    sqls.push(appSql, bareSql);

    const [cat] = await appSql`select array_agg(id order by id) as ids from categories where auto_dispatch`;
    const body = callBody(cat!.ids as number[], runId);
    // Users of the product sign in as people do; the bare servers are told who acts in a header.
    const operator = await signIn(app.port, 'operator1');
    const dispatcher = await signIn(app.port, 'dispatcher1');
    const handlers = new Map<number, SessionHeaders>();
    const handlerIds = new Map<number, number>();
    for (const r of await bareSql`select id, unit_id from users where username like 'handler.%'`) handlerIds.set(Number(r.unit_id), Number(r.id));
    const [listUnit] = await appSql`select id from units where code = 'dep-cgw'`;
    const listUnitId = Number(listUnit!.id);
    handlers.set(listUnitId, await signIn(app.port, 'handler.dep-cgw'));
    const handlerOf = async (unitId: number) => {
      if (!handlers.has(unitId)) {
        const [u] = await appSql`select code from units where id = ${unitId}`;
        handlers.set(unitId, await signIn(app.port, `handler.${u!.code}`));
      }
      return handlers.get(unitId)!;
    };

    const sides: Side[] = [
      {
        name: 'product',
        sql: appSql,
        port: () => app.port,
        request: (op, i, t): OpenLoopRequest => {
          const unitHeaders = t ? handlers.get(t.unitId)! : undefined;
          if (op === 'intake') return { method: 'POST', path: '/api/tickets', headers: { ...operator, 'idempotency-key': `lat-${runId}-${i}` }, body: body(i) };
          if (op === 'sign') return { method: 'POST', path: `/api/assignments/${t!.id}/sign`, headers: unitHeaders, body: { version: t!.version } };
          if (op === 'reply')
            return { method: 'POST', path: `/api/assignments/${t!.id}/reply`, headers: unitHeaders, body: { version: t!.version, content: REPLY_TEXT } };
          return { method: 'GET', path: '/api/tickets?limit=50', headers: op === 'list_centre' ? dispatcher : handlers.get(listUnitId)! };
        },
      },
      {
        name: 'baseline',
        sql: bareSql,
        port: (op) => (op === 'intake' ? same.port : life.port),
        request: (op, i, t): OpenLoopRequest => {
          const user = t ? { 'x-user-id': String(handlerIds.get(t.unitId)) } : undefined;
          if (op === 'intake') return { method: 'POST', path: '/tickets', headers: { 'idempotency-key': `lat-${runId}-${i}` }, body: body(i) };
          if (op === 'sign') return { method: 'POST', path: `/assignments/${t!.id}/sign`, headers: user, body: { version: t!.version } };
          if (op === 'reply') return { method: 'POST', path: `/assignments/${t!.id}/reply`, headers: user, body: { version: t!.version, content: REPLY_TEXT } };
          return { method: 'GET', path: '/tickets', headers: op === 'list_unit' ? { 'x-unit-id': String(listUnitId) } : {} };
        },
      },
    ];

    const phases: LatencyPhase[] = [];
    const zero = (): Record<Op, number> => ({ intake: 0, sign: 0, reply: 0, list_centre: 0, list_unit: 0 });
    // Requests are numbered across rates (no two intakes share a body or an Idempotency-Key), the same on both sides.
    const offset = zero();
    const sent = { product: zero(), baseline: zero() };
    const shortOf: string[] = [];
    for (const rate of rates) {
      for (const op of OPS) {
        const out: Partial<Record<Side['name'], OpenLoopResult>> = {};
        for (const side of sides) {
          const list = op === 'sign' ? await targets(side.sql, 'awaiting_sign') : op === 'reply' ? await targets(side.sql, 'in_progress') : [];
          const n = Math.round(rate * warmup) + Math.round(rate * seconds(rate));
          // Fewer left than the phase needs (an intake or sign before failed): the tail is cut and the check fails.
          if ((op === 'sign' || op === 'reply') && list.length < n) shortOf.push(`${op} at ${rate}/s on the ${side.name}: ${list.length} of ${n}`);
          if (side.name === 'product') for (const t of list) await handlerOf(t.unitId);
          sent[side.name][op] += Math.min(n, op === 'sign' || op === 'reply' ? list.length : n);
          out[side.name] = await openLoop({
            port: side.port(op),
            rate,
            seconds: seconds(rate),
            warmupSeconds: warmup,
            request: (i) => side.request(op, offset[op] + i, list[i]),
            maxRequests: op === 'sign' || op === 'reply' ? list.length : undefined,
          });
        }
        const [p, b] = [out.product!, out.baseline!];
        offset[op] += Math.round(rate * warmup) + Math.round(rate * seconds(rate));
        phases.push({ rate, op, product: p, baseline: b });
        ctx.log(
          `  ${op} at ${rate}/s: p50/p95/p99 ${p.latency.p50}/${p.latency.p95}/${p.latency.p99} ms (baseline ${b.latency.p50}/${b.latency.p95}/${b.latency.p99}), ` +
            `${p.ok}/${p.sent} and ${b.ok}/${b.sent} 2xx, sender lag ≤ ${Math.max(p.senderLagMaxMs, b.senderLagMaxMs)} ms`,
        );
        for (const [name, r] of [
          ['product', p],
          ['baseline', b],
        ] as const)
          if (r.firstFailure) ctx.log(`    ${name}: first failure ${r.firstFailure}`);
      }
    }

    // Each intake one ticket, auto-dispatched; each sign and reply one step; both sides ending in the same states.
    const tally = async (sql: postgres.Sql) => {
      const [c] = await sql`select (select count(*) from tickets)::int as tickets,
        (select count(distinct ticket_id) from assignments)::int as dispatched,
        (select count(*) from assignments where signed_at is not null)::int as signed,
        (select count(*) from assignments where replied_at is not null)::int as replied,
        (select jsonb_object_agg(status, n) from (select status, count(*)::int n from tickets group by status) s) as statuses`;
      return c as { tickets: number; dispatched: number; signed: number; replied: number; statuses: Record<string, number> };
    };
    const [pt, bt] = [await tally(appSql), await tally(bareSql)];
    const all2xx = phases.every((ph) => ph.product.ok === ph.product.sent && ph.baseline.ok === ph.baseline.sent);
    const tallyOk = (t: typeof pt, n: Record<Op, number>) =>
      t.tickets === n.intake && t.dispatched === n.intake && t.signed === n.sign && t.replied === n.reply;
    ctx.checks['latency: every request answered 2xx (product and baselines)'] = all2xx;
    ctx.checks['latency: each intake one ticket, auto-dispatched; each sign and reply one step'] =
      tallyOk(pt, sent.product) && tallyOk(bt, sent.baseline) && shortOf.length === 0;
    ctx.checks['latency: product and bare baseline end in the same ticket states'] = JSON.stringify(pt.statuses) === JSON.stringify(bt.statuses);

    for (const ph of phases) {
      const [p, b] = [ph.product.latency, ph.baseline.latency];
      ctx.rows.push({
        bench: 'latency',
        figure: `${ph.op.replace('_', ' ')} at ${ph.rate}/s open loop: p50 / p95 / p99 ms`,
        value: `${p.p50} / ${p.p95} / ${p.p99}`,
        baseline: `${b.p50} / ${b.p95} / ${b.p99} (${ph.op === 'intake' ? 'same-work' : 'bare'})`,
        ratio: String(Math.round((p.p99 / Math.max(b.p99, 0.1)) * 100) / 100),
        goal: `p99 < ${goalMs(ph.rate)} ms`,
        pass: p.p99 < goalMs(ph.rate),
      });
    }
    ctx.results.latency = {
      rates,
      seconds: rates.map(seconds),
      warmup,
      phases,
      tally: { product: pt, baseline: bt, sent, shortOf },
      loadavg: { start: load0, end: os.loadavg() },
    };
  } finally {
    for (const c of children) await c.stop();
    for (const s of sqls) await s.end();
  }
}

export const latencySection: Section = { name: 'latency', run };
