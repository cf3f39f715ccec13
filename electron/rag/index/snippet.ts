const SNIPPET_CHARS = 240;

/**
 * A short piece of a passage to show under a citation: the window around the first place a query word appears
 * (matched case- and accent-insensitively), else the passage's start; cut at word boundaries, whitespace folded.
 */
export function makeSnippet(text: string, terms: string[], maxChars = SNIPPET_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= maxChars) return flat;
  const folded = fold(flat);
  let hit = -1;
  for (const t of terms) {
    const at = findWord(folded, fold(t));
    if (at >= 0 && (hit < 0 || at < hit)) hit = at;
  }
  let start = hit < 0 ? 0 : Math.max(0, hit - Math.floor(maxChars / 3));
  let end = Math.min(flat.length, start + maxChars);
  start = Math.max(0, Math.min(start, end - maxChars));
  if (start > 0) {
    const space = flat.indexOf(' ', start);
    if (space >= 0 && space < start + 30) start = space + 1;
  }
  if (end < flat.length) {
    const space = flat.lastIndexOf(' ', end);
    if (space > end - 30) end = space;
  }
  return `${start > 0 ? '…' : ''}${flat.slice(start, end).trim()}${end < flat.length ? '…' : ''}`;
}

/** Lower case without accents, one code unit per code unit of the input (so positions carry over). */
function fold(s: string): string {
  if (!/[^\p{ASCII}]/u.test(s)) return s.toLowerCase();
  let out = '';
  for (const ch of s) {
    const base = ch
      .normalize('NFD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase();
    out += base.length === ch.length ? base : ch.toLowerCase().length === ch.length ? ch.toLowerCase() : ch;
  }
  return out;
}

/** The first occurrence of `word` that starts a word in `text`, or -1. */
function findWord(text: string, word: string): number {
  if (!word) return -1;
  let at = text.indexOf(word);
  while (at >= 0) {
    if (at === 0 || !/[\p{L}\p{N}]/u.test(text[at - 1]!)) return at;
    at = text.indexOf(word, at + 1);
  }
  return -1;
}
