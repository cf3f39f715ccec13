import type { InspectResult } from '../../inference/protocol';
import type { Scheduler } from '../../scheduler/scheduler';

/** How many remote headers are read at once: each is a few Range requests, and the Hub limits clients. */
export const INSPECT_CONCURRENCY = 3;

/**
 * Reads remote GGUF headers through the engine's `inspect` job, a few at a time, and remembers each result by URL
 * and context size (URLs are pinned to a commit, so a header never changes). A failure is not remembered: the
 * next listing tries again.
 */
export class FitReader {
  private readonly cache = new Map<string, Promise<InspectResult>>();
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly scheduler: Pick<Scheduler, 'run'>,
    private readonly maxEntries = 500,
  ) {}

  /** `headers` (a gated repository's token) travel with the request only; they are no part of the cache key. */
  inspect(url: string, contextSize: number, headers?: Record<string, string>): Promise<InspectResult> {
    const key = `${contextSize} ${url}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const p = this.limited(() =>
      this.scheduler.run('inspect', { source: url, contextSize, sequences: 1, ...(headers ? { headers } : {}) }),
    );
    this.cache.set(key, p);
    p.catch(() => this.cache.delete(key));
    if (this.cache.size > this.maxEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    return p;
  }

  private async limited<T>(fn: () => Promise<T>): Promise<T> {
    while (this.running >= INSPECT_CONCURRENCY) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await fn();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
