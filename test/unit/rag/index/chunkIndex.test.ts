import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../electron/db/open';
import { ChunkIndex } from '../../../../electron/rag/index/chunkIndex';
import { listVectorTables } from '../../../../electron/rag/index/vectorTables';
import { AppError } from '../../../../shared/errors';
import { axisVector, drafts, seedCollection, seedDocument } from './seedIndex';

let db: Database.Database;
let index: ChunkIndex;

beforeEach(() => {
  db = openDatabase(':memory:').db;
  index = new ChunkIndex(db);
  seedCollection(db, 'a');
  seedCollection(db, 'b');
});
afterEach(() => db.close());

const count = (sql: string, ...params: unknown[]): number =>
  (db
    .prepare(sql)
    .pluck()
    .get(...params) as number) ?? 0;
const ftsHits = (word: string): number => count('SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ?', `"${word}"`);
const vectorRows = (dims: number): { id: number; collection: string }[] =>
  db
    .prepare<[], { id: number; collection: string }>(
      `SELECT rowid AS id, collection_id AS collection FROM vec_chunks_${dims} ORDER BY rowid`,
    )
    .all();

describe('ChunkIndex writes', () => {
  it('stores a document’s chunks with their offsets, page and heading, their words in FTS and their vectors by chunk id', () => {
    seedDocument(db, 'a', 'd1');
    const chunks = drafts(['The damper controls the draught.', 'Soot builds up in the flue.'], { page: 2, headingPath: 'Care > Chimney' });
    const ids = index.replaceDocument({ documentId: 'd1', collectionId: 'a', chunks, vectors: [axisVector(16, 0), axisVector(16, 1)] });
    expect(ids).toHaveLength(2);
    expect(
      db.prepare('SELECT id, ord, text, char_start, char_end, page, heading_path, collection_id FROM chunks ORDER BY ord').all(),
    ).toEqual([
      {
        id: ids[0],
        ord: 0,
        text: chunks[0]!.text,
        char_start: 0,
        char_end: 32,
        page: 2,
        heading_path: 'Care > Chimney',
        collection_id: 'a',
      },
      {
        id: ids[1],
        ord: 1,
        text: chunks[1]!.text,
        char_start: 34,
        char_end: 61,
        page: 2,
        heading_path: 'Care > Chimney',
        collection_id: 'a',
      },
    ]);
    expect(ftsHits('damper')).toBe(1);
    expect(vectorRows(16)).toEqual(ids.map((id) => ({ id, collection: 'a' })));
    expect(listVectorTables(db)).toEqual([{ name: 'vec_chunks_16', dims: 16, kind: 'binary' }]);
  });

  it('replaces a document’s chunks whole: the old words and vectors are gone', () => {
    seedDocument(db, 'a', 'd1');
    index.replaceDocument({
      documentId: 'd1',
      collectionId: 'a',
      chunks: drafts(['old andiron text', 'more old text']),
      vectors: [axisVector(16, 0), axisVector(16, 1)],
    });
    const ids = index.replaceDocument({
      documentId: 'd1',
      collectionId: 'a',
      chunks: drafts(['new grate text']),
      vectors: [axisVector(16, 2)],
    });
    expect(ftsHits('andiron')).toBe(0);
    expect(ftsHits('grate')).toBe(1);
    expect(vectorRows(16)).toEqual([{ id: ids[0], collection: 'a' }]);
  });

  it('stores chunks without vectors for a keyword-only collection', () => {
    seedDocument(db, 'a', 'd1');
    index.replaceDocument({ documentId: 'd1', collectionId: 'a', chunks: drafts(['kindling first']), vectors: null });
    expect(ftsHits('kindling')).toBe(1);
    expect(listVectorTables(db)).toEqual([]);
  });

  it('changes nothing when a vector is wrong: wrong length, not a number, or one missing', () => {
    seedDocument(db, 'a', 'd1');
    const before = index.replaceDocument({
      documentId: 'd1',
      collectionId: 'a',
      chunks: drafts(['kept text']),
      vectors: [axisVector(16, 0)],
    });
    const attempt = (vectors: number[][]): unknown => {
      try {
        index.replaceDocument({ documentId: 'd1', collectionId: 'a', chunks: drafts(['lost text', 'lost too']), vectors });
        return null;
      } catch (error) {
        return error;
      }
    };
    expect(attempt([axisVector(16, 0), axisVector(15, 0)])).toBeInstanceOf(AppError);
    expect(attempt([axisVector(16, 0), axisVector(16, 1).map(() => Number.NaN)])).toBeInstanceOf(AppError);
    expect(attempt([axisVector(16, 0)])).toBeInstanceOf(RangeError);
    expect(db.prepare('SELECT id, text FROM chunks').all()).toEqual([{ id: before[0], text: 'kept text' }]);
    expect(vectorRows(16)).toEqual([{ id: before[0], collection: 'a' }]);
  });

  it('deletes a document’s chunks with their words and vectors', () => {
    seedDocument(db, 'a', 'd1');
    seedDocument(db, 'a', 'd2');
    index.replaceDocument({
      documentId: 'd1',
      collectionId: 'a',
      chunks: drafts(['ember one', 'ember two']),
      vectors: [axisVector(16, 0), axisVector(16, 1)],
    });
    const keep = index.replaceDocument({
      documentId: 'd2',
      collectionId: 'a',
      chunks: drafts(['ember three']),
      vectors: [axisVector(16, 2)],
    });
    expect(index.deleteDocument('d1')).toBe(2);
    expect(ftsHits('ember')).toBe(1);
    expect(vectorRows(16)).toEqual([{ id: keep[0], collection: 'a' }]);
  });

  it('takes the vectors along when a document or a collection row is deleted (the cascades)', () => {
    seedDocument(db, 'a', 'd1');
    seedDocument(db, 'a', 'd2');
    seedDocument(db, 'b', 'd3');
    index.replaceDocument({ documentId: 'd1', collectionId: 'a', chunks: drafts(['one']), vectors: [axisVector(16, 0)] });
    index.replaceDocument({ documentId: 'd2', collectionId: 'a', chunks: drafts(['two']), vectors: [axisVector(16, 1)] });
    const other = index.replaceDocument({ documentId: 'd3', collectionId: 'b', chunks: drafts(['three']), vectors: [axisVector(16, 2)] });
    db.prepare("DELETE FROM documents WHERE id = 'd1'").run();
    expect(vectorRows(16).map((r) => r.collection)).toEqual(['a', 'b']);
    db.prepare("DELETE FROM collections WHERE id = 'a'").run();
    expect(vectorRows(16)).toEqual([{ id: other[0], collection: 'b' }]);
    expect(count('SELECT count(*) FROM chunks')).toBe(1);
  });

  it('never lets a reused chunk id meet the vector of the chunk that had it before', () => {
    seedDocument(db, 'a', 'd1');
    const [first] = index.replaceDocument({ documentId: 'd1', collectionId: 'a', chunks: drafts(['first']), vectors: [axisVector(16, 0)] });
    index.deleteDocument('d1');
    const [again] = index.replaceDocument({ documentId: 'd1', collectionId: 'a', chunks: drafts(['again']), vectors: [axisVector(16, 5)] });
    expect(again).toBe(first); // SQLite hands out the freed rowid again
    expect(index.vectorSearch(['a'], axisVector(16, 5), 1)).toEqual([{ id: again, distance: expect.closeTo(0, 5) }]);
  });

  it('drops one collection’s vectors and keeps its chunks; a table left empty goes, and comes back when needed', () => {
    seedDocument(db, 'a', 'd1');
    seedDocument(db, 'b', 'd2');
    index.replaceDocument({ documentId: 'd1', collectionId: 'a', chunks: drafts(['alpha']), vectors: [axisVector(16, 0)] });
    const [b] = index.replaceDocument({ documentId: 'd2', collectionId: 'b', chunks: drafts(['beta']), vectors: [axisVector(16, 1)] });
    expect(index.dropVectors('a')).toBe(1);
    expect(vectorRows(16)).toEqual([{ id: b, collection: 'b' }]);
    expect(count('SELECT count(*) FROM chunks')).toBe(2);
    expect(index.dropVectors('b')).toBe(1);
    expect(listVectorTables(db)).toEqual([]);
    expect(count("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'vec_chunks_%'")).toBe(0);
    expect(index.vectorSearch(['b'], axisVector(16, 1), 5)).toEqual([]);
    // Re-embedding the kept chunks with the next model makes its table again.
    const texts = index.chunkTexts('d2');
    expect(texts).toEqual([{ id: b, text: 'beta' }]);
    index.writeVectors('b', [{ chunkId: b!, vector: axisVector(16, 3) }]);
    expect(index.vectorSearch(['b'], axisVector(16, 3), 5).map((n) => n.id)).toEqual([b]);
  });

  it('sees a table another index on the same connection dropped or made', () => {
    const other = new ChunkIndex(db);
    seedDocument(db, 'a', 'd1');
    const [id] = index.replaceDocument({ documentId: 'd1', collectionId: 'a', chunks: drafts(['alpha']), vectors: [axisVector(16, 0)] });
    expect(other.vectorSearch(['a'], axisVector(16, 0), 1).map((n) => n.id)).toEqual([id]);
    other.dropVectors('a');
    expect(index.vectorSearch(['a'], axisVector(16, 0), 1)).toEqual([]);
    index.writeVectors('a', [{ chunkId: id!, vector: axisVector(16, 0) }]);
    expect(other.vectorSearch(['a'], axisVector(16, 0), 1).map((n) => n.id)).toEqual([id]);
  });
});

