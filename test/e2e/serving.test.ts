/**
 * Served like a product, as a browser meets it: every role's home screen loads without the
 * OpenAPI document (120 KB, once fetched by a feature probe), and the app's script and styles arrive
 * brotli-compressed from the build's precompressed copies, cached for a year.
 */
import { describe, expect, it } from 'vitest';
import type { Request } from 'playwright-core';
import { browserSuite, signIn } from './harness.ts';

const suite = browserSuite();

const HOMES: [string, string][] = [
  ['operator1', '/intake'],
  ['clerk1', '/window'],
  ['dispatcher1', '/dispatch'],
  ['handler.s-donghua', '/unit'],
  ['callback1', '/callback'],
  ['supervisor1', '/wallboard'],
];

describe('loading each home screen', () => {
  it.each(HOMES)('%s → %s: no OpenAPI document; script and styles brotli-compressed and immutable', { timeout: 90_000 }, async (username, home) => {
    const u = suite.keep(await signIn(suite.browser, suite.app, username, home));
    // A fresh load of the screen, watched from the first request (the session cookie stays).
    const requests: Request[] = [];
    u.page.on('request', (r) => requests.push(r));
    await u.page.reload({ waitUntil: 'networkidle' });
    await u.page.locator('.screen-title').waitFor();
    await u.page.waitForLoadState('networkidle');

    const paths = requests.map((r) => new URL(r.url()).pathname);
    expect(
      paths.filter((p) => p.startsWith('/api/openapi')),
      'screens must not fetch the OpenAPI document',
    ).toEqual([]);
    expect(paths).toContain(home);

    const assets = requests.filter((r) => /^\/assets\/index-.*\.(js|css)$/.test(new URL(r.url()).pathname));
    expect(assets.map((r) => new URL(r.url()).pathname.split('.').pop()).sort()).toEqual(['css', 'js']);
    for (const r of assets) {
      const res = await r.response();
      expect(res, r.url()).not.toBeNull();
      const h = await res!.allHeaders();
      // A reload may answer from the memory cache (200, same headers) — either way these are the build's copies.
      expect(h['content-encoding'], r.url()).toBe('br');
      expect(h.vary, r.url()).toMatch(/accept-encoding/i);
      expect(h['cache-control'], r.url()).toBe('public, max-age=31536000, immutable');
    }
    const page = await requests.find((r) => new URL(r.url()).pathname === home)!.response();
    expect((await page!.allHeaders())['cache-control']).toBe('no-cache');
  });
});
