import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { SINK_WORKER_SOURCE } from './sinkWorker';

const Reply = z.discriminatedUnion('type', [
  z.object({ type: z.literal('opened'), gen: z.number(), bytes: z.number() }),
  z.object({ type: z.literal('written'), gen: z.number(), len: z.number(), buf: z.instanceof(ArrayBuffer) }),
  z.object({ type: z.literal('closed'), gen: z.number(), bytes: z.number(), digest: z.string() }),
  z.object({ type: z.literal('error'), gen: z.number(), code: z.string().nullable(), message: z.string() }),
]);

/** A write or hash that failed in the worker; `code` is the errno code (ENOSPC, EACCES, ...) when there is one. */
export class SinkError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
    this.name = 'SinkError';
  }
}

/** Bytes gathered before one message to the worker: fewer, larger messages cost the main thread less. */
const BATCH = 1 << 20;
/** The longest bytes wait in a batch: a slow download still reaches the disk (and survives a kill) as it comes. */
const BATCH_MS = 50;
/** Bytes on their way to the disk before the network is paused. */
const HIGH_WATER = 16 << 20;
/** Batches' memory kept for reuse: as much as can be on its way at once. */
const POOL = HIGH_WATER / BATCH + 1;

interface Pending {
  resolve: (value: never) => void;
  reject: (error: SinkError) => void;
}

/**
 * Appends a partial file and hashes it on a worker thread, so the main thread (which in the app also answers the
 * window) only receives: on this 2-core machine that is what lets a download keep up with curl. One file open at
 * a time; every byte handed to `write` is written and hashed, in order, even when the connection then breaks.
 */
export class PartSink {
  private worker: Worker | null = null;
  private gen = 0;
  private pending = new Map<string, Pending>();
  private batch: { memory: ArrayBuffer; view: Buffer } | null = null;
  private readonly pool: ArrayBuffer[] = [];
  private batchTimer: NodeJS.Timeout | null = null;
  private batchLen = 0;
  private inFlight = 0;
  private drainWaiters: (() => void)[] = [];
  private failure: SinkError | null = null;

  /**
   * Opens `path` for appending; its first `have` bytes are hashed again unless the worker already holds their
   * hash (the same file, the same length, earlier in this run). Resolves with the bytes the hash covers.
   */
  open(path: string, have: number): Promise<number> {
    this.gen++;
    this.failure = null;
    this.inFlight = 0;
    // Nothing of an earlier file may follow: its bytes went at its close, or it failed.
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.batchTimer = null;
    this.batchLen = 0;
    return this.ask<number>('opened', { type: 'open', path, have });
  }

  /** Queues bytes for the file; false when enough are on their way that the source should wait for `drained`. */
  write(chunk: Buffer): boolean {
    if (this.failure) return true;
    for (let at = 0; at < chunk.length; ) {
      if (!this.batch) {
        const memory = this.pool.pop() ?? new ArrayBuffer(BATCH);
        this.batch = { memory, view: Buffer.from(memory) };
      }
      const n = chunk.copy(this.batch.view, this.batchLen, at);
      this.batchLen += n;
      at += n;
      if (this.batchLen === BATCH) this.flush();
    }
    this.batchTimer ??= this.batchLen > 0 ? setTimeout(() => this.flush(), BATCH_MS) : null;
    return this.inFlight < HIGH_WATER;
  }

  /** Resolves once the bytes on their way are below the high-water mark again (or the sink failed). */
  drained(): Promise<void> {
    if (this.inFlight < HIGH_WATER || this.failure) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Empties the open file and starts its hash again (the server sent the whole file to a Range request). */
  truncate(): void {
    this.batchLen = 0;
    this.post({ type: 'truncate' });
  }

  /** Writes what is queued, closes the file, and resolves with the bytes in it and their SHA-256. */
  close(): Promise<{ bytes: number; digest: string }> {
    this.flush();
    if (this.failure) return Promise.reject(this.failure);
    return this.ask('closed', { type: 'close' });
  }

  /** Drops the hash kept for a partial file that is being deleted. */
  forget(path: string): void {
    this.worker?.postMessage({ type: 'forget', path, gen: this.gen });
  }

  async dispose(): Promise<void> {
    if (this.batchTimer) clearTimeout(this.batchTimer);
    const w = this.worker;
    this.worker = null;
    await w?.terminate();
  }

  private get thread(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(SINK_WORKER_SOURCE, { eval: true });
    // The worker waits for work; it must not keep a process alive that has nothing else to do.
    w.unref();
    w.on('message', (m: unknown) => this.onReply(m));
    w.on('error', (error) => this.fail(new SinkError(`The download writer stopped: ${error.message}`, null)));
    w.on('exit', () => {
      if (this.worker === w) this.worker = null;
      this.fail(new SinkError('The download writer stopped.', null));
    });
    this.worker = w;
    return w;
  }

  private post(message: Record<string, unknown>, transfer: ArrayBuffer[] = []): void {
    this.thread.postMessage({ ...message, gen: this.gen }, transfer);
  }

  private ask<T>(reply: 'opened' | 'closed', message: Record<string, unknown>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.set(reply, { resolve: resolve as (v: never) => void, reject });
      this.post(message);
    });
  }

  private flush(): void {
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.batchTimer = null;
    if (!this.batch || this.batchLen === 0 || this.failure) return;
    const buf = this.batch.memory;
    const len = this.batchLen;
    this.batch = null;
    this.batchLen = 0;
    this.inFlight += len;
    this.post({ type: 'data', buf, len }, [buf]);
  }

  private onReply(raw: unknown): void {
    const m = Reply.safeParse(raw);
    if (!m.success) return this.fail(new SinkError('The download writer sent a message Hearth cannot read.', null));
    if (m.data.type === 'written' && m.data.buf.byteLength === BATCH && this.pool.length < POOL) this.pool.push(m.data.buf);
    // A reply about an earlier file (a write already on its way when that one failed) is old news.
    if (m.data.gen !== this.gen) return;
    switch (m.data.type) {
      case 'written':
        this.inFlight -= m.data.len;
        if (this.inFlight < HIGH_WATER) for (const w of this.drainWaiters.splice(0)) w();
        return;
      case 'opened':
        return this.settle('opened', m.data.bytes);
      case 'closed':
        return this.settle('closed', { bytes: m.data.bytes, digest: m.data.digest });
      case 'error':
        return this.fail(new SinkError(m.data.message, m.data.code));
      default:
        m.data satisfies never;
    }
  }

  private settle(reply: 'opened' | 'closed', value: unknown): void {
    const p = this.pending.get(reply);
    this.pending.delete(reply);
    p?.resolve(value as never);
  }

  private fail(error: SinkError): void {
    this.failure ??= error;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
    for (const w of this.drainWaiters.splice(0)) w();
  }
}
