import { AppError } from '../../../shared/errors';
import type { Head, TransferThread } from './transferThread';

export interface GetOptions {
  /** First byte wanted; 0 sends no Range header. */
  offset: number;
  /** Sent as `Authorization: Bearer …`, and only to `tokenOrigin`. */
  token: string | null;
  /** The Hub's own origin. A redirect elsewhere (the CDN) must not see the token. */
  tokenOrigin: string;
  /** Where the request runs; its body waits there for `thread.body` or `thread.discard`. */
  thread: TransferThread;
  /** No answer for this long and the request ends (each hop of a redirect has as long). */
  stallMs: number;
  /** Checked before each hop: an abort between two requests must not start the next. */
  signal: AbortSignal;
  maxRedirects?: number;
}

export interface GetResult {
  head: Head;
  /** Where the answer came from, after redirects. */
  url: URL;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * A GET for a file from `offset`, following the Hub's redirects (to its CDN) by hand, so that the token goes to
 * the Hub alone. The request runs on the transfer thread; which address and which headers is decided here.
 * The caller hands the body on, or discards it.
 */
export async function getFrom(start: string, o: GetOptions): Promise<GetResult> {
  let url = new URL(start);
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = { 'User-Agent': 'Hearth', 'Accept-Encoding': 'identity' };
    if (o.offset > 0) headers.Range = `bytes=${o.offset}-`;
    if (o.token && url.origin === o.tokenOrigin) headers.Authorization = `Bearer ${o.token}`;
    o.signal.throwIfAborted();
    const head = await o.thread.request(url.href, headers, o.stallMs);
    const location = head.headers.location;
    if (!REDIRECTS.has(head.status) || !location) return { head, url };
    o.thread.discard(head);
    if (hop >= (o.maxRedirects ?? 5)) throw new AppError('NETWORK', `Too many redirects downloading ${start}.`);
    const next = new URL(location, url);
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw new AppError('NETWORK', `The Hub redirected to an address Hearth does not follow: ${next.protocol}`);
    }
    // The file's integrity rests on its SHA-256, but a step down from https would still show what is fetched.
    if (url.protocol === 'https:' && next.protocol === 'http:') {
      throw new AppError('NETWORK', `The Hub redirected from https to plain http (${next.origin}); Hearth does not follow that.`);
    }
    url = next;
  }
}
