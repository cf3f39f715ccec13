import type Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../electron/db/open';
import { forkSpawner } from '../../../electron/inference/forkSpawner';
import { InferenceHost } from '../../../electron/inference/host';
import { chunkText, estimateTokens } from '../../../electron/rag/chunker';
import { extractFile } from '../../../electron/rag/extract/extractFile';
import { ChunkIndex } from '../../../electron/rag/index/chunkIndex';
import { EmbeddingClient } from '../../../electron/rag/ingest/embeddingClient';
import { CHUNK_OVERLAP, CHUNK_TOKENS } from '../../../electron/rag/ingest/ingestEngine';
import type { ChunkDraft } from '../../../electron/rag/ports';
import { Retriever } from '../../../electron/rag/retriever';
import { Scheduler } from '../../../electron/scheduler/scheduler';
import type { Passage } from '../../../shared/rag';
import { type Corpus, isAnswerHit, measureRecall, type RecallReport, writeCorpus } from '../../helpers/corpus';
import { tempDir, tinyModel, WORKER_PATH } from '../../helpers/fixtures';

/**
 * recall@5 over the fixture corpus (test/helpers/corpus.ts): its files read by the real extractors, cut by the real
 * chunker with ingestion's sizes, written by the real index, searched by the real retriever; keyword-only, then hybrid
 * with the vectors of the 1M tiny model through the real engine. The tiny model's weights are random, so its
 * vectors carry no meaning: the hybrid figure shows what fusion costs or keeps with a vector list that is noise,
 * not what a real embedding model adds for the questions asked in other words.
 */

let corpus: Corpus;
let cleanup: () => void;
let db: Database.Database;
let index: ChunkIndex;
let host: InferenceHost;
let scheduler: Scheduler;
let model: string;
const drafts = new Map<string, ChunkDraft[]>();
const reports: Record<string, RecallReport> = {};

const percent = (x: number): string => `${Math.round(x * 100)}%`;
const describeReport = (name: string, r: RecallReport): string =>
  `recall@${r.k} ${name}: ${percent(r.recall)} (keyword questions ${percent(r.keywordRecall)}, asked in other words ${percent(r.synonymRecall)}); missed: ${r.missed.join(', ') || 'none'}`;

beforeAll(async () => {
  const t = tempDir('hearth-retrieval-');
  cleanup = t.cleanup;
  corpus = await writeCorpus(t.dir);
  ({ db } = openDatabase(join(t.dir, 'hearth.db')));
  index = new ChunkIndex(db);
  db.exec(`
    INSERT INTO collections (id, name, created_at, updated_at) VALUES ('kw', 'Keywords', 1, 1), ('hy', 'Hybrid', 1, 1);
    INSERT INTO collection_sources (id, collection_id, kind, path, watch, added_at)
      VALUES ('s-kw', 'kw', 'folder', '${t.dir}', 0, 1), ('s-hy', 'hy', 'folder', '${t.dir}', 0, 1);
  `);
  model = tinyModel(t.dir, 'embed-1m.gguf');
  host = new InferenceHost(forkSpawner(WORKER_PATH), { gpu: 'off' });
  scheduler = new Scheduler(host, { loadOptions: () => ({ contextSize: 1024, threads: 1 }) });
  // Sized as ingestion sizes them: the estimate scaled by what the embedding model's tokenizer makes of the file.
  const client = new EmbeddingClient(scheduler, 'test');
  const signal = new AbortController().signal;
  const dims = await client.dimensions(model, signal);
  if (dims !== 128) throw new Error(`the 1M tiny model embeds in ${dims} dimensions, not 128`);
  const addDocument = db.prepare(
    "INSERT INTO documents (id, collection_id, source_id, path, size_bytes, mtime_ms, status, updated_at) VALUES (?, ?, ?, ?, 1, 1, 'indexed', 1)",
  );
  for (const f of corpus.files) {
    const result = await extractFile(f.path);
    if (!result.ok) continue;
    const countTokens = await client.counter(result.value.text, estimateTokens, signal);
    const chunks = chunkText(result.value, { targetTokens: CHUNK_TOKENS, overlapTokens: CHUNK_OVERLAP, countTokens });
    drafts.set(f.name, chunks);
    for (const c of ['kw', 'hy']) {
      addDocument.run(`${c}:${f.name}`, c, `s-${c}`, f.path);
      index.replaceDocument({ documentId: `${c}:${f.name}`, collectionId: c, chunks, vectors: null });
    }
  }

  for (const name of drafts.keys()) {
    const stored = index.chunkTexts(`hy:${name}`);
    const { vectors } = await scheduler.embed({ client: 'test', priority: 'background', model, texts: stored.map((s) => s.text) });
    index.writeVectors(
      'hy',
      stored.map((s, i) => ({ chunkId: s.id, vector: vectors[i]! })),
    );
  }
  db.prepare("UPDATE collections SET embedding_model = ?, dimensions = 128 WHERE id = 'hy'").run(model);
}, 120_000);

