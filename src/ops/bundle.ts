/**
 * The server as one JavaScript file (esbuild), which `npm start` runs with plain node: no TypeScript compiled in
 * the serving process, which saves it about 70 MB and its start-up transform time (docs/benchmarks.md, memory).
 * Packages stay outside the bundle (node_modules, as installed: their own files, wasm and binaries beside them);
 * only the project's sources are bundled. Built on every `npm start` (about a second); `npm run dev`, the CLIs and the
 * tests run the sources with tsx.
 *
 *   tsx src/ops/bundle.ts            → node_modules/.cache/jiesu/server.mjs (+ .map)
 */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { isEntry, ROOT } from '../runtime.ts';

/** Where build caches go by convention: inside node_modules, so nothing new at the top of the project. */
export const BUNDLE_DIR = path.join(ROOT, 'node_modules', '.cache', 'jiesu');
export const SERVER_BUNDLE = path.join(BUNDLE_DIR, 'server.mjs');

/**
 * How `npm start` runs the server — the environment it sets and the node flags it passes, read from package.json's
 * start script (one place for them) — so the benchmarks' children and the start-up test run the server as
 * `npm start` does (cross-env sets the variables the same way on every platform). Both settings keep the app's
 * memory near what it uses (docs/benchmarks.md, memory):
 * - `MALLOC_MMAP_THRESHOLD_=131072` fixes glibc's threshold above which malloc maps memory of its own (returned to
 *   the system on free). By default the first large block freed — a password check's 16 MB scrypt block, a large
 *   buffer — raises the threshold to its size, and from then on such blocks come from the per-thread arenas, which
 *   keep them: 40–60 MB more RSS after the first sign-in. Ignored where the C library is not glibc.
 * - `--heap-growing-percent=50`: V8 lets the old generation grow to 1.5× what a full GC left instead of up to 4×
 *   under a high allocation rate.
 */
export function serverLaunch(): { env: Record<string, string>; flags: string[] } {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const words = pkg.scripts.start!.split(/\s+/);
  const node = words.indexOf('node');
  const env = Object.fromEntries(
    words
      .slice(0, node)
      .filter((w) => w.includes('='))
      .map((w) => w.split('=') as [string, string]),
  );
  const flags = words
    .slice(
      node + 1,
      words.findIndex((w) => w.endsWith('server.mjs')),
    )
    .filter((w) => w.startsWith('--'));
  return { env, flags };
}

/** Bundles `entry` (a path from the project folder, or absolute) into `outfile`; returns the milliseconds it took. */
export async function bundle(entry: string, outfile: string): Promise<number> {
  const started = performance.now();
  await build({
    entryPoints: [path.resolve(ROOT, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
  return Math.round(performance.now() - started);
}

if (isEntry(import.meta.url)) {
  const ms = await bundle('src/serve.ts', SERVER_BUNDLE);
  console.log(`server: bundled ${path.relative(ROOT, SERVER_BUNDLE)} in ${ms} ms`);
}
