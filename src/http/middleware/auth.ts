import type { Context, Next } from 'koa';
import type { Deps } from '../../deps.ts';
import { resolveBearer, resolveSession } from '../../domain/auth/resolve.ts';
import { DomainError } from '../../domain/errors.ts';

export const SESSION_COOKIE = 'jiesu_session';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves the actor from `Authorization: Bearer` or the session cookie. Anonymous requests pass
 * through (routes decide); a cookie session must carry X-CSRF-Token on every unsafe method.
 */
export function authMiddleware(deps: Deps) {
  return async (ctx: Context, next: Next) => {
    const meta = { ip: ctx.ip || null, requestId: (ctx.state.requestId as string) ?? null };
    const header = ctx.get('authorization');
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      const actor = m ? await resolveBearer(deps, m[1]!, meta) : null;
      if (!actor) throw new DomainError('unauthenticated', 401);
      ctx.state.actor = actor;
      return next();
    }
    const cookie = ctx.cookies.get(SESSION_COOKIE);
    if (cookie) {
      const s = await resolveSession(deps, cookie, meta);
      if (!s) {
        ctx.state.authError = 'session_expired';
        return next();
      }
      if (!SAFE.has(ctx.method) && ctx.get('x-csrf-token') !== s.csrfToken) throw new DomainError('csrf_failed', 403);
      ctx.state.actor = s.actor;
    }
    return next();
  };
}
