/**
 * Failed-login throttling, per account and address together and per client address alone, in the database so
 * that every app instance sees the same counts. A key (the lower-cased username — whether or not such a user
 * exists, so the answer never tells — with the client address; or the address alone) may fail a few times for
 * free; after that each failure blocks the key for a back-off that starts at LOGIN_BACKOFF_BASE_MS and doubles up
 * to LOGIN_BACKOFF_MAX_MS. There is no key for the account alone: failures from another address never hold an
 * operator back (no lock-out by a stranger during a flood), while a spray from one address still backs off.
 * A successful sign-in clears its account-and-address count; an address's count is forgotten only after
 * LOGIN_FAILURE_FORGET_HOURS without failures (one valid account must not launder a spray of guesses).
 */
import { and, eq, gt, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { loginFailures } from '../../../db/schema/index.ts';
import type { Config } from '../../config.ts';
import { DomainError } from '../errors.ts';

/** 'account_address': lower(username)|address; 'address': the address alone. */
export type ThrottleKind = 'account_address' | 'address';
export type ThrottleKey = { kind: ThrottleKind; key: string };

export type ThrottleConfig = Pick<
  Config,
  'LOGIN_FREE_FAILURES_ACCOUNT' | 'LOGIN_FREE_FAILURES_ADDRESS' | 'LOGIN_BACKOFF_BASE_MS' | 'LOGIN_BACKOFF_MAX_MS' | 'LOGIN_FAILURE_FORGET_HOURS'
>;

/** 429 login_throttled; the problem middleware turns `seconds` into Retry-After. */
export class LoginThrottledError extends DomainError {
  constructor(
    readonly seconds: number,
    readonly kinds: ThrottleKind[],
  ) {
    super('login_throttled', 429, { seconds });
  }
}

/** The keys one attempt counts against (an attempt without a known address counts against the account and "-"). */
export function throttleKeys(username: string, ip: string | null): ThrottleKey[] {
  const address = ip ? ip.slice(0, 64) : '-';
  const keys: ThrottleKey[] = [{ kind: 'account_address', key: `${username.trim().toLowerCase().slice(0, 64)}|${address}` }];
  if (ip) keys.push({ kind: 'address', key: address });
  return keys;
}

/** The back-off after `failures` failures (0 while within the free allowance). */
export function backoffMs(cfg: ThrottleConfig, kind: ThrottleKind, failures: number): number {
  const free = kind === 'account_address' ? cfg.LOGIN_FREE_FAILURES_ACCOUNT : cfg.LOGIN_FREE_FAILURES_ADDRESS;
  if (failures < free) return 0;
  const doublings = Math.min(failures - free, 40);
  return Math.min(cfg.LOGIN_BACKOFF_BASE_MS * 2 ** doublings, cfg.LOGIN_BACKOFF_MAX_MS);
}

/** Throws LoginThrottledError when any of the keys is blocked at `now`. Called before the password is checked. */
export async function assertNotThrottled(db: Db, keys: ThrottleKey[], now: Date): Promise<void> {
  const rows = await db
    .select({ kind: loginFailures.kind, blockedUntil: loginFailures.blockedUntil })
    .from(loginFailures)
    .where(and(or(...keys.map((k) => and(eq(loginFailures.kind, k.kind), eq(loginFailures.key, k.key)))), gt(loginFailures.blockedUntil, now)));
  if (!rows.length) return;
  const until = Math.max(...rows.map((r) => r.blockedUntil!.getTime()));
  throw new LoginThrottledError(
    Math.max(1, Math.ceil((until - now.getTime()) / 1000)),
    rows.map((r) => r.kind as ThrottleKind),
  );
}

/**
 * Counts one failure against each key: one atomic upsert per key (concurrent failures on several
 * instances all count). The count starts over when the last failure is older than the forget window.
 */
export async function recordFailure(
  db: Db,
  cfg: ThrottleConfig,
  keys: ThrottleKey[],
  now: Date,
): Promise<{ kind: ThrottleKind; failures: number; blockedUntil: Date | null }[]> {
  const forgetBefore = new Date(now.getTime() - cfg.LOGIN_FAILURE_FORGET_HOURS * 3600_000);
  const out = [];
  for (const k of keys) {
    const free = k.kind === 'account_address' ? cfg.LOGIN_FREE_FAILURES_ACCOUNT : cfg.LOGIN_FREE_FAILURES_ADDRESS;
    // failures after this one, computed once in SQL from the stored row
    const next = sql`(case when ${loginFailures.lastFailedAt} < ${forgetBefore.toISOString()}::timestamptz then 1 else ${loginFailures.failures} + 1 end)`;
    const blocked = sql`(case when ${next} >= ${free}::int
      then ${now.toISOString()}::timestamptz + make_interval(secs => least(${cfg.LOGIN_BACKOFF_BASE_MS}::float8 * power(2::float8, least(${next} - ${free}::int, 40)), ${cfg.LOGIN_BACKOFF_MAX_MS}::float8) / 1000.0)
      else null end)`;
    const firstBlock = backoffMs(cfg, k.kind, 1);
    const [row] = await db
      .insert(loginFailures)
      .values({ kind: k.kind, key: k.key, failures: 1, lastFailedAt: now, blockedUntil: firstBlock ? new Date(now.getTime() + firstBlock) : null })
      .onConflictDoUpdate({
        target: [loginFailures.kind, loginFailures.key],
        set: { failures: next, blockedUntil: blocked, lastFailedAt: now },
      })
      .returning({ failures: loginFailures.failures, blockedUntil: loginFailures.blockedUntil });
    out.push({ kind: k.kind, failures: row!.failures, blockedUntil: row!.blockedUntil });
  }
  // Housekeeping now and then, so a spray of made-up usernames cannot grow the table without bound.
  if (Math.random() < 0.02) await pruneFailures(db, cfg, now);
  return out;
}

/** A successful sign-in clears its account-and-address count (not the address's). */
export async function clearAccount(db: Db, username: string, ip: string | null): Promise<void> {
  const [pair] = throttleKeys(username, ip);
  await db.delete(loginFailures).where(and(eq(loginFailures.kind, pair!.kind), eq(loginFailures.key, pair!.key)));
}

/** Forget keys idle past the window (housekeeping; the table stays small). */
export async function pruneFailures(db: Db, cfg: ThrottleConfig, now: Date): Promise<number> {
  const before = new Date(now.getTime() - cfg.LOGIN_FAILURE_FORGET_HOURS * 3600_000);
  const rows = await db
    .delete(loginFailures)
    .where(and(lt(loginFailures.lastFailedAt, before), or(sql`${loginFailures.blockedUntil} is null`, lt(loginFailures.blockedUntil, now))))
    .returning({ kind: loginFailures.kind });
  return rows.length;
}
