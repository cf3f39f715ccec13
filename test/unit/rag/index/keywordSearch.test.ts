import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../electron/db/open';
import { ChunkIndex } from '../../../../electron/rag/index/chunkIndex';
import { KeywordSearch } from '../../../../electron/rag/index/keywordSearch';
import { drafts, seedCollection, seedDocument } from './seedIndex';

let db: Database.Database;
let index: ChunkIndex;

beforeEach(() => {
  db = openDatabase(':memory:').db;
  index = new ChunkIndex(db);
  seedCollection(db, 'a');
  seedCollection(db, 'b');
});
afterEach(() => db.close());

describe('KeywordSearch', () => {
  let keywords: KeywordSearch;
  beforeEach(() => {
    seedDocument(db, 'a', 'd1');
    seedDocument(db, 'b', 'd2');
    index.replaceDocument({
      documentId: 'd1',
      collectionId: 'a',
      chunks: drafts(['The damper sits above the firebox.', 'Close the damper when the fire is out.', 'Birch logs burn hot and fast.']),
    });
    index.replaceDocument({ documentId: 'd2', collectionId: 'b', chunks: drafts(['A damper in collection b.']) });
    keywords = new KeywordSearch(db);
  });

  const texts = (ids: number[]): string[] => ids.map((id) => db.prepare('SELECT text FROM chunks WHERE id = ?').pluck().get(id) as string);

  it('ranks chunks with more of the question’s words first, and reads only the collections asked for', () => {
    expect(texts(keywords.search(['a'], 'When should I close the damper?', 10))).toEqual([
      'Close the damper when the fire is out.',
      'The damper sits above the firebox.',
    ]);
    expect(texts(keywords.search(['b'], 'damper', 10))).toEqual(['A damper in collection b.']);
    expect(keywords.search(['a', 'b'], 'damper', 10)).toHaveLength(3);
    expect(keywords.search([], 'damper', 10)).toEqual([]);
    expect(keywords.search(['a'], 'damper', 1)).toHaveLength(1);
  });

  it('finds a collection’s matches even when another collection holds every better one', () => {
    seedDocument(db, 'a', 'd3');
    index.replaceDocument({
      documentId: 'd3',
      collectionId: 'a',
      chunks: drafts(Array.from({ length: 12 }, (_, i) => `ember ember ${i}`)),
    });
    seedDocument(db, 'b', 'd4');
    index.replaceDocument({
      documentId: 'd4',
      collectionId: 'b',
      chunks: drafts(['one ember among many other words in this longer chunk']),
    });
    expect(texts(keywords.search(['b'], 'ember', 1))).toEqual(['one ember among many other words in this longer chunk']);
    expect(texts(keywords.search(['a', 'b'], 'ember', 20))).toHaveLength(13);
    expect(texts(keywords.search(['a', 'b'], 'ember', 20)).at(-1)).toBe('one ember among many other words in this longer chunk');
  });

  it('leaves out the commonest words when their chunks would exceed the rows it may score, never the rarest', () => {
    seedDocument(db, 'a', 'd3');
    index.replaceDocument({ documentId: 'd3', collectionId: 'a', chunks: drafts(['ash one', 'ash two', 'ash three', 'ash birch']) });
    const frugal = new KeywordSearch(db, { keywordRows: 3 });
    // "ash" is in 4 chunks, "birch" in 2: only birch fits in 3 rows.
    expect(texts(frugal.search(['a'], 'ash birch', 10)).sort()).toEqual(['Birch logs burn hot and fast.', 'ash birch']);
    expect(texts(frugal.search(['a'], 'ash', 10))).toHaveLength(4);
    expect(texts(keywords.search(['a'], 'ash birch', 10))).toHaveLength(5);
    expect(texts(keywords.search(['a'], 'ash birch', 10))[0]).toBe('ash birch');
  });

  it('reads any text as words, never as FTS5 syntax', () => {
    for (const q of [
      '"',
      '""',
      'damper"',
      'NEAR(damper fire)',
      'damper AND',
      'OR',
      '*',
      'text:damper',
      '-damper',
      '^damper',
      '(',
      'damper)',
      "'",
      '\\',
      '\u0000',
      '🔥',
      '',
    ]) {
      expect(() => keywords.search(['a'], q, 10), q).not.toThrow();
    }
    expect(texts(keywords.search(['a'], 'NEAR(birch', 10))).toEqual(['Birch logs burn hot and fast.']);
    expect(keywords.search(['a'], '!!! ???', 10)).toEqual([]);
  });
});
