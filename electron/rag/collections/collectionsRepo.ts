import type Database from 'better-sqlite3';
import type { CollectionSource } from '../../../shared/rag';

/** A collection as stored: the embedding model its vectors were made with (NULL: keyword only, or not yet). */
export interface CollectionRecord {
  id: string;
  name: string;
  embeddingModel: string | null;
  dimensions: number | null;
  createdAt: number;
}

export interface SourceRecord extends CollectionSource {
  collectionId: string;
}

interface CollectionRow {
  id: string;
  name: string;
  embedding_model: string | null;
  dimensions: number | null;
  created_at: number;
}

interface SourceRow {
  id: string;
  collection_id: string;
  kind: string;
  path: string;
  watch: number;
}

const toCollection = (r: CollectionRow): CollectionRecord => ({
  id: r.id,
  name: r.name,
  embeddingModel: r.embedding_model,
  dimensions: r.dimensions,
  createdAt: r.created_at,
});

const toSource = (r: SourceRow): SourceRecord => ({
  id: r.id,
  collectionId: r.collection_id,
  kind: r.kind === 'file' ? 'file' : 'folder',
  path: r.path,
  watch: r.watch === 1,
});

/** The `collections` and `collection_sources` tables: the only place their snake_case meets camelCase. */
export class CollectionsRepo {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    this.s = {
      all: db.prepare<[], CollectionRow>('SELECT * FROM collections ORDER BY created_at, id'),
      get: db.prepare<[string], CollectionRow>('SELECT * FROM collections WHERE id = ?'),
      insert: db.prepare('INSERT INTO collections (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)'),
      rename: db.prepare('UPDATE collections SET name = ?, updated_at = ? WHERE id = ?'),
      setModel: db.prepare('UPDATE collections SET embedding_model = ?, dimensions = ?, updated_at = ? WHERE id = ?'),
      remove: db.prepare('DELETE FROM collections WHERE id = ?'),
      sources: db.prepare<[string], SourceRow>('SELECT * FROM collection_sources WHERE collection_id = ? ORDER BY added_at, id'),
      source: db.prepare<[string, string], SourceRow>('SELECT * FROM collection_sources WHERE collection_id = ? AND id = ?'),
      sourceByPath: db.prepare<[string, string], SourceRow>('SELECT * FROM collection_sources WHERE collection_id = ? AND path = ?'),
      insertSource: db.prepare('INSERT INTO collection_sources (id, collection_id, kind, path, watch, added_at) VALUES (?, ?, ?, ?, ?, ?)'),
      setWatch: db.prepare('UPDATE collection_sources SET watch = ? WHERE id = ?'),
      removeSource: db.prepare('DELETE FROM collection_sources WHERE id = ?'),
    };
  }

  all(): CollectionRecord[] {
    return this.s.all.all().map(toCollection);
  }

  get(id: string): CollectionRecord | null {
    const r = this.s.get.get(id);
    return r ? toCollection(r) : null;
  }

  insert(id: string, name: string, now: number): void {
    this.s.insert.run(id, name, now, now);
  }

  rename(id: string, name: string, now: number): void {
    this.s.rename.run(name, now, id);
  }

  setModel(id: string, model: string | null, dimensions: number | null, now: number): void {
    this.s.setModel.run(model, dimensions, now, id);
  }

  /** Its sources and documents go by cascade (chunks too); vectors are the index's to drop first. */
  remove(id: string): void {
    this.s.remove.run(id);
  }

  sources(collectionId: string): SourceRecord[] {
    return this.s.sources.all(collectionId).map(toSource);
  }

  source(collectionId: string, sourceId: string): SourceRecord | null {
    const r = this.s.source.get(collectionId, sourceId);
    return r ? toSource(r) : null;
  }

  sourceByPath(collectionId: string, path: string): SourceRecord | null {
    const r = this.s.sourceByPath.get(collectionId, path);
    return r ? toSource(r) : null;
  }

  insertSource(s: SourceRecord, now: number): void {
    this.s.insertSource.run(s.id, s.collectionId, s.kind, s.path, s.watch ? 1 : 0, now);
  }

  setWatch(sourceId: string, watch: boolean): void {
    this.s.setWatch.run(watch ? 1 : 0, sourceId);
  }

  removeSource(sourceId: string): void {
    this.s.removeSource.run(sourceId);
  }
}
