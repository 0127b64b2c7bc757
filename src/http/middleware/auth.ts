import type { Context, Next } from 'koa';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { apiTokens, sessions, units, users } from '../../../db/schema/index.ts';
import type { Deps } from '../../deps.ts';
import type { Actor } from '../../domain/auth/actor.ts';
import { hashToken } from '../../domain/auth/tokens.ts';
import { DomainError } from '../../domain/errors.ts';

export const SESSION_COOKIE = 'jiesu_session';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves the actor from `Authorization: Bearer` or the session cookie. Anonymous requests pass
 * through (routes decide); a cookie session must carry X-CSRF-Token on every unsafe method.
 */
export function authMiddleware(deps: Deps) {
  return async (ctx: Context, next: Next) => {
    const ip = ctx.ip || null;
    const requestId = (ctx.state.requestId as string) ?? null;
    const header = ctx.get('authorization');
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m) throw new DomainError('unauthenticated', 401);
      const now = deps.clock.now();
      const rows = await deps.db
        .select({ user: users, unitPath: units.path, tokenId: apiTokens.id, expiresAt: apiTokens.expiresAt })
        .from(apiTokens)
        .innerJoin(users, eq(users.id, apiTokens.userId))
        .innerJoin(units, eq(units.id, users.unitId))
        .where(and(eq(apiTokens.tokenHash, hashToken(m[1]!)), isNull(apiTokens.revokedAt)))
        .limit(1);
      const row = rows[0];
      if (!row || !row.user.active || (row.expiresAt && row.expiresAt <= now)) throw new DomainError('unauthenticated', 401);
      ctx.state.actor = toActor(row.user, row.unitPath, 'token', ip, requestId);
      void deps.db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.tokenId)).catch(() => {});
      return next();
    }
    const cookie = ctx.cookies.get(SESSION_COOKIE);
    if (cookie) {
      const now = deps.clock.now();
      const id = hashToken(cookie);
      const rows = await deps.db
        .select({ user: users, unitPath: units.path, session: sessions })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .innerJoin(units, eq(units.id, users.unitId))
        .where(and(eq(sessions.id, id), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
        .limit(1);
      const row = rows[0];
      if (!row || !row.user.active) {
        ctx.state.authError = 'session_expired';
        return next();
      }
      if (!SAFE.has(ctx.method) && ctx.get('x-csrf-token') !== row.session.csrfToken) {
        throw new DomainError('csrf_failed', 403);
      }
      ctx.state.actor = { ...toActor(row.user, row.unitPath, 'session', ip, requestId), sessionId: id };
      if (now.getTime() - row.session.lastSeenAt.getTime() > 60_000) {
        void deps.db
          .update(sessions)
          .set({ lastSeenAt: now })
          .where(eq(sessions.id, id))
          .catch(() => {});
      }
    }
    return next();
  };
}

function toActor(
  user: typeof users.$inferSelect,
  unitPath: string,
  via: Actor['via'],
  ip: string | null,
  requestId: string | null,
): Actor {
  return {
    userId: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    unitId: user.unitId,
    unitPath,
    via,
    ip,
    requestId,
  };
}

