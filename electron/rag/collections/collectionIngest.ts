import type Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { AppError } from '../../../shared/errors';
import type { IngestState } from '../../../shared/rag';
import { describeError, logWarn } from '../../lib/log';
import type { ChunkStore } from '../ingest/ingestPorts';
import { IngestRunner, type RunnerDeps } from '../ingest/ingestRunner';
import { classifyPath, type ScanEntry, type ScanLimits, scanFolder } from '../ingest/scanFolder';
import { applyEntries, documentsAt, removeDocuments, type ScanTarget, unseenDocuments } from './applyScan';
import type { SourceRecord } from './collectionsRepo';
import type { DocumentsRepo } from './documentsRepo';
import { type FolderChanges, FolderWatcher } from './folderWatcher';

export interface CollectionIngestDeps extends Omit<RunnerDeps, 'docs'> {
  db: Database.Database;
  docs: DocumentsRepo;
  store: ChunkStore;
  limits: ScanLimits;
  debounceMs: number;
  now: () => number;
}

/**
 * One collection's background work: scanning its sources, watching its watched folders, and the ingestion run.
 * Scans and watchers' batches take turns, so two never change the same rows at once.
 */
export class CollectionIngest {
  readonly runner: IngestRunner;
  private readonly watchers = new Map<string, FolderWatcher>();
  private scans = new AbortController();
  private turn: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly d: CollectionIngestDeps) {
    this.runner = new IngestRunner(d);
  }

  /** Finds the source's files (a folder walked, a file looked at), brings the documents in line, and reads them. */
  scan(source: SourceRecord): Promise<void> {
    const signal = this.scans.signal;
    this.runner.scanning(true);
    return this.inTurn(async () => {
      try {
        await this.scanNow(source, signal);
        if (!signal.aborted && !this.closed) this.runner.kick();
      } catch (e) {
        if (signal.aborted || this.closed) return;
        logWarn(`Scanning ${source.path} failed.`, e);
        this.runner.fail(e instanceof AppError ? e.message : `${source.path} could not be scanned: ${describeError(e)}`);
      } finally {
        this.runner.scanning(false);
      }
    });
  }

  /** Starts watching a folder source; resolves when changes from now on will be seen. */
  async watch(source: SourceRecord): Promise<void> {
    if (source.kind !== 'folder' || !source.watch || this.watchers.has(source.id) || this.closed) return;
    const rootReal = await realpath(source.path).catch(() => source.path);
    const watcher = new FolderWatcher({
      root: source.path,
      maxDepth: this.d.limits.maxDepth,
      debounceMs: this.d.debounceMs,
      onChanges: (changes) => void this.inTurn(() => this.applyChanges(source, rootReal, changes)),
    });
    this.watchers.set(source.id, watcher);
    await watcher.ready;
  }

  async unwatch(sourceId: string): Promise<void> {
    const w = this.watchers.get(sourceId);
    this.watchers.delete(sourceId);
    await w?.close();
  }

  /** Stops scans and the run; the rest stays pending. */
  cancel(): Promise<IngestState> {
    this.scans.abort(new AppError('CANCELLED', 'Ingestion was cancelled.'));
    this.scans = new AbortController();
    return this.runner.cancel();
  }

  /** Waits for scans and watchers' batches in progress (a source about to be removed must not get rows back). */
  settle(): Promise<void> {
    return this.inTurn(async () => {});
  }

  async dispose(): Promise<void> {
    this.closed = true;
    this.scans.abort(new AppError('CANCELLED', 'Hearth is closing.'));
    await Promise.all([...this.watchers.values()].map((w) => w.close()));
    this.watchers.clear();
    await this.runner.stop();
    await this.turn;
  }

  private inTurn(fn: () => Promise<void>): Promise<void> {
    const next = this.turn.then(fn, fn);
    this.turn = next.catch(() => undefined);
    return next;
  }

  private target(source: SourceRecord, signal?: AbortSignal): ScanTarget {
    return {
      db: this.d.db,
      docs: this.d.docs,
      store: this.d.store,
      collectionId: this.d.collectionId,
      sourceId: source.id,
      maxFileBytes: this.d.limits.maxFileBytes,
      now: this.d.now,
      ...(signal ? { signal } : {}),
    };
  }

  private async scanNow(source: SourceRecord, signal: AbortSignal): Promise<void> {
    const t = this.target(source, signal);
    if (source.kind === 'file') {
      const entry = await this.fileEntry(source.path);
      if (entry) await applyEntries(t, [entry]);
      else removeDocuments(t, documentsAt(t, source.path));
      return;
    }
    if (!existsSync(source.path)) throw new AppError('NOT_FOUND', `The folder ${source.path} is not there any more.`);
    const found = await scanFolder(source.path, this.d.limits, signal);
    signal.throwIfAborted();
    await applyEntries(t, found.entries);
    // A walk cut short did not see everything: nothing is forgotten for not being seen.
    if (!found.truncated) removeDocuments(t, unseenDocuments(t, found.entries));
  }

  /** A file source, as the user chose it: its real path was kept, so it is judged like any file. */
  private async fileEntry(path: string): Promise<ScanEntry | null> {
    const s = await stat(path).catch(() => null);
    if (!s) return null;
    return classifyPath(path, path, this.d.limits);
  }

  private async applyChanges(source: SourceRecord, rootReal: string, changes: FolderChanges): Promise<void> {
    if (this.closed) return;
    const t = this.target(source);
    const gone: string[] = [];
    const entries: ScanEntry[] = [];
    for (const path of [...changes.removed, ...changes.changed]) {
      const entry = await classifyPath(path, rootReal, this.d.limits);
      if (entry) entries.push(entry);
      else if (!existsSync(path)) gone.push(...documentsAt(t, path));
    }
    removeDocuments(t, gone);
    const pending = await applyEntries(t, entries);
    if (pending > 0) this.runner.kick();
    if (gone.length || entries.length) this.d.changed();
  }
}
