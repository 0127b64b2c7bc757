/**
 * Chinese-aware search terms that work the same on PGlite and PostgreSQL: Han characters become
 * overlapping bigrams (plus single characters, so one-character queries still match), Latin words and
 * numbers stay whole, lower-cased. Stored space-separated and indexed with to_tsvector('simple', …).
 */
const HAN = /\p{Script=Han}/u;

export function searchTerms(text: string): string[] {
  const terms = new Set<string>();
  // Han runs first; a Latin/number run stops at the next Han character (Han is \p{L} too), so 'ETC卡' → 'etc' + '卡'.
  const runs = text.toLowerCase().match(/\p{Script=Han}+|(?:(?!\p{Script=Han})[\p{L}\p{N}])+/gu) ?? [];
  for (const run of runs) {
    if (!HAN.test(run)) {
      if (run.length > 0) terms.add(run);
      continue;
    }
    const chars = [...run];
    for (const c of chars) terms.add(c);
    for (let i = 0; i + 1 < chars.length; i++) terms.add(chars[i]! + chars[i + 1]!);
  }
  return [...terms];
}

/** Terms to store for a document. */
export function documentTerms(...parts: (string | null | undefined)[]): string {
  return searchTerms(parts.filter(Boolean).join(' ')).join(' ');
}

/**
 * A to_tsquery string for a user query: every bigram (or lone character / word) OR-ed, so ranking
 * rewards documents that share more of them. Terms are quoted so no operator can be injected.
 */
export function queryTerms(query: string): string | null {
  const use = queryBigrams(query);
  if (use.length === 0) return null;
  return use.map((t) => `'${t.replace(/'/g, "''")}'`).join(' | ');
}

/** The terms queryTerms ORs: every bigram and whole Latin word, or the lone characters when there is no bigram. */
export function queryBigrams(query: string): string[] {
  const all = searchTerms(query);
  const bigrams = all.filter((t) => [...t].length >= 2 || !HAN.test(t));
  return bigrams.length > 0 ? bigrams : all;
}
