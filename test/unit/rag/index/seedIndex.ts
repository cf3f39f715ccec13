import type Database from 'better-sqlite3';
import type { ChunkDraft } from '../../../../electron/rag/ports';

/** Rows the index hangs off: a collection with one folder source, and documents in it (the collections service's). */
export function seedCollection(
  db: Database.Database,
  id: string,
  embeddingModel: string | null = null,
  dimensions: number | null = null,
): void {
  db.prepare('INSERT INTO collections (id, name, embedding_model, dimensions, created_at, updated_at) VALUES (?, ?, ?, ?, 1, 1)').run(
    id,
    `Collection ${id}`,
    embeddingModel,
    dimensions,
  );
  db.prepare("INSERT INTO collection_sources (id, collection_id, kind, path, watch, added_at) VALUES (?, ?, 'folder', ?, 0, 1)").run(
    `src-${id}`,
    id,
    `/docs/${id}`,
  );
}

export function seedDocument(db: Database.Database, collectionId: string, id: string, path = `/docs/${collectionId}/${id}.txt`): void {
  db.prepare(
    `INSERT INTO documents (id, collection_id, source_id, path, size_bytes, mtime_ms, status, updated_at)
     VALUES (?, ?, ?, ?, 10, 1, 'indexed', 1)`,
  ).run(id, collectionId, `src-${collectionId}`, path);
}

/** Chunks of the given texts laid end to end (one blank line apart), as the chunker would return them. */
export function drafts(texts: string[], extra: Partial<ChunkDraft> = {}): ChunkDraft[] {
  let at = 0;
  return texts.map((text, ord) => {
    const c = {
      ord,
      text,
      charStart: at,
      charEnd: at + text.length,
      page: null,
      headingPath: null,
      tokens: text.split(/\s+/).length,
      ...extra,
    };
    at += text.length + 2;
    return c;
  });
}

/** A unit vector pointing mostly along axis `axis` of `dims`, nudged by `nudge` along the next one. */
export function axisVector(dims: number, axis: number, nudge = 0): number[] {
  const v = Array.from({ length: dims }, () => 0);
  v[axis % dims] = 1;
  v[(axis + 1) % dims] = nudge;
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}
