import fs from 'node:fs';
import path from 'node:path';
import type { Context, Next } from 'koa';
import { ROOT } from '../runtime.ts';

/** Where `npm run build:web` (vite build web) writes the browser app. */
export const WEB_DIST = `${path.join(ROOT, 'web', 'dist')}${path.sep}`;

/** Paths the web app never answers: the API, the socket endpoint and the probes. */
const NOT_WEB = /^\/(api|socket\.io)(\/|$)|^\/(healthz|readyz)$/;

/**
 * Serves the built web app: files from web/dist, hashed assets with a year-long immutable cache, and the
 * SPA's index.html (revalidated every time) for any other GET that is not an API path, so deep links such
 * as /lookup?n=… and /unit work; text files precompressed at build time (brotli, gzip) by Accept-Encoding.
 * When the app has not been built, requests fall through (landing page).
 */
export function serveWeb(dist = WEB_DIST) {
  const root = path.resolve(dist);
  return async (ctx: Context, next: Next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || NOT_WEB.test(ctx.path)) return next();
    let rel: string;
    try {
      rel = decodeURIComponent(ctx.path);
    } catch {
      return next();
    }
    if (rel.includes('\0')) return next();
    const file = path.resolve(root, `.${path.posix.normalize(rel)}`);
    if (file !== root && !file.startsWith(root + path.sep)) return next();
    const found = await statFile(file);
    if (found) return send(ctx, file, found, rel.startsWith('/assets/'));
    // A missing file with an extension is a 404, not the app (a stale asset must not come back as HTML).
    if (path.posix.extname(rel)) return next();
    const index = path.join(root, 'index.html');
    const indexStat = await statFile(index);
    if (!indexStat) return next();
    return send(ctx, index, indexStat, false);
  };
}

async function statFile(file: string): Promise<fs.Stats | null> {
  try {
    const s = await fs.promises.stat(file);
    return s.isFile() ? s : null;
  } catch {
    return null;
  }
}

/** Text types the build precompresses (web/vite.config.ts): their answers vary by Accept-Encoding. */
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|map|webmanifest)$/;
const ENCODINGS = [
  ['br', '.br'],
  ['gzip', '.gz'],
] as const;

/**
 * Sends a file of the build: the brotli or gzip copy made at build time when the browser accepts it (never
 * compressed per request), else the file itself; `Vary: Accept-Encoding` on every text file so caches keep the
 * variants apart; an ETag per variant, and Last-Modified, for revalidation.
 */
async function send(ctx: Context, file: string, stat: fs.Stats, immutable: boolean) {
  let body = file;
  let bodyStat = stat;
  if (COMPRESSIBLE.test(file)) {
    ctx.vary('Accept-Encoding');
    // Our order, not the header's: browsers list gzip first but take brotli (smaller) as readily.
    for (const [encoding, suffix] of ENCODINGS) {
      if (ctx.acceptsEncodings(encoding, 'identity') !== encoding) continue;
      const copy = await statFile(file + suffix);
      if (copy) {
        body = file + suffix;
        bodyStat = copy;
        ctx.set('Content-Encoding', encoding);
        break;
      }
    }
  }
  ctx.set('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  ctx.type = path.extname(file) || 'application/octet-stream';
  ctx.lastModified = stat.mtime;
  ctx.etag = `"${bodyStat.size.toString(16)}-${Math.floor(bodyStat.mtimeMs).toString(16)}${body === file ? '' : path.extname(body)}"`;
  ctx.status = 200;
  if (ctx.fresh) {
    ctx.status = 304;
    return;
  }
  ctx.length = bodyStat.size;
  // Koa answers HEAD without a body; opening the file would only leak a descriptor.
  if (ctx.method !== 'HEAD') ctx.body = fs.createReadStream(body);
}
