import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { AppError } from '../../../shared/errors';

export interface GetOptions {
  /** First byte wanted; 0 sends no Range header. */
  offset: number;
  /** Sent as `Authorization: Bearer …`, and only to `tokenOrigin`. */
  token: string | null;
  /** The Hub's own origin. A redirect elsewhere (the CDN) must not see the token. */
  tokenOrigin: string;
  signal: AbortSignal;
  maxRedirects?: number;
}

export interface GetResult {
  res: IncomingMessage;
  /** Where the answer came from, after redirects. */
  url: URL;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function once(url: URL, headers: Record<string, string>, signal: AbortSignal): Promise<IncomingMessage> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers, signal }, resolve);
    req.once('error', reject);
    req.end();
  });
}

/**
 * A GET for a file from `offset`, following the Hub's redirects (to its CDN) by hand, so that the token goes to
 * the Hub alone and every hop honours the same AbortSignal. The caller reads, or destroys, the body.
 */
export async function getFrom(start: string, o: GetOptions): Promise<GetResult> {
  let url = new URL(start);
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = { 'User-Agent': 'Hearth', 'Accept-Encoding': 'identity' };
    if (o.offset > 0) headers.Range = `bytes=${o.offset}-`;
    if (o.token && url.origin === o.tokenOrigin) headers.Authorization = `Bearer ${o.token}`;
    const res = await once(url, headers, o.signal);
    const location = res.headers.location;
    if (!REDIRECTS.has(res.statusCode ?? 0) || !location) return { res, url };
    res.resume();
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
