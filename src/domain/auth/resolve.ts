import { and, eq, gt, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { apiTokens, sessions, units, users } from '../../../db/schema/index.ts';
import type { DbClockDeps } from '../../deps.ts';
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

/**
 * When a credential still lets its holder in — one definition for HTTP requests, socket handshakes and the
 * sockets' periodic re-check: not revoked, not expired, and its user active (the query joins users).
 */
const liveSession = (now: Date): SQL => and(isNull(sessions.revokedAt), gt(sessions.expiresAt, now), eq(users.active, true))!;
const liveToken = (now: Date): SQL => and(isNull(apiTokens.revokedAt), or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)), eq(users.active, true))!;

/** The actor behind a bearer token, or null (unknown, revoked, expired, or the user is inactive). */
export async function resolveBearer(deps: DbClockDeps, token: string, meta: Meta): Promise<Actor | null> {
  const now = deps.clock.now();
  const [row] = await deps.db
    .select({ user: users, unitPath: units.path, tokenId: apiTokens.id, lastUsedAt: apiTokens.lastUsedAt })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .innerJoin(units, eq(units.id, users.unitId))
    .where(and(eq(apiTokens.tokenHash, hashToken(token)), liveToken(now)))
    .limit(1);
  if (!row) return null;
  // Last use to the minute, as for sessions: a gateway posting hundreds of requests a second would otherwise
  // write (and lock) the token's row on every one of them.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    void deps.db
      .update(apiTokens)
      .set({ lastUsedAt: now })
      .where(eq(apiTokens.id, row.tokenId))
      .catch(() => {});
  }
  return { ...toActor(row.user, row.unitPath, 'token', meta), tokenId: row.tokenId };
}

/** The actor behind a session cookie and the session's CSRF token, or null (unknown, revoked, expired, inactive). */
export async function resolveSession(deps: DbClockDeps, cookie: string, meta: Meta): Promise<{ actor: Actor; csrfToken: string } | null> {
  const now = deps.clock.now();
  const id = hashToken(cookie);
  const [row] = await deps.db
    .select({ user: users, unitPath: units.path, session: sessions })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .innerJoin(units, eq(units.id, users.unitId))
    .where(and(eq(sessions.id, id), liveSession(now)))
    .limit(1);
  if (!row) return null;
  if (now.getTime() - row.session.lastSeenAt.getTime() > 60_000) {
    void deps.db
      .update(sessions)
      .set({ lastSeenAt: now })
      .where(eq(sessions.id, id))
      .catch(() => {});
  }
  return { actor: { ...toActor(row.user, row.unitPath, 'session', meta), sessionId: id }, csrfToken: row.session.csrfToken };
}

/**
 * Which of these sessions and tokens still let their holder in (same rules as above), in one query: what an
 * instance asks every few seconds about all its sockets at once. The ids travel as one JSON parameter each, so
 * the statement is the same for 1 or 10,000 sockets.
 */
export async function liveCredentials(
  db: Db,
  now: Date,
  ids: { sessionIds: string[]; tokenIds: number[] },
): Promise<{ sessionIds: Set<string>; tokenIds: Set<number> }> {
  const live = { sessionIds: new Set<string>(), tokenIds: new Set<number>() };
  if (!ids.sessionIds.length && !ids.tokenIds.length) return live;
  const sessionQ = db
    .select({ kind: sql<string>`'session'`.as('kind'), key: sessions.id })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(inArray(sessions.id, sql`(select jsonb_array_elements_text(${JSON.stringify(ids.sessionIds)}::jsonb))`), liveSession(now)));
  const tokenQ = db
    .select({ kind: sql<string>`'token'`.as('kind'), key: sql<string>`${apiTokens.id}::text`.as('key') })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(inArray(apiTokens.id, sql`(select (jsonb_array_elements_text(${JSON.stringify(ids.tokenIds)}::jsonb))::int)`), liveToken(now)));
  for (const r of await sessionQ.unionAll(tokenQ)) {
    if (r.kind === 'session') live.sessionIds.add(r.key);
    else live.tokenIds.add(Number(r.key));
  }
  return live;
}
