import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../../domain/errors.ts';

/** Request id (accepted from X-Request-Id when sane) and a child logger that carries it. */
export function requestContext(logger: Logger) {
  return async (ctx: Context, next: Next) => {
    const given = ctx.get('x-request-id');
    const requestId = /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    const log = logger.child({ requestId });
    ctx.state.log = log;
    const start = performance.now();
    try {
      await next();
    } finally {
      log.info({ method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - start), user: ctx.state.actor?.userId }, 'request');
    }
  };
}

/**
 * Headers on every answer. HSTS only when the deployment says it is behind HTTPS (COOKIE_SECURE): sent over
 * plain HTTP on a laptop it would pin localhost to HTTPS in the browser.
 */
export function securityHeaders(opts: { hsts?: boolean } = {}) {
  return async (ctx: Context, next: Next) => {
    if (opts.hsts) ctx.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
    ctx.set('Cross-Origin-Resource-Policy', 'same-origin');
    ctx.set('Permissions-Policy', 'geolocation=(), camera=(), microphone=()');
    ctx.set(
      'Content-Security-Policy',
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'",
    );
    if (ctx.path.startsWith('/api')) ctx.set('Cache-Control', 'no-store');
    await next();
  };
}

/**
 * The only writes that may send something other than JSON, in one place: method, path, media types and a
 * size limit. Their body is read here as UTF-8 text into ctx.request.body (the JSON body parser after us
 * leaves an already-read body alone); the route's zod schema then sees a string.
 */
export const TEXT_BODY_ROUTES: readonly { method: string; path: string | RegExp; types: readonly string[]; limitBytes: number }[] = [
  { method: 'POST', path: '/api/calendar/import', types: ['text/calendar'], limitBytes: 1024 * 1024 },
];

/**
 * Routes whose handler streams the raw body itself, whatever its Content-Type (it checks the content and
 * enforces its own size limit while streaming): left unread here.
 */
export const RAW_BODY_ROUTES: readonly { method: string; path: RegExp }[] = [
  { method: 'POST', path: /^\/api\/tickets\/\d+\/attachments$/ }, // attachment upload: the file's bytes, type sniffed from content
];

export function isRawBodyRoute(ctx: Context): boolean {
  return RAW_BODY_ROUTES.some((r) => r.method === ctx.method && r.path.test(ctx.path));
}

/** Bodies on writes must be JSON (415 otherwise), except on TEXT_BODY_ROUTES and RAW_BODY_ROUTES; an empty body is fine. */
export function requireJson() {
  return async (ctx: Context, next: Next) => {
    if (isRawBodyRoute(ctx)) return next();
    if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(ctx.method) && ctx.path.startsWith('/api')) {
      const length = Number(ctx.get('content-length') || 0);
      const chunked = !!ctx.get('transfer-encoding');
      if ((length > 0 || chunked) && !ctx.is('application/json', 'application/*+json')) {
        const text = TEXT_BODY_ROUTES.find(
          (r) => r.method === ctx.method && (typeof r.path === 'string' ? r.path === ctx.path : r.path.test(ctx.path)) && ctx.is(...r.types),
        );
        if (!text || !['', 'identity'].includes(ctx.get('content-encoding'))) throw new UnsupportedMediaTypeError();
        if (length > text.limitBytes) throw new PayloadTooLargeError();
        (ctx.request as { body?: unknown }).body = await readText(ctx, text.limitBytes);
      }
    }
    await next();
  };
}

/**
 * JSON may spell a lone UTF-16 surrogate ("\\ud800"), which is no character at all: PostgreSQL refuses it in
 * jsonb (22P02, like any malformed input) and a text column would keep U+FFFD in its place. Refused here, for
 * every string and key of a parsed body, as the client's mistake it is.
 */
export function refuseLoneSurrogates(body: unknown): void {
  if (hasLoneSurrogate(body, 0)) throw new ValidationError([], 'text_surrogate_refused');
}

const LONE_SURROGATE = /\p{Cs}/u;

function hasLoneSurrogate(v: unknown, depth: number): boolean {
  if (typeof v === 'string') return LONE_SURROGATE.test(v);
  if (!v || typeof v !== 'object' || depth > 64) return false;
  if (Array.isArray(v)) return v.some((x) => hasLoneSurrogate(x, depth + 1));
  return Object.entries(v).some(([k, x]) => LONE_SURROGATE.test(k) || hasLoneSurrogate(x, depth + 1));
}

async function readText(ctx: Context, limitBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw new PayloadTooLargeError();
    chunks.push(chunk);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new ValidationError([{ path: 'body', code: 'encoding', message: 'not UTF-8' }], 'body_not_utf8');
  }
}
