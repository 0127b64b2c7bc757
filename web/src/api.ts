import { locale } from './i18n.ts';

/** An API error: the problem+json `code` (stable, for logic) and its human message (for people). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

let csrfToken = '';
let sessionLost: (() => void) | null = null;

export const setCsrf = (token: string) => void (csrfToken = token);
/** Called when a request answers 401 (the session expired or was ended elsewhere). */
export const onSessionLost = (fn: () => void) => void (sessionLost = fn);
/** The server ended the session another way (the live socket was cut and the session answers 401). */
export const sessionEnded = () => sessionLost?.();

/** One JSON request; writes carry the session's CSRF token; errors become ApiError. */
export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  opts: { raw?: Blob; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': locale(), ...opts.headers };
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  let payload: BodyInit | undefined;
  if (opts.raw) payload = opts.raw;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', signal: opts.signal });
  const text = res.status === 204 ? '' : await res.text();
  let data: { code?: string; detail?: string; title?: string; issues?: unknown } | null = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    if (res.status === 401 && !path.startsWith('/api/auth/')) sessionLost?.();
    const issues = Array.isArray(data?.issues) ? data.issues : [];
    throw new ApiError(res.status, data?.code ?? `http_${res.status}`, data?.detail ?? data?.title ?? res.statusText, issues);
  }
  return data as T;
}

export const get = <T>(path: string) => request<T>('GET', path);
export const post = <T>(path: string, body: unknown = {}) => request<T>('POST', path, body);

/** Query string from defined values only. */
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

/** Runs `fn` over items with at most `n` requests in flight. */
export async function mapLimit<T, R>(items: T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}
