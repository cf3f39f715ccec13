/** Speed over a sliding window, so a burst or a pause a few seconds ago does not skew the ETA for long. */
export class Speedometer {
  /** Cumulative bytes at times, at least `stepMs` apart but for the newest (a chunk can come every few µs). */
  private samples: { t: number; bytes: number }[] = [];

  constructor(
    private readonly windowMs = 5000,
    private readonly stepMs = 100,
  ) {}

  /** Forgets the history: bytes found on disk at a resume were not received now. */
  reset(t: number, bytes: number): void {
    this.samples = [{ t, bytes }];
  }

  add(t: number, bytes: number): void {
    const n = this.samples.length;
    if (n >= 2 && t - this.samples[n - 2]!.t < this.stepMs) this.samples[n - 1] = { t, bytes };
    else this.samples.push({ t, bytes });
  }

  /** Bytes per second over the window ending at `now`; 0 when nothing came in it. */
  rate(now: number): number {
    const start = now - this.windowMs;
    // Keep the newest sample at or before the window's start, to interpolate the count there.
    while (this.samples.length > 1 && this.samples[1]!.t <= start) this.samples.shift();
    const first = this.samples[0];
    const second = this.samples[1];
    const last = this.samples.at(-1);
    if (!first || !last) return 0;
    const from = Math.max(first.t, start);
    const base =
      second && first.t < from ? first.bytes + ((second.bytes - first.bytes) * (from - first.t)) / (second.t - first.t) : first.bytes;
    const seconds = (now - from) / 1000;
    return seconds > 0 ? Math.max(0, last.bytes - base) / seconds : 0;
  }
}
