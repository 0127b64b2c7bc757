import type { Context, Next } from 'koa';
import { DomainError, ValidationError } from '../domain/errors.ts';
import { CipherError } from '../domain/privacy/keyring.ts';
import { message, pickLocale } from '../i18n/messages.ts';

/** Maps errors to application/problem+json (RFC 9457). Matches on classes and codes, never on message text. */
export function problemMiddleware() {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined && ctx.path.startsWith('/api')) {
        writeProblem(ctx, 404, 'route_not_found');
      }
      // The router's allowedMethods(): 405 for a known path, 501 for a method it does not know at all.
      // Neither is the server's fault, so both are a 405 problem (the Allow header stays).
      if ((ctx.status === 405 || ctx.status === 501) && ctx.body === undefined && ctx.path.startsWith('/api')) {
        writeProblem(ctx, 405, 'method_not_allowed');
      }
    } catch (err) {
      const e = translate(err);
      if (e instanceof DomainError) {
        writeProblem(ctx, e.status, e.code, e.params, e.details);
        if (e.status === 429 && typeof e.params.seconds === 'number') ctx.set('Retry-After', String(e.params.seconds));
        if (e.status >= 500) ctx.state.log?.warn({ err }, 'service unavailable');
        return;
      }
      ctx.state.log?.error({ err }, 'unhandled error');
      writeProblem(ctx, 500, 'internal_error', { requestId: ctx.state.requestId });
    } finally {
      // Answered before the request body was read (415, 413, a refusal before parsing): the unread rest would
      // stay on a keep-alive connection the server then drops, and the client's next request on it would die
      // with ECONNRESET. Close it with the answer instead.
      if (!ctx.req.complete && !ctx.headerSent) ctx.set('Connection', 'close');
    }
  };
}

/** Errors from libraries and the database, mapped in one place. */
export function translate(err: unknown): unknown {
  if (err instanceof DomainError) return err;
  const e = err as { status?: number; statusCode?: number; type?: string; code?: string; expose?: boolean };
  const status = e?.status ?? e?.statusCode;
  if (status === 413 || e?.type === 'entity.too.large') return new DomainError('payload_too_large', 413);
  if (status === 415) return new DomainError('unsupported_media_type', 415);
  // co-body (under @koa/bodyparser) throws a bare SyntaxError carrying status 400, with neither `type` nor `expose`.
  if (status === 400 && (e?.type === 'entity.parse.failed' || e?.expose || err instanceof SyntaxError)) return new ValidationError([], 'invalid_json');
  // zlib (Z_DATA_ERROR, Z_BUF_ERROR…) and brotli (ERR__ERROR_FORMAT_…): a body that claims Content-Encoding gzip,
  // deflate or br but is not.
  if (typeof e?.code === 'string' && /^(Z_|ERR__ERROR_|ERR_BROTLI)/.test(e.code)) return new ValidationError([], 'body_encoding_invalid');
  // Connection-level failures: the database is down, restarting or unreachable (drizzle wraps the driver's error in `cause`).
  if (isConnectionError(err)) return new DomainError('database_unavailable', 503);
  // Text PostgreSQL cannot store: a NUL character (22021 in text, 22P05 in jsonb). PGlite refuses it the same way.
  if (hasCode(err, TEXT_REFUSED_CODES)) return new ValidationError([], 'text_nul_refused');
  // Stored personal data that does not open with the keys (altered in the database, or a key missing): never shown,
  // said plainly; the server's log carries the detail (the key id), as for any 5xx.
  if (causes(err).some((c) => c instanceof CipherError)) return new DomainError('personal_data_unreadable', 500);
  return err;
}

/**
 * Errors that mean "the database cannot be reached right now", whatever the query: socket errors, postgres.js
 * connection states, and the server's own shutdown / start-up / connection-failure SQLSTATEs (class 08,
 * 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now). Retrying later is the right advice.
 */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

const TEXT_REFUSED_CODES = new Set(['22021', '22P05']);

/**
 * Whether an error code of the set appears on the error or its causes (drizzle wraps the driver's error in
 * `cause`; an AggregateError from net — IPv4 and IPv6 both refused — carries them in `errors`).
 */
function hasCode(err: unknown, codes: ReadonlySet<string>): boolean {
  let e = err as { code?: unknown; cause?: unknown; errors?: unknown[] } | undefined;
  for (let i = 0; e && typeof e === 'object' && i < 5; i++) {
    if (typeof e.code === 'string' && codes.has(e.code)) return true;
    if (Array.isArray(e.errors) && e.errors.some((x) => hasCode(x, codes))) return true;
    e = e.cause as typeof e;
  }
  return false;
}

/** The error and the errors it wraps (drizzle puts the driver's or the column decoder's error in `cause`). */
function causes(err: unknown): unknown[] {
  const out: unknown[] = [];
  for (let e = err, i = 0; e && typeof e === 'object' && i < 5; i++, e = (e as { cause?: unknown }).cause) out.push(e);
  return out;
}

export function isConnectionError(err: unknown): boolean {
  return hasCode(err, CONNECTION_CODES);
}

export function writeProblem(ctx: Context, status: number, code: string, params: Record<string, unknown> = {}, details: Record<string, unknown> = {}) {
  const locale = pickLocale(ctx.get('accept-language'));
  ctx.status = status;
  ctx.type = 'application/problem+json';
  if (status === 503) ctx.set('Retry-After', '5');
  ctx.body = {
    type: `https://jiesu.example/problems/${code.replace(/_/g, '-')}`,
    title: message(code, locale, params),
    status,
    code,
    detail: message(code, locale, params),
    instance: ctx.path,
    requestId: ctx.state.requestId,
    ...details,
  };
}
