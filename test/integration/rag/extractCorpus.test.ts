import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../electron/db/open';
import { extractFile } from '../../../electron/rag/extract/extractFile';
import type { ExtractedText } from '../../../electron/rag/ports';
import { type Corpus, type CorpusQuestion, isAnswerHit, measureRecall, NEVER_INDEXED, writeCorpus } from '../../helpers/corpus';
import { tempDir } from '../../helpers/fixtures';

/**
 * The fixture corpus, read by the real extractors: every file ends as the corpus says, and every question's answer
 * is where the question set says. The claims about keyword search are checked with FTS5 itself, through the real
 * migrations' `chunks_fts` (one chunk per PDF page, one per other file).
 */

const STOPWORDS = new Set(
  'a an and are as at be by did do s does for from how in into is it its many much of on or the their there to was what when where which who why with'.split(
    ' ',
  ),
);

/** Words as FTS5's unicode61 tokenizer sees them, less the stopwords. */
const words = (s: string): string[] =>
  (
    s
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  ).filter((w) => !STOPWORDS.has(w));

let corpus: Corpus;
let cleanup: () => void;
const extracted = new Map<string, ExtractedText>();
let db: Database.Database;

interface Chunk {
  file: string;
  page: number | null;
  text: string;
}

beforeAll(async () => {
  const t = tempDir('hearth-corpus-');
  cleanup = t.cleanup;
  corpus = await writeCorpus(t.dir, { injectionUrl: 'http://127.0.0.1:9/pixel.png' });
  for (const f of corpus.files) {
    const result = await extractFile(f.path);
    if (result.ok) extracted.set(f.name, result.value);
  }
  ({ db } = openDatabase(':memory:'));
  db.prepare(`INSERT INTO collections (id, name, created_at, updated_at) VALUES ('c', 'corpus', 0, 0)`).run();
  db.prepare(`INSERT INTO collection_sources (id, collection_id, kind, path, watch, added_at) VALUES ('s', 'c', 'folder', ?, 0, 0)`).run(
    t.dir,
  );
  const addDocument = db.prepare(
    `INSERT INTO documents (id, collection_id, source_id, path, size_bytes, mtime_ms, status, updated_at) VALUES (?, 'c', 's', ?, 0, 0, 'indexed', 0)`,
  );
  const addChunk = db.prepare(
    `INSERT INTO chunks (document_id, collection_id, ord, text, char_start, char_end, page, tokens) VALUES (?, 'c', ?, ?, ?, ?, ?, 0)`,
  );
  for (const [name, value] of extracted) {
    addDocument.run(name, name);
    const pages = value.pages ?? [{ page: 0, start: 0 }];
    pages.forEach((p, i) => {
      const end = pages[i + 1]?.start ?? value.text.length;
      addChunk.run(name, i, value.text.slice(p.start, end), p.start, end, value.pages ? p.page : null);
    });
  }
});

afterAll(() => {
  db?.close();
  cleanup?.();
});

/** FTS5's best five chunks for the question's words, any of them (what a keyword retriever does at its simplest). */
function keywordSearch(question: string): Chunk[] {
  const query = [...new Set(words(question))].map((w) => `"${w}"`).join(' OR ');
  return db
    .prepare<[string], { file: string; page: number | null; text: string }>(
      `SELECT c.document_id AS file, c.page, c.text FROM chunks_fts f JOIN chunks c ON c.id = f.rowid
       WHERE chunks_fts MATCH ? ORDER BY bm25(chunks_fts) LIMIT 5`,
    )
    .all(query);
}

