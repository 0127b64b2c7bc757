/**
 * npm run bench [-- --only intake,dashboards,periods,sweep,realtime,embedded,search] [--scale 1m,10m] [--quick] [--rounds n]
 *
 * Starts (or reuses) the bench PostgreSQL server, generates or reuses the datasets, runs each benchmark
 * with its baseline in the same run, prints a table and writes bench/results/<date>.json.
 * --quick: tiny scale and short loads (seconds): 500 tickets for the dashboards, with the generator's
 * rollups checked against the real rollup job and its events against the product's commands, 2,000 assignments for the sweep, 50 realtime clients — what
 * the CI smoke test runs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { ensureDataset } from './lib/datasets.ts';
import { BENCH_DIR, ensurePostgres, PG_SETTINGS } from './lib/pg.ts';
import { verifyRollups } from './lib/verify.ts';
import { checkEventShapes } from './lib/shapes.ts';
import { benchIntake } from './intake.ts';
import { benchDashboards } from './dashboards.ts';
import { benchSweep, ensureSweepDataset } from './sweep.ts';
import { benchRealtime } from './realtime.ts';
import { benchSearch } from './search.ts';
import { benchPeriods } from './periods.ts';
import { keyringOf, TEST_KEYS, useKeyring } from '../src/domain/privacy/keyring.ts';
import { SECTIONS } from './sections.ts';
import type { Row } from './lib/section.ts';

export type { Row } from './lib/section.ts';
const BUILT_IN = ['intake', 'dashboards', 'periods', 'sweep', 'realtime', 'embedded', 'search'] as const;
const BENCHES: string[] = [...BUILT_IN, ...SECTIONS.map((s) => s.name)];
type Bench = string;
const SCALES: Record<string, number> = { quick: 2_000, '100k': 100_000, '1m': 1_000_000, '10m': 10_000_000 };
const QUICK_DASHBOARD_TICKETS = 500;

export type BenchOutput = {
  machine: Record<string, unknown>;
  command: string;
  quick: boolean;
  rows: Row[];
  results: Record<string, unknown>;
  checks: Record<string, boolean>;
};

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

export async function runBench(
  opts: { only?: Bench[]; scales?: string[]; quick?: boolean; rounds?: number; log?: (m: string) => void; write?: boolean } = {},
): Promise<BenchOutput> {
  const log = opts.log ?? ((m: string) => console.error(m));
  // The bench's own seeding and generation encrypt callers' data with the fixed test keys, as its servers do.
  useKeyring(keyringOf(TEST_KEYS));
  const quick = !!opts.quick;
  const only = opts.only ?? [...BENCHES];
  const scales = quick ? ['quick'] : (opts.scales ?? ['1m']);
  const load = quick ? { connections: 10, seconds: 2 } : { connections: 50, seconds: 20 };
  const server = await ensurePostgres();
  const machine: Record<string, unknown> = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    postgres: server.version,
    pgSettings: PG_SETTINGS,
    loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
    at: new Date().toISOString(),
  };
  const rows: Row[] = [];
  const results: Record<string, unknown> = {};
  const checks: Record<string, boolean> = {};
  const f = (n: number, unit = '') => `${n}${unit}`;

  if (only.includes('intake')) {
    log('intake (PostgreSQL)…');
    const r = await benchIntake({ driver: 'postgres', server }, { ...load, rounds: opts.rounds ?? (quick ? 1 : 3) });
    results.intake = r;
    checks.intake = r.check.ok;
    rows.push({
      bench: 'intake',
      figure: `tickets/s at ${r.connections} conns vs the same rows written bare`,
      value: f(r.app.rps),
      baseline: f(r.sameWork.rps),
      ratio: f(r.sameWorkRatio),
      goal: 'ratio ≥ 0.5',
      pass: r.sameWorkRatio >= 0.5,
    });
    rows.push({
      bench: 'intake',
      figure: `tickets/s at ${r.connections} conns vs one INSERT (reference)`,
      value: f(r.app.rps),
      baseline: f(r.bare.rps),
      ratio: f(r.ratio),
      goal: 'report',
      pass: null,
    });
    rows.push({
      bench: 'intake',
      figure: `tickets/s, callers encrypted vs plain`,
      value: f(r.app.rps),
      baseline: f(r.encryption.plain.rps),
      ratio: f(r.encryption.ratio),
      goal: 'ratio ≥ 0.9',
      pass: r.encryption.ratio >= 0.9,
    });
    // CPU per ticket moves far less than throughput when other work shares the machine.
    const cpu = (m: { cpu: { serverMs: number; databaseMs: number | null } }) => m.cpu.serverMs + (m.cpu.databaseMs ?? 0);
    rows.push({
      bench: 'intake',
      figure: 'CPU ms/ticket (app + db), encrypted vs plain',
      value: f(Math.round(cpu(r.app) * 100) / 100),
      baseline: f(Math.round(cpu(r.encryption.plain) * 100) / 100),
      ratio: f(Math.round((cpu(r.encryption.plain) / cpu(r.app)) * 1000) / 1000),
      goal: 'ratio ≥ 0.9',
      pass: cpu(r.encryption.plain) / cpu(r.app) >= 0.9,
    });
    rows.push({
      bench: 'intake',
      figure: 'p99 latency',
      value: f(r.app.p99, ' ms'),
      baseline: f(r.bare.p99, ' ms'),
      ratio: '',
      goal: '< 50 ms',
      pass: r.app.p99 < 50,
    });
  }
  if (only.includes('dashboards')) {
    for (const scale of scales) {
      // --quick: 500 tickets, so the real rollup job's check over their ≈ 2,700 events stays within seconds.
      const n = quick ? QUICK_DASHBOARD_TICKETS : (SCALES[scale] ?? Number(scale));
      const ds = await ensureDataset(server, scale, n, log);
      if (quick) {
        const sql = postgres(ds.url, { max: 1, onnotice: () => {} });
        const v = await verifyRollups(sql, ds.url).finally(() => sql.end());
        results.rollupCheck = v;
        checks.rollups = v.ok;
        // The generated events against the ones the product's commands write for the same lifecycles.
        const shapes = await checkEventShapes(server);
        results.eventShapes = shapes;
        checks.event_shapes = shapes.ok;
      }
      log(`dashboards at ${scale}…`);
      const d = await benchDashboards(ds.url, n, quick ? 3 : 20);
      results[`dashboards_${scale}`] = { ...d, generation: ds.generated, reused: ds.reused };
      checks[`dashboards_${scale}`] = d.check.ok;
      const tenM = n >= 10_000_000;
      rows.push({
        bench: `dashboards ${scale}`,
        figure: 'month, every unit (p50 / p99)',
        value: `${d.month.api.p50} / ${d.month.api.p99} ms`,
        baseline: `${d.month.raw.p50} ms`,
        ratio: f(d.month.ratio, '×'),
        goal: '< 50 ms at 10 M',
        pass: tenM ? d.month.api.p99 < 50 : null,
      });
      rows.push({
        bench: `dashboards ${scale}`,
        figure: 'year by month, every unit',
        value: `${d.year.api.p50} / ${d.year.api.p99} ms`,
        baseline: `${d.year.raw.p50} ms`,
        ratio: f(d.year.ratio, '×'),
        goal: '< 100 ms at 10 M',
        pass: tenM ? d.year.api.p99 < 100 : null,
      });
    }
  }
  if (only.includes('periods')) {
    // Any period and the drill-down on the dashboards' datasets (quick: the same 500 tickets).
    for (const scale of scales) {
      const n = quick ? QUICK_DASHBOARD_TICKETS : (SCALES[scale] ?? Number(scale));
      const ds = await ensureDataset(server, scale, n, log);
      log(`periods and drill-down at ${scale}…`);
      const r = await benchPeriods(ds.url, n, quick ? 3 : 30);
      results[`periods_${scale}`] = { ...r, generation: ds.generated, reused: ds.reused };
      checks[`periods_${scale}`] = r.check.ok;
      for (const x of r.figures)
        rows.push({
          bench: `periods ${scale}`,
          figure: `${x.name} (p50 / p95 / p99)`,
          value: `${x.api.p50} / ${x.api.p95} / ${x.api.p99} ms`,
          baseline: `${x.raw.p50} / ${x.raw.p95} ms (plain SQL)`,
          ratio: f(x.ratio, '×'),
          goal: `p95 < ${x.goalMs} ms at 10 M`,
          pass: n >= 10_000_000 ? x.api.p95 < x.goalMs : null,
        });
    }
  }
  if (only.includes('sweep')) {
    // The sweep's goals are stated at 1 M open assignments: a 10 M scale is for the dashboards only.
    for (const scale of quick ? scales : scales.filter((s) => s !== '10m')) {
      const n = SCALES[scale] ?? Number(scale);
      const ds = await ensureSweepDataset(server, scale, n, log);
      log(`sweep at ${scale}…`);
      const r = await benchSweep(ds.url, { steadyRuns: quick ? 5 : 30, baselineLimit: quick ? 50 : 1_000 });
      results[`sweep_${scale}`] = { ...r, generationSeconds: ds.seconds, reused: ds.reused };
      checks[`sweep_${scale}`] = r.check.ok;
      const full = n >= 1_000_000;
      const b = r.moving_pass.baseline;
      rows.push({
        bench: `sweep ${scale}`,
        figure: `steady pass, ${n.toLocaleString('en')} open (p50 / p99)`,
        value: `${r.steady.sweep.p50} / ${r.steady.sweep.p99} ms`,
        baseline: `${r.steady.naive.p50} ms (no watermark)`,
        ratio: f(r.steady.ratio, '×'),
        goal: '< 50 ms',
        pass: full ? r.steady.sweep.p99 < 50 : null,
      });
      rows.push({
        bench: `sweep ${scale}`,
        figure: `${r.moving.toLocaleString('en')} move to overdue`,
        value: `${r.moving_pass.seconds} s (${r.moving_pass.perSecond}/s)`,
        baseline: `${b.extrapolatedSeconds} s (row-by-row, ${b.perSecond}/s)`,
        ratio: f(Math.round((b.extrapolatedSeconds / r.moving_pass.seconds) * 10) / 10, '×'),
        goal: '< 3 s',
        pass: full ? r.moving_pass.seconds < 3 : null,
      });
      const same = r.moving_pass.sameWork;
      rows.push({
        bench: `sweep ${scale}`,
        figure: `${r.moving.toLocaleString('en')} move to overdue, against the same rows written bare`,
        value: `${r.moving_pass.seconds} s, CPU ${r.moving_pass.cpu.db} s db + ${r.moving_pass.cpu.app} s app`,
        baseline: `${same.seconds} s, CPU ${same.cpu.db} s db (plain INSERT … SELECT, one transaction)`,
        ratio: `${same.ratio} (CPU ${same.cpu.ratio})`,
        goal: 'ratio ≥ 0.5',
        pass: full ? same.ratio >= 0.5 : null,
      });
      // The same pass against the sweep as it was before the escalation rule moved into src/domain/sla: after the product's
      // pass above, both twice, before, product, product, before, each figure the mean of its two passes; the ratio is the
      // product's seconds over the before's (above 1: the product slower), the CPU ratio the same over database + app CPU.
      const bm = r.moving_pass.beforeMove;
      const cpuRatio = Math.round(((bm.product.cpu.db + bm.product.cpu.app) / Math.max(0.01, bm.cpu.db + bm.cpu.app)) * 100) / 100;
      rows.push({
        bench: `sweep ${scale}`,
        figure: `${r.moving.toLocaleString('en')} move to overdue, against the sweep before the escalation move (68952ab^)`,
        value: `${bm.product.seconds} s, CPU ${bm.product.cpu.db} s db + ${bm.product.cpu.app} s app (mean of 2)`,
        baseline: `${bm.seconds} s, CPU ${bm.cpu.db} s db + ${bm.cpu.app} s app (mean of 2; order before, product, product, before)`,
        ratio: `${bm.ratio}× (CPU ${cpuRatio}×)`,
        goal: 'within 10 %',
        pass: full ? bm.ratio <= 1.1 : null,
      });
    }
  }
  if (only.includes('realtime')) {
    const clients = quick ? 50 : 1000;
    log(`realtime, ${clients} clients…`);
    const r = await benchRealtime(server, { clients, rounds: quick ? 3 : 100 });
    results.realtime = r;
    checks.realtime = r.check.ok;
    const full = clients >= 1000;
    rows.push({
      bench: 'realtime',
      figure: `one event → ${clients} clients (p50 / p99), taking turns with bare`,
      value: `${r.app.p50} / ${r.app.p99} ms`,
      baseline: `${r.bare.p50} / ${r.bare.p99} ms (bare io.emit)`,
      ratio: `${r.ratio.toFixed(2)}× (p99)`,
      goal: 'p99 ≤ 1.2× bare, < 50 ms',
      pass: full ? r.ratio <= 1.2 && r.app.p99 < 50 : null,
    });
    rows.push({
      bench: 'realtime',
      figure: `server RSS at ${clients} sockets`,
      value: `${r.app.rssMB} MB`,
      baseline: `${r.bare.rssMB} MB`,
      ratio: '',
      goal: '< 300 MB',
      pass: full ? r.app.rssMB < 300 : null,
    });
  }
  if (only.includes('embedded')) {
    log('embedded (PGlite)…');
    const r = await benchIntake({ driver: 'pglite' }, { ...(quick ? load : { connections: 10, seconds: 20 }), rounds: opts.rounds ?? (quick ? 1 : 3) });
    results.embedded = r;
    checks.embedded = r.check.ok;
    rows.push({
      bench: 'embedded',
      figure: `tickets/s at ${r.connections} conns vs the same rows written bare (PGlite)`,
      value: f(r.app.rps),
      baseline: f(r.sameWork.rps),
      ratio: f(r.sameWorkRatio),
      goal: 'ratio ≥ 0.5',
      pass: r.sameWorkRatio >= 0.5,
    });
    rows.push({
      bench: 'embedded',
      figure: `tickets/s at ${r.connections} conns vs one INSERT (PGlite, reference)`,
      value: f(r.app.rps),
      baseline: f(r.bare.rps),
      ratio: f(r.ratio),
      goal: 'report',
      pass: null,
    });
    rows.push({
      bench: 'embedded',
      figure: 'tickets/s, callers encrypted vs plain (PGlite)',
      value: f(r.app.rps),
      baseline: f(r.encryption.plain.rps),
      ratio: f(r.encryption.ratio),
      goal: 'ratio ≥ 0.9',
      pass: r.encryption.ratio >= 0.9,
    });
  }
  if (only.includes('search')) {
    for (const scale of scales) {
      const n = SCALES[scale] ?? Number(scale);
      log(`search at ${scale}…`);
      const r = await benchSearch(server, scale, n, { runs: quick ? 3 : 30, log });
      results[`search_${scale}`] = r;
      const tenM = n >= 10_000_000;
      for (const x of r.figures) {
        const goal = x.kind === 'text' ? 300 : 100;
        rows.push({
          bench: `search ${scale}`,
          figure: `${x.who === 'street' ? '' : 'centre: '}${x.name} (p50 / p95)`,
          value: `${x.p50} / ${x.p95} ms`,
          baseline: `${x.raw.p95} ms`,
          ratio: x.raw.p95 > 0 ? f(Math.round((x.p95 / x.raw.p95) * 10) / 10, '×') : '',
          goal: `p95 < ${goal} ms at 10 M`,
          pass: tenM ? x.p95 < goal : null,
        });
      }
    }
  }
  // Sections in their own files (bench/sections.ts), in order, after the built-in ones.
  for (const s of SECTIONS) {
    if (!only.includes(s.name)) continue;
    log(`${s.name}…`);
    await s.run({ server, quick, scales, rows, results, checks, log });
  }
  machine.loadAverageAtEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);
  const out: BenchOutput = { machine, command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(), quick, rows, results, checks };
  if (opts.write !== false) {
    const dir = path.join(BENCH_DIR, 'results');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${new Date().toISOString().replace(/[:]/g, '-').slice(0, 19)}${quick ? '-quick' : ''}.json`);
    fs.writeFileSync(file, JSON.stringify(out, null, 2));
    log(`results: ${path.relative(process.cwd(), file)}`);
  }
  return out;
}

export function table(rows: Row[]): string {
  const head = ['benchmark', 'figure', 'jiesu', 'baseline', 'ratio', 'goal', 'pass'];
  const body = rows.map((r) => [r.bench, r.figure, r.value, r.baseline, r.ratio, r.goal, r.pass === null ? '—' : r.pass ? 'pass' : 'MISS']);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(w[i]!)).join(' | ')} |`;
  return [line(head), `|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${path.resolve(process.argv[1])}`).href;
if (isMain && process.argv.includes('--help')) {
  console.log(
    [
      'npm run bench [-- --only a,b] [--scale 1m,10m] [--quick]',
      `  --only   ${BENCHES.join(', ')} (default: all)`,
      `  --scale  ${Object.keys(SCALES).join(', ')} or a number of tickets (default 1m)`,
      '  --quick  tiny scale and 2-second loads (what the CI smoke test runs)',
      '  --rounds intake and embedded: rounds of encrypted then plain intake (default 3; 1 with --quick)',
      'intake and embedded measure the product with callers encrypted against the same product with the cryptography passed through.',
    ].join('\n'),
  );
} else if (isMain) {
  const only = arg('only')?.split(',') as Bench[] | undefined;
  const rounds = arg('rounds') ? Number(arg('rounds')) : undefined;
  const out = await runBench({ only, scales: arg('scale')?.split(','), quick: process.argv.includes('--quick'), rounds });
  console.log(table(out.rows));
  console.log(
    `checks: ${JSON.stringify(out.checks)}  load average ${JSON.stringify(out.machine.loadAverageAtStart)} → ${JSON.stringify(out.machine.loadAverageAtEnd)}`,
  );
  process.exit(Object.values(out.checks).every(Boolean) ? 0 : 1);
}
