import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { kbArticles } from '../../../db/schema/index.ts';
import { NotFoundError } from '../errors.ts';
import { rowsOf } from '../tickets/queries.ts';
import { type KbStats, kbQuery, parseArticleTerms, prepareKbSearch, scoreArticle } from './segmented.ts';

/**
 * Search in Chinese over active articles, the same on PGlite and PostgreSQL: the database finds the articles that have
 * a word or a bigram of the query, they are scored by words over bigrams, title over body (segmented.ts).
 */
export async function searchArticles(db: Db, query: string, limit: number) {
  const stats = await prepareKbSearch(db);
  return rankArticles(db, query, limit, stats);
}

/** How many candidates the database hands over for scoring (by its own rank), at most. */
const CANDIDATES = 200;

/** The search itself, over the terms as stored and the segmenter as it is (searchArticles prepares both first). */
export async function rankArticles(db: Db, query: string, limit: number, stats: KbStats, opts: { words?: boolean } = {}) {
  const q = kbQuery(query, opts);
  if (!q.tsquery) return [];
  const vector = sql`to_tsvector('simple', search_terms)`;
  const result = await db.execute(sql`
    select id, title, body, category_id as "categoryId", keywords, search_terms as terms
    from ${kbArticles}
    where active and ${vector} @@ to_tsquery('simple', ${q.tsquery})
    order by ts_rank(${vector}, to_tsquery('simple', ${q.tsquery})) desc, id
    limit ${CANDIDATES}`);
  type Row = { id: number; title: string; body: string; categoryId: number | null; keywords: string; terms: string };
  return rowsOf<Row>(result)
    .map(({ terms, ...a }) => ({ ...a, rank: Math.round(scoreArticle(q, parseArticleTerms(terms), stats) * 1e4) / 1e4 }))
    .sort((a, b) => b.rank - a.rank || a.id - b.id)
    .slice(0, limit);
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
