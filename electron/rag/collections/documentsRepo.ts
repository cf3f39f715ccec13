import type Database from 'better-sqlite3';
import { basename } from 'node:path';
import { type CollectionDocument, DocumentStatus } from '../../../shared/rag';

/** What ingestion needs of a document row (its text stays in the table until asked for). */
export interface DocumentState {
  id: string;
  rowid: number;
  collectionId: string;
  sourceId: string;
  path: string;
  sizeBytes: number;
  mtimeMs: number;
  contentHash: string | null;
  status: DocumentStatus;
  chunkCount: number;
  embeddedWith: string | null;
}

/** The result of reading one file, written with its chunks in one transaction. */
export interface DocumentOutcome {
  status: DocumentStatus;
  reason: string | null;
  contentHash: string | null;
  text: string | null;
  pagesJson: string | null;
  chunkCount: number;
  embeddedWith: string | null;
  sizeBytes: number;
  mtimeMs: number;
}

export interface DocumentCounts {
  documents: number;
  indexed: number;
  failed: number;
  skipped: number;
  /** pending or indexing: the to-do list. */
  todo: number;
  todoBytes: number;
  chunks: number;
}

interface StateRow {
  id: string;
  rowid: number;
  collection_id: string;
  source_id: string;
  path: string;
  size_bytes: number;
  mtime_ms: number;
  content_hash: string | null;
  status: string;
  chunk_count: number;
  embedded_with: string | null;
}

interface ListRow {
  id: string;
  collection_id: string;
  path: string;
  status: string;
  reason: string | null;
  pages: number | null;
  chunk_count: number;
  size_bytes: number;
  updated_at: number;
}

const STATE_COLUMNS = 'id, rowid, collection_id, source_id, path, size_bytes, mtime_ms, content_hash, status, chunk_count, embedded_with';

// A row another version wrote with a status this one does not know reads as pending: it gets indexed again.
const statusOf = (s: string): DocumentStatus => DocumentStatus.catch('pending').parse(s);

const toState = (r: StateRow): DocumentState => ({
  id: r.id,
  rowid: r.rowid,
  collectionId: r.collection_id,
  sourceId: r.source_id,
  path: r.path,
  sizeBytes: r.size_bytes,
  mtimeMs: r.mtime_ms,
  contentHash: r.content_hash,
  status: statusOf(r.status),
  chunkCount: r.chunk_count,
  embeddedWith: r.embedded_with,
});

const toDocument = (r: ListRow): CollectionDocument => ({
  id: r.id,
  collectionId: r.collection_id,
  path: r.path,
  fileName: basename(r.path),
  status: statusOf(r.status),
  reason: r.reason,
  pages: r.pages,
  chunks: r.chunk_count,
  sizeBytes: r.size_bytes,
  updatedAt: r.updated_at,
});

/** The `documents` table: one row per file found, its status and reason, and the to-do list of ingestion. */
export class DocumentsRepo {
  private readonly s;

