import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../electron/db/open';
import { forkSpawner } from '../../electron/inference/forkSpawner';
import { InferenceHost } from '../../electron/inference/host';
import { chunkText, estimateTokens } from '../../electron/rag/chunker';
import { ChunkIndex } from '../../electron/rag/index/chunkIndex';
import { listVectorTables } from '../../electron/rag/index/vectorTables';
import { Retriever } from '../../electron/rag/retriever';
import { Scheduler } from '../../electron/scheduler/scheduler';
import { AppError } from '../../shared/errors';
import { tempDir, tinyModel, WORKER_PATH } from '../helpers/fixtures';

/**
 * The real embedding path on the 1M tiny model: chunks embedded through the scheduler and the inference process,
 * stored in sqlite-vec, searched by the retriever with the query prefix, fused with keyword search, and reranked by
 * the tiny reranker (which scores a text by how much it mentions its favored word). The tiny embedding model's
 * weights are random, so which chunk is "near" a query means nothing; what is checked is the mechanics.
 */

const PASSAGES = [
  'The damper above the firebox must be open before the kindling is lit.',
  'Birch logs burn hot and fast; oak burns slowly and holds its heat.',
  'A chimney sweep should brush the flue once a year to clear the soot.',
  'Ash cools for two days in a metal bucket before it goes on the garden.',
  'The hearth rug is wool, so a stray spark only smoulders on it.',
  'Glass doors keep the draught steady and the room free of smoke.',
];
const PREFIXES = { query: 'search_query: ', document: 'search_document: ' };

let dir: string;
let cleanup: () => void;
let embedder: string;
let otherEmbedder: string;
let ranker: string;
let host: InferenceHost;
let scheduler: Scheduler;
let db: Database.Database;
let index: ChunkIndex;
const embedded: string[] = [];
/** The scheduler, with every text sent to be embedded written down. */
let spy: Pick<Scheduler, 'embed' | 'rank'>;

async function embed(texts: string[]): Promise<number[][]> {
  return (await scheduler.embed({ client: 'test', priority: 'background', model: embedder, texts })).vectors;
}

const cosine = (a: number[], b: number[]): number => {
  let dot = 0;
  let na = 0;
  let nb = 0;
  a.forEach((x, i) => {
    dot += x * b[i]!;
    na += x * x;
    nb += b[i]! * b[i]!;
  });
  return dot / Math.sqrt(na * nb);
};

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('hearth-rag-model-'));
  embedder = tinyModel(dir, 'embed-1m.gguf');
  otherEmbedder = tinyModel(dir, 'embed-other.gguf', { favor: 'fire' });
  ranker = tinyModel(dir, 'ranks-hearth.gguf', { ranker: true, favor: 'hearth' });
  host = new InferenceHost(forkSpawner(WORKER_PATH), { gpu: 'off' });
  scheduler = new Scheduler(host, { loadOptions: () => ({ contextSize: 1024, threads: 1 }) });
  spy = {
    embed: (r) => {
      embedded.push(...r.texts);
      return scheduler.embed(r);
    },
    rank: (r) => scheduler.rank(r),
  };
  ({ db } = openDatabase(`${dir}/hearth.db`));
  index = new ChunkIndex(db);
  db.exec(`
    INSERT INTO collections (id, name, embedding_model, dimensions, created_at, updated_at) VALUES ('fire', 'Fire', '${embedder}', 128, 1, 1);
    INSERT INTO collections (id, name, embedding_model, dimensions, created_at, updated_at) VALUES ('old', 'Old', '${otherEmbedder}', 128, 1, 1);
    INSERT INTO collection_sources (id, collection_id, kind, path, watch, added_at) VALUES ('s1', 'fire', 'folder', '/docs', 0, 1), ('s2', 'old', 'folder', '/old', 0, 1);
    INSERT INTO documents (id, collection_id, source_id, path, size_bytes, mtime_ms, status, updated_at) VALUES ('d1', 'fire', 's1', '/docs/stove.md', 1, 1, 'indexed', 1);
    INSERT INTO documents (id, collection_id, source_id, path, size_bytes, mtime_ms, status, updated_at) VALUES ('d2', 'old', 's2', '/old/notes.md', 1, 1, 'indexed', 1);
  `);
  const chunks = chunkText(
    { text: PASSAGES.join('\n\n'), pages: null, headings: [] },
    { targetTokens: 30, overlapTokens: 0, countTokens: estimateTokens },
  );
  if (chunks.map((c) => c.text).join('|') !== PASSAGES.join('|')) throw new Error('each passage should be a chunk of its own');
  index.replaceDocument({
    documentId: 'd1',
    collectionId: 'fire',
    chunks,
    vectors: await embed(chunks.map((c) => PREFIXES.document + c.text)),
  });
  // A collection whose vectors came from another model: a query embedded by this one cannot be compared with them.
  const old = chunkText(
    { text: 'The old stove notes mention the damper too.', pages: null, headings: [] },
    { targetTokens: 50, overlapTokens: 0, countTokens: estimateTokens },
  );
  index.replaceDocument({ documentId: 'd2', collectionId: 'old', chunks: old, vectors: await embed(old.map((c) => c.text)) });
}, 120_000);

