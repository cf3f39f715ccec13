/** How far back the rate looks: long enough to smooth one slow file, short enough to follow a change of pace. */
const WINDOW_MS = 5000;

interface Sample {
  at: number;
  chunks: number;
  bytes: number;
}

/**
 * Chunks per second over the last few seconds, and an ETA from the bytes still to read at the bytes-per-second
 * pace of the same window (a file's chunks are unknown until it is read, its size is not).
 */
export class ProgressMeter {
  private samples: Sample[] = [];
  private chunks = 0;
  private bytes = 0;
  private files = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Starts a new run: what came before does not count towards its pace. */
  reset(): void {
    this.chunks = 0;
    this.bytes = 0;
    this.files = 0;
    this.samples = [{ at: this.now(), chunks: 0, bytes: 0 }];
  }

  addChunks(n: number): void {
    this.chunks += n;
    this.sample();
  }

  /** A file finished: its bytes count towards the pace the ETA uses. */
  addFile(bytes: number): void {
    this.files += 1;
    this.bytes += bytes;
    this.sample();
  }

  chunksPerSecond(): number {
    const span = this.span();
    if (!span) return 0;
    return Math.max(0, (span.last.chunks - span.first.chunks) / span.seconds);
  }

  /** null until a file has finished and there is some time to judge the pace by. */
  etaSeconds(remainingBytes: number): number | null {
    if (remainingBytes <= 0) return 0;
    const span = this.span();
    if (!span || this.files === 0) return null;
    const bytesPerSecond = (span.last.bytes - span.first.bytes) / span.seconds;
    if (bytesPerSecond <= 0) return null;
    return Math.ceil(remainingBytes / bytesPerSecond);
  }

  private sample(): void {
    const at = this.now();
    this.samples.push({ at, chunks: this.chunks, bytes: this.bytes });
    // Keep one sample older than the window, so the window always has a start.
    while (this.samples.length > 2 && this.samples[1]!.at < at - WINDOW_MS) this.samples.shift();
  }

  private span(): { first: Sample; last: Sample; seconds: number } | null {
    const first = this.samples[0];
    if (!first) return null;
    const at = this.now();
    const seconds = (at - first.at) / 1000;
    if (seconds < 0.25) return null;
    return { first, last: { at, chunks: this.chunks, bytes: this.bytes }, seconds };
  }
}
