import { randomBytes } from 'node:crypto';
import { readFile, realpath } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Backend } from '../api/backend';
import { contentSecurityPolicy, cookieValue, decoded, hostAllowed, originAllowed, requestUrl, withoutCspMeta } from './security';
import { MAX_FRAME_BYTES, serveSocket } from './wsTransport';
import { secretsEqual } from '../lib/loopbackGuards';

export interface HeadlessServerOptions {
  backend: Backend;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** 0 picks a free port. */
  port: number;
  token?: string;
}

export interface HeadlessServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/**
 * The headless mode: the built renderer over HTTP and the preload's API over a WebSocket, on 127.0.0.1 only.
 * `/health` is open; everything else needs the per-launch token (in the URL once, then an HttpOnly cookie for
 * the page's assets; the socket always needs it explicitly, so no other site can ride the cookie).
 */
export async function startHeadlessServer(o: HeadlessServerOptions): Promise<HeadlessServer> {
  const token = o.token ?? randomBytes(24).toString('base64url');
  const root = await realpath(o.rendererDir);
  const index = join(root, 'index.html');
  let port = o.port;
  const cookieName = (): string => `hearth_token_${port}`;

  // Anyone on this machine can send anything, token or not: a throw in a handler must cost one answer, never
  // the server (an async throw is an unhandled rejection, a throw in 'upgrade' an uncaught exception; both exit).
  const server = createServer((req, res) => {
    handleHttp(req, res).catch(() => {
      if (res.headersSent) res.destroy();
      else res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Internal error.');
    });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers = {
      'Content-Security-Policy': contentSecurityPolicy(port),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Cache-Control': 'no-store',
    };
    const reply = (status: number, body: string, type = 'text/plain; charset=utf-8', extra: Record<string, string> = {}): void => {
      res.writeHead(status, { ...headers, 'Content-Type': type, ...extra }).end(body);
    };
    const url = requestUrl(req);
    if (!url) return reply(400, 'Bad request.');
    if (!hostAllowed(req, port)) return reply(403, 'Forbidden: wrong Host header.');
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, 'Method not allowed.', undefined, { Allow: 'GET, HEAD' });
    if (url.pathname === '/health') return reply(200, '{"ok":true}', 'application/json');
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204, headers).end();
      return;
    }
    const fromQuery = secretsEqual(url.searchParams.get('token'), token);
    if (!fromQuery && !secretsEqual(cookieValue(req, cookieName()), token)) {
      return reply(401, 'Hearth needs its access token: open the address the server printed, with ?token=...');
    }
    const extra: Record<string, string> = fromQuery ? { 'Set-Cookie': `${cookieName()}=${token}; HttpOnly; SameSite=Strict; Path=/` } : {};
    const path = decoded(url.pathname);
    if (path === null) return reply(400, 'Bad request: the path is not valid percent-encoding.');
    const rel = path === '/' ? 'index.html' : path.replace(/^\/+/, '');
    const file = normalize(join(root, rel));
    if (!file.startsWith(root + sep)) return reply(404, 'Not found.');
    try {
      const raw = await readFile(file);
      const body = file === index ? withoutCspMeta(raw.toString('utf8')) : raw;
      res.writeHead(200, { ...headers, ...extra, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      reply(404, 'Not found.');
    }
  }

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const refuse = (status: string): void => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
    };
    const url = requestUrl(req);
    if (!url) return refuse('400 Bad Request');
    if (url.pathname !== '/ws' || !hostAllowed(req, port)) return refuse('404 Not Found');
    if (!originAllowed(req, port)) return refuse('403 Forbidden');
    if (!secretsEqual(url.searchParams.get('token'), token)) return refuse('401 Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, o.backend));
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node drops its own error listener from an upgraded socket: without one, a client's reset would be uncaught.
    socket.on('error', () => socket.destroy());
    try {
      handleUpgrade(req, socket, head);
    } catch {
      socket.end('HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\n\r\n');
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => {
        wss.close(() => r());
      });
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
