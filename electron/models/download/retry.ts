import { setTimeout as sleep } from 'node:timers/promises';
import { retryable } from './transferError';

export interface RetryOptions {
  /** Tries in a row without progress before giving up. */
  tries: number;
  /** The first wait; each further one doubles, up to a minute. */
  baseMs: number;
  signal: AbortSignal;
  /** Whether the try that just failed moved the file on: then the count starts again, as a resume loses nothing. */
  madeProgress: () => boolean;
  /** Before each wait: the try that comes next (2 for the first retry), why, and how long the wait is. */
  onRetry: (nextTry: number, error: unknown, delayMs: number) => void;
}

const MAX_DELAY_MS = 60_000;

/**
 * Runs `fn` until it succeeds, it fails in a way a retry cannot help, or `tries` tries in a row fail without
 * progress, waiting with exponential backoff between them. The waits end at once on abort.
 */
export async function withRetries<T>(fn: (tryNumber: number) => Promise<T>, o: RetryOptions): Promise<T> {
  let failures = 0;
  for (;;) {
    try {
      return await fn(failures + 1);
    } catch (error) {
      if (o.signal.aborted || !retryable(error)) throw error;
      failures = o.madeProgress() ? 1 : failures + 1;
      if (failures >= o.tries) throw error;
      const delayMs = Math.min(MAX_DELAY_MS, o.baseMs * 2 ** (failures - 1));
      o.onRetry(failures + 1, error, delayMs);
      await sleep(delayMs, undefined, { signal: o.signal }).catch(() => {
        throw o.signal.reason;
      });
    }
  }
}
