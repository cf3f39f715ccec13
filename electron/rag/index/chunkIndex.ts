import type Database from 'better-sqlite3';
import type { Passage } from '../../../shared/rag';
import type { ChunkDraft } from '../ports';
import { fuseByRank, type Fused } from './fuse';
import { keywordQuery } from './keywordQuery';
import { KeywordSearch, type KeywordSearchOptions } from './keywordSearch';
import { makeSnippet } from './snippet';
import { dropVectorTable, ensureVectorTable, listVectorTables, type VectorTable, vectorBlob } from './vectorTables';

export interface DocumentChunks {
  documentId: string;
  collectionId: string;
  chunks: ChunkDraft[];
  /** One per chunk, in order, with the document prefix already applied when they were made; null: keyword only. */
  vectors?: ArrayLike<number>[] | null;
}

export interface HybridQuery {
  collectionIds: string[];
  /** The user's text, for keyword search and snippets. */
  query: string;
  /** The query's embedding; null: keyword search only. */
  vector?: ArrayLike<number> | null;
  /** Vector search reads only these collections (the ones embedded with the model that made `vector`). */
  vectorCollectionIds?: string[];
  limit: number;
}

export interface Neighbour {
  id: number;
  /** Cosine distance, 0 (same direction) to 2. */
  distance: number;
}

interface ChunkRow {
  id: number;
  document_id: string;
  collection_id: string;
  text: string;
  char_start: number;
  char_end: number;
  page: number | null;
  heading_path: string | null;
  path: string;
}

interface TableStatements {
  insert: Database.Statement;
  knn: Database.Statement<{ q: Buffer; k: number; n: number; c: string }, Neighbour>;
}

/**
 * How many binary-code neighbours are rescored on the floats: twice those asked for, and at least 64. sqlite-vec's
 * cost grows with k far more than with the rows it scans (bench/rag.mts, 100,000 chunks: k = 20 takes 5 ms, k = 100
 * 17 ms, k = 240 43 ms), while recall@10 against exact search is 0.976 at 50 and 0.996 at 100.
 */
const RESCORE_FACTOR = 2;
const RESCORE_MIN = 64;
/** sqlite-vec's largest k. */
const KNN_MAX = 4096;

/**
 * The document index in SQLite: chunks (FTS5 keeps their words through triggers) and their vectors (sqlite-vec),
 * and hybrid search over both, fused by reciprocal rank. Statements are prepared once per table. It is ingestion's
 * `ChunkStore` (electron/rag/ingest/ingestPorts.ts): every write is one savepoint inside the caller's transaction.
 */
export class ChunkIndex {
  private readonly insertChunk: Database.Statement;
  private readonly deleteChunks: Database.Statement<[string]>;
  private readonly textsOf: Database.Statement<[string], { id: number; text: string }>;
  private readonly rows: Database.Statement<[string], ChunkRow>;
  private readonly keywords: KeywordSearch;
  private readonly tables = new Map<number, { table: VectorTable; statements: TableStatements }>();
  private schemaVersion: unknown = null;

  constructor(
    private readonly db: Database.Database,
    options: KeywordSearchOptions = {},
  ) {
    this.insertChunk = db.prepare(
      `INSERT INTO chunks (document_id, collection_id, ord, text, char_start, char_end, page, heading_path, tokens)
       VALUES (@documentId, @collectionId, @ord, @text, @charStart, @charEnd, @page, @headingPath, @tokens)`,
    );
    this.deleteChunks = db.prepare('DELETE FROM chunks WHERE document_id = ?');
    this.textsOf = db.prepare('SELECT id, text FROM chunks WHERE document_id = ? ORDER BY ord');
    this.keywords = new KeywordSearch(db, options);
    this.rows = db.prepare(
      `SELECT c.id, c.document_id, c.collection_id, c.text, c.char_start, c.char_end, c.page, c.heading_path, d.path
       FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.id IN (SELECT value FROM json_each(?))`,
    );
  }

  /**
   * Replaces a document's chunks and vectors with these, atomically (a savepoint inside the caller's transaction,
   * where the caller also marks the document indexed). Returns the new chunks' ids, in order.
   */
  replaceDocument(doc: DocumentChunks): number[] {
    const vectors = doc.vectors ?? null;
    if (vectors && vectors.length !== doc.chunks.length) {
      throw new RangeError(`${vectors.length} vectors for ${doc.chunks.length} chunks`);
    }
    return this.db.transaction(() => {
      this.deleteChunks.run(doc.documentId);
      const ids = doc.chunks.map((c) =>
        Number(this.insertChunk.run({ ...c, documentId: doc.documentId, collectionId: doc.collectionId }).lastInsertRowid),
      );
      if (vectors) this.putVectors(doc.collectionId, ids, vectors);
      return ids;
    })();
  }

  /** Stores (or replaces) vectors for existing chunks: re-embedding a collection after its model changed. */
  writeVectors(collectionId: string, entries: { chunkId: number; vector: ArrayLike<number> }[]): void {
    if (!entries.length) return;
    this.db.transaction(() => {
      for (const { table } of this.allTables()) {
        const del = this.db.prepare(`DELETE FROM ${table.name} WHERE rowid = ?`);
        for (const e of entries) del.run(BigInt(e.chunkId));
      }
      this.putVectors(
        collectionId,
        entries.map((e) => e.chunkId),
        entries.map((e) => e.vector),
      );
    })();
  }

  /** A document's chunks, to embed again without extracting the file again. */
  chunkTexts(documentId: string): { id: number; text: string }[] {
    return this.textsOf.all(documentId);
  }

  /** Removes a document's chunks; their words and vectors go with them (triggers). */
  deleteDocument(documentId: string): number {
    return this.deleteChunks.run(documentId).changes;
  }

