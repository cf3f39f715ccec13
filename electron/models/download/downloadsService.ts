import type Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AppError } from '../../../shared/errors';
import type { Download, DownloadStatus } from '../../../shared/models';
import type { EventBus } from '../../lib/events';
import { newId } from '../../lib/ids';
import type { HubFilesResolver, LibraryRegistrar } from '../ports';
import { bytesOnDisk, type Entry, entryFor, totalOf, viewOf } from './downloadEntry';
import { partPathOf, runDownloadJob } from './downloadJob';
import { type DownloadRecord, DownloadsRepo, type StoredPart } from './downloadsRepo';
import { checkFreeSpace, nodeStatFs, type StatFs } from './freeSpace';
import { TransferThread } from './transferThread';
import { planDownload } from './planDownload';
import { checkRealInside } from './safePath';

export interface DownloadsOptions {
  db: Database.Database;
  events: EventBus;
  hub: HubFilesResolver;
  library: LibraryRegistrar;
  /** The models folder now (it can change). */
  modelsDir: () => string;
  /** The Hub token for requests, or null. */
  token: () => string | null;
  /** No bytes for this long and a try ends, to be retried (default 30 s). */
  stallMs?: number;
  /** Tries in a row without progress before a download fails (default 5). */
  tries?: number;
  /** The first wait before a retry; each further one doubles (default 1 s). */
  backoffMs?: number;
  /** How often progress is sent at most (default 500 ms: about twice a second). */
  progressMs?: number;
  /** Free space in a folder (default fs.statfs); tests stand in a full disk. */
  statFs?: StatFs;
}

const ACTIVE: readonly DownloadStatus[] = ['queued', 'downloading', 'verifying', 'paused'];
const FINISHED: readonly DownloadStatus[] = ['done', 'failed', 'cancelled'];

/**
 * The download queue: Range-resumed, hash-checked, retried, paused and cancelled; survives a restart.
 * One download runs at a time: they share one network link, so running several makes none of them finish sooner,
 * while one at a time makes each model usable as early as it can be, keeps the free-space check honest, and
 * means no two transfers ever write the same partial file.
 */
export class DownloadsService {
  private readonly repo: DownloadsRepo;
  private readonly entries = new Map<string, Entry>();
  private readonly thread = new TransferThread();
  private pumping: Promise<void> | null = null;
  private disposed = false;

  constructor(private readonly o: DownloadsOptions) {
    this.repo = new DownloadsRepo(o.db);
  }

  /** Picks up the queue a previous run left: unfinished downloads resume from their partial files. */
  start(): void {
    for (const record of this.repo.all()) {
      // A download that was running when the app stopped goes back in the queue; a paused one stays paused.
      if (record.status === 'downloading' || record.status === 'verifying') {
        record.status = 'queued';
        this.repo.setStatus(record.id, 'queued', null, Date.now());
      }
      this.entries.set(record.id, entryFor(record));
    }
    this.kick();
  }

  async enqueue(repo: string, revision: string, file: string): Promise<Download> {
    const modelsDir = this.o.modelsDir();
    const { parts, license } = await planDownload(this.o.hub, modelsDir, repo, revision, file);
    const destPath = parts[0]!.destPath;
    this.checkNotThere(repo, file, parts);
    const need = parts.reduce((n, p) => n + p.sizeBytes - bytesOnDisk(p), 0);
    const ahead = [...this.entries.values()]
      .filter((e) => e.record.status !== 'paused' && ACTIVE.includes(e.record.status))
      .reduce((n, e) => n + totalOf(e) - e.received, 0);
    await checkFreeSpace(modelsDir, need, this.o.statFs ?? nodeStatFs, ahead);
    for (const dir of new Set(parts.map((p) => dirname(p.destPath)))) {
      await mkdir(dir, { recursive: true });
      await checkRealInside(modelsDir, dir);
    }
    // Again, now that nothing is awaited before the insert: another start of the same file may have come meanwhile.
    this.checkNotThere(repo, file, parts);
    // A failed or cancelled try at the same file gives way: the new one takes over its partial file.
    for (const e of [...this.entries.values()].filter((x) => x.record.destPath === destPath)) {
      this.repo.remove(e.record.id);
      this.entries.delete(e.record.id);
    }
    const record: DownloadRecord = {
      id: newId(),
      repo,
      revision,
      file,
      destPath,
      parts,
      status: 'queued',
      error: null,
      license,
      createdAt: Date.now(),
    };
    this.repo.insert(record);
    const entry = entryFor(record);
    this.entries.set(record.id, entry);
    this.emit(entry);
    this.kick();
    return this.view(entry);
  }

