/**
 * The system administrator's segmentation words (assist_lexicon): add one, remove one. Each is one transaction with
 * its audit row; afterwards the segmenter reloads on its next use (the lexicon's signature changed), and text stored
 * segmented (the knowledge base's search terms) is cut again with it.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { assistLexicon } from '../../../db/schema/index.ts';
import type { DbDeps } from '../../deps.ts';
import { audit } from '../audit.ts';
import type { Actor } from '../auth/actor.ts';
import { ConflictError, NotFoundError, UnprocessableError } from '../errors.ts';
import { invalidateLexicon } from './lexicon.ts';
import { isTeachable } from './segment.ts';

/** A word as stored: trimmed; 2–30 characters with no white space inside, else 422 lexicon_word_invalid. */
export function lexiconWord(raw: string): string {
  const word = raw.trim().normalize('NFC');
  if (!isTeachable(word) || /[\p{C}]/u.test(word)) throw new UnprocessableError('lexicon_word_invalid', { word: raw.slice(0, 40) });
  return word;
}

export async function addLexiconWord(deps: DbDeps, actor: Actor, raw: string) {
  const word = lexiconWord(raw);
  const row = await deps.db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const [added] = await tx
      .insert(assistLexicon)
      .values({ word, addedBy: actor.userId || null })
      .onConflictDoNothing()
      .returning({ word: assistLexicon.word, addedBy: assistLexicon.addedBy, createdAt: assistLexicon.createdAt });
    if (!added) throw new ConflictError('lexicon_word_exists', { word });
    await audit(tx, actor, 'assist_lexicon_added', { type: 'assist_lexicon', id: word });
    return added;
  });
  invalidateLexicon(deps.db);
  return { word: row.word, addedBy: row.addedBy, createdAt: row.createdAt.toISOString() };
}

export async function removeLexiconWord(deps: DbDeps, actor: Actor, raw: string) {
  const word = raw.trim().normalize('NFC');
  await deps.db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const [removed] = await tx.delete(assistLexicon).where(eq(assistLexicon.word, word)).returning();
    if (!removed) throw new NotFoundError('lexicon_word_not_found', { word });
    await audit(tx, actor, 'assist_lexicon_removed', { type: 'assist_lexicon', id: word }, { addedBy: removed.addedBy, createdAt: removed.createdAt });
  });
  invalidateLexicon(deps.db);
}
