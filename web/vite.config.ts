import { defineConfig } from 'vite';

/**
 * The browser app: `vite build web` → web/dist, served by Koa (src/http/static.ts).
 * `vite web` (dev server) proxies the API and the socket to a running app on :3000.
 */
export default defineConfig({
  base: '/',
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
