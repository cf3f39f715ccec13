import type { ChunkDraft, ExtractedHeading, ExtractedText } from './ports';

export interface ChunkOptions {
  /** The most tokens a chunk should hold (a single unsplittable piece never exceeds it either: it is cut hard). */
  targetTokens: number;
  /** Tokens at the end of a chunk repeated at the start of the next one, so a fact cut by a boundary is whole once. */
  overlapTokens: number;
  /** The embedding model's tokenizer when there is one, else `estimateTokens`. Must be synchronous and additive enough. */
  countTokens: (text: string) => number;
}

/** Scripts written without spaces, where a tokenizer spends about a token per character. */
const DENSE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;
const RUNS = /[\p{L}\p{N}\p{M}]+|[^\s\p{L}\p{N}\p{M}]/gu;

/**
 * Tokens `text` would take in a typical subword vocabulary: about four letters per token in a word, one per
 * punctuation mark, one per character of scripts written without spaces. Close enough to size chunks when no
 * tokenizer is loaded (keyword-only collections), and never less than the pieces it is summed from.
 */
export function estimateTokens(text: string): number {
  let n = 0;
  for (const [run] of text.matchAll(RUNS)) {
    if (run.length === 1) n += 1;
    else if (DENSE.test(run)) n += [...run].reduce((s, ch) => s + (DENSE.test(ch) ? 1 : 0.25), 0);
    else n += Math.ceil(run.length / 4);
  }
  return Math.ceil(n);
}

/** A span of the document's text, with its token count; `paragraphEnd`: a good place to end a chunk. */
interface Piece {
  start: number;
  end: number;
  tokens: number;
  paragraphEnd: boolean;
}

/**
 * Where a sentence ends: terminal punctuation (and closing quotes or brackets) before whitespace, or an ideographic
 * full stop. A regular expression rather than Intl.Segmenter, whose sentence iterator measured superlinear in Node 20
 * (40,000 sentences in one paragraph: 48 s); an abbreviation cut like a sentence only makes a piece smaller.
 */
const SENTENCE_END = /[.!?…]+["'”’)\]]*(?=\s)|[。！？]+/gu;

function sentenceSpans(text: string, start: number, end: number): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  const slice = text.slice(start, end);
  let at = 0;
  for (const m of slice.matchAll(SENTENCE_END)) {
    const span = trimSpan(text, start + at, start + m.index + m[0].length);
    if (span) spans.push(span);
    at = m.index + m[0].length;
  }
  const rest = trimSpan(text, start + at, end);
  if (rest) spans.push(rest);
  return spans;
}

/** The span [start, end) without the whitespace at either edge; null when it is all whitespace. */
function trimSpan(text: string, start: number, end: number): { start: number; end: number } | null {
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return start < end ? { start, end } : null;
}

/** Never cut between the two halves of a surrogate pair. */
function safeCut(text: string, at: number, min: number): number {
  const code = text.charCodeAt(at - 1);
  return code >= 0xd800 && code <= 0xdbff && at - 1 > min ? at - 1 : at;
}

/**
 * Splits a span into pieces of at most `target` tokens: whole if it fits, else by sentence, then by word, then
 * (a "word" of 100,000 characters, a base64 blob, text in a script without spaces) by characters.
 */
function split(text: string, start: number, end: number, o: ChunkOptions, level: 0 | 1 | 2): Piece[] {
  const tokens = o.countTokens(text.slice(start, end));
  if (tokens <= o.targetTokens) return [{ start, end, tokens, paragraphEnd: false }];
  const spans: { start: number; end: number }[] = [];
  if (level === 0) {
    spans.push(...sentenceSpans(text, start, end));
  } else if (level === 1) {
    for (const m of text.slice(start, end).matchAll(/\S+/g)) spans.push({ start: start + m.index, end: start + m.index + m[0].length });
  } else {
    return hardSplit(text, start, end, o);
  }
  // A level that found nothing to split on goes down a level rather than returning the span unsplit.
  if (spans.length <= 1) return split(text, start, end, o, (level + 1) as 1 | 2);
  return spans.flatMap((s) => split(text, s.start, s.end, o, (level + 1) as 1 | 2));
}

/** Cuts by characters: each piece as long as fits, found by shrinking a guess, so it ends for any tokenizer. */
function hardSplit(text: string, start: number, end: number, o: ChunkOptions): Piece[] {
  const pieces: Piece[] = [];
  let at = start;
  let guess = Math.max(1, o.targetTokens * 4);
  while (at < end) {
    let len = Math.min(guess, end - at);
    let tokens = o.countTokens(text.slice(at, at + len));
    while (tokens > o.targetTokens && len > 1) {
      len = Math.max(1, Math.min(len - 1, Math.floor((len * o.targetTokens) / tokens)));
      tokens = o.countTokens(text.slice(at, at + len));
    }
    const cut = safeCut(text, at + len, at);
    if (cut !== at + len) tokens = o.countTokens(text.slice(at, cut));
    pieces.push({ start: at, end: cut, tokens, paragraphEnd: false });
    guess = Math.max(guess, len);
    at = cut;
  }
  return pieces;
}

