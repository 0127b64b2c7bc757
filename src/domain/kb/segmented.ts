/**
 * Knowledge-base search by words (分词) with bigrams as the recall path. An article stores, space-separated under the
 * 'simple' text search config as before: a format mark, the terms of its title and keywords (the head), a body mark,
 * the terms of its body. Terms are character bigrams and single characters (what the bigram search stored) and
 * jieba's words at search granularity, the centre's own words kept whole (assist/lexicon.ts).
 *
 * The database finds the candidates (any word or bigram of the query, through the GIN index); they are then scored
 * here, BM25-like without length normalisation: each query term that an article has adds its inverse document
 * frequency, times WORD_WEIGHT for a whole word of the query (1 for a bigram), times HEAD_WEIGHT more when the title
 * or keywords have it. So an article that says the caller's words in its title ranks above one that shares their
 * characters somewhere in its body, and '怎么' in every title counts for little.
 *
 * Rows without the mark (written before, or by a path that only knows bigrams) and every row after the centre's words
 * changed are cut again on the next search: no migration, no schema change (a knowledge base is small).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { ensureLexicon, LEXICON_SIGNATURE } from '../assist/lexicon.ts';
import { isStopWord, searchWords } from '../assist/segment.ts';
import { rowsOf } from '../tickets/queries.ts';
import { queryBigrams, searchTerms } from './search-terms.ts';

/** The first token of terms stored in this format; bump it when the format changes and rows are cut again. */
export const KB_TERMS_MARK = 'kbw1';
/** Where the body's terms start. */
const BODY_MARK = 'kbwbody';
export const WORD_WEIGHT = 4;
export const HEAD_WEIGHT = 2;
const MARKS = new Set([KB_TERMS_MARK, BODY_MARK]);
const HAN = /\p{Script=Han}/u;

/** Bigrams, characters and words of a text, each once. */
function termsOf(text: string): Set<string> {
  const terms = new Set(searchTerms(text));
  for (const w of searchWords(text)) if (isIndexable(w)) terms.add(w);
  for (const m of MARKS) terms.delete(m);
  return terms;
}

/** The stored search terms of an article. */
export function articleTerms(a: { title: string; keywords?: string | null; body: string }): string {
  const head = termsOf(`${a.title} ${a.keywords ?? ''}`);
  const body = termsOf(a.body);
  return `${KB_TERMS_MARK} ${[...head].join(' ')} ${BODY_MARK} ${[...body].join(' ')}`;
}

/** The head and body terms of stored terms (an unmarked row: all body). */
export function parseArticleTerms(stored: string): { head: Set<string>; body: Set<string> } {
  const tokens = stored.split(' ');
  const at = tokens[0] === KB_TERMS_MARK ? tokens.indexOf(BODY_MARK) : -1;
  if (at < 0) return { head: new Set(), body: new Set(tokens.filter((t) => t && !MARKS.has(t))) };
  return { head: new Set(tokens.slice(1, at)), body: new Set(tokens.slice(at + 1)) };
}

/** A word the 'simple' parser keeps as one token: letters and digits only (punctuation inside would split it). */
function isIndexable(w: string): boolean {
  return /^[\p{L}\p{N}]+$/u.test(w) && !(HAN.test(w) && [...w].length < 2);
}

const quote = (t: string) => `'${t.replace(/'/g, "''")}'`;

export type KbQuery = {
  /** The query's words (two characters or more, stop words out) and its other bigrams, for scoring */
  words: string[];
  bigrams: string[];
  /** to_tsquery of both, OR-ed: what finds the candidates; null when the query has nothing to find */
  tsquery: string | null;
};

/** `words: false` leaves segmentation out (bigrams only, scored the same way): the evaluation's control. */
export function kbQuery(query: string, opts: { words?: boolean } = {}): KbQuery {
  const words = opts.words === false ? [] : [...new Set(searchWords(query).filter(isIndexable))].filter((w) => !MARKS.has(w));
  const grams = queryBigrams(query).filter((b) => !MARKS.has(b));
  // '怎么', '哪里' as bigrams say no more than as words; kept only when the query has nothing else
  const kept = grams.filter((b) => !words.includes(b) && !isStopWord(b));
  const bigrams = kept.length || words.length ? kept : grams;
  const all = [...words, ...bigrams];
  return { words, bigrams, tsquery: all.length ? all.map(quote).join(' | ') : null };
}

