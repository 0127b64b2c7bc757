/** autocannon, driven programmatically: POSTs whose bodies and headers come from a function of the request index. */
import autocannon from 'autocannon';

export type LoadResult = {
  rps: number;
  p50: number;
  p99: number;
  max: number;
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
};

export async function postLoad(opts: {
  url: string;
  connections: number;
  seconds: number;
  body: (i: number) => unknown;
  headers?: (i: number) => Record<string, string>;
}): Promise<LoadResult> {
  let i = 0;
  const result = await autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.seconds,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        setupRequest: (req: Record<string, unknown>) => {
          const n = i++;
          return { ...req, method: 'POST', body: JSON.stringify(opts.body(n)), headers: { 'content-type': 'application/json', ...(opts.headers?.(n) ?? {}) } };
        },
      },
    ],
  } as unknown as autocannon.Options);
  const ok = result['2xx'];
  return {
    rps: Math.round((ok / result.duration) * 10) / 10,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    requests: result.requests.total,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: result.duration,
  };
}
