/**
 * Drafts: what a user has half typed into a form (a call at intake, a reply, a callback, a review's reason),
 * kept per user and form key so it survives a reload, a lost session and a new sign-in, and dropped when the
 * form is saved. A draft is its author's alone: every read and write is by the signed-in user's id, so no
 * one else — an admin included — can read it through the API.
 *
 * Drafts are not audited: the web app writes one every few hundred milliseconds while someone types, which
 * would drown the audit log, and a draft is never shown to anyone but the person who typed it. What is kept
 * and shown to others is the saved ticket, reply or callback, and that is audited where it is written.
 */
import { and, count, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { drafts } from '../../../db/schema/index.ts';
import type { Deps } from '../../deps.ts';
import type { Actor } from '../auth/actor.ts';
import { DomainError, UnprocessableError } from '../errors.ts';
import { decryptPii, encryptPii } from '../privacy/keyring.ts';

/** The forms that keep drafts; a key is a form alone (`intake`) or a form and the id it concerns (`reply:123`). */
export const DRAFT_FORMS = ['intake', 'window', 'reply', 'callback', 'review', 'contact', 'dispatch', 'request', 'sub'] as const;
export const DRAFT_KEY = new RegExp(`^(${DRAFT_FORMS.join('|')})(:[1-9][0-9]{0,15})?$`);
/** The largest draft body, as JSON (a long reply is a few KB). */
export const DRAFT_MAX_BYTES = 64 * 1024;
/** How many drafts one user may keep at a time (one per open form; a runaway client stops here). */
export const DRAFT_MAX_PER_USER = 200;

export type DraftView = { key: string; body: Record<string, unknown> | null; updatedAt: string | null };

/**
 * A draft is stored sealed (SM4, as callers' data in tickets): an intake draft holds the caller's name and number,
 * and any form may hold numbers typed into it. The JSON column keeps `{ sealed: "sm4:…" }`; a draft kept before
 * encryption (plain JSON) is read as it is, and the rotation command re-seals both under the active key.
 */
export const sealDraft = (body: Record<string, unknown>) => ({ sealed: encryptPii(JSON.stringify(body)) });
export function openDraft(stored: Record<string, unknown>): Record<string, unknown> {
  return typeof stored.sealed === 'string' && Object.keys(stored).length === 1 ? JSON.parse(decryptPii(stored.sealed)) : stored;
}

export async function readDraft(db: Db, actor: Actor, key: string): Promise<DraftView> {
  const [row] = await db
    .select({ body: drafts.body, updatedAt: drafts.updatedAt })
    .from(drafts)
    .where(and(eq(drafts.userId, actor.userId), eq(drafts.key, key)));
  return { key, body: row ? openDraft(row.body) : null, updatedAt: row ? row.updatedAt.toISOString() : null };
}

/** Keeps the user's draft for the form (replacing the previous one). */
export async function saveDraft(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, key: string, body: Record<string, unknown>): Promise<DraftView> {
  if (Buffer.byteLength(JSON.stringify(body)) > DRAFT_MAX_BYTES) throw new DomainError('draft_too_large', 413, { max: DRAFT_MAX_BYTES / 1024 });
  const now = deps.clock.now();
  return deps.db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const [existing] = await tx
      .select({ key: drafts.key })
      .from(drafts)
      .where(and(eq(drafts.userId, actor.userId), eq(drafts.key, key)));
    if (!existing) {
      const [n] = await tx.select({ n: count() }).from(drafts).where(eq(drafts.userId, actor.userId));
      if ((n?.n ?? 0) >= DRAFT_MAX_PER_USER) throw new UnprocessableError('draft_limit_reached', { max: DRAFT_MAX_PER_USER });
    }
    const sealed = sealDraft(body);
    await tx
      .insert(drafts)
      .values({ userId: actor.userId, key, body: sealed, updatedAt: now })
      .onConflictDoUpdate({ target: [drafts.userId, drafts.key], set: { body: sealed, updatedAt: now } });
    return { key, body, updatedAt: now.toISOString() };
  });
}

/** Drops the user's draft for the form (the form was saved or abandoned); dropping none is not an error. */
export async function deleteDraft(db: Db, actor: Actor, key: string): Promise<void> {
  await db.delete(drafts).where(and(eq(drafts.userId, actor.userId), eq(drafts.key, key)));
}