afterAll(async () => {
  await host?.dispose(2000);
  db?.close();
  cleanup?.();
});

describe('retrieval on the real embedding path (1M tiny model)', () => {
  it('stores one 128-dimension vector per chunk, keyed by the chunk id, in the collection’s partition', () => {
    expect(listVectorTables(db)).toEqual([{ name: 'vec_chunks_128', dims: 128, kind: 'binary' }]);
    const rows = db
      .prepare('SELECT v.rowid AS id, v.collection_id AS c, c.collection_id AS owner FROM vec_chunks_128 v JOIN chunks c ON c.id = v.rowid')
      .all() as {
      id: number;
      c: string;
      owner: string;
    }[];
    expect(rows).toHaveLength(PASSAGES.length + 1);
    for (const r of rows) expect(r.c).toBe(r.owner);
  });

  it('embeds the query with the model’s query prefix and finds its nearest chunk by vector, beside the keyword hits', async () => {
    const question = 'When should the damper be opened?';
    embedded.length = 0;
    const retriever = new Retriever({ db, scheduler: spy, index, embeddingModel: () => embedder, prefixes: () => PREFIXES });
    const passages = await retriever.search(['fire'], question, PASSAGES.length);
    expect(embedded).toEqual([`search_query: ${question}`]);

    // The nearest chunk, worked out here from the same model's vectors, is the vector search's first.
    const [q] = await embed([PREFIXES.query + question]);
    const stored = await embed(PASSAGES.map((p) => PREFIXES.document + p));
    const nearest = PASSAGES[stored.map((v, i) => [cosine(v, q!), i] as const).sort((a, b) => b[0] - a[0])[0]![1]]!;
    expect(index.vectorSearch(['fire'], q!, 1).map((n) => index.chunkTexts('d1').find((c) => c.id === n.id)?.text)).toEqual([nearest]);

    expect(passages.find((p) => p.text === PASSAGES[0])!.via).toContain('keyword');
    expect(passages.find((p) => p.text === nearest)!.via).toContain('vector');
    expect(passages.filter((p) => p.via.includes('vector'))).toHaveLength(PASSAGES.length);
    expect(passages.every((p) => p.collectionId === 'fire' && p.fileName === 'stove.md')).toBe(true);
  });

  it('searches a collection embedded with another model, or with no model chosen, by keyword alone', async () => {
    embedded.length = 0;
    const retriever = new Retriever({ db, scheduler: spy, index, embeddingModel: () => embedder });
    const mixed = await retriever.search(['fire', 'old'], 'damper', 10);
    expect(mixed.filter((p) => p.collectionId === 'old').map((p) => p.via)).toEqual([['keyword']]);
    expect(mixed.some((p) => p.collectionId === 'fire' && p.via.includes('vector'))).toBe(true);
    expect(embedded).toHaveLength(1);

    embedded.length = 0;
    const oldOnly = await retriever.search(['old'], 'damper', 10);
    expect(oldOnly.map((p) => p.via)).toEqual([['keyword']]);
    const none = await new Retriever({ db, scheduler: spy, index, embeddingModel: () => null }).search(['fire'], 'damper', 10);
    expect(none.map((p) => [p.text, p.via])).toEqual([[PASSAGES[0], ['keyword']]]);
    expect(embedded).toEqual([]);
  });

  it('reranks the fused passages with the ranking model, by its scores', async () => {
    const retriever = new Retriever({ db, scheduler: spy, index, embeddingModel: () => embedder, reranker: () => ranker });
    const passages = await retriever.search(['fire'], 'what about the fire', 3);
    expect(passages).toHaveLength(3);
    // The tiny reranker scores by mentions of "hearth": the one passage that has it comes first, above even.
    expect(passages[0]!.text).toBe(PASSAGES[4]);
    expect(passages[0]!.score).toBeGreaterThan(0.5);
    expect(passages.every((p) => p.via.includes('rerank'))).toBe(true);
    expect(passages.slice(1).every((p) => p.score <= passages[0]!.score)).toBe(true);
  });

  it('keeps the fused order when the reranker cannot rank (a model without a ranking head)', async () => {
    const plain = new Retriever({ db, scheduler: spy, index, embeddingModel: () => embedder });
    const fallback = new Retriever({
      db,
      scheduler: spy,
      index,
      embeddingModel: () => embedder,
      reranker: () => otherEmbedder,
      rerankPool: 3,
    });
    const expected = await plain.search(['fire'], 'damper soot', 3);
    expect(await fallback.search(['fire'], 'damper soot', 3)).toEqual(expected);
  });

  it('stops with CANCELLED when the search is cancelled, rather than searching by keyword', async () => {
    const retriever = new Retriever({ db, scheduler: spy, index, embeddingModel: () => embedder });
    const controller = new AbortController();
    controller.abort(new AppError('CANCELLED', 'The user went away.'));
    await expect(retriever.search(['fire'], 'damper', 3, { signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
