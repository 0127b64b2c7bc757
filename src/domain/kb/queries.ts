import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { kbArticles } from '../../../db/schema/index.ts';
import { NotFoundError } from '../errors.ts';
import { rowsOf } from '../tickets/queries.ts';
import { queryTerms } from './search-terms.ts';

/** Search in Chinese: bigram terms ranked by ts_rank over active articles; the same on PGlite and PostgreSQL. */
export async function searchArticles(db: Db, query: string, limit: number) {
  const tsq = queryTerms(query);
  if (!tsq) return [];
  const result = await db.execute(sql`
    select id, title, body, category_id as "categoryId", keywords,
           ts_rank(to_tsvector('simple', search_terms), to_tsquery('simple', ${tsq})) as rank
    from ${kbArticles}
    where active and to_tsvector('simple', search_terms) @@ to_tsquery('simple', ${tsq})
    order by rank desc, id
    limit ${limit}`);
  return rowsOf<{ id: number; title: string; body: string; categoryId: number | null; keywords: string; rank: number }>(result).map((r) => ({
    ...r,
    rank: Number(r.rank),
  }));
}

/** One article, retired ones included, as stored (its search terms are an index detail and left out); 404 when unknown. */
export async function getArticle(db: Db, id: number) {
  const [a] = await db.select().from(kbArticles).where(eq(kbArticles.id, id));
  if (!a) throw new NotFoundError();
  const { searchTerms: _omit, ...rest } = a;
  return rest;
}

/** May a direct answer cite this article? Only an active one. */
export async function isActiveArticle(db: Db, id: number): Promise<boolean> {
  const [a] = await db
    .select({ id: kbArticles.id })
    .from(kbArticles)
    .where(and(eq(kbArticles.id, id), eq(kbArticles.active, true)));
  return !!a;
}