  list(): Download[] {
    return [...this.entries.values()].map((e) => this.view(e));
  }

  /** Stops a queued or running download; its partial file stays for `resume`. */
  pause(id: string): Download {
    const e = this.get(id);
    const s = e.record.status;
    if (s === 'paused') return this.view(e);
    if (s === 'verifying') throw new AppError('BUSY', 'This download is being checked and moved into place; it is almost done.');
    if (s !== 'queued' && s !== 'downloading') throw new AppError('BAD_INPUT', `A download that is ${s} cannot be paused.`);
    this.setStatus(e, 'paused', null);
    e.controller?.abort(new AppError('CANCELLED', 'Paused.'));
    return this.view(e);
  }

  /** Queues a paused or failed download again; it goes on from its partial file with a Range request. */
  resume(id: string): Download {
    const e = this.get(id);
    const s = e.record.status;
    if (s === 'queued' || s === 'downloading' || s === 'verifying') return this.view(e);
    if (s !== 'paused' && s !== 'failed') throw new AppError('BAD_INPUT', `A download that is ${s} cannot be resumed; start it again.`);
    e.attempt = 1;
    this.setStatus(e, 'queued', null);
    this.kick();
    return this.view(e);
  }

  /** Stops a download and deletes its partial files. */
  async cancel(id: string): Promise<Download> {
    const e = this.get(id);
    const s = e.record.status;
    if (s === 'cancelled') return this.view(e);
    if (s === 'done') throw new AppError('BAD_INPUT', 'This download has finished: delete the model from the library instead.');
    if (s === 'verifying') throw new AppError('BUSY', 'This download is being checked and moved into place; it is almost done.');
    this.setStatus(e, 'cancelled', null);
    e.controller?.abort(new AppError('CANCELLED', 'Cancelled.'));
    // The transfer must have let go of the partial file before it is deleted.
    await e.running?.catch(() => undefined);
    await this.deletePartials(e);
    this.emit(e);
    return this.view(e);
  }

  /** Forgets a finished, failed or cancelled download (the model stays; a failed one's partial files go). */
  async dismiss(id: string): Promise<void> {
    const e = this.get(id);
    if (!FINISHED.includes(e.record.status)) throw new AppError('BUSY', 'Cancel this download before removing it from the list.');
    // Gone from the list first, so nothing can resume it while its partial files are deleted.
    this.repo.remove(id);
    this.entries.delete(id);
    if (e.record.status === 'failed') await this.deletePartials(e);
  }

  /** Stops every transfer (partial files stay for the next start). */
  async dispose(): Promise<void> {
    this.disposed = true;
    for (const e of this.entries.values()) e.controller?.abort(new AppError('CANCELLED', 'Hearth is closing.'));
    await this.pumping;
    await this.thread.dispose();
  }

  private checkNotThere(repo: string, file: string, parts: StoredPart[]): void {
    const destPath = parts[0]!.destPath;
    for (const e of this.entries.values()) {
      if (e.record.destPath === destPath && ACTIVE.includes(e.record.status)) {
        throw new AppError('BUSY', `${repo}/${file} is already in the download queue.`);
      }
    }
    const existing = parts.find((p) => existsSync(p.destPath));
    if (existing) throw new AppError('BAD_INPUT', `${repo}/${existing.remotePath} is already downloaded, at ${existing.destPath}.`);
  }

  private get(id: string): Entry {
    const e = this.entries.get(id);
    if (!e) throw new AppError('NOT_FOUND', 'There is no such download.');
    return e;
  }

