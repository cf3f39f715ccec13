import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { HASH_WORKER_SOURCE } from './hashWorker';
import { TRANSFER_WORKER_SOURCE } from './transferWorker';

const Reply = z.discriminatedUnion('type', [
  z.object({ type: z.literal('opened'), bytes: z.number() }),
  z.object({ type: z.literal('closed'), bytes: z.number(), digest: z.string() }),
  z.object({
    type: z.literal('failed'),
    op: z.enum(['open', 'close']),
    aborted: z.boolean(),
    code: z.string().nullable(),
    message: z.string(),
  }),
  z.object({
    type: z.literal('head'),
    id: z.number(),
    status: z.number(),
    headers: z.object({
      location: z.string().nullable(),
      contentRange: z.string().nullable(),
      contentType: z.string().nullable(),
      contentLength: z.string().nullable(),
    }),
  }),
  z.object({
    type: z.literal('headFailed'),
    id: z.number(),
    stalled: z.boolean(),
    aborted: z.boolean(),
    code: z.string().nullable(),
    message: z.string(),
  }),
  z.object({ type: z.literal('progress'), id: z.number(), received: z.number() }),
  z.object({
    type: z.literal('end'),
    id: z.number(),
    outcome: z.enum(['complete', 'broke', 'stall', 'aborted', 'html', 'overflow', 'disk']),
    received: z.number(),
    message: z.string().nullable(),
  }),
]);
type Reply = z.infer<typeof Reply>;

export type Head = Extract<Reply, { type: 'head' }>;
export type BodyEnd = Extract<Reply, { type: 'end' }>;

/** A file operation (open, write, hash, close) that failed; `code` is the errno code (ENOSPC, EACCES, ...) when there is one. */
export class SinkError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
    /** The open stopped because the transfer was aborted. */
    readonly aborted = false,
  ) {
    super(message);
    this.name = 'SinkError';
  }
}

/** A request that got no answer: the network's error, a stall, or an abort. */
export class RequestError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
    readonly stalled: boolean,
    readonly aborted: boolean,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

type Opened = Extract<Reply, { type: 'opened' }>;
type Closed = Extract<Reply, { type: 'closed' }>;
type Failed = Extract<Reply, { type: 'failed' }>;
type HeadFailed = Extract<Reply, { type: 'headFailed' }>;

interface Pending {
  accept: (m: Reply) => boolean;
  resolve: (m: Reply) => void;
  reject: (error: Error) => void;
}

/**
 * A worker thread that fetches and writes the bytes of one partial file at a time, with a second one beside it
 * that hashes them (transferWorker.ts, partFileWorker.ts, hashWorker.ts), while the main thread (which in the app
 * also answers the window) decides everything else: which address, which headers, what a status means, when to
 * retry. Every byte the worker is handed goes to the file in order and into the hash, even when the connection
 * then breaks; each step here waits for its answer, and an abort ends the step in flight, which still answers.
 */
export class TransferThread {
  private worker: Worker | null = null;
  private pending: Pending | null = null;
  private nextId = 0;
  private progress: { id: number; on: (received: number) => void } | null = null;

  /**
   * Opens `path` for appending; its first `have` bytes are hashed again (in the worker) unless their hash is kept
   * from earlier in this run. Resolves with the bytes the hash covers.
   */
  async open(path: string, have: number): Promise<number> {
    const m = await this.ask(
      { type: 'open', path, have },
      (r): r is Opened | Failed => r.type === 'opened' || (r.type === 'failed' && r.op === 'open'),
    );
    if (m.type === 'failed') throw new SinkError(m.message, m.code, m.aborted);
    return m.bytes;
  }

  /** A GET with these headers; resolves with the status and headers, the body held until `body` or `discard`. */
  async request(url: string, headers: Record<string, string>, stallMs: number): Promise<Head> {
    const id = ++this.nextId;
    const m = await this.ask(
      { type: 'request', id, url, headers, stallMs },
      (r): r is Head | HeadFailed => (r.type === 'head' || r.type === 'headFailed') && r.id === id,
    );
    if (m.type === 'headFailed') throw new RequestError(m.message, m.code, m.stalled, m.aborted);
    return m;
  }

