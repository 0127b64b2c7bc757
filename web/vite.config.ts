import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { promisify } from 'node:util';
import { defineConfig, type Plugin } from 'vite';

/** Text files worth compressing; fonts (woff2) and images are compressed already. */
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|map|webmanifest)$/;
const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/**
 * Brotli (quality 11) and gzip (level 9) copies beside every text file of the build (`x.js.br`, `x.js.gz`), once
 * at build time; src/http/static.ts sends the one the browser accepts. A copy that saves under 10 % is not kept.
 */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'jiesu-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    async closeBundle() {
      const files = fs.readdirSync(outDir, { recursive: true, encoding: 'utf8' }).filter((f) => COMPRESSIBLE.test(f));
      await Promise.all(
        files.map(async (f) => {
          const file = path.join(outDir, f);
          const raw = fs.readFileSync(file);
          const [br, gz] = await Promise.all([
            brotli(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length } }),
            gzip(raw, { level: 9 }),
          ]);
          if (br.length < raw.length * 0.9) fs.writeFileSync(`${file}.br`, br);
          if (gz.length < raw.length * 0.9) fs.writeFileSync(`${file}.gz`, gz);
        }),
      );
    },
  };
}

/**
 * The browser app: `vite build web` → web/dist, served by Koa (src/http/static.ts).
 * `vite web` (dev server) proxies the API and the socket to a running app on :3000.
 */
export default defineConfig({
  base: '/',
  plugins: [precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The wallboard's ECharts chunk is large by nature and loaded only there.
    chunkSizeWarningLimit: 900,
    reportCompressedSize: false,
  },
  server: {
    proxy: {
      '/api': 'http://localhost:3000',
      '/socket.io': { target: 'ws://localhost:3000', ws: true },
    },
  },
});