  private view(e: Entry): Download {
    return viewOf(e);
  }

  private emit(e: Entry): void {
    this.o.events.emit('downloads:progress', this.view(e));
  }

  private setStatus(e: Entry, status: DownloadStatus, error: string | null): void {
    e.record.status = status;
    e.record.error = error;
    this.repo.setStatus(e.record.id, status, error, Date.now());
    this.emit(e);
  }

  private async deletePartials(e: Entry): Promise<void> {
    await Promise.all(e.record.parts.map((p) => rm(partPathOf(p), { force: true })));
    for (const p of e.record.parts) this.thread.forget(partPathOf(p));
    e.received = e.record.parts.reduce((n, p) => n + bytesOnDisk(p), 0);
  }

  /**
   * Tells the library where the verified model came from. The file is in place and checked by now, so a failure
   * here does not undo the download: it is done, with a note that its source and licence were not recorded.
   */
  private register(record: DownloadRecord): string | null {
    try {
      this.o.library.registerDownload({
        path: record.destPath,
        repo: record.repo,
        revision: record.revision,
        file: record.file,
        sha256: record.parts[0]!.sha256,
        license: record.license,
      });
      return null;
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return `The model is downloaded and verified, but the library could not record its source and licence: ${why}`;
    }
  }

  /** Runs queued downloads one after another, oldest first, until none is left. */
  private kick(): void {
    if (this.pumping || this.disposed) return;
    this.pumping = (async () => {
      for (let e = this.nextQueued(); e && !this.disposed; e = this.nextQueued()) {
        e.running = this.run(e);
        await e.running;
        e.running = null;
      }
    })().finally(() => {
      this.pumping = null;
      // A resume that came while the loop was ending must not wait for the next one.
      if (this.nextQueued()) this.kick();
    });
  }

  private nextQueued(): Entry | undefined {
    return [...this.entries.values()].find((e) => e.record.status === 'queued');
  }

  private async run(e: Entry): Promise<void> {
    const controller = new AbortController();
    e.controller = controller;
    e.retryNote = null;
    e.speed.reset(performance.now(), e.received);
    this.setStatus(e, 'downloading', null);
    let sent = { received: -1, rate: -1 };
    const ticker = setInterval(() => {
      const v = this.view(e);
      if (v.receivedBytes === sent.received && v.bytesPerSecond === sent.rate) return;
      sent = { received: v.receivedBytes, rate: v.bytesPerSecond };
      this.o.events.emit('downloads:progress', v);
    }, this.o.progressMs ?? 500);
    try {
      await runDownloadJob({
        record: e.record,
        signal: controller.signal,
        thread: this.thread,
        token: this.o.token,
        stallMs: this.o.stallMs ?? 30_000,
        tries: this.o.tries ?? 5,
        backoffMs: this.o.backoffMs ?? 1000,
        statFs: this.o.statFs ?? nodeStatFs,
        verifying: () => this.setStatus(e, 'verifying', null),
        onBytes: (received, fromNetwork) => {
          e.received = received;
          if (!fromNetwork) return e.speed.reset(performance.now(), received);
          e.retryNote = null;
          e.speed.add(performance.now(), received);
        },
        onRetry: (nextTry, error, delayMs) => {
          e.attempt = nextTry;
          const why = error instanceof Error ? error.message : String(error);
          const wait = delayMs >= 1000 ? `${Math.round(delayMs / 1000)} s` : `${delayMs} ms`;
          e.retryNote = `${why} Trying again in ${wait} (try ${nextTry}).`;
          this.emit(e);
        },
      });
      this.setStatus(e, 'done', this.register(e.record));
      this.o.events.emit('models:changed', {});
    } catch (error) {
      // Pause, cancel and closing set the status themselves; closing leaves it as it was for the next start.
      if (controller.signal.aborted) return;
      this.setStatus(e, 'failed', error instanceof AppError ? error.message : `The download failed: ${String(error)}`);
    } finally {
      clearInterval(ticker);
      e.controller = null;
    }
  }
}