/** How many active articles there are and how many have each term: the inverse document frequencies. */
export type KbStats = { n: number; df: Map<string, number> };
const stats = new WeakMap<object, { signature: string; stats: KbStats }>();
const recut = new WeakMap<object, { generation: number }>();

/** A query's score for one article's stored terms (see the header). */
export function scoreArticle(q: KbQuery, terms: { head: Set<string>; body: Set<string> }, s: KbStats): number {
  let score = 0;
  const add = (t: string, weight: number) => {
    const inHead = terms.head.has(t);
    if (!inHead && !terms.body.has(t)) return;
    const df = s.df.get(t) ?? 1;
    const idf = Math.log(1 + (s.n - df + 0.5) / (df + 0.5));
    score += weight * idf * (inHead ? HEAD_WEIGHT : 1);
  };
  for (const w of q.words) add(w, WORD_WEIGHT);
  for (const b of q.bigrams) add(b, 1);
  return score;
}

/**
 * Before a search: the segmenter knows the centre's words as they are now, every stored row is cut with them, and the
 * document frequencies are those of the active articles as they are. One query when nothing changed.
 */
export async function prepareKbSearch(db: Db): Promise<KbStats> {
  const [row] = rowsOf<{ sig: string; stale: number | string; kb: string }>(
    await db.execute(sql`select ${LEXICON_SIGNATURE} as sig,
      (select count(*) from kb_articles where search_terms not like ${`${KB_TERMS_MARK} %`}) as stale,
      (select count(*)::text || ':' || coalesce(max(id), 0)::text || ':' || coalesce(max(updated_at)::text, '') from kb_articles) as kb`),
  );
  const { generation } = await ensureLexicon(db, { signature: row?.sig });
  const done = recut.get(db);
  if (done?.generation !== generation || Number(row?.stale ?? 0) > 0) {
    await recutArticles(db, done?.generation === generation);
    recut.set(db, { generation });
  }
  const signature = `${generation}:${row?.kb ?? ''}`;
  const hit = stats.get(db);
  if (hit?.signature === signature) return hit.stats;
  const fresh = await kbStats(db);
  stats.set(db, { signature, stats: fresh });
  return fresh;
}

/** Read the frequencies afresh (prepareKbSearch caches them). */
export async function kbStats(db: Db): Promise<KbStats> {
  const rows = rowsOf<{ terms: string }>(await db.execute(sql`select search_terms as terms from kb_articles where active`));
  const df = new Map<string, number>();
  for (const r of rows) {
    const { head, body } = parseArticleTerms(r.terms);
    for (const t of new Set([...head, ...body])) df.set(t, (df.get(t) ?? 0) + 1);
  }
  return { n: rows.length, df };
}

/** Cut the articles again (only the unmarked ones when `staleOnly`), in batches; idempotent, so instances may race. */
export async function recutArticles(db: Db, staleOnly: boolean) {
  const rows = rowsOf<{ id: number; title: string; keywords: string; body: string }>(
    await db.execute(
      staleOnly
        ? sql`select id, title, keywords, body from kb_articles where search_terms not like ${`${KB_TERMS_MARK} %`} order by id`
        : sql`select id, title, keywords, body from kb_articles order by id`,
    ),
  );
  for (let i = 0; i < rows.length; i += 200) {
    const values = rows.slice(i, i + 200).map((a) => sql`(${a.id}::int, ${articleTerms(a)}::text)`);
    await db.execute(sql`update kb_articles k set search_terms = v.terms
      from (values ${sql.join(values, sql`, `)}) as v(id, terms)
      where k.id = v.id and k.search_terms is distinct from v.terms`);
  }
  stats.delete(db);
}
