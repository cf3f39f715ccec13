import { lstat } from 'node:fs/promises';
import { extname } from 'node:path';
import { AppError } from '../../../shared/errors';
import type { Extraction } from '../ports';
import { extractCsv } from './csv';
import { decodeText } from './decodeText';
import { extractDocx } from './docx';
import { type FileKind, fileKindOf } from './fileKind';
import { extractHtml, htmlRefusal } from './html';
import { extractMarkdown } from './markdown';
import { extracted, failed, formatBytes, formatCount, skipped, throwIfCancelled } from './outcome';
import { extractPdf } from './pdf';
import { readBounded } from './readBounded';

/** Files over this are skipped before a byte is read. */
export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;
/** Text over this is skipped: about 2.5 million tokens, hours of embedding for one file on a small machine. */
export const DEFAULT_MAX_CHARS = 10_000_000;
/** A file still being read after this fails, so one hostile file cannot hold up a collection. */
export const DEFAULT_TIMEOUT_MS = 5 * 60_000;

export interface ExtractOptions {
  /** Default `DEFAULT_MAX_BYTES`. */
  maxBytes?: number;
  /** Default `DEFAULT_MAX_CHARS`. */
  maxChars?: number;
  /** Default `DEFAULT_TIMEOUT_MS`. */
  timeoutMs?: number;
  /** Called after each page of a paged document (PDF) is read, for progress on a long one. */
  onPage?: (done: number, pages: number) => void;
  /** Aborting throws `AppError('CANCELLED')` (or the signal's own AppError reason): a cancel is not the file's status. */
  signal?: AbortSignal;
}

const EMPTY = 'empty: the file has no text';

/**
 * A file's text, with PDF page starts and headings, or the reason there is none: `failed` when the file has content
 * Hearth could not read (encrypted, damaged, no text layer), `skipped` when it is not for indexing (not a regular
 * file, an unsupported type, too big, empty, binary). Never an empty success: a file that yields no text says why.
 *
 * Anything but a regular file is refused from `lstat` alone, symbolic links included: a scanner that follows links
 * inside a folder passes the link's resolved path. Size is checked before reading, so a sparse 20 GB file costs one
 * `lstat`; reading then stops at the cap, and the text at `maxChars`. It throws only when cancelled.
 */
export async function extractFile(path: string, o: ExtractOptions = {}): Promise<Extraction> {
  throwIfCancelled(o.signal);
  const maxBytes = o.maxBytes ?? DEFAULT_MAX_BYTES;
  // setTimeout fires at once for delays past 2^31 - 1 ms: clamp, so "no limit" (Infinity) means about 24 days.
  const timeoutMs = Math.min(o.timeoutMs ?? DEFAULT_TIMEOUT_MS, 2 ** 31 - 1);
  const deadline = new AbortController();
  const deadlineAt = Date.now() + timeoutMs;
  const expire = (): void => {
    if (!deadline.signal.aborted) deadline.abort(new AppError('CANCELLED', 'Reading the file took too long.'));
  };
  const checkpoint = (): void => {
    if (Date.now() >= deadlineAt) expire();
  };
  // The timer ends work that waits (a read, pdf.js); `checkpoint` ends work that keeps the thread busy between pages.
  const timer = setTimeout(expire, timeoutMs);
  timer.unref();
  const signal = o.signal ? AbortSignal.any([o.signal, deadline.signal]) : deadline.signal;
  try {
    const maxChars = o.maxChars ?? DEFAULT_MAX_CHARS;
    const result = await extractWithin(path, { maxBytes, maxChars, signal, onPage: o.onPage, checkpoint });
    throwIfCancelled(signal);
    return result;
  } catch (error) {
    if (deadline.signal.aborted && !o.signal?.aborted) {
      return failed(`too slow: reading it took over ${Math.round(timeoutMs / 1000)} s`);
    }
    throwIfCancelled(o.signal);
    return fileError(error);
  } finally {
    clearTimeout(timer);
  }
}

interface Limits {
  maxBytes: number;
  maxChars: number;
  signal: AbortSignal;
  onPage: ExtractOptions['onPage'];
  checkpoint: () => void;
}

