import { and, eq, gt, isNull } from 'drizzle-orm';
import { apiTokens, sessions, units, users } from '../../../db/schema/index.ts';
import type { Deps } from '../../deps.ts';
import type { Actor } from './actor.ts';
import { hashToken } from './tokens.ts';

type Meta = { ip: string | null; requestId: string | null };

function toActor(user: typeof users.$inferSelect, unitPath: string, via: Actor['via'], meta: Meta): Actor {
  return {
    userId: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    unitId: user.unitId,
    unitPath,
    via,
    ip: meta.ip,
    requestId: meta.requestId,
  };
}

/** The actor behind a bearer token, or null (unknown, revoked, expired, or the user is inactive). */
export async function resolveBearer(deps: Deps, token: string, meta: Meta): Promise<Actor | null> {
  const now = deps.clock.now();
  const [row] = await deps.db
    .select({ user: users, unitPath: units.path, tokenId: apiTokens.id, expiresAt: apiTokens.expiresAt, lastUsedAt: apiTokens.lastUsedAt })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .innerJoin(units, eq(units.id, users.unitId))
    .where(and(eq(apiTokens.tokenHash, hashToken(token)), isNull(apiTokens.revokedAt)))
    .limit(1);
  if (!row || !row.user.active || (row.expiresAt && row.expiresAt <= now)) return null;
  // Last use to the minute, as for sessions: a gateway posting hundreds of requests a second would otherwise
  // write (and lock) the token's row on every one of them.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    void deps.db
      .update(apiTokens)
      .set({ lastUsedAt: now })
      .where(eq(apiTokens.id, row.tokenId))
      .catch(() => {});
  }
  return toActor(row.user, row.unitPath, 'token', meta);
}

/** The actor behind a session cookie and the session's CSRF token, or null (unknown, revoked, expired, inactive). */
export async function resolveSession(deps: Deps, cookie: string, meta: Meta): Promise<{ actor: Actor; csrfToken: string } | null> {
  const now = deps.clock.now();
  const id = hashToken(cookie);
  const [row] = await deps.db
    .select({ user: users, unitPath: units.path, session: sessions })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .innerJoin(units, eq(units.id, users.unitId))
    .where(and(eq(sessions.id, id), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
    .limit(1);
  if (!row || !row.user.active) return null;
  if (now.getTime() - row.session.lastSeenAt.getTime() > 60_000) {
    void deps.db
      .update(sessions)
      .set({ lastSeenAt: now })
      .where(eq(sessions.id, id))
      .catch(() => {});
  }
  return { actor: { ...toActor(row.user, row.unitPath, 'session', meta), sessionId: id }, csrfToken: row.session.csrfToken };
}
