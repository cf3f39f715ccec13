import type Database from 'better-sqlite3';
import { AppError } from '../../shared/errors';
import type { LibraryModel } from '../../shared/models';
import type { Collection, CollectionDocument, IngestState, Passage } from '../../shared/rag';
import type { EventBus } from '../lib/events';
import { newId } from '../lib/ids';
import type { Scheduler } from '../scheduler/scheduler';
import type { SettingsService } from '../settings/settingsService';
import { removeDocuments } from './collections/applyScan';
import { CollectionIngest } from './collections/collectionIngest';
import { type CollectionRecord, CollectionsRepo } from './collections/collectionsRepo';
import { DocumentsRepo } from './collections/documentsRepo';
import { checkSourcePath } from './collections/sourcePath';
import { type IngestEngine, makeIngestEngine } from './ingest/ingestEngine';
import type { Chunker, ChunkStore, Extractor } from './ingest/ingestPorts';
import { DEFAULT_SCAN_LIMITS, type ScanLimits } from './ingest/scanFolder';

/** The models a collection can embed with: the library's. */
export interface EmbeddingLibrary {
  find(path: string): Promise<LibraryModel | null>;
}

export interface CollectionsOptions {
  db: Database.Database;
  events: EventBus;
  scheduler: Scheduler;
  settings: SettingsService;
  /** A native dialog, where the shell has one (desktop). */
  pickPath?: (kind: 'file' | 'folder') => Promise<string | null>;
  /** Where embedding models are checked and their prefixes found; without it, none can be set. */
  library?: EmbeddingLibrary;
  /** The index, the extractor and the chunker (the real ones unless a benchmark measures another). */
  store?: ChunkStore;
  extract?: Extractor;
  chunk?: Chunker;
  search?: (ids: string[], query: string, limit: number) => Promise<Passage[]>;
  limits?: Partial<ScanLimits>;
  /** Quiet time before a watched folder's changes are read. */
  debounceMs?: number;
  progressMs?: number;
}

/** Collections of the user's files and folders: sources, background ingestion, watching, search. */
export class CollectionsService {
  private readonly collections: CollectionsRepo;
  private readonly docs: DocumentsRepo;
  private readonly work = new Map<string, CollectionIngest>();
  private readonly engine: IngestEngine;
  private readonly limits: ScanLimits;
  private disposed = false;

  constructor(private readonly o: CollectionsOptions) {
    this.collections = new CollectionsRepo(o.db);
    this.docs = new DocumentsRepo(o.db);
    this.limits = { ...DEFAULT_SCAN_LIMITS, ...o.limits };
    this.engine = makeIngestEngine({ ...o, collections: this.collections, docs: this.docs, maxFileBytes: this.limits.maxFileBytes });
  }

  /** Resumes ingestion a previous run left unfinished, and starts watching watched folders. */
  start(): void {
    for (const c of this.collections.all()) {
      const work = this.workOf(c.id);
      // Every source is looked at again (a folder may have changed while Hearth was closed); unchanged files cost
      // an lstat each, and whatever a killed run left pending is read after.
      for (const s of this.collections.sources(c.id)) {
        void work.scan(s);
        void work.watch(s);
      }
      work.runner.kick();
    }
  }

  list(): Collection[] {
    return this.collections.all().map((c) => this.describe(c));
  }

  create(name: string): Collection {
    const id = newId();
    this.collections.insert(id, name, Date.now());
    this.changed(id);
    return this.get(id);
  }

  rename(id: string, name: string): Collection {
    this.record(id);
    this.collections.rename(id, name, Date.now());
    this.changed(id);
    return this.get(id);
  }

  /** The index goes (rows, chunks, vectors); the user's files are never touched. */
  async remove(id: string): Promise<void> {
    this.record(id);
    const work = this.work.get(id);
    this.work.delete(id);
    await work?.dispose();
    const store = this.engine.store;
    this.o.db.transaction(() => {
      store.dropVectors(id);
      for (const docId of this.docs.idsOf(id)) store.deleteDocument(docId);
      this.collections.remove(id);
    })();
    this.changed(id);
  }

  async addSource(id: string, rawPath: string, watch: boolean): Promise<Collection> {
    this.record(id);
    const { path, kind } = await checkSourcePath(rawPath);
    const existing = this.collections.sourceByPath(id, path);
    if (existing) {
      if (existing.watch !== watch && kind === 'folder') {
        this.collections.setWatch(existing.id, watch);
        const work = this.workOf(id);
        if (watch) void work.watch({ ...existing, watch });
        else await work.unwatch(existing.id);
      }
      this.changed(id);
      return this.get(id);
    }
    const source = { id: newId(), collectionId: id, kind, path, watch: kind === 'folder' && watch };
    this.collections.insertSource(source, Date.now());
    const work = this.workOf(id);
    void work.scan(source);
    await work.watch(source);
    this.changed(id);
    return this.get(id);
  }

