/**
 * A ticket's search terms, the same rule as the SQL function ticket_search_terms (migration 0018): lower-cased,
 * every pair of neighbouring Chinese characters (bigrams) and whole runs of Latin letters and digits. Single
 * characters are not stored (a bigram index answers any query of two characters or more; one character falls
 * back to LIKE within the other filters).
 */
const HAN_RUN = /[\u3400-\u9fff]+/g;
const WORD_RUN = /[a-z0-9]+/g;

function bigrams(run: string): string[] {
  const chars = [...run];
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  return out;
}

/** The terms stored in tickets.search_terms for a ticket's title, demand and address. */
export function ticketTerms(...parts: (string | null | undefined)[]): string {
  const text = parts.filter(Boolean).join(' ').toLowerCase();
  const terms = new Set<string>();
  for (const run of text.match(HAN_RUN) ?? []) for (const b of bigrams(run)) terms.add(b);
  for (const w of text.match(WORD_RUN) ?? []) terms.add(w);
  return [...terms].join(' ');
}

/**
 * A free-text query as the index reads it: a to_tsquery string with every bigram and every word (as a prefix)
 * AND-ed, and the lone Chinese characters the index cannot answer (matched with LIKE). Terms are quoted so no
 * operator can be injected.
 */
export function ticketQuery(q: string): { tsquery: string | null; singles: string[] } {
  const text = q.toLowerCase();
  const terms = new Set<string>();
  const singles: string[] = [];
  for (const run of text.match(HAN_RUN) ?? []) {
    if ([...run].length === 1) singles.push(run);
    for (const b of bigrams(run)) terms.add(`'${b}'`);
  }
  for (const w of text.match(WORD_RUN) ?? []) terms.add(`'${w}':*`);
  return { tsquery: terms.size ? [...terms].join(' & ') : null, singles };
}
