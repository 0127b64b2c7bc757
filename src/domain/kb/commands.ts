/**
 * The knowledge base's writes (admins): create an article, replace one (which also retires or restores
 * it through `active`). Each is one transaction with its audit row, so an article never changes unaudited.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { kbArticles } from '../../../db/schema/index.ts';
import type { Deps } from '../../deps.ts';
import { audit } from '../audit.ts';
import type { Actor } from '../auth/actor.ts';
import { NotFoundError } from '../errors.ts';
import type { ArticleInput } from './inputs.ts';
import { articleTerms } from './segmented.ts';

/** The stored columns of an article: what the admin wrote, and the search terms (bigrams and words) of its title, keywords and body. */
export function articleValues(input: ArticleInput) {
  return { ...input, categoryId: input.categoryId ?? null, searchTerms: articleTerms(input) };
}

export async function createArticle(deps: Pick<Deps, 'db'>, actor: Actor, input: ArticleInput): Promise<{ id: number }> {
  return deps.db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const [a] = await tx.insert(kbArticles).values(articleValues(input)).returning({ id: kbArticles.id });
    await audit(tx, actor, 'kb_created', { type: 'kb_article', id: a!.id });
    return a!;
  });
}

export async function updateArticle(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, id: number, input: ArticleInput): Promise<{ id: number }> {
  return deps.db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const [a] = await tx
      .update(kbArticles)
      .set({ ...articleValues(input), updatedAt: deps.clock.now() })
      .where(eq(kbArticles.id, id))
      .returning({ id: kbArticles.id });
    if (!a) throw new NotFoundError();
    await audit(tx, actor, 'kb_updated', { type: 'kb_article', id: a.id });
    return a;
  });
}
