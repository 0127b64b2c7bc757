/**
 * PUBLIC_BASE_URL defaults to where the server listens: the look-up link in SMS and Open311
 * discovery point at this server — its real port when PORT=0, its host — unless the operator names a public URL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listenBaseUrl, loadConfig } from '../../src/config.ts';
import { start } from '../../src/main.ts';
import { makeWorld } from '../setup/world.ts';

describe('PUBLIC_BASE_URL', () => {
  it('unset: http://localhost:PORT behind a wildcard HOST, http://HOST:PORT for a named one; set: as given', () => {
    expect(loadConfig({}).PUBLIC_BASE_URL).toBe('http://localhost:3000');
    expect(loadConfig({ PORT: '8080' }).PUBLIC_BASE_URL).toBe('http://localhost:8080');
    expect(loadConfig({ PORT: '8080', HOST: '10.1.2.3' }).PUBLIC_BASE_URL).toBe('http://10.1.2.3:8080');
    expect(loadConfig({ PORT: '8080', HOST: '::' }).PUBLIC_BASE_URL).toBe('http://localhost:8080');
    expect(listenBaseUrl('::1', 3000)).toBe('http://[::1]:3000');
    expect(loadConfig({ PORT: '8080', PUBLIC_BASE_URL: 'https://12345.example.gov.cn' }).PUBLIC_BASE_URL).toBe('https://12345.example.gov.cn');
    expect(() => loadConfig({ PUBLIC_BASE_URL: 'not a url' })).toThrow(/PUBLIC_BASE_URL/);
  });

  it('PORT=0: once listening, Open311 discovery and the session (the web app’s QR code) name the real port', { timeout: 120_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jiesu-base-url-'));
    const app = await start(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, SEED_DEMO: 'false', JOBS: 'false', LOG_LEVEL: 'silent' }));
    try {
      expect(app.port).toBeGreaterThan(0);
      expect(app.deps.config.PUBLIC_BASE_URL).toBe(`http://127.0.0.1:${app.port}`);
      const r = await fetch(`http://127.0.0.1:${app.port}/open311/v2/discovery.json`);
      expect(r.status).toBe(200);
      const doc = (await r.json()) as { endpoints: { url: string }[] };
      expect(doc.endpoints.map((e) => e.url)).toContain(`http://127.0.0.1:${app.port}/open311/v2`);
      const w = await makeWorld(app.deps.db);
      const session = await fetch(`http://127.0.0.1:${app.port}/api/auth/session`, { headers: { authorization: `Bearer ${w.operator.token}` } });
      expect(((await session.json()) as { publicBaseUrl: string }).publicBaseUrl).toBe(`http://127.0.0.1:${app.port}`);
    } finally {
      await app.stop();
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(`${dir}.keys.json`, { force: true }); // the default key file beside the data folder
    }
  });
});
