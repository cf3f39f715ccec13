import { mkdir, stat, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import { formatBytes } from './formatBytes';
import { getFrom } from './httpGet';
import { RequestError, SinkError, type TransferThread } from './transferThread';
import { TransferError } from './transferError';

export interface PartRequest {
  url: string;
  /** `<final path>.part`: the bytes so far. */
  partPath: string;
  sizeBytes: number;
  token: string | null;
  /** The Hub's origin: the only one that is sent the token. */
  tokenOrigin: string;
  signal: AbortSignal;
  /** No bytes for this long (headers included) and the try ends, to be retried. */
  stallMs: number;
  /** Fetches, hashes and writes the bytes off the main thread; it keeps each partial file's hash from one try to the next. */
  thread: TransferThread;
  /** The bytes now in the partial file; `fromNetwork` is false for those found there at the start. */
  onProgress: (bytesInFile: number, fromNetwork: boolean) => void;
}

/** Exact, since a size that differs by a few bytes must not read the same. */
const bytes = (n: number): string => `${n.toLocaleString('en-US')} bytes`;

const BODY_NOT_A_FILE = /^(text\/html|application\/xhtml\+xml|application\/json|application\/problem\+json)/i;

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

/** What a status says about the try: go on (200, 206), restart from 0 (416), or stop, and whether a retry can help. */
function refusal(status: number, url: string): TransferError | null {
  if (status === 200 || status === 206) return null;
  if (status === 401 || status === 403) {
    return new TransferError(
      'NETWORK',
      `The Hub refused ${url} (${status}). The model may be gated: accept its terms on the Hub and set a Hub token.`,
      false,
    );
  }
  if (status === 404) return new TransferError('NETWORK', `The Hub has no file at ${url} (404).`, false);
  const transient = status === 408 || status === 416 || status === 429 || status >= 500;
  return new TransferError('NETWORK', `The server answered ${status} for ${url}.`, transient);
}

/** A filesystem error is the disk's, not the network's: retrying will not help. */
function diskError(error: unknown, path: string): TransferError | null {
  const code = error && typeof error === 'object' && 'code' in error ? error.code : null;
  if (code === 'ENOSPC') return new TransferError('NO_SPACE', `The disk is full: could not write ${path}.`, false);
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new TransferError('INTERNAL', `Hearth may not write ${path} (${code}).`, false);
  }
  return null;
}

const writeError = (error: unknown, path: string): TransferError =>
  diskError(error, path) ??
  new TransferError('INTERNAL', `Could not write ${path}: ${error instanceof Error ? error.message : String(error)}`, false);

/**
 * One try at one file: resumes `<dest>.part` with a Range request from the bytes already there, has the transfer
 * thread append and hash what the server sends, and returns the SHA-256 of the whole file once it has every
 * byte. It never touches the final path: checking the hash and renaming are the caller's.
 */
export async function transferPart(p: PartRequest): Promise<string> {
  await mkdir(dirname(p.partPath), { recursive: true });
  let have = await sizeOf(p.partPath);
  if (have > p.sizeBytes) {
    await truncate(p.partPath, 0);
    have = 0;
  }
  p.signal.throwIfAborted();
  // Pause, cancel and closing end the step the thread is on (a rehash, a request, a body); that step still answers.
  const onAbort = (): void => p.thread.abort();
  p.signal.addEventListener('abort', onAbort);
  try {
    await p.thread.open(p.partPath, have).catch((error: unknown) => {
      throw p.signal.aborted ? p.signal.reason : writeError(error, p.partPath);
    });
    p.onProgress(have, false);
    let failure: unknown = null;
    try {
      if (have < p.sizeBytes) await fetchRest(p, have);
    } catch (error) {
      failure = error;
    }
    // Whatever happened, every byte that came is on disk before the next try measures the file.
    const closed = await p.thread.close().catch((error: unknown) => {
      throw p.signal.aborted ? p.signal.reason : writeError(error, p.partPath);
    });
    if (p.signal.aborted) throw p.signal.reason;
    if (failure !== null) throw classify(failure, p);
    if (closed.bytes < p.sizeBytes) {
      throw new TransferError('NETWORK', `The connection closed after ${formatBytes(closed.bytes)} of ${formatBytes(p.sizeBytes)}.`, true);
    }
    return closed.digest;
  } finally {
    p.signal.removeEventListener('abort', onAbort);
  }
}