/** Where the evidence starts in the file's text, line breaks and all. */
function evidenceAt(q: CorpusQuestion): number {
  const text = extracted.get(q.file)?.text ?? '';
  const pattern = new RegExp(q.evidence.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+'));
  return text.search(pattern);
}

describe('the fixture corpus', () => {
  it('ends every file with the status it expects, with the reason it expects', async () => {
    // The expected reason is a part of the real one: shown as expected when it is in there, else the real one.
    const seen = await Promise.all(
      corpus.files.map(async (f) => {
        const result = await extractFile(f.path);
        if (result.ok) return { name: f.name, status: 'indexed' };
        const wantedReason = f.expect.status === 'indexed' ? null : f.expect.reason;
        return {
          name: f.name,
          status: result.status,
          reason: wantedReason !== null && result.reason.includes(wantedReason) ? wantedReason : result.reason,
        };
      }),
    );
    const wanted = corpus.files.map((f) => ({ name: f.name, ...f.expect }));
    expect(seen).toEqual(wanted);
    expect(corpus.files.filter((f) => f.expect.status !== 'indexed')).toHaveLength(7);
  });

  it('gives each PDF its pages and keeps the museum page script out of the text', () => {
    const pdfs = corpus.files.filter((f) => f.pages !== undefined);
    expect(pdfs.map((f) => [f.name, extracted.get(f.name)?.pages?.length])).toEqual(pdfs.map((f) => [f.name, f.pages]));
    expect(pdfs).toHaveLength(2);
    const museum = extracted.get('museum.html')!.text;
    expect(museum).toContain('bronze astrolabe');
    expect(museum).not.toContain(NEVER_INDEXED);
  });

  it('has about twenty questions, some for keyword search and some in other words only', () => {
    expect(corpus.questions.length).toBeGreaterThanOrEqual(18);
    expect(corpus.questions.filter((q) => q.keyword).length).toBeGreaterThanOrEqual(8);
    expect(corpus.questions.filter((q) => !q.keyword).length).toBeGreaterThanOrEqual(6);
    expect(new Set(corpus.questions.map((q) => q.id)).size).toBe(corpus.questions.length);
  });

  it('holds each answer once, in its file, on its page and under its heading', () => {
    for (const q of corpus.questions) {
      const value = extracted.get(q.file);
      const at = evidenceAt(q);
      const page = value?.pages?.findLast((p) => p.start <= at)?.page ?? null;
      const heading = value?.headings.findLast((h) => h.start <= at)?.title ?? null;
      expect({ id: q.id, found: at >= 0, page, heading }).toEqual({ id: q.id, found: true, page: q.page, heading: q.heading });
      const elsewhere = [...extracted].filter(([name, v]) => name !== q.file && v.text.replace(/\s+/g, ' ').includes(q.evidence));
      expect({ id: q.id, elsewhere: elsewhere.map(([name]) => name) }).toEqual({ id: q.id, elsewhere: [] });
    }
  });

  it('asks its synonym questions in words none of which are in the answer file', () => {
    for (const q of corpus.questions.filter((x) => !x.keyword)) {
      const fileWords = new Set(words(extracted.get(q.file)!.text));
      expect({ id: q.id, shared: words(q.question).filter((w) => fileWords.has(w)) }).toEqual({ id: q.id, shared: [] });
    }
  });

  it('lets FTS5 find every keyword question in its top five and none of the synonym questions', async () => {
    const asChunks = async (question: string): Promise<{ fileName: string; page: number | null; text: string }[]> =>
      keywordSearch(question).map((c) => ({ fileName: c.file, page: c.page, text: c.text }));
    const report = await measureRecall(asChunks, 5);
    expect(report.keywordRecall).toBe(1);
    expect(report.synonymRecall).toBe(0);
    expect(report.missed.sort()).toEqual(
      corpus.questions
        .filter((q) => !q.keyword)
        .map((q) => q.id)
        .sort(),
    );
  });

  it('counts a hit only for the right file, page and answer text', () => {
    const q = corpus.questions.find((x) => x.id === 'vessels')!;
    const passage = { fileName: 'harbour-report.pdf', page: 2, text: 'the port of Ostrel handled 8,640\ncontainer vessels' };
    expect(isAnswerHit(q, passage)).toBe(true);
    expect(isAnswerHit(q, { ...passage, page: 3 })).toBe(false);
    expect(isAnswerHit(q, { ...passage, fileName: 'notes.txt' })).toBe(false);
    expect(isAnswerHit(q, { ...passage, text: 'Ostrel handled many vessels' })).toBe(false);
  });
});
