import { AppError } from '../../../shared/errors';
import type { ExtractedText, Extraction } from '../ports';

/** The file has content Hearth could not read: encrypted, damaged, no text layer. */
export const failed = (reason: string): Extraction => ({ ok: false, status: 'failed', reason });

/** The file is not for indexing: too big, empty, binary, or a type Hearth does not read. */
export const skipped = (reason: string): Extraction => ({ ok: false, status: 'skipped', reason });

export const extracted = (value: ExtractedText): Extraction => ({ ok: true, value });

/** A cancelled extraction throws (it is not the file's status); the caller's reason wins when it gave one. */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  throw signal.reason instanceof AppError ? signal.reason : new AppError('CANCELLED', 'Reading the file was cancelled.');
}

/** Lets timers, I/O and an abort in between long synchronous steps (a big PDF's pages). */
export const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** "12,345,678" for reasons a person reads. */
export const formatCount = (n: number): string => n.toLocaleString('en-US');

/** "50 MB" for reasons a person reads. */
export const formatBytes = (n: number): string =>
  n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(1)} GB` : n >= 1024 ** 2 ? `${Math.round(n / 1024 ** 2)} MB` : `${Math.ceil(n / 1024)} kB`;
