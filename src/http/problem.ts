import type { Context, Next } from 'koa';
import { DomainError, ValidationError } from '../domain/errors.ts';
import { message, pickLocale } from '../i18n/messages.ts';

/** Maps errors to application/problem+json (RFC 9457). Matches on classes and codes, never on message text. */
export function problemMiddleware() {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined && ctx.path.startsWith('/api')) {
        writeProblem(ctx, 404, 'route_not_found');
      }
    } catch (err) {
      const e = translate(err);
      if (e instanceof DomainError) {
        writeProblem(ctx, e.status, e.code, e.params, e.details);
        if (e.status >= 500) ctx.state.log?.warn({ err }, 'service unavailable');
        return;
      }
      ctx.state.log?.error({ err }, 'unhandled error');
      writeProblem(ctx, 500, 'internal_error', { requestId: ctx.state.requestId });
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
  // Connection-level failures: the database is down or unreachable.
  if (e?.code && ['ECONNREFUSED', 'ECONNRESET', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', '57P01', '57P03', 'CONNECT_TIMEOUT'].includes(e.code)) {
    return new DomainError('database_unavailable', 503);
  }
  return err;
}

export function writeProblem(
  ctx: Context,
  status: number,
  code: string,
  params: Record<string, unknown> = {},
  details: Record<string, unknown> = {},
) {
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
