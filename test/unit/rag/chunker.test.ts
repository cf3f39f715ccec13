import { describe, expect, it } from 'vitest';
import { type ChunkOptions, chunkText, estimateTokens } from '../../../electron/rag/chunker';
import type { ChunkDraft, ExtractedText } from '../../../electron/rag/ports';

const doc = (text: string, extra: Partial<ExtractedText> = {}): ExtractedText => ({ text, pages: null, headings: [], ...extra });
const opts = (targetTokens: number, overlapTokens = 0, countTokens = estimateTokens): ChunkOptions => ({
  targetTokens,
  overlapTokens,
  countTokens,
});

/** mulberry32: seeded, so a failing case can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = 'hearth ember kindling chimney flue damper grate andiron soot ash log oak birch draught spark flame'.split(' ');

/** Paragraphs of sentences of words, with the odd long word, blank lines and stray whitespace. */
function randomText(random: () => number): string {
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!;
  const paragraphs: string[] = [];
  for (let p = 0, n = 1 + Math.floor(random() * 8); p < n; p++) {
    const sentences: string[] = [];
    for (let s = 0, m = 1 + Math.floor(random() * 6); s < m; s++) {
      const words = Array.from({ length: 1 + Math.floor(random() * 25) }, () => (random() < 0.02 ? 'x'.repeat(200) : pick(WORDS)));
      sentences.push(`${words.join(' ')}.`);
    }
    paragraphs.push(sentences.join(random() < 0.5 ? ' ' : '  '));
  }
  return `${random() < 0.3 ? '\n  ' : ''}${paragraphs.join(random() < 0.5 ? '\n\n' : '\n \n\n')}${random() < 0.3 ? '\n\n' : ''}`;
}

/** The invariants every chunking must keep, whatever the text and options. */
function checkInvariants(d: ExtractedText, chunks: ChunkDraft[], o: ChunkOptions): void {
  chunks.forEach((c, i) => {
    expect(c.ord).toBe(i);
    expect(c.text).toBe(d.text.slice(c.charStart, c.charEnd));
    expect(c.text).toBe(c.text.trim());
    expect(c.text.length).toBeGreaterThan(0);
    expect(c.tokens).toBe(o.countTokens(c.text));
    expect(c.tokens).toBeLessThanOrEqual(o.targetTokens);
  });
  // Each chunk starts and ends after the one before it (overlap repeats an end, never a whole chunk).
  const backwards = chunks.filter((c, i) => i > 0 && (c.charStart <= chunks[i - 1]!.charStart || c.charEnd <= chunks[i - 1]!.charEnd));
  expect(backwards.map((c) => c.ord)).toEqual([]);
  // Every character that is not whitespace is in at least one chunk.
  const covered = new Uint8Array(d.text.length);
  for (const c of chunks) covered.fill(1, c.charStart, c.charEnd);
  const missed: number[] = [];
  for (let i = 0; i < d.text.length; i++) if (!covered[i] && !/\s/.test(d.text[i]!)) missed.push(i);
  expect(missed).toEqual([]);
}

describe('estimateTokens', () => {
  it('counts about four letters per token, a token per punctuation mark and per character of unspaced scripts', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('   \n ')).toBe(0);
    expect(estimateTokens('a')).toBe(1);
    expect(estimateTokens('fire')).toBe(1);
    expect(estimateTokens('fireplace')).toBe(3);
    expect(estimateTokens('Hello, world!')).toBe(6);
    expect(estimateTokens('暖炉の火')).toBe(4);
  });

  it('never counts a whole as more than the sum of its parts', () => {
    const random = rng(7);
    for (let i = 0; i < 50; i++) {
      const t = randomText(random);
      const cut = Math.floor(random() * t.length);
      expect(estimateTokens(t)).toBeLessThanOrEqual(estimateTokens(t.slice(0, cut)) + estimateTokens(t.slice(cut)));
    }
  });
});

