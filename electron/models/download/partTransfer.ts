import { mkdir, stat, truncate } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { dirname } from 'node:path';
import { formatBytes } from './formatBytes';
import { getFrom } from './httpGet';
import type { PartSink } from './partSink';
import { receiveBody } from './receiveBody';
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
  /** Writes and hashes the bytes off the main thread; it keeps each partial file's hash from one try to the next. */
  sink: PartSink;
  /** The bytes now in the partial file; `fromNetwork` is false for those found there at the start. */
  onProgress: (bytesInFile: number, fromNetwork: boolean) => void;
}

/** Exact, since a size that differs by a few bytes must not read the same. */
const bytes = (n: number): string => `${n.toLocaleString('en-US')} bytes`;

const BODY_NOT_A_FILE = /^(text\/html|application\/xhtml\+xml|application\/json|application\/problem\+json)/i;
const LOOKS_LIKE_HTML = /^\s*<(!doctype html|html|head|body)\b/i;

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

/** What a status says about the try: go on (200, 206), restart from 0 (416), or stop, and whether a retry can help. */
function refusal(res: IncomingMessage, url: string): TransferError | null {
  const status = res.statusCode ?? 0;
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
 * One try at one file: resumes `<dest>.part` with a Range request from the bytes already there, hands what the
 * server sends to the sink (which appends and hashes it), and returns the SHA-256 of the whole file once it has
 * every byte. It never touches the final path: checking the hash and renaming are the caller's.
 */
export async function transferPart(p: PartRequest): Promise<string> {
  await mkdir(dirname(p.partPath), { recursive: true });
  let have = await sizeOf(p.partPath);
  if (have > p.sizeBytes) {
    await truncate(p.partPath, 0);
    have = 0;
  }
  await p.sink.open(p.partPath, have).catch((error: unknown) => {
    throw p.signal.aborted ? p.signal.reason : writeError(error, p.partPath);
  });
  p.onProgress(have, false);
  const stall = new AbortController();
  let failure: unknown = null;
  try {
    if (have < p.sizeBytes) await fetchRest(p, have, AbortSignal.any([p.signal, stall.signal]), stall);
  } catch (error) {
    failure = error;
  }
  // Whatever happened, every byte that came is on disk before the next try measures the file.
  const closed = await p.sink.close().catch((error: unknown) => {
    throw p.signal.aborted ? p.signal.reason : writeError(error, p.partPath);
  });
  if (p.signal.aborted) throw p.signal.reason;
  if (failure !== null) throw classify(failure, p, stall.signal.aborted);
  if (closed.bytes < p.sizeBytes) {
    throw new TransferError('NETWORK', `The connection closed after ${formatBytes(closed.bytes)} of ${formatBytes(p.sizeBytes)}.`, true);
  }
  return closed.digest;
}

function classify(error: unknown, p: PartRequest, stalled: boolean): TransferError {
  if (stalled) {
    const waited = p.stallMs >= 1000 ? `${Math.round(p.stallMs / 1000)} s` : `${p.stallMs} ms`;
    return new TransferError('NETWORK', `No data came for ${waited} from ${p.url}.`, true);
  }
  if (error instanceof TransferError) return error;
  // Anything else on the way (a reset, a refused connection, a premature close) is worth another try.
  const why = error instanceof Error ? error.message : String(error);
  return new TransferError('NETWORK', `The download of ${p.url} broke off: ${why}.`, true);
}

/** The request and its body, from `have` on; `stall` fires when no byte (or header) comes for `stallMs`. */
async function fetchRest(p: PartRequest, have: number, signal: AbortSignal, stall: AbortController): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => stall.abort(), p.stallMs);
  };
  arm();
  try {
    const { res, url } = await getFrom(p.url, { offset: have, token: p.token, tokenOrigin: p.tokenOrigin, signal });
    const refused = refusal(res, url.href);
    if (refused) {
      res.resume();
      // A range past the end means the partial file is not what the server has: start again from 0.
      if (res.statusCode === 416) p.sink.truncate();
      throw refused;
    }
    let start = have;
    if (res.statusCode === 206) {
      const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers['content-range'] ?? '');
      const ok = m && Number(m[1]) === have && Number(m[2]) === p.sizeBytes - 1 && (m[3] === '*' || Number(m[3]) === p.sizeBytes);
      if (!ok) {
        res.resume();
        const got = res.headers['content-range'] ?? 'no Content-Range';
        throw new TransferError('NETWORK', `The server sent the wrong part of ${url.href}: asked for bytes ${have}-, got ${got}.`, false);
      }
    } else if (have > 0) {
      // 200 to a Range request: the server ignores ranges and sends the whole file, so the partial one goes.
      p.sink.truncate();
      start = 0;
      p.onProgress(0, false);
    }
    const expected = p.sizeBytes - start;
    const type = res.headers['content-type'] ?? '';
    if (BODY_NOT_A_FILE.test(type)) {
      res.resume();
      throw new TransferError('NETWORK', `The server sent a web page (${type.split(';')[0]}) instead of the file ${url.href}.`, false);
    }
    const length = res.headers['content-length'];
    if (length !== undefined && Number(length) !== expected) {
      res.resume();
      throw new TransferError(
        'NETWORK',
        `The server sent ${bytes(Number(length))} for ${url.href}, where the Hub lists ${bytes(expected)}${start > 0 ? ' still to come' : ''}.`,
        false,
      );
    }
    let received = 0;
    await receiveBody(
      res,
      p.sink,
      (chunk) => {
        arm();
        if (received === 0 && start === 0 && LOOKS_LIKE_HTML.test(chunk.subarray(0, 64).toString('latin1'))) {
          throw new TransferError('NETWORK', `The server sent a web page instead of the file ${url.href}.`, false);
        }
        if (received + chunk.length > expected) {
          throw new TransferError(
            'NETWORK',
            `The server sent more than the ${formatBytes(p.sizeBytes)} the Hub lists for ${url.href}.`,
            false,
          );
        }
        received += chunk.length;
        p.onProgress(start + received, true);
      },
      signal,
      { hold: () => clearTimeout(timer), arm },
    );
  } finally {
    clearTimeout(timer);
  }
}
