/** At most this many terms or phrases reach FTS5: each one is another doclist to read. */
const MAX_PHRASES = 12;
/** A last word shorter than this is matched whole, never as a prefix: "a"* would read half the index. */
const MIN_PREFIX = 3;

/** A search as typed: the phrases that must all match (a single word is a phrase of one). */
export interface ParsedQuery {
  phrases: string[][];
  /** The last phrase is a word still being typed (no space after it, at least three characters): a prefix candidate. */
  typing: boolean;
}

/**
 * Splits what a person typed into phrases. `"several words"` in quotes is a phrase, and so is a chunk such as
 * `node-llama-cpp` or `snake_case` (FTS5's tokenizer splits it the same way); everything else is one word per
 * phrase. Only letters, digits and combining marks survive, so nothing the user types is read as FTS5 syntax.
 */
export function parseQuery(query: string): ParsedQuery {
  const phrases: string[][] = [];
  let typing = false;
  for (const m of query.matchAll(/"([^"]*)"?|[^\s"]+/g)) {
    const quoted = m[1] !== undefined;
    const words = (quoted ? m[1]! : m[0]).match(/[\p{L}\p{N}\p{M}]+/gu);
    if (!words) continue;
    phrases.push(words.map((w) => w.toLowerCase()));
    typing = !quoted && words.length === 1 && words[0]!.length >= MIN_PREFIX && m.index + m[0].length === query.length;
    if (phrases.length === MAX_PHRASES) break;
  }
  return { phrases, typing: typing && phrases.length > 0 };
}

/** One phrase as an FTS5 string: quoted, so it is only ever a phrase; `*` makes its last word a prefix. */
export const ftsPhrase = (words: string[], prefix = false): string => `"${words.join(' ')}"${prefix ? '*' : ''}`;

/** Every phrase must match (FTS5's implicit AND). Null when there is nothing to search for. */
export function matchExpression(phrases: string[][], prefixLast = false): string | null {
  if (phrases.length === 0) return null;
  return phrases.map((p, i) => ftsPhrase(p, prefixLast && i === phrases.length - 1)).join(' ');
}

/** The simple reading, where the last word is a prefix whenever it may be (tests and the benchmark compare against it). */
export function toMatchExpression(query: string): string | null {
  const q = parseQuery(query);
  return matchExpression(q.phrases, q.typing);
}