describe('ChunkIndex vector search', () => {
  it('returns the nearest chunks first, from the asked collections only', () => {
    seedDocument(db, 'a', 'd1');
    seedDocument(db, 'b', 'd2');
    const a = index.replaceDocument({
      documentId: 'd1',
      collectionId: 'a',
      chunks: drafts(['x0', 'x1', 'x2', 'x3']),
      vectors: [axisVector(16, 0), axisVector(16, 0, 0.5), axisVector(16, 0, 2), axisVector(16, 7)],
    });
    const [b] = index.replaceDocument({ documentId: 'd2', collectionId: 'b', chunks: drafts(['y']), vectors: [axisVector(16, 0)] });
    expect(index.vectorSearch(['a'], axisVector(16, 0), 3).map((n) => n.id)).toEqual([a[0], a[1], a[2]]);
    const both = index.vectorSearch(['a', 'b'], axisVector(16, 0), 2);
    expect(both.map((n) => n.id).sort()).toEqual([a[0], b].sort());
    expect(both[0]!.distance).toBeCloseTo(0, 5);
    expect(index.vectorSearch(['a'], axisVector(32, 0), 3)).toEqual([]);
  });

  it('searches exactly (a float table) when the dimensions are not a multiple of 8', () => {
    seedDocument(db, 'a', 'd1');
    const ids = index.replaceDocument({
      documentId: 'd1',
      collectionId: 'a',
      chunks: drafts(['p', 'q', 'r']),
      vectors: [axisVector(12, 3), axisVector(12, 3, 0.3), axisVector(12, 9)],
    });
    expect(listVectorTables(db)).toEqual([{ name: 'vec_chunks_12', dims: 12, kind: 'float' }]);
    const found = index.vectorSearch(['a'], axisVector(12, 3), 2);
    expect(found.map((n) => n.id)).toEqual([ids[0], ids[1]]);
    expect(found[1]!.distance).toBeCloseTo(1 - 1 / Math.hypot(1, 0.3), 5);
    index.deleteDocument('d1');
    expect(index.vectorSearch(['a'], axisVector(12, 3), 2)).toEqual([]);
  });

  it('finds the exact nearest ten of 2,000 clustered vectors at least 95% of the time through the binary codes', () => {
    seedDocument(db, 'a', 'd1');
    const random = mulberry(3);
    const gauss = (): number => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
    const unit = (v: number[]): number[] => v.map((x) => x / Math.hypot(...v));
    const centres = Array.from({ length: 40 }, () => unit(Array.from({ length: 64 }, gauss)));
    const near = (c: number[]): number[] => unit(c.map((x) => x + gauss() * 0.12));
    const vectors = Array.from({ length: 2000 }, (_, i) => near(centres[i % 40]!));
    const ids = index.replaceDocument({ documentId: 'd1', collectionId: 'a', chunks: drafts(vectors.map((_, i) => `v${i}`)), vectors });
    let hits = 0;
    for (let q = 0; q < 40; q++) {
      const query = near(centres[q]!);
      const exact = vectors
        .map((v, i) => ({ id: ids[i]!, d: 1 - v.reduce((s, x, j) => s + x * query[j]!, 0) }))
        .sort((x, y) => x.d - y.d)
        .slice(0, 10)
        .map((x) => x.id);
      const found = new Set(index.vectorSearch(['a'], query, 10).map((n) => n.id));
      hits += exact.filter((id) => found.has(id)).length;
    }
    expect(hits / 400).toBeGreaterThanOrEqual(0.95);
  });
});

