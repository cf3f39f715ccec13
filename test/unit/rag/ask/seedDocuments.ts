import type Database from 'better-sqlite3';
import { basename, dirname } from 'node:path';
import type { Passage } from '../../../../shared/rag';

export interface SeedDocument {
  id: string;
  path: string;
  text: string;
  /** Where each page starts (PDF); omitted for documents without pages. */
  pages?: { page: number; start: number }[];
  /** Passages as [start, end) offsets into `text`. */
  chunks?: { start: number; end: number; page?: number; heading?: string }[];
  status?: 'indexed' | 'failed' | 'skipped' | 'pending';
  reason?: string;
}

/**
 * Writes a collection with its documents and chunks straight into the migration-0009 tables, as an ingestion
 * leaves them: for the tests of asking, which need an index but not the ingestion that builds one.
 */
export function seedCollection(db: Database.Database, c: { id: string; name: string; documents: SeedDocument[] }): void {
  const t = Date.now();
  db.prepare('INSERT INTO collections (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)').run(c.id, c.name, t, t);
  const folder = c.documents[0] ? dirname(c.documents[0].path) : '/';
  const sourceId = `${c.id}-source`;
  db.prepare("INSERT INTO collection_sources (id, collection_id, kind, path, watch, added_at) VALUES (?, ?, 'folder', ?, 0, ?)").run(
    sourceId,
    c.id,
    folder,
    t,
  );
  const doc = db.prepare(`
    INSERT INTO documents (id, collection_id, source_id, path, size_bytes, mtime_ms, content_hash, status, reason, text,
      pages_json, chunk_count, updated_at)
    VALUES (@id, @collectionId, @sourceId, @path, @size, @t, 'hash', @status, @reason, @text, @pages, @chunks, @t)`);
  const chunk = db.prepare(`
    INSERT INTO chunks (document_id, collection_id, ord, text, char_start, char_end, page, heading_path, tokens)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  db.transaction(() => {
    for (const d of c.documents) {
      const status = d.status ?? 'indexed';
      doc.run({
        id: d.id,
        collectionId: c.id,
        sourceId,
        path: d.path,
        size: d.text.length,
        t,
        status,
        reason: d.reason ?? null,
        text: status === 'indexed' ? d.text : null,
        pages: d.pages ? JSON.stringify(d.pages) : null,
        chunks: d.chunks?.length ?? 0,
      });
      (d.chunks ?? []).forEach((k, ord) => {
        const text = d.text.slice(k.start, k.end);
        chunk.run(d.id, c.id, ord, text, k.start, k.end, k.page ?? null, k.heading ?? null, Math.ceil(text.length / 4));
      });
    }
  })();
}

/** A passage of a seeded document, as the retriever returns one. */
export function passageOf(collectionId: string, d: SeedDocument, i: number, score = 1 / (60 + i + 1)): Passage {
  const k = d.chunks![i]!;
  const text = d.text.slice(k.start, k.end);
  return {
    documentId: d.id,
    collectionId,
    path: d.path,
    fileName: basename(d.path),
    page: k.page ?? null,
    heading: k.heading ?? null,
    snippet: text.slice(0, 80),
    charStart: k.start,
    charEnd: k.end,
    text,
    score,
    via: ['keyword'],
  };
}
