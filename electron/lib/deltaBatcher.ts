/**
 * Coalesces streamed text into at most one flush per `intervalMs`. The first text after a quiet spell goes out
 * at once (the first token is never delayed); later text waits for the interval. `flush()` sends what is left,
 * at the end of a stream.
 */
export class DeltaBatcher {
  private buffer = '';
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastFlush = -Infinity;

  constructor(
    private readonly intervalMs: number,
    private readonly onFlush: (text: string) => void,
  ) {}

  push(text: string): void {
    if (!text) return;
    this.buffer += text;
    if (this.timer) return;
    const wait = this.lastFlush + this.intervalMs - performance.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.buffer) return;
    const text = this.buffer;
    this.buffer = '';
    this.lastFlush = performance.now();
    this.onFlush(text);
  }
}
