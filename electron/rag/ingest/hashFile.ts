import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

export type HashResult =
  | { ok: true; sha256: string; sizeBytes: number; mtimeMs: number }
  | { ok: false; reason: string; sizeBytes: number; mtimeMs: number };

const CHUNK = 1024 * 1024;

/**
 * A file's SHA-256, streamed. It is opened without following a link and without blocking, then checked to be a
 * regular file through its own descriptor: a file swapped for a FIFO or a link after the scan is refused, never
 * waited on. A file that grew past `maxBytes` meanwhile is refused too.
 */
export async function hashFile(path: string, maxBytes: number, signal?: AbortSignal): Promise<HashResult> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const s = await handle.stat();
    if (!s.isFile()) return { ok: false, reason: 'not a regular file any more', sizeBytes: s.size, mtimeMs: s.mtimeMs };
    if (s.size > maxBytes) return { ok: false, reason: 'too big', sizeBytes: s.size, mtimeMs: s.mtimeMs };
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(CHUNK);
    let total = 0;
    for (;;) {
      signal?.throwIfAborted();
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) return { ok: false, reason: 'too big', sizeBytes: total, mtimeMs: s.mtimeMs };
      hash.update(buffer.subarray(0, bytesRead));
    }
    return { ok: true, sha256: hash.digest('hex'), sizeBytes: total, mtimeMs: s.mtimeMs };
  } finally {
    await handle.close();
  }
}
