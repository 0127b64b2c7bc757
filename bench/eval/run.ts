/**
 * `npm run eval:assist`: the honest evaluation of assisted intake. Runs every evaluation in bench/eval/ (each file
 * other than this one exports `evaluate(): Promise<EvalReport>`) in name order, prints each report, and writes them
 * all to bench/results/<time>-assist.json. `npm run eval:assist -- kb` runs only the files whose name contains "kb".
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export type EvalReport = {
  title: string;
  /** Lines for the console and docs/assist.md, e.g. "top-1 0.84 (most frequent class 0.12, keyword rules 0.41)" */
  lines: string[];
  /** The figures, for the JSON record */
  figures: Record<string, unknown>;
};

const here = path.dirname(fileURLToPath(import.meta.url));

async function main() {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const files = fs
    .readdirSync(here)
    .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.endsWith('.d.ts'))
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
    .sort();
  const reports: (EvalReport & { file: string; seconds: number })[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(path.join(here, file)).href)) as { evaluate?: () => Promise<EvalReport> };
    if (typeof mod.evaluate !== 'function') continue;
    const started = performance.now();
    const report = await mod.evaluate();
    const seconds = (performance.now() - started) / 1000;
    reports.push({ ...report, file, seconds });
    console.log(`\n## ${report.title}  (${file}, ${seconds.toFixed(1)} s)`);
    for (const line of report.lines) console.log(`  ${line}`);
  }
  if (reports.length === 0) throw new Error(`no evaluation matched ${only.join(', ') || '(all)'} in ${here}`);
  const out = path.join(here, '..', 'results', `${new Date().toISOString().slice(0, 19).replace(/:/g, '-')}-assist.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify({ at: new Date().toISOString(), node: process.version, reports }, null, 2)}\n`);
  console.log(`\nwritten ${path.relative(process.cwd(), out)}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