describe('chunkText', () => {
  it('returns no chunk for an empty or blank document', () => {
    expect(chunkText(doc(''), opts(50))).toEqual([]);
    expect(chunkText(doc(' \n\n \t'), opts(50))).toEqual([]);
  });

  it('keeps a short document whole, with its exact offsets', () => {
    const d = doc('\n\n  The flue must be open before lighting.  \n');
    expect(chunkText(d, opts(50))).toEqual([
      { ord: 0, text: 'The flue must be open before lighting.', charStart: 4, charEnd: 42, page: null, headingPath: null, tokens: 10 },
    ]);
  });

  it('ends chunks at paragraph boundaries when the paragraphs fit', () => {
    const p = (w: string): string => Array.from({ length: 12 }, () => w).join(' ');
    const d = doc([p('oak'), p('ash'), p('elm'), p('yew')].join('\n\n'));
    const chunks = chunkText(d, opts(30));
    expect(chunks.map((c) => c.text)).toEqual([`${p('oak')}\n\n${p('ash')}`, `${p('elm')}\n\n${p('yew')}`]);
  });

  it('splits a long paragraph at sentence boundaries, never inside a sentence that fits', () => {
    const sentences = Array.from({ length: 20 }, (_, i) => `Sentence ${i} says the grate holds the logs above the ash.`);
    const d = doc(sentences.join(' '));
    const chunks = chunkText(d, opts(40));
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) expect(c.text).toMatch(/^Sentence \d+ .*\.$/s);
    checkInvariants(d, chunks, opts(40));
  });

  it('repeats the end of a chunk at the start of the next when overlap is asked for, and not otherwise', () => {
    const d = doc(Array.from({ length: 30 }, (_, i) => `Fact ${i} is about kindling.`).join(' '));
    const plain = chunkText(d, opts(30));
    const overlapped = chunkText(d, opts(30, 10));
    for (let i = 1; i < plain.length; i++) expect(plain[i]!.charStart).toBeGreaterThanOrEqual(plain[i - 1]!.charEnd);
    expect(overlapped.length).toBeGreaterThan(plain.length);
    for (let i = 1; i < overlapped.length; i++) {
      const prev = overlapped[i - 1]!;
      const cur = overlapped[i]!;
      expect(cur.charStart).toBeLessThan(prev.charEnd);
      expect(estimateTokens(d.text.slice(cur.charStart, prev.charEnd))).toBeLessThanOrEqual(10);
    }
    checkInvariants(d, overlapped, opts(30, 10));
  });

  it('gives each chunk the page it starts on, and never lets a chunk cross into the next page', () => {
    const pageText = ['First page talks about oak.', 'Second page talks about birch and ash.', 'Third page is about soot.'];
    const text = pageText.join('\n');
    const starts = [0, pageText[0]!.length + 1, pageText[0]!.length + pageText[1]!.length + 2];
    const d = doc(text, { pages: starts.map((start, i) => ({ page: i + 1, start })) });
    const chunks = chunkText(d, opts(500));
    expect(chunks.map((c) => [c.page, c.text])).toEqual([
      [1, pageText[0]],
      [2, pageText[1]],
      [3, pageText[2]],
    ]);
  });

  it('names the heading path of each chunk from the headings before it, by level', () => {
    const parts = [
      '# Stoves',
      'Intro text.',
      '## Cleaning',
      'Brush the flue.',
      '### Tools',
      'A wire brush.',
      '## Lighting',
      'Open the damper.',
      '# Fireplaces',
      'Open hearths.',
    ];
    const text = parts.join('\n\n');
    let at = 0;
    const headings = parts.flatMap((p) => {
      const start = text.indexOf(p, at);
      at = start + p.length;
      const m = /^(#+) (.*)$/.exec(p);
      return m ? [{ level: m[1]!.length, title: m[2]!, start }] : [];
    });
    const chunks = chunkText(doc(text, { headings }), opts(500));
    expect(chunks.map((c) => [c.headingPath, c.text])).toEqual([
      ['Stoves', '# Stoves\n\nIntro text.'],
      ['Stoves > Cleaning', '## Cleaning\n\nBrush the flue.'],
      ['Stoves > Cleaning > Tools', '### Tools\n\nA wire brush.'],
      ['Stoves > Lighting', '## Lighting\n\nOpen the damper.'],
      ['Fireplaces', '# Fireplaces\n\nOpen hearths.'],
    ]);
  });

  it('gives text before the first heading no heading path, and text before the first page the first page', () => {
    const d = doc('Preface words.\n\n# Title\n\nBody.', {
      headings: [{ level: 1, title: 'Title', start: 16 }],
      pages: [{ page: 3, start: 16 }],
    });
    const chunks = chunkText(d, opts(500));
    expect(chunks.map((c) => [c.page, c.headingPath, c.text])).toEqual([
      [3, null, 'Preface words.'],
      [3, 'Title', '# Title\n\nBody.'],
    ]);
  });

  it('cuts a 100,000-character word into chunks that fit, and they join back into the word', () => {
    const word = 'z'.repeat(100_000);
    const d = doc(`Before.\n\n${word}\n\nAfter.`);
    const chunks = chunkText(d, opts(200, 40));
    const middle = chunks.filter((c) => c.text.startsWith('z'));
    expect(middle.length).toBeGreaterThanOrEqual(Math.ceil(100_000 / 800));
    expect(middle.map((c) => c.text).join('')).toBe(word);
    expect(chunks[0]!.text).toBe('Before.');
    expect(chunks.at(-1)!.text).toBe('After.');
    checkInvariants(d, chunks, opts(200, 40));
  });

  it('sizes a paragraph of 50,000 sentences with a few token counts per sentence', () => {
    let calls = 0;
    const counting = (t: string): number => {
      calls++;
      return estimateTokens(t);
    };
    const d = doc('The flue is open. '.repeat(50_000));
    const chunks = chunkText(d, opts(200, 40, counting));
    expect(chunks.length).toBeGreaterThan(1000);
    expect(calls).toBeLessThan(4 * 50_000);
    checkInvariants(d, chunks, opts(200, 40));
  });

  it('cuts text in a script without spaces, and never between the halves of a surrogate pair', () => {
    const d = doc('暖炉🔥'.repeat(3000));
    const chunks = chunkText(d, opts(50));
    expect(chunks.length).toBeGreaterThan(10);
    for (const c of chunks) expect(c.text).not.toMatch(/^[\udc00-\udfff]|[\ud800-\udbff]$/);
    checkInvariants(d, chunks, opts(50));
  });

  it('sizes chunks with the tokenizer it is given', () => {
    const byChars = (t: string): number => t.length;
    const d = doc('one two three four five six seven eight nine ten eleven twelve');
    const chunks = chunkText(d, opts(20, 0, byChars));
    for (const c of chunks) expect(c.text.length).toBeLessThanOrEqual(20);
    expect(chunks.map((c) => c.text)).toEqual(['one two three four', 'five six seven eight', 'nine ten eleven', 'twelve']);
  });

  it('keeps its invariants on random documents with random sizes, overlaps, pages and headings', () => {
    const random = rng(42);
    let total = 0;
    for (let n = 0; n < 150; n++) {
      const text = randomText(random);
      const pages = random() < 0.5 ? null : [0, 0.3, 0.6].map((f, i) => ({ page: i + 1, start: Math.floor(text.length * f) }));
      const headings = random() < 0.5 ? [] : [{ level: 1, title: 'Top', start: Math.floor(text.length * random()) }];
      const d = doc(text, { pages, headings });
      const o = opts(5 + Math.floor(random() * 120), Math.floor(random() * 40));
      const chunks = chunkText(d, o);
      checkInvariants(d, chunks, o);
      const pageOf = (at: number): number | null => (pages ? ([...pages].reverse().find((p) => p.start <= at)?.page ?? 1) : null);
      const headingOf = (at: number): string | null => (headings.length && at >= headings[0]!.start ? 'Top' : null);
      expect(chunks.map((c) => [c.page, c.headingPath])).toEqual(chunks.map((c) => [pageOf(c.charStart), headingOf(c.charStart)]));
      total += chunks.length;
    }
    expect(total).toBeGreaterThan(150);
  });

  it('refuses a target of less than one token', () => {
    expect(() => chunkText(doc('text'), opts(0))).toThrow(RangeError);
  });
});
