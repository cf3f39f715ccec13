import { AppError } from '../../../shared/errors';
import type { IngestState } from '../../../shared/rag';
import { describeError, logWarn } from '../../lib/log';
import type { DocumentState, DocumentsRepo } from '../collections/documentsRepo';
import type { DocumentResult } from './ingestDocument';
import { ProgressMeter } from './progressMeter';

export interface RunnerDeps {
  collectionId: string;
  docs: DocumentsRepo;
  /** Once per run, before its first document (a run with nothing to read loads nothing): the model, loaded. */
  prepare: (signal: AbortSignal) => Promise<DocumentWorker>;
  emit: (state: IngestState) => void;
  /** Documents' statuses changed (at most once per progress tick). */
  changed: () => void;
  /** Documents read at once: one is read and chunked while another's passages are embedded. */
  concurrency?: number;
  progressMs?: number;
  now?: () => number;
}

export type DocumentWorker = (doc: DocumentState, signal: AbortSignal, onChunks: (n: number) => void) => Promise<DocumentResult>;

type Phase = IngestState['state'];

/**
 * One collection's ingestion in the background. The database's pending and indexing rows are the to-do list, so
 * a run that was cancelled, stopped by an engine failure or killed with the app continues where it was. Progress
 * goes out about twice a second while it runs, and once at each change of state.
 */
export class IngestRunner {
  private phase: Phase = 'idle';
  private error: string | null = null;
  private controller: AbortController | null = null;
  private loop: Promise<void> | null = null;
  /** A kick came while running: the to-do list is read again from the start once this pass ends. */
  private again = false;
  private scans = 0;
  private readonly inFlight = new Map<string, { path: string; chunks: number }>();
  private readonly meter: ProgressMeter;
  private timer: NodeJS.Timeout | null = null;
  private dirty = false;
  private lastSent = '';

  constructor(private readonly d: RunnerDeps) {
    this.meter = new ProgressMeter(d.now);
  }

  /** Reads what is pending; a call while running makes the run look again before it ends. */
  kick(): void {
    if (this.loop) {
      this.again = true;
      return;
    }
    this.error = null;
    this.again = false;
    this.controller = new AbortController();
    this.phase = 'indexing';
    this.meter.reset();
    this.startTimer();
    const signal = this.controller.signal;
    this.loop = this.run(signal)
      .catch((e: unknown) => {
        if (signal.aborted) return;
        // The engine could not embed at all: the documents stay pending for the next run.
        this.phase = 'failed';
        this.error = describeError(e);
        logWarn('Ingestion stopped.', e);
      })
      .finally(() => {
        this.loop = null;
        this.controller = null;
        this.inFlight.clear();
        this.stopTimer();
        if (this.phase === 'indexing') this.phase = 'idle';
        // A kick that came after the run's last look at the to-do list (while it was ending) runs it again.
        const rerun = this.again && this.phase === 'idle' && !signal.aborted;
        this.again = false;
        if (rerun) return this.kick();
        if (this.scans > 0 && this.phase === 'idle') this.phase = 'scanning';
        this.flush(true);
      });
  }

  /** A source is being scanned (several may be at once): the state says so until ingestion takes over. */
  scanning(on: boolean): void {
    this.scans += on ? 1 : -1;
    if (this.loop) return;
    const next: Phase = this.scans > 0 ? 'scanning' : this.phase === 'scanning' ? 'idle' : this.phase;
    if (next !== this.phase) {
      this.phase = next;
      if (on) this.error = null;
      this.flush(true);
    }
  }

  /** Says what went wrong outside a run (a folder that is not there any more); the next run clears it. */
  fail(message: string): void {
    this.error = message;
    if (!this.loop && this.phase !== 'scanning') this.phase = 'failed';
    this.flush(true);
  }

  /** Stops the run and waits for it to let go: what was written stays, the rest stays pending. */
  async cancel(): Promise<IngestState> {
    if (this.loop) {
      this.phase = 'cancelled';
      this.controller?.abort(new AppError('CANCELLED', 'Ingestion was cancelled.'));
      await this.loop;
    } else if (this.phase === 'scanning') {
      this.phase = 'cancelled';
      this.flush(true);
    }
    return this.snapshot();
  }

  /** Stops without calling it a cancel (the model changed, the app closes) and waits for the documents to let go. */
  async stop(reason = 'Hearth is closing.'): Promise<void> {
    this.controller?.abort(new AppError('CANCELLED', reason));
    await this.loop;
    this.stopTimer();
  }

  get running(): boolean {
    return this.loop !== null;
  }

  snapshot(): IngestState {
    const c = this.d.docs.counts(this.d.collectionId);
    let partial = 0;
    let current: string | null = null;
    for (const f of this.inFlight.values()) {
      partial += f.chunks;
      current ??= f.path;
    }
    const live = this.phase === 'indexing';
    return {
      collectionId: this.d.collectionId,
      state: this.phase,
      filesDone: c.documents - c.todo,
      filesTotal: c.documents,
      chunksDone: c.chunks + partial,
      chunksPerSecond: live ? Math.round(this.meter.chunksPerSecond() * 10) / 10 : 0,
      etaSeconds: live ? this.meter.etaSeconds(c.todoBytes) : null,
      current: live ? current : null,
      error: this.error,
    };
  }

  private async run(signal: AbortSignal): Promise<void> {
    let work: DocumentWorker | null = null;
    const concurrency = Math.max(1, this.d.concurrency ?? 2);
    const running = new Set<Promise<void>>();
    let after = 0;
    let failure: unknown = null;
    for (;;) {
      while (!failure && !signal.aborted && running.size < concurrency) {
        const doc = this.next(after);
        if (!doc) break;
        work ??= await this.d.prepare(signal);
        after = doc.rowid;
        const p: Promise<void> = this.one(doc, work, signal)
          .catch((e: unknown) => {
            failure ??= e;
          })
          .finally(() => running.delete(p));
        running.add(p);
      }
      if (running.size === 0) {
        if (failure) throw failure;
        signal.throwIfAborted();
        if (!this.again) return;
        this.again = false;
        after = 0;
        continue;
      }
      await Promise.race(running);
    }
  }

  /** The next pending document after `after` that is not being read already. */
  private next(after: number): DocumentState | null {
    let cursor = after;
    for (;;) {
      const doc = this.d.docs.nextTodo(this.d.collectionId, cursor);
      if (!doc || !this.inFlight.has(doc.id)) return doc;
      cursor = doc.rowid;
    }
  }

  private async one(doc: DocumentState, work: DocumentWorker, signal: AbortSignal): Promise<void> {
    const entry = { path: doc.path, chunks: 0 };
    this.inFlight.set(doc.id, entry);
    try {
      const r = await work(doc, signal, (n) => {
        entry.chunks += n;
        this.meter.addChunks(n);
      });
      if (r.kind === 'done') this.meter.addFile(r.bytes);
      this.dirty = true;
    } finally {
      this.inFlight.delete(doc.id);
    }
  }

  private startTimer(): void {
    this.flush(true);
    this.timer = setInterval(() => this.flush(false), this.d.progressMs ?? 500);
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Sends the state when it changed (always when `force`), and says documents changed when they did. */
  private flush(force: boolean): void {
    if (this.dirty || force) {
      this.dirty = false;
      this.d.changed();
    }
    const state = this.snapshot();
    const key = JSON.stringify(state);
    if (!force && key === this.lastSent) return;
    this.lastSent = key;
    this.d.emit(state);
  }
}