  /**
   * Streams the held body into the open file, at most `expected` bytes; `sniff` refuses a first chunk that reads
   * as a web page. `onProgress` hears the bytes received so far, a few times a second.
   */
  async body(head: Head, expected: number, sniff: boolean, onProgress: (received: number) => void): Promise<BodyEnd> {
    this.progress = { id: head.id, on: onProgress };
    try {
      return await this.ask({ type: 'body', id: head.id, expected, sniff }, (r): r is BodyEnd => r.type === 'end' && r.id === head.id);
    } finally {
      this.progress = null;
    }
  }

  /** Drops a held body that is not wanted (a redirect, a refusal). */
  discard(head: Head): void {
    this.worker?.postMessage({ type: 'discard', id: head.id });
  }

  /** Ends the step in flight (the rehash of an open, a request, a body); that step still answers, as aborted. */
  abort(): void {
    this.worker?.postMessage({ type: 'abort' });
  }

  /** Empties the open file and starts its hash again (the server sent the whole file to a Range request). */
  truncate(): void {
    this.worker?.postMessage({ type: 'truncate' });
  }

  /** Writes what is queued, closes the file, and resolves with the bytes in it and their SHA-256. */
  async close(): Promise<{ bytes: number; digest: string }> {
    const m = await this.ask(
      { type: 'close' },
      (r): r is Closed | Failed => r.type === 'closed' || (r.type === 'failed' && r.op === 'close'),
    );
    if (m.type === 'failed') throw new SinkError(m.message, m.code);
    return { bytes: m.bytes, digest: m.digest };
  }

  /** Drops the hash kept for a partial file that is being deleted. */
  forget(path: string): void {
    this.worker?.postMessage({ type: 'forget', path });
  }

  async dispose(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    await w?.terminate();
  }

  private get thread(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(TRANSFER_WORKER_SOURCE, { eval: true, workerData: { hasherSource: HASH_WORKER_SOURCE } });
    // The worker waits for work; it must not keep a process alive that has nothing else to do.
    w.unref();
    w.on('message', (m: unknown) => this.onReply(m));
    w.on('error', (error) => this.fail(new SinkError(`The download thread stopped: ${error.message}`, null)));
    w.on('exit', () => {
      if (this.worker === w) this.worker = null;
      this.fail(new SinkError('The download thread stopped.', null));
    });
    this.worker = w;
    return w;
  }

  /** Posts a step and resolves with the first answer `accept` takes for it. */
  private ask<T extends Reply>(message: Record<string, unknown>, accept: (r: Reply) => r is T): Promise<T> {
    if (this.pending) return Promise.reject(new SinkError('The download thread is busy with another step.', 'EBUSY'));
    return new Promise<T>((resolve, reject) => {
      this.pending = {
        accept,
        resolve: (m) => {
          // onReply only settles with an answer accept took; the check narrows it to T.
          if (accept(m)) resolve(m);
        },
        reject,
      };
      this.thread.postMessage(message);
    });
  }

  private onReply(raw: unknown): void {
    const parsed = Reply.safeParse(raw);
    if (!parsed.success) return this.fail(new SinkError('The download thread sent a message Hearth cannot read.', null));
    const m = parsed.data;
    if (m.type === 'progress') {
      if (this.progress?.id === m.id) this.progress.on(m.received);
      return;
    }
    // An answer to a step that is no longer awaited (a request dropped after an abort) is old news.
    const p = this.pending;
    if (!p?.accept(m)) return;
    this.pending = null;
    p.resolve(m);
  }

  private fail(error: SinkError): void {
    const p = this.pending;
    this.pending = null;
    p?.reject(error);
  }
}
