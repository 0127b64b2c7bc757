// Builds the web app into web/dist when it is missing or older than any of its sources, so `npm start`
// (prestart) serves the current app without rebuilding on every start. `--force` always builds. The build
// also writes brotli and gzip copies of its text files (web/vite.config.ts).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const web = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(web);
const built = path.join(web, 'dist', 'index.html');

function newest(p) {
  const s = fs.statSync(p, { throwIfNoEntry: false });
  if (!s) return 0;
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...fs.readdirSync(p).map((f) => newest(path.join(p, f))));
}

const sources = [path.join(web, 'src'), path.join(web, 'index.html'), path.join(web, 'vite.config.ts'), path.join(root, 'package-lock.json')];
// A build without its compressed copies (made by another config) is stale too: src/http/static.ts serves them.
const complete = fs.existsSync(`${built}.br`) && fs.existsSync(`${built}.gz`);
const builtAt = complete ? (fs.statSync(built, { throwIfNoEntry: false })?.mtimeMs ?? 0) : 0;
const changedAt = Math.max(...sources.map(newest));

if (!process.argv.includes('--force') && builtAt >= changedAt) {
  console.log('web app: web/dist is up to date');
} else {
  const { build } = await import('vite');
  const started = Date.now();
  await build({ root: web, logLevel: 'warn' });
  console.log(`web app: built web/dist in ${Date.now() - started} ms`);
}
