import { loopbackHostAllowed } from '../lib/loopbackGuards';
import type { IncomingMessage } from 'node:http';

/**
 * The page's Content-Security-Policy, sent as a header. `connect-src` names this server's own socket and no
 * other port: a page that could open a socket to any local port could reach every other local service.
 */
export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/**
 * The built page carries the desktop's policy as a meta tag (a file:// page gets no headers), and that policy
 * allows no socket. A browser enforces meta and header together, so the headless server takes the meta out and
 * its header is the whole policy.
 */
export function withoutCspMeta(html: string): string {
  return html.replace(/<meta\s+http-equiv=["']Content-Security-Policy["'][^>]*>\s*/i, '');
}

/** A Host header naming anything but this loopback server means DNS rebinding or a proxy: refuse. */
export function hostAllowed(req: IncomingMessage, port: number): boolean {
  return loopbackHostAllowed(req.headers.host, port);
}

/** Browsers always send Origin on WebSocket upgrades; a foreign one is a cross-site page. No Origin: a non-browser client. */
export function originAllowed(req: IncomingMessage, port: number): boolean {
  const origin = req.headers.origin;
  return origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}

/** The request target as a URL, or null where it is none (`//[`, `http://[`): anyone can send those, token or not. */
export function requestUrl(req: IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? '/', 'http://127.0.0.1');
  } catch {
    return null;
  }
}

/** decodeURIComponent without the throw: a broken escape (`%E0%A4%A`) is the client's mistake, so null. */
export function decoded(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/** A cookie that does not decode counts as absent: cookies do not separate ports, so another local page can plant one. */
export function cookieValue(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decoded(v.join('='));
  }
  return null;
}
