/** At most this many terms reach FTS5: each one is another doclist to read and score. */
const MAX_TERMS = 24;

/**
 * Words that say nothing about which passage answers a question. Dropped from the keyword query (unless nothing
 * else is left), because in an OR query every one of them would match, and be scored, in nearly every chunk.
 */
const STOPWORDS = new Set(
  `a about above after again against all am an and any are as at be because been before being below between both but by
  can could did do does doing down during each few for from further had has have having he her here hers herself him
  himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other
  our ours ourselves out over own same she should so some such than that the their theirs them themselves then there
  these they this those through to too under until up very was we were what when where which while who whom why will
  with would you your yours yourself yourselves tell say said please show give find explain describe list`.split(/\s+/),
);

export interface KeywordQuery {
  /** The FTS5 MATCH expression (terms OR-ed, each quoted); null when the text holds no word at all. */
  match: string | null;
  /** The terms in it: a word, or the words of a quoted phrase. */
  phrases: string[][];
  /** The words searched for, lower case (for snippets). */
  terms: string[];
}

/** Terms OR-ed, each a quoted string (so only ever a word or a phrase); null for none. */
export const matchOf = (phrases: string[][]): string | null =>
  phrases.length ? phrases.map((p) => `"${p.join(' ')}"`).join(' OR ') : null;

const WORDS = /[\p{L}\p{N}\p{M}]+/gu;

/**
 * Reads a question as an FTS5 query that can never be a syntax error: only letters, digits and marks survive, and
 * each term is a quoted string. A `"quoted phrase"` stays a phrase; everything else is one term per word (so
 * `node-llama-cpp` is three terms, and a passage with all three ranks first). Terms are OR-ed and ranked by bm25,
 * since a question's words are rarely all in the passage that answers it.
 */
export function keywordQuery(text: string): KeywordQuery {
  const phrases: string[][] = [];
  for (const m of text.matchAll(/"([^"]*)"?|[^\s"]+/g)) {
    const words = (m[1] ?? m[0]).toLowerCase().match(WORDS);
    if (!words) continue;
    if (m[1] !== undefined) phrases.push(words);
    else for (const w of words) phrases.push([w]);
  }
  const seen = new Set<string>();
  const unique = phrases.filter((p) => {
    const key = p.join(' ');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const meaningful = unique.filter((p) => p.length > 1 || !STOPWORDS.has(p[0]!));
  const chosen = (meaningful.length ? meaningful : unique).slice(0, MAX_TERMS);
  return { match: matchOf(chosen), phrases: chosen, terms: [...new Set(chosen.flat())] };
}