function stalled(p: PartRequest): TransferError {
  const waited = p.stallMs >= 1000 ? `${Math.round(p.stallMs / 1000)} s` : `${p.stallMs} ms`;
  return new TransferError('NETWORK', `No data came for ${waited} from ${p.url}.`, true);
}

function classify(error: unknown, p: PartRequest): TransferError {
  if (error instanceof TransferError) return error;
  if (error instanceof RequestError && error.stalled) return stalled(p);
  // Anything else on the way (a reset, a refused connection, a premature close) is worth another try.
  const why = error instanceof Error ? error.message : String(error);
  return new TransferError('NETWORK', `The download of ${p.url} broke off: ${why}.`, true);
}

/** The request and its body, from `have` on; the thread ends it when no byte (or header) comes for `stallMs`. */
async function fetchRest(p: PartRequest, have: number): Promise<void> {
  const { head, url } = await getFrom(p.url, {
    offset: have,
    token: p.token,
    tokenOrigin: p.tokenOrigin,
    thread: p.thread,
    stallMs: p.stallMs,
    signal: p.signal,
  });
  const drop = (error: unknown): never => {
    p.thread.discard(head);
    throw error;
  };
  if (p.signal.aborted) drop(p.signal.reason);
  const refused = refusal(head.status, url.href);
  if (refused) {
    // A range past the end means the partial file is not what the server has: start again from 0.
    if (head.status === 416) p.thread.truncate();
    drop(refused);
  }
  let start = have;
  if (head.status === 206) {
    const range = head.headers.contentRange;
    const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(range ?? '');
    const ok = m && Number(m[1]) === have && Number(m[2]) === p.sizeBytes - 1 && (m[3] === '*' || Number(m[3]) === p.sizeBytes);
    if (!ok) {
      drop(
        new TransferError(
          'NETWORK',
          `The server sent the wrong part of ${url.href}: asked for bytes ${have}-, got ${range ?? 'no Content-Range'}.`,
          false,
        ),
      );
    }
  } else if (have > 0) {
    // 200 to a Range request: the server ignores ranges and sends the whole file, so the partial one goes.
    p.thread.truncate();
    start = 0;
    p.onProgress(0, false);
  }
  const expected = p.sizeBytes - start;
  const type = head.headers.contentType ?? '';
  if (BODY_NOT_A_FILE.test(type)) {
    drop(new TransferError('NETWORK', `The server sent a web page (${type.split(';')[0]}) instead of the file ${url.href}.`, false));
  }
  const length = head.headers.contentLength;
  if (length !== null && Number(length) !== expected) {
    drop(
      new TransferError(
        'NETWORK',
        `The server sent ${bytes(Number(length))} for ${url.href}, where the Hub lists ${bytes(expected)}${start > 0 ? ' still to come' : ''}.`,
        false,
      ),
    );
  }
  const end = await p.thread.body(head, expected, start === 0, (received) => p.onProgress(start + received, true));
  if (end.received > 0) p.onProgress(start + end.received, true);
  switch (end.outcome) {
    case 'complete':
      return;
    case 'stall':
      throw stalled(p);
    case 'aborted':
      throw p.signal.aborted ? p.signal.reason : new Error('the transfer was stopped');
    case 'html':
      throw new TransferError('NETWORK', `The server sent a web page instead of the file ${url.href}.`, false);
    case 'overflow':
      throw new TransferError('NETWORK', `The server sent more than the ${formatBytes(p.sizeBytes)} the Hub lists for ${url.href}.`, false);
    case 'disk':
      // The close that follows says what the disk refused.
      throw new SinkError('the file could not be written', null);
    case 'broke':
      throw new Error(end.message ?? 'the connection broke');
    default:
      end.outcome satisfies never;
  }
}
