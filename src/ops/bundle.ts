/**
 * The server as one JavaScript file (esbuild), which `npm start` runs with plain node: no TypeScript compiled in
 * the serving process, which saves it about 70 MB and its start-up transform time (docs/benchmarks.md, memory).
 * Packages stay outside the bundle (node_modules, as installed: their own files, wasm and binaries beside them);
 * only the project's sources are bundled. Built on every `npm start` (about a second); `npm run dev`, the CLIs and the
 * tests run the sources with tsx.
 *
 *   tsx src/ops/bundle.ts            → node_modules/.cache/jiesu/server.mjs (+ .map)
 */
import path from 'node:path';
import { build } from 'esbuild';
import { isEntry, ROOT } from '../runtime.ts';

/** Where build caches go by convention: inside node_modules, so nothing new at the top of the project. */
export const BUNDLE_DIR = path.join(ROOT, 'node_modules', '.cache', 'jiesu');
export const SERVER_BUNDLE = path.join(BUNDLE_DIR, 'server.mjs');

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
