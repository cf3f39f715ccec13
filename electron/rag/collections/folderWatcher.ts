import { type FSWatcher, watch } from 'chokidar';
import { basename } from 'node:path';
import { logWarn } from '../../lib/log';
import { isIgnoredName } from '../ingest/scanFolder';

/** What changed under a watched folder since the last batch. */
export interface FolderChanges {
  /** Files added or changed (or anything that appeared: the handler decides what it is). */
  changed: string[];
  /** Files and folders that went away. */
  removed: string[];
}

export interface FolderWatcherOptions {
  root: string;
  maxDepth: number;
  /** Quiet time before a batch goes out: an editor's save is several events, a copied folder many more. */
  debounceMs: number;
  onChanges: (changes: FolderChanges) => void;
}

/**
 * chokidar 4 on one folder: links are not followed, hidden and noise folders are not watched, and events are
 * gathered into batches after a quiet spell, so a file saved in three writes is read once.
 */
export class FolderWatcher {
  private readonly watcher: FSWatcher;
  private readonly changed = new Set<string>();
  private readonly removed = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private firstAt = 0;
  /** Resolves once the first walk is done: from then on every change is seen. */
  readonly ready: Promise<void>;

  constructor(private readonly o: FolderWatcherOptions) {
    this.watcher = watch(o.root, {
      ignoreInitial: true,
      followSymlinks: false,
      depth: o.maxDepth,
      // The root itself is never ignored, even when the user chose a hidden folder.
      ignored: (path: string, stats) => path !== o.root && isIgnoredName(basename(path), stats?.isDirectory() ?? false),
    });
    this.ready = new Promise((resolve) => this.watcher.once('ready', () => resolve()));
    this.watcher.on('add', (p) => this.note(this.changed, this.removed, p));
    this.watcher.on('change', (p) => this.note(this.changed, this.removed, p));
    this.watcher.on('unlink', (p) => this.note(this.removed, this.changed, p));
    this.watcher.on('unlinkDir', (p) => this.note(this.removed, this.changed, p));
    this.watcher.on('error', (e) => logWarn(`Watching ${o.root} failed.`, e));
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.watcher.close();
  }

  private note(into: Set<string>, outOf: Set<string>, path: string): void {
    outOf.delete(path);
    into.add(path);
    const now = Date.now();
    if (this.timer) clearTimeout(this.timer);
    else this.firstAt = now;
    // A copy of many files never goes quiet: after ten quiet spells' time the batch goes out all the same.
    const wait = now - this.firstAt >= this.o.debounceMs * 10 ? 0 : this.o.debounceMs;
    this.timer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.timer = null;
    const changes = { changed: [...this.changed], removed: [...this.removed] };
    this.changed.clear();
    this.removed.clear();
    this.o.onChanges(changes);
  }
}