describe('ChunkIndex hybrid search', () => {
  it('fuses keyword and vector hits by rank into passages with file, page, heading and snippet', () => {
    seedDocument(db, 'a', 'd1', '/docs/a/stove manual.pdf');
    const ids = index.replaceDocument({
      documentId: 'd1',
      collectionId: 'a',
      chunks: [
        { ord: 0, text: 'Open the damper before lighting.', charStart: 0, charEnd: 32, page: 1, headingPath: 'Lighting', tokens: 6 },
        { ord: 1, text: 'Ash goes in a metal bucket.', charStart: 40, charEnd: 67, page: 2, headingPath: 'Cleaning', tokens: 6 },
        { ord: 2, text: 'Nothing to see here.', charStart: 70, charEnd: 90, page: 3, headingPath: null, tokens: 4 },
      ],
      vectors: [axisVector(16, 0), axisVector(16, 4), axisVector(16, 9)],
    });
    const passages = index.hybridSearch({ collectionIds: ['a'], query: 'damper', vector: axisVector(16, 4), limit: 2 });
    expect(passages.map((p) => [p.text, p.via])).toEqual([
      ['Open the damper before lighting.', ['keyword', 'vector']],
      ['Ash goes in a metal bucket.', ['vector']],
    ]);
    expect(passages[0]).toEqual({
      documentId: 'd1',
      collectionId: 'a',
      path: '/docs/a/stove manual.pdf',
      fileName: 'stove manual.pdf',
      page: 1,
      heading: 'Lighting',
      snippet: 'Open the damper before lighting.',
      charStart: 0,
      charEnd: 32,
      text: 'Open the damper before lighting.',
      score: 1 / 61 + 1 / 62, // first by keyword; second by vector (tied with chunk 2 at distance 1, and the lower id)
      via: ['keyword', 'vector'],
    });
    expect(ids).toHaveLength(3);
  });

  it('searches by keyword alone without a query vector, and by vector only in the collections it names', () => {
    seedDocument(db, 'a', 'd1');
    seedDocument(db, 'b', 'd2');
    index.replaceDocument({ documentId: 'd1', collectionId: 'a', chunks: drafts(['flue brush']), vectors: [axisVector(16, 0)] });
    index.replaceDocument({ documentId: 'd2', collectionId: 'b', chunks: drafts(['chimney cap']), vectors: [axisVector(16, 0)] });
    const keywordOnly = index.hybridSearch({ collectionIds: ['a', 'b'], query: 'cap', limit: 5 });
    expect(keywordOnly.map((p) => [p.text, p.via])).toEqual([['chimney cap', ['keyword']]]);
    const mixed = index.hybridSearch({
      collectionIds: ['a', 'b'],
      vectorCollectionIds: ['a'],
      query: 'cap',
      vector: axisVector(16, 0),
      limit: 5,
    });
    // Each is first in one list: equal scores, so the order is the chunk ids'.
    expect(mixed.map((p) => [p.text, p.via])).toEqual([
      ['flue brush', ['vector']],
      ['chimney cap', ['keyword']],
    ]);
  });
});

function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