/** Paragraphs (split at blank lines) of one section, each cut into pieces that fit. */
function piecesOf(text: string, start: number, end: number, o: ChunkOptions): Piece[] {
  const out: Piece[] = [];
  const re = /\n[^\S\n]*\n\s*/g;
  re.lastIndex = start;
  let at = start;
  for (;;) {
    const m = re.exec(text);
    const stop = m && m.index < end ? m.index : end;
    const span = trimSpan(text, at, stop);
    if (span) {
      const ps = split(text, span.start, span.end, o, 0);
      ps[ps.length - 1]!.paragraphEnd = true;
      out.push(...ps);
    }
    if (!m || m.index >= end) break;
    at = m.index + m[0].length;
  }
  return out;
}

/** A chunk as packed: its pieces' span and its own token count. */
interface Packed {
  start: number;
  end: number;
  tokens: number;
}

/**
 * Packs pieces into chunks of at most `targetTokens`. A chunk that must end mid-paragraph ends instead at the last
 * paragraph end that leaves it at least half full. Pieces are sized alone, so the chunk is counted again whole (a
 * tokenizer need not be additive) and gives back pieces until it fits. The next chunk starts with the last pieces
 * of this one that fit in `overlapTokens`, but always after this chunk's first piece, so packing always moves on.
 */
function pack(text: string, pieces: Piece[], o: ChunkOptions): Packed[] {
  const chunks: Packed[] = [];
  const count = (i: number, j: number): number =>
    i === j ? pieces[i]!.tokens : o.countTokens(text.slice(pieces[i]!.start, pieces[j]!.end));
  let i = 0;
  /** The first piece no chunk holds yet: every chunk takes at least this one. */
  let fresh = 0;
  while (fresh < pieces.length) {
    let sum = 0;
    for (let k = i; k <= fresh; k++) sum += pieces[k]!.tokens;
    if (sum > o.targetTokens) {
      i = fresh;
      sum = pieces[fresh]!.tokens;
    }
    let j = fresh;
    while (j + 1 < pieces.length && sum + pieces[j + 1]!.tokens <= o.targetTokens) sum += pieces[++j]!.tokens;
    if (j + 1 < pieces.length && !pieces[j]!.paragraphEnd) {
      let acc = sum;
      for (let k = j; k > fresh; k--) {
        acc -= pieces[k]!.tokens;
        if (acc < o.targetTokens / 2) break;
        if (pieces[k - 1]!.paragraphEnd) {
          j = k - 1;
          break;
        }
      }
    }
    let tokens = count(i, j);
    while (tokens > o.targetTokens && (j > fresh || i < fresh)) {
      if (j > fresh) j--;
      else i++;
      tokens = count(i, j);
    }
    chunks.push({ start: pieces[i]!.start, end: pieces[j]!.end, tokens });
    let next = j + 1;
    let overlap = 0;
    while (next - 1 > i && overlap + pieces[next - 1]!.tokens <= o.overlapTokens) overlap += pieces[--next]!.tokens;
    i = next;
    fresh = j + 1;
  }
  return chunks;
}

/** The heading path at each position: "A > B" from the headings that start at or before it, by level. */
function headingPaths(headings: ExtractedHeading[]): (at: number) => string | null {
  const sorted = [...headings].sort((a, b) => a.start - b.start);
  const paths: { start: number; path: string }[] = [];
  const stack: ExtractedHeading[] = [];
  for (const h of sorted) {
    while (stack.length && stack[stack.length - 1]!.level >= h.level) stack.pop();
    stack.push(h);
    paths.push({ start: h.start, path: stack.map((s) => s.title.trim()).join(' > ') });
  }
  return (at) => lastAtOrBefore(paths, at)?.path ?? null;
}

function lastAtOrBefore<T extends { start: number }>(list: T[], at: number): T | undefined {
  let lo = 0;
  let hi = list.length - 1;
  let found: T | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.start <= at) {
      found = list[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * Cuts a document's text into passages for the index. Sections end where a heading or a page starts, so each chunk
 * has one heading path and one page (citations name the page exactly); inside a section, chunks end at paragraph,
 * then sentence, then word boundaries. Offsets are exact: `text === doc.text.slice(charStart, charEnd)`.
 */
export function chunkText(doc: ExtractedText, o: ChunkOptions): ChunkDraft[] {
  if (!(o.targetTokens >= 1)) throw new RangeError('targetTokens must be at least 1');
  const options = { ...o, overlapTokens: Math.max(0, Math.min(o.overlapTokens, Math.floor(o.targetTokens / 2))) };
  const pages = [...(doc.pages ?? [])].sort((a, b) => a.start - b.start);
  const cuts = new Set<number>([0, doc.text.length]);
  for (const p of pages) if (p.start > 0 && p.start < doc.text.length) cuts.add(p.start);
  for (const h of doc.headings) if (h.start > 0 && h.start < doc.text.length) cuts.add(h.start);
  const bounds = [...cuts].sort((a, b) => a - b);
  const heading = headingPaths(doc.headings);
  const out: ChunkDraft[] = [];
  for (let s = 0; s + 1 < bounds.length; s++) {
    for (const c of pack(doc.text, piecesOf(doc.text, bounds[s]!, bounds[s + 1]!, options), options)) {
      out.push({
        ord: out.length,
        text: doc.text.slice(c.start, c.end),
        charStart: c.start,
        charEnd: c.end,
        page: pages.length ? (lastAtOrBefore(pages, c.start) ?? pages[0]!).page : null,
        headingPath: heading(c.start),
        tokens: c.tokens,
      });
    }
  }
  return out;
}