  constructor(db: Database.Database) {
    this.s = {
      list: db.prepare<[string], ListRow>(
        `SELECT id, collection_id, path, status, reason, chunk_count, size_bytes, updated_at,
           CASE WHEN pages_json IS NULL THEN NULL ELSE json_array_length(pages_json) END AS pages
         FROM documents WHERE collection_id = ? ORDER BY path`,
      ),
      get: db.prepare<[string], StateRow>(`SELECT ${STATE_COLUMNS} FROM documents WHERE id = ?`),
      byPath: db.prepare<[string, string], StateRow>(`SELECT ${STATE_COLUMNS} FROM documents WHERE collection_id = ? AND path = ?`),
      ofSource: db.prepare<[string], StateRow>(`SELECT ${STATE_COLUMNS} FROM documents WHERE source_id = ?`),
      ofCollection: db.prepare<[string], { id: string }>('SELECT id FROM documents WHERE collection_id = ?'),
      nextTodo: db.prepare<[string, number], StateRow>(
        `SELECT ${STATE_COLUMNS} FROM documents
         WHERE collection_id = ? AND status IN ('pending', 'indexing') AND rowid > ? ORDER BY rowid LIMIT 1`,
      ),
      counts: db.prepare<[string], Record<keyof DocumentCounts, number | null>>(
        `SELECT count(*) AS documents,
           sum(status = 'indexed') AS indexed, sum(status = 'failed') AS failed, sum(status = 'skipped') AS skipped,
           sum(status IN ('pending', 'indexing')) AS todo,
           sum(CASE WHEN status IN ('pending', 'indexing') THEN size_bytes ELSE 0 END) AS todoBytes,
           sum(chunk_count) AS chunks
         FROM documents WHERE collection_id = ?`,
      ),
      insert: db.prepare(
        `INSERT INTO documents (id, collection_id, source_id, path, size_bytes, mtime_ms, status, reason, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      markPending: db.prepare(
        "UPDATE documents SET status = 'pending', reason = NULL, size_bytes = ?, mtime_ms = ?, updated_at = ? WHERE id = ?",
      ),
      markSkipped: db.prepare(
        `UPDATE documents SET status = 'skipped', reason = ?, size_bytes = ?, mtime_ms = ?, content_hash = NULL, text = NULL,
           pages_json = NULL, chunk_count = 0, embedded_with = NULL, updated_at = ? WHERE id = ?`,
      ),
      setIndexing: db.prepare("UPDATE documents SET status = 'indexing' WHERE id = ? AND status = 'pending'"),
      unsetIndexing: db.prepare("UPDATE documents SET status = 'pending' WHERE id = ? AND status = 'indexing'"),
      finish: db.prepare(
        `UPDATE documents SET status = ?, reason = ?, content_hash = ?, text = ?, pages_json = ?, chunk_count = ?,
           embedded_with = ?, size_bytes = ?, mtime_ms = ?, updated_at = ? WHERE id = ?`,
      ),
      restore: db.prepare("UPDATE documents SET status = 'indexed', reason = NULL, mtime_ms = ?, size_bytes = ? WHERE id = ?"),
      touch: db.prepare('UPDATE documents SET mtime_ms = ?, size_bytes = ? WHERE id = ?'),
      setEmbedded: db.prepare(
        "UPDATE documents SET status = 'indexed', reason = NULL, embedded_with = ?, size_bytes = ?, mtime_ms = ?, updated_at = ? WHERE id = ?",
      ),
      pendAllOf: db.prepare(
        "UPDATE documents SET status = 'pending', reason = NULL, content_hash = NULL WHERE collection_id = ? AND status != 'skipped'",
      ),
      pendReembed: db.prepare(
        "UPDATE documents SET status = 'pending' WHERE collection_id = ? AND status = 'indexed' AND embedded_with IS NOT ?",
      ),
      clearEmbedded: db.prepare('UPDATE documents SET embedded_with = NULL WHERE collection_id = ?'),
      remove: db.prepare('DELETE FROM documents WHERE id = ?'),
    };
  }

  list(collectionId: string): CollectionDocument[] {
    return this.s.list.all(collectionId).map(toDocument);
  }

  get(id: string): DocumentState | null {
    const r = this.s.get.get(id);
    return r ? toState(r) : null;
  }

  byPath(collectionId: string, path: string): DocumentState | null {
    const r = this.s.byPath.get(collectionId, path);
    return r ? toState(r) : null;
  }

  ofSource(sourceId: string): DocumentState[] {
    return this.s.ofSource.all(sourceId).map(toState);
  }

  idsOf(collectionId: string): string[] {
    return this.s.ofCollection.all(collectionId).map((r) => r.id);
  }

  /** The next document to read after `afterRowid`, in the order they were found. */
  nextTodo(collectionId: string, afterRowid: number): DocumentState | null {
    const r = this.s.nextTodo.get(collectionId, afterRowid);
    return r ? toState(r) : null;
  }

  counts(collectionId: string): DocumentCounts {
    const r = this.s.counts.get(collectionId);
    return {
      documents: r?.documents ?? 0,
      indexed: r?.indexed ?? 0,
      failed: r?.failed ?? 0,
      skipped: r?.skipped ?? 0,
      todo: r?.todo ?? 0,
      todoBytes: r?.todoBytes ?? 0,
      chunks: r?.chunks ?? 0,
    };
  }

  insert(d: {
    id: string;
    collectionId: string;
    sourceId: string;
    path: string;
    sizeBytes: number;
    mtimeMs: number;
    status: 'pending' | 'skipped';
    reason: string | null;
    now: number;
  }): void {
    this.s.insert.run(d.id, d.collectionId, d.sourceId, d.path, d.sizeBytes, d.mtimeMs, d.status, d.reason, d.now);
  }

  markPending(id: string, sizeBytes: number, mtimeMs: number, now: number): void {
    this.s.markPending.run(sizeBytes, mtimeMs, now, id);
  }

  /** Chunks are the caller's to delete (with their vectors) in the same transaction. */
  markSkipped(id: string, reason: string, sizeBytes: number, mtimeMs: number, now: number): void {
    this.s.markSkipped.run(reason, sizeBytes, mtimeMs, now, id);
  }

  setIndexing(id: string): void {
    this.s.setIndexing.run(id);
  }

  /** A document left unfinished (cancelled, or its run stopped) waits for the next run. */
  unsetIndexing(id: string): void {
    this.s.unsetIndexing.run(id);
  }

  finish(id: string, o: DocumentOutcome, now: number): void {
    this.s.finish.run(
      o.status,
      o.reason,
      o.contentHash,
      o.text,
      o.pagesJson,
      o.chunkCount,
      o.embeddedWith,
      o.sizeBytes,
      o.mtimeMs,
      now,
      id,
    );
  }

  /** The file was touched but its content is the same: it is indexed as it was. */
  restore(id: string, mtimeMs: number, sizeBytes: number): void {
    this.s.restore.run(mtimeMs, sizeBytes, id);
  }

  /** The file was touched but its content is the same: only its size and time are new. */
  touch(id: string, mtimeMs: number, sizeBytes: number): void {
    this.s.touch.run(mtimeMs, sizeBytes, id);
  }

  /** Its chunks were embedded again with `model`, unchanged otherwise. */
  setEmbedded(id: string, model: string, sizeBytes: number, mtimeMs: number, now: number): void {
    this.s.setEmbedded.run(model, sizeBytes, mtimeMs, now, id);
  }

  /** A full re-index: everything but skipped files is read and embedded again (its hash is forgotten). */
  pendAll(collectionId: string): void {
    this.s.pendAllOf.run(collectionId);
  }

  /** Indexed documents whose vectors came from another model (or none) go back on the to-do list. */
  pendReembed(collectionId: string, model: string | null): number {
    return this.s.pendReembed.run(collectionId, model).changes;
  }

  clearEmbedded(collectionId: string): void {
    this.s.clearEmbedded.run(collectionId);
  }

  remove(id: string): void {
    this.s.remove.run(id);
  }
}