  async removeSource(id: string, sourceId: string): Promise<Collection> {
    this.record(id);
    const source = this.collections.source(id, sourceId);
    if (!source) throw new AppError('NOT_FOUND', 'That source is not in this collection.');
    const work = this.workOf(id);
    await work.unwatch(sourceId);
    await work.settle();
    const ids = this.docs.ofSource(sourceId).map((d) => d.id);
    this.o.db.transaction(() => {
      removeDocuments({ db: this.o.db, docs: this.docs, store: this.engine.store }, ids);
      this.collections.removeSource(sourceId);
    })();
    this.changed(id);
    return this.get(id);
  }

  async pickPath(kind: 'file' | 'folder'): Promise<{ path: string | null }> {
    if (!this.o.pickPath) throw new AppError('UNSUPPORTED', 'This window cannot open a file dialog; type the path instead.');
    return { path: await this.o.pickPath(kind) };
  }

  documents(id: string): CollectionDocument[] {
    this.record(id);
    return this.docs.list(id);
  }

  /** Looks at every source again and reads what changed (by content hash); `full` reads and embeds everything. */
  reindex(id: string, full: boolean): IngestState {
    this.record(id);
    const work = this.workOf(id);
    if (full) this.docs.pendAll(id);
    for (const s of this.collections.sources(id)) void work.scan(s);
    work.runner.kick();
    return work.runner.snapshot();
  }

  /** Stops the collection's scans and ingestion, and answers once they have let go. */
  cancel(id: string): Promise<IngestState> {
    this.record(id);
    return this.workOf(id).cancel();
  }

  async search(ids: string[], query: string, limit: number): Promise<Passage[]> {
    for (const id of ids) this.record(id);
    return this.engine.search(ids, query, limit);
  }

  /**
   * The model collections embed with: a library model (null: keyword search only). Collections made with another
   * model are embedded again (their text is read again only where it changed); their old vectors go at once.
   */
  async setEmbeddingModel(path: string | null): Promise<{ path: string | null }> {
    if (path !== null) await this.engine.checkModel(path);
    if (this.o.settings.get().embeddingModelPath === path) return { path };
    await Promise.all([...this.work.values()].map((w) => w.runner.stop('The embedding model changed.')));
    this.o.settings.update({ embeddingModelPath: path });
    const store = this.engine.store;
    this.o.db.transaction(() => {
      for (const c of this.collections.all()) {
        if (c.embeddingModel === path) continue;
        store.dropVectors(c.id);
        this.collections.setModel(c.id, null, null, Date.now());
        if (path === null) this.docs.clearEmbedded(c.id);
        else this.docs.pendReembed(c.id, path);
      }
    })();
    for (const c of this.collections.all()) this.workOf(c.id).runner.kick();
    this.changed(null);
    return { path };
  }

  /** Stops ingestion and watchers (what is pending stays pending for the next start). */
  async dispose(): Promise<void> {
    this.disposed = true;
    await Promise.all([...this.work.values()].map((w) => w.dispose()));
    this.work.clear();
  }

  private get(id: string): Collection {
    return this.describe(this.record(id));
  }

  private record(id: string): CollectionRecord {
    const c = this.collections.get(id);
    if (!c) throw new AppError('NOT_FOUND', 'That collection does not exist (it may have been deleted).');
    return c;
  }

  private describe(c: CollectionRecord): Collection {
    const counts = this.docs.counts(c.id);
    return {
      id: c.id,
      name: c.name,
      createdAt: c.createdAt,
      sources: this.collections.sources(c.id).map(({ id, kind, path, watch }) => ({ id, kind, path, watch })),
      embeddingModel: c.embeddingModel,
      dimensions: c.dimensions,
      stats: {
        documents: counts.documents,
        indexed: counts.indexed,
        failed: counts.failed,
        skipped: counts.skipped,
        chunks: counts.chunks,
      },
      ingest: this.workOf(c.id).runner.snapshot(),
    };
  }

  private workOf(id: string): CollectionIngest {
    let work = this.work.get(id);
    if (!work) {
      if (this.disposed) throw new AppError('CANCELLED', 'Hearth is closing.');
      work = new CollectionIngest({
        collectionId: id,
        db: this.o.db,
        docs: this.docs,
        store: this.engine.store,
        limits: this.limits,
        debounceMs: this.o.debounceMs ?? 300,
        now: Date.now,
        prepare: (signal) => this.engine.prepare(id, signal),
        emit: (state) => this.o.events.emit('collections:progress', state),
        changed: () => this.changed(id),
        ...(this.o.progressMs !== undefined ? { progressMs: this.o.progressMs } : {}),
      });
      this.work.set(id, work);
    }
    return work;
  }

  private changed(collectionId: string | null): void {
    this.o.events.emit('collections:changed', { collectionId });
  }
}
