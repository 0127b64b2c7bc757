import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/http/app.ts';
import { attachRealtime, type RealtimeServer } from '../../src/realtime/server.ts';
import type { Deps } from '../../src/deps.ts';

export type Api = {
  base: string;
  /** JSON request; token → Authorization: Bearer */
  call(
    method: string,
    path: string,
    opts?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
  /** With realtime: run the sockets' credential re-check now (what the timer does every SOCKET_RECHECK_MS) */
  recheckSockets(): Promise<number>;
  /** With realtime: the Socket.IO server */
  io?: RealtimeServer;
};

/** The real Koa app on a real port (0 = any free one). */
export async function startApi(deps: Deps, opts: { realtime?: boolean } = {}): Promise<Api> {
  const server = http.createServer(createApp(deps).callback());
  const realtime = opts.realtime ? await attachRealtime(server, deps) : null;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // As src/main.ts does: links for citizens point at this server unless the test named a public URL.
  if (!deps.config.PUBLIC_BASE_URL) deps.config.PUBLIC_BASE_URL = base;
  return {
    base,
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      let body: string | undefined;
      if (opts.body !== undefined) {
        body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(base + path, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        /* not JSON */
      }
      return { status: res.status, body: parsed as any, headers: res.headers };
    },
    close: () => (realtime ? realtime.close() : new Promise<void>((r) => server.close(() => r()))),
    recheckSockets: () => (realtime ? realtime.recheck() : Promise.reject(new Error('started without realtime'))),
    io: realtime?.io,
  };
}
