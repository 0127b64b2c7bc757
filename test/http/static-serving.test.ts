/**
 * Served like a product: the build writes brotli and gzip copies of every text file, and the app
 * sends the copy the browser accepts (Vary: Accept-Encoding), hashed files cached for a year, index.html
 * revalidated, fonts as they are.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveWeb, WEB_DIST } from '../../src/http/static.ts';
import { ensureWebBuilt } from '../e2e/harness.ts';

let server: http.Server;
let base: string;
let assets: string[];

beforeAll(async () => {
  ensureWebBuilt();
  assets = fs.readdirSync(path.join(WEB_DIST, 'assets'));
  const app = new Koa();
  app.use(serveWeb());
  server = http.createServer(app.callback());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);
afterAll(async () => {
  await new Promise<void>((r) => server?.close(() => r()));
});

/** node:http, not fetch: fetch asks for compression itself and undoes it. */
function get(p: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(base + p, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

const find = (re: RegExp) => {
  const f = assets.find((a) => re.test(a));
  if (!f) throw new Error(`no asset matching ${re} in ${assets.join(', ')}`);
  return `/assets/${f}`;
};

describe('the build', () => {
  it('writes a brotli and a gzip copy of each script, style sheet and index.html, and none of the fonts', () => {
    const text = assets.filter((a) => /\.(js|css)$/.test(a)).map((a) => path.join('assets', a));
    expect(text.length).toBeGreaterThanOrEqual(3); // the app, its styles, the lazy chart chunk
    for (const f of [...text, 'index.html']) {
      const raw = fs.readFileSync(path.join(WEB_DIST, f));
      expect(zlib.brotliDecompressSync(fs.readFileSync(path.join(WEB_DIST, `${f}.br`))).equals(raw), f).toBe(true);
      expect(zlib.gunzipSync(fs.readFileSync(path.join(WEB_DIST, `${f}.gz`))).equals(raw), f).toBe(true);
    }
    const fonts = assets.filter((a) => a.endsWith('.woff2'));
    expect(fonts.some((f) => /chinese-simplified-400/.test(f))).toBe(true);
    expect(assets.filter((a) => /\.woff2\.(br|gz)$/.test(a))).toEqual([]);
  });
});

describe('serving the build', () => {
  it('sends the brotli copy to a browser that accepts it, gzip to one that accepts only gzip, the file to one that accepts neither', async () => {
    const js = find(/^index-.*\.js$/);
    const raw = fs.readFileSync(path.join(WEB_DIST, js));

    const br = await get(js, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    expect(br.body.length).toBeLessThan(raw.length / 2);
    expect(zlib.brotliDecompressSync(br.body).equals(raw)).toBe(true);
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');

    const gz = await get(js, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.body).equals(raw)).toBe(true);
    expect(gz.headers.etag).not.toBe(br.headers.etag);

    const refusing: Record<string, string>[] = [{}, { 'accept-encoding': 'identity' }, { 'accept-encoding': 'br;q=0, gzip;q=0' }];
    for (const headers of refusing) {
      const plain = await get(js, headers);
      expect(plain.headers['content-encoding'], JSON.stringify(headers)).toBeUndefined();
      expect(plain.headers.vary).toMatch(/accept-encoding/i);
      expect(plain.body.equals(raw)).toBe(true);
    }
  });

  it('index.html (and every deep link) is compressed too and revalidated, by ETag or date', async () => {
    const page = await get('/unit', { 'accept-encoding': 'br' });
    expect(page.headers['content-encoding']).toBe('br');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(zlib.brotliDecompressSync(page.body).toString()).toContain('<div id="app">');
    expect((await get('/unit', { 'accept-encoding': 'br', 'if-none-match': page.headers.etag! })).status).toBe(304);
    expect((await get('/', { 'accept-encoding': 'gzip', 'if-modified-since': page.headers['last-modified']! })).status).toBe(304);
  });

  it('fonts go as they are (woff2 is compressed already), hashed and cached for a year', async () => {
    const font = await get(find(/chinese-simplified-400.*\.woff2$/), { 'accept-encoding': 'br, gzip' });
    expect(font.status).toBe(200);
    expect(font.headers['content-encoding']).toBeUndefined();
    expect(font.headers['content-type']).toBe('font/woff2');
    expect(font.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(font.body.subarray(0, 4).toString('latin1')).toBe('wOF2');
  });

  it('HEAD answers the headers of the copy it would send, without a body', async () => {
    const css = find(/^index-.*\.css$/);
    const head = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http
        .request(base + css, { method: 'HEAD', headers: { 'accept-encoding': 'gzip' } }, (res) => (res.resume(), resolve(res)))
        .on('error', reject)
        .end(),
    );
    expect(head.headers['content-encoding']).toBe('gzip');
    expect(Number(head.headers['content-length'])).toBe(fs.statSync(path.join(WEB_DIST, `${css}.gz`)).size);
  });
});
