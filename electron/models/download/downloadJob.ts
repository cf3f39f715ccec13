import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../../shared/errors';
import type { DownloadRecord, StoredPart } from './downloadsRepo';
import { moveIntoPlace } from './finalize';
import { checkFreeSpace, type StatFs } from './freeSpace';
import type { TransferThread } from './transferThread';
import { transferPart } from './partTransfer';
import { withRetries } from './retry';
import { TransferError } from './transferError';

export const partPathOf = (part: StoredPart): string => `${part.destPath}.part`;

/** How one download is fetched: the knobs (tests lower the waits) and where it reports. */
export interface JobContext {
  record: DownloadRecord;
  signal: AbortSignal;
  /** Fetches, writes and hashes on a worker thread; it keeps each partial file's hash, so a resume need not read it again. */
  thread: TransferThread;
  token: () => string | null;
  stallMs: number;
  tries: number;
  backoffMs: number;
  statFs: StatFs;
  verifying: () => void;
  /** Bytes of the whole download (all parts) now on disk; `fromNetwork` false for those found there at a start. */
  onBytes: (received: number, fromNetwork: boolean) => void;
  onRetry: (nextTry: number, error: unknown, delayMs: number) => void;
}

async function sha256OfFile(path: string, signal: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(
    createReadStream(path, { highWaterMark: 1 << 20 }),
    async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) hash.update(chunk);
    },
    { signal },
  );
  return hash.digest('hex');
}

async function partialBytes(path: string): Promise<number> {
  return stat(path).then(
    (s) => s.size,
    () => 0,
  );
}

const mismatch = (part: StoredPart, got: string): AppError =>
  new AppError(
    'NETWORK',
    `${part.remotePath} does not match the Hub's SHA-256 (expected ${part.sha256}, got ${got}): it was damaged on the way. ` +
      'The downloaded bytes were deleted; start the download again.',
  );

/**
 * Fetches every part of a download to its `.part` file (resuming, retrying, hashing as the bytes come), checks
 * each against the Hub's SHA-256, and only when all match moves them to their final names, the first part last:
 * the library sees a model only once every byte of it has been checked.
 */
export async function runDownloadJob(c: JobContext): Promise<void> {
  const { record, signal } = c;
  const remaining = await Promise.all(
    record.parts.map(async (p) => (existsSync(p.destPath) ? 0 : p.sizeBytes - Math.min(p.sizeBytes, await partialBytes(partPathOf(p))))),
  );
  await checkFreeSpace(
    dirname(record.destPath),
    remaining.reduce((a, b) => a + b, 0),
    c.statFs,
  );
  let before = 0;
  for (const part of record.parts) {
    signal.throwIfAborted();
    const partPath = partPathOf(part);
    // Only a stop between two renames (a crash while moving the parts into place) leaves a final file here.
    if (existsSync(part.destPath) && !existsSync(partPath)) {
      const got = await sha256OfFile(part.destPath, signal);
      if (got !== part.sha256) throw mismatch(part, got);
      before += part.sizeBytes;
      c.onBytes(before, false);
      continue;
    }
    let gotBytes = false;
    const digest = await withRetries(
      () => {
        gotBytes = false;
        return transferPart({
          url: part.url,
          partPath,
          sizeBytes: part.sizeBytes,
          token: c.token(),
          tokenOrigin: new URL(part.url).origin,
          signal,
          stallMs: c.stallMs,
          thread: c.thread,
          onProgress: (bytes, fromNetwork) => {
            gotBytes ||= fromNetwork;
            c.onBytes(before + bytes, fromNetwork);
          },
        });
      },
      { tries: c.tries, baseMs: c.backoffMs, signal, madeProgress: () => gotBytes, onRetry: c.onRetry },
    ).catch((error: unknown) => {
      if (!signal.aborted && error instanceof TransferError && error.retryable) {
        throw new AppError(
          error.code,
          `${error.message} Gave up after ${c.tries} tries in a row; resume to go on from ${part.remotePath}'s partial file.`,
        );
      }
      throw error;
    });
    if (digest !== part.sha256) {
      await rm(partPath, { force: true });
      c.thread.forget(partPath);
      throw mismatch(part, digest);
    }
    before += part.sizeBytes;
  }
  signal.throwIfAborted();
  c.verifying();
  for (const part of [...record.parts].reverse()) {
    if (existsSync(partPathOf(part))) await moveIntoPlace(partPathOf(part), part.destPath);
    c.thread.forget(partPathOf(part));
  }
}
