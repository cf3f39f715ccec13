import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { throwIfCancelled } from './outcome';

/** What reading a file gave: its bytes, or why it was not read (it grew past the cap, or is not a regular file). */
export type BoundedRead = { ok: true; bytes: Buffer } | { ok: false; why: 'tooBig' | 'notRegular' };

const CHUNK = 1024 * 1024;

/**
 * Reads at most `maxBytes` of a regular file, checking the signal between 1 MiB reads.
 *
 * The caller has already refused by `lstat` what is too big or not a regular file; this checks again on the open
 * handle, because the path may have been swapped in between (a FIFO, whose open would block a thread-pool thread
 * until a writer came; a symlink; a file that grew). O_NONBLOCK makes such an open return at once and O_NOFOLLOW
 * refuses a symlink; both are 0 where the platform lacks them (Windows has no FIFOs or such symlinks to follow).
 */
export async function readBounded(path: string, maxBytes: number, signal?: AbortSignal): Promise<BoundedRead> {
  const flags = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);
  const handle = await open(path, flags);
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return { ok: false, why: 'notRegular' };
    if (stat.size > maxBytes) return { ok: false, why: 'tooBig' };
    const parts: Buffer[] = [];
    let total = 0;
    // Read to the end rather than to `stat.size`: a file may be appended to while it is read, and the cap still holds.
    for (;;) {
      throwIfCancelled(signal);
      const buffer = Buffer.allocUnsafe(Math.min(CHUNK, maxBytes + 1 - total));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      parts.push(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) return { ok: false, why: 'tooBig' };
    }
    return { ok: true, bytes: parts.length === 1 ? parts[0]! : Buffer.concat(parts, total) };
  } finally {
    await handle.close();
  }
}