  /** Removes a collection's vectors (its embedding model changed, or it is being deleted); a table left empty is dropped. */
  dropVectors(collectionId: string): number {
    let removed = 0;
    this.db.transaction(() => {
      for (const table of listVectorTables(this.db)) {
        removed += this.db.prepare(`DELETE FROM ${table.name} WHERE collection_id = ?`).run(collectionId).changes;
        if (!this.db.prepare(`SELECT rowid FROM ${table.name} LIMIT 1`).get()) dropVectorTable(this.db, table);
      }
    })();
    return removed;
  }

  /** Chunk ids ranked by bm25 for the words of `query`, best first (see KeywordSearch for the words it reads). */
  keywordSearch(collectionIds: string[], query: string, limit: number): number[] {
    return this.keywords.search(collectionIds, query, limit);
  }

  /**
   * The nearest chunks to `vector` in these collections, nearest first: per collection (its partition), the nearest
   * binary codes rescored by cosine on the floats, then merged.
   */
  vectorSearch(collectionIds: string[], vector: ArrayLike<number>, limit: number): Neighbour[] {
    const dims = vector.length;
    const entry = this.tableFor(dims, false);
    if (!entry || !collectionIds.length) return [];
    const q = vectorBlob(vector, dims);
    const k = Math.min(KNN_MAX, Math.max(RESCORE_MIN, limit * RESCORE_FACTOR));
    const found = collectionIds.flatMap((c) => entry.statements.knn.all({ q, k, n: limit, c }));
    return found.sort((a, b) => a.distance - b.distance || a.id - b.id).slice(0, limit);
  }

  /**
   * Keyword and vector search fused by reciprocal rank, as passages with their file, page, heading and a snippet.
   * Each retriever contributes its top few times `limit`, so what one ranks low can still rise with the other.
   */
  hybridSearch(q: HybridQuery): Passage[] {
    const pool = Math.min(200, Math.max(30, q.limit * 3));
    const lists: { via: 'keyword' | 'vector'; ids: number[] }[] = [
      { via: 'keyword', ids: this.keywordSearch(q.collectionIds, q.query, pool) },
    ];
    if (q.vector) {
      const ids = q.vectorCollectionIds ?? q.collectionIds;
      lists.push({ via: 'vector', ids: this.vectorSearch(ids, q.vector, pool).map((n) => n.id) });
    }
    return this.passages(fuseByRank(lists).slice(0, q.limit), q.query);
  }

  /** Fused results as passages, in the same order; a chunk deleted meanwhile is left out. */
  passages(fused: Fused[], query: string): Passage[] {
    if (!fused.length) return [];
    const byId = new Map(this.rows.all(JSON.stringify(fused.map((f) => f.id))).map((r) => [r.id, r]));
    const { terms } = keywordQuery(query);
    return fused.flatMap((f) => {
      const r = byId.get(f.id);
      if (!r) return [];
      return [
        {
          documentId: r.document_id,
          collectionId: r.collection_id,
          path: r.path,
          fileName: r.path.split(/[\\/]/).pop() || r.path,
          page: r.page,
          heading: r.heading_path,
          snippet: makeSnippet(r.text, terms),
          charStart: r.char_start,
          charEnd: r.char_end,
          text: r.text,
          score: f.score,
          via: f.via,
        },
      ];
    });
  }

  private putVectors(collectionId: string, ids: number[], vectors: ArrayLike<number>[]): void {
    if (!vectors.length) return;
    const dims = vectors[0]!.length;
    const { table, statements } = this.tableFor(dims, true)!;
    ids.forEach((id, i) => {
      const blob = vectorBlob(vectors[i]!, dims);
      if (table.kind === 'binary') statements.insert.run(BigInt(id), collectionId, blob, blob);
      else statements.insert.run(BigInt(id), collectionId, blob);
    });
  }

  private allTables(): { table: VectorTable }[] {
    return listVectorTables(this.db).map((table) => ({ table }));
  }

  private tableFor(dims: number, create: boolean): { table: VectorTable; statements: TableStatements } | null {
    // Another ChunkIndex on this connection may have dropped or made a table: any schema change empties the cache.
    const version = this.db.pragma('schema_version', { simple: true });
    if (version !== this.schemaVersion) {
      this.tables.clear();
      this.schemaVersion = version;
    }
    const cached = this.tables.get(dims);
    if (cached) return cached;
    const existing = listVectorTables(this.db).find((t) => t.dims === dims);
    if (!existing && !create) return null;
    const table = existing ?? ensureVectorTable(this.db, dims);
    if (!existing) this.schemaVersion = this.db.pragma('schema_version', { simple: true });
    const entry = { table, statements: this.statementsFor(table) };
    this.tables.set(dims, entry);
    return entry;
  }

  private statementsFor(t: VectorTable): TableStatements {
    if (t.kind === 'binary') {
      return {
        insert: this.db.prepare(`INSERT INTO ${t.name} (rowid, collection_id, embedding, vector) VALUES (?, ?, vec_quantize_binary(?), ?)`),
        knn: this.db.prepare(
          `SELECT rowid AS id, vec_distance_cosine(vector, @q) AS distance FROM (
             SELECT rowid, vector FROM ${t.name} WHERE embedding MATCH vec_quantize_binary(@q) AND k = @k AND collection_id = @c
           ) ORDER BY distance LIMIT @n`,
        ),
      };
    }
    return {
      insert: this.db.prepare(`INSERT INTO ${t.name} (rowid, collection_id, embedding) VALUES (?, ?, ?)`),
      knn: this.db.prepare(
        `SELECT rowid AS id, distance FROM ${t.name} WHERE embedding MATCH @q AND k = @n AND collection_id = @c ORDER BY distance`,
      ),
    };
  }
}
