import { randomBytes } from 'node:crypto';
import { DeltaBatcher } from '../../lib/deltaBatcher';
import type { SseWriter } from '../types';

/** The UI's delta cadence: a chunk at most every 50 ms, the first text at once. */
export const DEFAULT_FLUSH_MS = 50;

/** An id in OpenAI's shape: `chatcmpl-…`, `cmpl-…`, `call_…`. */
export function newId(prefix: string): string {
  return `${prefix}${randomBytes(12).toString('hex')}`;
}

/**
 * Runs what a scheduler or engine callback does for the response (start it, push text). A throw there would land
 * in the scheduler's pump or the host's event routing, so it stays here: the endpoint meets the same failure
 * again when it writes the end, and answers it there.
 */
export function guarded(fn: () => void): void {
  try {
    fn();
  } catch {
    // See above: reported by the endpoint's own next write.
  }
}

export type DeltaKind = 'text' | 'thought';

/**
 * Streamed text as SSE chunks, coalesced the way the UI coalesces deltas (`DeltaBatcher`): the first text goes
 * out at once, then at most one chunk per interval. Answer text and thoughts are batched apart, and a change of
 * kind flushes the other first, so the order the model wrote them in is kept. Sends are chained, so chunks leave
 * in order however the socket drains; nothing is sent once the client has gone.
 */
export class CoalescedSse {
  private chain: Promise<void> = Promise.resolve();
  private readonly batchers: Record<DeltaKind, DeltaBatcher>;
  private last: DeltaKind | null = null;
  private failed = false;

  constructor(
    private readonly sse: SseWriter,
    private readonly signal: AbortSignal,
    flushMs: number,
    chunk: (kind: DeltaKind, text: string) => unknown,
  ) {
    this.batchers = {
      text: new DeltaBatcher(flushMs, (t) => this.send(chunk('text', t))),
      thought: new DeltaBatcher(flushMs, (t) => this.send(chunk('thought', t))),
    };
  }

  push(kind: DeltaKind, text: string): void {
    if (this.last && this.last !== kind) this.batchers[this.last].flush();
    this.last = kind;
    this.batchers[kind].push(text);
  }

  /** Sends one event after everything before it. */
  send(data: unknown): void {
    if (this.signal.aborted || this.failed) return;
    this.chain = this.chain
      .then(() => (this.signal.aborted || this.failed ? undefined : this.sse.send(data)))
      .catch(() => {
        // The socket failed under us: the client is gone, and its signal ends the job.
        this.failed = true;
      });
  }

  /** Sends what is still batched and waits until every event has been written. */
  async flush(): Promise<void> {
    this.batchers.thought.flush();
    this.batchers.text.flush();
    await this.chain;
  }

  /** Flushes, then `[DONE]` and the end of the response. */
  async done(): Promise<void> {
    await this.flush();
    if (!this.signal.aborted && !this.failed) this.sse.done();
  }
}
