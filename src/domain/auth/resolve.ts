import { and, eq, gt, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { apiTokens, securitySettings, sessions, units, users } from '../../../db/schema/index.ts';
import type { DbClockDeps, WithConfig } from '../../deps.ts';
import type { Actor } from './actor.ts';
import { policyOf, restrictionsOf, SECOND_FACTOR_SETTING, type PolicyConfig } from './sign-in-policy.ts';
import { hashToken } from './tokens.ts';
import { runPrepared } from '../../../db/prepared.ts';

/** What resolving a session reads from the configuration: the idle timeout and the sign-in policy's settings. */
export type SessionConfig = 'SESSION_IDLE_MINUTES' | keyof PolicyConfig;

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
 * sockets' periodic re-check: not revoked, not expired, not idle for SESSION_IDLE_MINUTES (a session's last use
 * is stamped at most every `touchEveryMs`, so it is idle from a little earlier at worst), and its user active
 * (the query joins users).
 */
const liveSession = (now: SQL, idleSince: SQL): SQL =>
  and(isNull(sessions.revokedAt), gt(sessions.expiresAt, now), gt(sessions.lastSeenAt, idleSince), eq(users.active, true))!;
/** A point in time as SQL: a placeholder of a kept statement (db/prepared.ts), or a value. */
const at = (t: string | Date): SQL => sql`${typeof t === 'string' ? sql.placeholder(t) : t.toISOString()}::timestamptz`;
const idleSince = (now: Date, idleMinutes: number) => new Date(now.getTime() - idleMinutes * 60_000);
/** How stale sessions.lastSeenAt may get before a request stamps it again: a minute, or less for a short idle timeout. */
const touchEveryMs = (idleMinutes: number) => Math.min(60_000, (idleMinutes * 60_000) / 4);
const liveToken = (now: SQL): SQL => and(isNull(apiTokens.revokedAt), or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)), eq(users.active, true))!;

/** The actor behind a bearer token, or null (unknown, revoked, expired, or the user is inactive). */
export async function resolveBearer(deps: DbClockDeps, token: string, meta: Meta): Promise<Actor | null> {
  const now = deps.clock.now();
  // Built once (db/prepared.ts): every API request runs it.
  const [row] = await runPrepared(
    deps.db,
    'resolve bearer',
    (db) =>
      db
        .select({ user: users, unitPath: units.path, tokenId: apiTokens.id, lastUsedAt: apiTokens.lastUsedAt })
        .from(apiTokens)
        .innerJoin(users, eq(users.id, apiTokens.userId))
        .innerJoin(units, eq(units.id, users.unitId))
        .where(and(eq(apiTokens.tokenHash, sql.placeholder('hash')), liveToken(at('now'))))
        .limit(1)
        .prepare('resolve bearer'),
    { hash: hashToken(token), now: now.toISOString() },
  );
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

/**
 * The actor behind a session cookie and the session's CSRF token, or null (unknown, revoked, expired, idle,
 * inactive). A session that has not met the sign-in policy carries its restriction (one query: the policy
 * setting is joined in).
 */
export async function resolveSession(
  deps: DbClockDeps & WithConfig<SessionConfig>,
  cookie: string,
  meta: Meta,
): Promise<{ actor: Actor; csrfToken: string } | null> {
  const now = deps.clock.now();
  const id = hashToken(cookie);
  const idle = deps.config.SESSION_IDLE_MINUTES;
  // Built once (db/prepared.ts): every signed-in request runs it.
  const [row] = await runPrepared(
    deps.db,
    'resolve session',
    (db) =>
      db
        .select({ user: users, unitPath: units.path, session: sessions, policy: securitySettings.value })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .innerJoin(units, eq(units.id, users.unitId))
        .leftJoin(securitySettings, eq(securitySettings.key, SECOND_FACTOR_SETTING))
        .where(and(eq(sessions.id, sql.placeholder('id')), liveSession(at('now'), at('idleSince'))))
        .limit(1)
        .prepare('resolve session'),
    { id, now: now.toISOString(), idleSince: idleSince(now, idle).toISOString() },
  );
  if (!row) return null;
  // Every request keeps the session alive: the stamp is refreshed well within the idle timeout.
  if (now.getTime() - row.session.lastSeenAt.getTime() >= touchEveryMs(idle)) {
    void deps.db
      .update(sessions)
      .set({ lastSeenAt: now })
      .where(eq(sessions.id, id))
      .catch(() => {});
  }
  const [restriction] = restrictionsOf(row.user, policyOf(row.policy), deps.config, now);
  const actor: Actor = { ...toActor(row.user, row.unitPath, 'session', meta), sessionId: id, ...(restriction ? { restriction } : {}) };
  return { actor, csrfToken: row.session.csrfToken };
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
  idleMinutes: number,
): Promise<{ sessionIds: Set<string>; tokenIds: Set<number> }> {
  const live = { sessionIds: new Set<string>(), tokenIds: new Set<number>() };
  if (!ids.sessionIds.length && !ids.tokenIds.length) return live;
  const sessionQ = db
    .select({ kind: sql<string>`'session'`.as('kind'), key: sessions.id })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        inArray(sessions.id, sql`(select jsonb_array_elements_text(${JSON.stringify(ids.sessionIds)}::jsonb))`),
        liveSession(at(now), at(idleSince(now, idleMinutes))),
      ),
    );
  const tokenQ = db
    .select({ kind: sql<string>`'token'`.as('kind'), key: sql<string>`${apiTokens.id}::text`.as('key') })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(inArray(apiTokens.id, sql`(select (jsonb_array_elements_text(${JSON.stringify(ids.tokenIds)}::jsonb))::int)`), liveToken(at(now))));
  for (const r of await sessionQ.unionAll(tokenQ)) {
    if (r.kind === 'session') live.sessionIds.add(r.key);
    else live.tokenIds.add(Number(r.key));
  }
  return live;
}