async function extractWithin(path: string, limits: Limits): Promise<Extraction> {
  const { maxBytes, maxChars, signal } = limits;
  const stat = await lstat(path);
  if (stat.isSymbolicLink()) return skipped('a symbolic link: only the file it points to is read');
  if (stat.isDirectory()) return skipped('a folder, not a file');
  if (!stat.isFile()) return skipped('not a regular file (a FIFO, socket or device)');
  const kind = fileKindOf(path);
  if (kind === null) {
    const ext = extname(path).toLowerCase();
    return skipped(ext ? `unsupported type: Hearth does not read ${ext} files` : 'unsupported type: a file without an extension');
  }
  if (stat.size > maxBytes) return skipped(`too big: ${formatBytes(stat.size)}, over the ${formatBytes(maxBytes)} limit`);
  if (stat.size === 0) return skipped(EMPTY);
  const read = await readBounded(path, maxBytes, signal);
  if (!read.ok) {
    return read.why === 'tooBig'
      ? skipped(`too big: it grew over the ${formatBytes(maxBytes)} limit while it was read`)
      : skipped('not a regular file (a FIFO, socket or device)');
  }
  throwIfCancelled(signal);
  const result = await extractKind(kind, path, read.bytes, limits);
  if (result.ok && result.value.text.length > maxChars) {
    return skipped(`too much text: over ${formatCount(maxChars)} characters`);
  }
  return result;
}

async function extractKind(kind: FileKind, path: string, bytes: Buffer, limits: Limits): Promise<Extraction> {
  const { maxChars, signal, onPage, checkpoint } = limits;
  switch (kind) {
    case 'pdf':
      return extractPdf(bytes, { maxChars, signal, onPage, checkpoint });
    case 'docx':
      return extractDocx(bytes);
    case 'markdown':
    case 'text':
    case 'code':
    case 'html':
    case 'csv': {
      const decoded = decodeText(bytes);
      if (!decoded.ok) return skipped(decoded.reason);
      if (decoded.text.trim() === '') return skipped(EMPTY);
      // Over the cap already: no point parsing rows for text that will be refused. Markup is not text, so HTML
      // parses first (its size is bounded by the byte cap).
      if (kind !== 'html' && decoded.text.length > maxChars) return skipped(`too much text: over ${formatCount(maxChars)} characters`);
      return extractDecoded(kind, decoded.text, extname(path).toLowerCase() === '.tsv');
    }
    default:
      return kind satisfies never;
  }
}

function extractDecoded(kind: 'markdown' | 'text' | 'code' | 'html' | 'csv', text: string, tabSeparated: boolean): Extraction {
  switch (kind) {
    case 'markdown':
      return extracted(extractMarkdown(text));
    case 'text':
    case 'code':
      return extracted({ text, pages: null, headings: [] });
    case 'html': {
      const refusal = htmlRefusal(text);
      if (refusal !== null) return skipped(refusal);
      const value = extractHtml(text);
      if (value.text === '') return failed('no text: the page has no text in its body (Hearth does not run its scripts)');
      return extracted(value);
    }
    case 'csv':
      return extracted(extractCsv(text, tabSeparated));
    default:
      return kind satisfies never;
  }
}

/**
 * I/O errors in words. Anything else still becomes the file's status, with its message, so that callers handle one
 * outcome: only a cancel throws.
 */
function fileError(error: unknown): Extraction {
  if (error instanceof AppError && error.code === 'CANCELLED') throw error;
  const code = error && typeof error === 'object' && 'code' in error ? String(error.code) : '';
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return skipped('missing: the file is no longer there');
    case 'EACCES':
    case 'EPERM':
      return failed('no permission: Hearth may not read this file');
    case 'ELOOP':
      return skipped('a symbolic link: only the file it points to is read');
    case 'EISDIR':
      return skipped('a folder, not a file');
    case 'EIO':
    case 'EBUSY':
    case 'ETIMEDOUT':
      return failed(`cannot be read: the disk or network share answered ${code}`);
    default:
      return failed(`cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
}
