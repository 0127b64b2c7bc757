/**
 * Knowledge-base search on the labelled questions (test/assist/fixtures/kb-queries.ts): precision@1, recall@3 and MRR
 * for the bigram-only search that came before, for words cut with jieba's own dictionary, and for words cut with the
 * centre's words too (category, unit and place names: what the search uses). The database is the demo city with
 * `KB_EVAL_HISTORY_DAYS` days of its simulated history (default 30), so the place names come from its tickets'
 * addresses as they would at a centre. PGlite in memory; nothing is kept.
 */
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { connect, type Database, type Db, migrate } from '../../db/client.ts';
import { testConfig } from '../../src/config.ts';
import { seedHistory } from '../../src/demo/history.ts';
import { ensureLexicon } from '../../src/domain/assist/lexicon.ts';
import { Segmenter } from '../../src/domain/assist/segment.ts';
import { documentTerms, queryTerms } from '../../src/domain/kb/search-terms.ts';
import { rankArticles, searchArticles } from '../../src/domain/kb/queries.ts';
import { kbStats, recutArticles } from '../../src/domain/kb/segmented.ts';
import { keyringOf, TEST_KEYS, useKeyring } from '../../src/domain/privacy/keyring.ts';
import { rowsOf } from '../../src/domain/tickets/queries.ts';
import { seedDemo } from '../../src/seed/city.ts';
import { KB_QUERIES, type KbQuery } from '../../test/assist/fixtures/kb-queries.ts';
import type { EvalReport } from './run.ts';

type Search = (db: Db, q: string, limit: number) => Promise<{ title: string }[]>;
export type KbScores = { queries: number; precisionAt1: number; recallAt3: number; mrr: number; misses: string[] };

/** The search before segmentation: the query's bigrams OR-ed, ranked by ts_rank over the terms documentTerms stored. */
export const bigramSearch: Search = async (db, q, limit) => {
  const tsq = queryTerms(q);
  if (!tsq) return [];
  return rowsOf<{ title: string }>(
    await db.execute(sql`select title from kb_articles
      where active and to_tsvector('simple', search_terms) @@ to_tsquery('simple', ${tsq})
      order by ts_rank(to_tsvector('simple', search_terms), to_tsquery('simple', ${tsq})) desc, id limit ${limit}`),
  );
};

/** Precision@1 (the first answer is a right one), recall@3 (share of the right articles among the first three), MRR@10. */
export async function scoreKb(db: Db, search: Search, set: KbQuery[] = KB_QUERIES): Promise<KbScores> {
  let p1 = 0;
  let r3 = 0;
  let rr = 0;
  const misses: string[] = [];
  for (const { q, answers } of set) {
    const titles = (await search(db, q, 10)).map((a) => a.title);
    if (answers.includes(titles[0] ?? '')) p1++;
    else misses.push(`${q} → ${titles[0] ?? '(nothing)'}`);
    r3 += answers.filter((a) => titles.slice(0, 3).includes(a)).length / answers.length;
    const rank = titles.findIndex((t) => answers.includes(t));
    if (rank >= 0) rr += 1 / (rank + 1);
  }
  const n = set.length;
  return { queries: n, precisionAt1: r(p1 / n), recallAt3: r(r3 / n), mrr: r(rr / n), misses };
}
const r = (x: number) => Math.round(x * 1000) / 1000;

/** The three searches compared, on one seeded database. */
export async function compareKb(db: Db) {
  // The terms as the bigram search stored them (documentTerms of title, keywords and body), for its figures.
  const rows = rowsOf<{ id: number; title: string; keywords: string; body: string }>(await db.execute(sql`select id, title, keywords, body from kb_articles`));
  for (const a of rows) await db.execute(sql`update kb_articles set search_terms = ${documentTerms(a.title, a.keywords, a.body)} where id = ${a.id}`);
  const before = await scoreKb(db, bigramSearch);
  // The new scoring (inverse document frequency, title and keywords first) with bigrams only: what segmentation adds.
  await recutArticles(db, false);
  const scoredBigrams = await scoreKb(db, async (d, q, limit) => rankArticles(d, q, limit, await kbStats(d), { words: false }));
  // Words with jieba's dictionary only: the segmenter forgets the centre's words and the articles are cut again.
  Segmenter.teach([]);
  await recutArticles(db, false);
  const plainStats = await kbStats(db);
  const plain = await scoreKb(db, (d, q, limit) => rankArticles(d, q, limit, plainStats));
  // The search as shipped: the centre's words loaded (the articles are cut again with them on the first search).
  const after = await scoreKb(db, searchArticles);
  const lexicon = await ensureLexicon(db);
  return { before, scoredBigrams, plain, after, lexicon };
}

/** The demo city and its history, in memory. */
export async function kbEvalDatabase(historyDays: number): Promise<Database> {
  useKeyring(keyringOf(TEST_KEYS));
  const database = await connect({});
  await migrate(database);
  await seedDemo(database.db);
  if (historyDays > 0) {
    const config = testConfig({ SEED_DEMO: true });
    await seedHistory({ db: database.db, database, config, logger: pino({ level: 'silent' }) }, { now: new Date('2026-11-18T06:30:00Z'), days: historyDays });
  }
  return database;
}

export async function evaluate(): Promise<EvalReport> {
  const days = Number(process.env.KB_EVAL_HISTORY_DAYS ?? 30);
  const database = await kbEvalDatabase(days);
  try {
    const { before, scoredBigrams, plain, after, lexicon } = await compareKb(database.db);
    const [{ n }] = rowsOf<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from kb_articles`)) as [{ n: number }];
    const line = (name: string, s: KbScores) =>
      `${name.padEnd(34)} precision@1 ${s.precisionAt1.toFixed(3)}  recall@3 ${s.recallAt3.toFixed(3)}  MRR ${s.mrr.toFixed(3)}`;
    return {
      title: `Knowledge-base search: ${before.queries} labelled questions over ${n} articles`,
      lines: [
        line('before: character bigrams', before),
        line('bigrams, scored by idf and title', scoredBigrams),
        line("words (jieba's dictionary) + bigrams", plain),
        line("after: + the centre's words", after),
        `centre's words: ${lexicon.words} (${lexicon.derived} from categories, units and places of ${days} days of demo tickets)`,
        ...before.misses.map((m) => `miss before: ${m}`),
        ...after.misses.map((m) => `miss after: ${m}`),
      ],
      figures: { before, scoredBigrams, wordsJiebaDictionary: plain, after, lexiconWords: lexicon.words, derivedWords: lexicon.derived, historyDays: days },
    };
  } finally {
    await database.close();
  }
}