afterAll(async () => {
  await host?.dispose(2000);
  db?.close();
  cleanup?.();
  for (const [name, r] of Object.entries(reports)) console.log(describeReport(name, r));
});

const search =
  (retriever: Retriever, collection: string) =>
  async (question: string): Promise<Passage[]> =>
    retriever.search([collection], question, 5);

describe('retrieval over the fixture corpus', () => {
  it('cuts every readable corpus file into chunks, PDFs by page and the 100,000-letter word into pieces', () => {
    expect(drafts.size).toBe(corpus.files.filter((f) => f.expect.status === 'indexed').length);
    const pdfPages = drafts.get('harbour-report.pdf')!.map((c) => c.page);
    expect(new Set(pdfPages)).toEqual(new Set([1, 2, 3]));
    // The 100,000-character word is cut, and the sentence after it is still a passage of its own.
    const long = drafts.get('long-word.txt')!;
    // (Booleans and counts only: a failing comparison of 100,000 letters would drown the report.)
    const pieces = long.filter((c) => c.text.startsWith('w'));
    expect(pieces.length).toBeGreaterThan(10);
    expect(pieces.map((c) => c.text.split('\n')[0]!).join('') === 'w'.repeat(100_000)).toBe(true);
    expect(long.at(-1)!.text.endsWith('chimes thirteen times at noon.')).toBe(true);
  });

  it('finds every question asked in the passage’s own words in the first five by keyword search alone, and reports recall@5', async () => {
    const retriever = new Retriever({ db, scheduler, index, embeddingModel: () => null });
    const report = await measureRecall(search(retriever, 'kw'), 5);
    reports['keyword-only'] = report;
    expect(report.keywordRecall).toBe(1);
    // Keyword search finds an answer asked in other words only by luck: a shared common word at most.
    expect(report.synonymRecall).toBeLessThan(0.5);
  });

  it('keeps every keyword hit in the first five when fused with the tiny model’s vectors, and reports hybrid recall@5', async () => {
    const texts: string[] = [];
    const spy: Pick<Scheduler, 'embed' | 'rank'> = {
      embed: (r) => {
        texts.push(...r.texts);
        return scheduler.embed(r);
      },
      rank: (r) => scheduler.rank(r),
    };
    const retriever = new Retriever({ db, scheduler: spy, index, embeddingModel: () => model });
    let vectorHits = 0;
    const report = await measureRecall(async (question) => {
      const passages = await retriever.search(['hy'], question, 5);
      vectorHits += passages.filter((p) => p.via.includes('vector')).length;
      return passages;
    }, 5);
    reports.hybrid = report;
    expect(texts).toHaveLength(corpus.questions.length);
    expect(vectorHits).toBeGreaterThan(0);
    expect(report.keywordRecall).toBe(1);
  });

  it('cites the page and heading where the answer stands', async () => {
    const retriever = new Retriever({ db, scheduler, index, embeddingModel: () => null });
    for (const q of corpus.questions.filter((x) => x.keyword)) {
      const hit = (await retriever.search(['kw'], q.question, 5)).find((p) => isAnswerHit(q, p))!;
      expect({ id: q.id, page: hit.page, heading: hit.heading?.split(' > ').at(-1) ?? null }).toEqual({
        id: q.id,
        page: q.page,
        heading: q.heading,
      });
    }
  });
});
