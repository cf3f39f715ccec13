import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

export interface MeasuredBandwidth {
  gbPerSecond: number;
  /** "23 GB/s, measured on this machine (2 threads copying memory for 100 ms)". */
  source: string;
}

export interface MeasureOptions {
  /** How long the threads copy, together. */
  ms?: number;
  threads?: number;
  /** Each thread copies between two buffers of this size: larger than any CPU cache, so memory is what is timed. */
  bufferBytes?: number;
}

/**
 * Each thread allocates and touches its buffers, says it is ready, waits for the common start, then copies one
 * buffer into the other until its time is up. Plain JS in a string, so it runs the same from the bundle and from
 * the sources.
 */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { bytes, ms, go } = workerData;
const a = Buffer.alloc(bytes, 1);
const b = Buffer.alloc(bytes);
a.copy(b);
parentPort.postMessage({ ready: true });
Atomics.wait(go, 0, 0);
const start = performance.now();
let copies = 0;
while (performance.now() - start < ms) { a.copy(b); copies++; }
parentPort.postMessage({ bytes: copies * bytes * 2, ms: performance.now() - start });
`;

/**
 * Measures the memory bandwidth the CPU reaches, for the speed estimate of layers that run on the CPU: a few
 * threads (llama.cpp generates on several) copy large buffers at once for about 100 ms. Bytes count as STREAM's
 * copy does, read plus written. Runs in worker threads, so the main process's event loop never waits on it.
 */
export async function measureCpuBandwidth(o: MeasureOptions = {}): Promise<MeasuredBandwidth> {
  const ms = o.ms ?? 100;
  const threads = Math.max(1, o.threads ?? Math.min(4, availableParallelism()));
  const bytes = o.bufferBytes ?? 32 * 1024 * 1024;
  const go = new Int32Array(new SharedArrayBuffer(4));
  const workers = Array.from({ length: threads }, () => new Worker(THREAD, { eval: true, workerData: { bytes, ms, go } }));
  try {
    const threadsRun = workers.map((w) => {
      let ready!: () => void;
      const isReady = new Promise<void>((r) => (ready = r));
      const done = new Promise<{ bytes: number; ms: number }>((resolve, reject) => {
        w.on('message', (m: { ready?: boolean; bytes?: unknown; ms?: unknown }) => {
          if (m.ready) ready();
          else if (typeof m.bytes === 'number' && typeof m.ms === 'number') resolve({ bytes: m.bytes, ms: m.ms });
        });
        w.on('error', reject);
        w.on('exit', (code) => reject(new Error(`the copy thread exited (${code})`)));
      });
      // Threads terminated after another one failed reject too; what matters is awaited below.
      done.catch(() => undefined);
      return { isReady, done };
    });
    // A thread that fails before it is ready must not leave the others waiting for it.
    await Promise.race([Promise.all(threadsRun.map((t) => t.isReady)), ...threadsRun.map((t) => t.done)]);
    Atomics.store(go, 0, 1);
    Atomics.notify(go, 0);
    const done = await Promise.all(threadsRun.map((t) => t.done));
    const seconds = Math.max(...done.map((d) => d.ms)) / 1000;
    const gbPerSecond = done.reduce((sum, d) => sum + d.bytes, 0) / seconds / 1e9;
    const rounded = Number(gbPerSecond.toPrecision(3));
    return {
      gbPerSecond: rounded,
      source: `${rounded} GB/s, measured on this machine (${threads} thread${threads > 1 ? 's' : ''} copying memory for ${ms} ms)`,
    };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

let cached: Promise<MeasuredBandwidth | null> | null = null;

/** The CPU's bandwidth, measured once per process (the machine does not change), or null if it could not be measured. */
export function cpuBandwidth(): Promise<MeasuredBandwidth | null> {
  cached ??= measureCpuBandwidth().catch(() => null);
  return cached;
}
