import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiLogEntry } from '../../shared/api';
import { logError } from '../lib/log';
import { createApiReply, errorBody } from './apiReply';
import { loopbackHostAllowed, secretsEqual } from '../lib/loopbackGuards';
import { bearerKey, corsHeaders, originVerdict, preflightHeaders } from './httpChecks';
import { MAX_BODY_BYTES, readJsonBody } from './jsonBody';
import type { ApiCall, ApiNote, Endpoints } from './types';

export interface ApiServerOptions {
  /** 0 picks a free port (tests). */
  port: number;
  endpoints: Endpoints;
  /** The key now: read on every request, so a regenerated key applies to the very next one. */
  key(): string;
  /** The browser origins the user allowed; read only for requests that carry an Origin. */
  allowedOrigins(): readonly string[];
  /** A client went away before its answer ended: its queued and running jobs go. */
  cancelClient(client: string): void;
  /** Each request once it is over (answered, refused, or abandoned by the client). */
  record(entry: Omit<ApiLogEntry, 'id'>): void;
  now?: () => number;
  maxBodyBytes?: number;
}

export interface ApiServer {
  readonly port: number;
  /** Stops listening and cuts open connections (their calls abort); resolves when the socket is closed. */
  close(): Promise<void>;
}

type Route = { method: 'GET' | 'POST'; name: keyof Endpoints };
const ROUTES = new Map<string, Route>([
  ['/v1/models', { method: 'GET', name: 'GET /v1/models' }],
  ['/v1/chat/completions', { method: 'POST', name: 'POST /v1/chat/completions' }],
  ['/v1/completions', { method: 'POST', name: 'POST /v1/completions' }],
  ['/v1/embeddings', { method: 'POST', name: 'POST /v1/embeddings' }],
]);

const USER_AGENT_CHARS = 120;
const PATH_CHARS = 200;
const GONE = 'The client went away before the answer ended.';
const INTERNAL = 'Hearth hit an internal error answering this request.';

/** The path alone: a query string is the client's to keep, and the log shows where, not what. */
function pathOf(req: IncomingMessage): string | null {
  try {
    return new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  } catch {
    return null;
  }
}

/**
 * The local OpenAI-compatible API server on 127.0.0.1: Host allow-list, then the browser origin, then the bearer
 * key, then the route; each endpoint answers through an ApiReply. Every request ends as one `record`.
 */
export async function startApiServer(o: ApiServerOptions): Promise<ApiServer> {
  const now = o.now ?? Date.now;
  let port = o.port;
  let nextClient = 0;
  /** One per request until its response closes, so close() resolves only after every call was aborted and logged. */
  const inFlight = new Set<Promise<void>>();

  const server = createServer((req, res) => {
    const startedAt = now();
    const note: ApiNote = {};
    const path = pathOf(req);
    const ua = req.headers['user-agent'];
    // What every answer to this request carries; CORS joins it once the origin is known to be allowed.
    const headers: Record<string, string> = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };
    let closed!: () => void;
    const done = new Promise<void>((resolve) => (closed = resolve));
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
    // Registered before the call's own 'close' listener, which aborts it; `done` settles after both have run.
    res.once('close', () => {
      closed();
      const finished = res.writableFinished;
      o.record({
        at: startedAt,
        method: (req.method ?? '').slice(0, 16),
        path: (path ?? req.url ?? '').slice(0, PATH_CHARS),
        // 499, as nginx logs it: the client closed the connection before any status was sent.
        status: res.headersSent ? res.statusCode : 499,
        durationMs: Math.max(0, Math.round(now() - startedAt)),
        model: note.model ?? null,
        stream: note.stream ?? false,
        promptTokens: note.promptTokens ?? null,
        completionTokens: note.completionTokens ?? null,
        client: typeof ua === 'string' && ua ? ua.slice(0, USER_AGENT_CHARS) : null,
        error: note.error ?? (finished ? null : GONE),
      });
    });
    // Anyone on this machine can send anything: a throw costs that request, never the server.
    handle(req, res, path, note, headers).catch((error: unknown) => {
      logError(`API request ${req.method} ${path ?? ''} failed`, error);
      note.error = INTERNAL;
      if (res.headersSent) res.destroy();
      else fail(res, headers, 500, INTERNAL, 'internal_error');
    });
  });

  function fail(res: ServerResponse, headers: Record<string, string>, status: number, message: string, code: string | null): void {
    const text = JSON.stringify(errorBody(status, { message, code }));
    res
      .writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) })
      .end(text);
  }

  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    path: string | null,
    note: ApiNote,
    headers: Record<string, string>,
  ): Promise<void> {
    const refuse = (status: number, message: string, code: string | null, extra: Record<string, string> = {}): void => {
      note.error = message;
      fail(res, { ...headers, ...extra }, status, message, code);
    };
    if (!loopbackHostAllowed(req.headers.host, port)) {
      return refuse(403, `This server answers only to 127.0.0.1:${port} and localhost:${port}.`, 'host_not_allowed');
    }
    const origin = originVerdict(req.headers.origin, o.allowedOrigins);
    if (origin.kind === 'refused') {
      return refuse(403, "This browser origin is not allowed to call Hearth's API. Allow it in Hearth's settings.", 'origin_not_allowed');
    }
    if (origin.kind === 'allowed') Object.assign(headers, corsHeaders(origin.origin));
    if (req.method === 'OPTIONS') {
      const preflight = origin.kind === 'allowed' ? preflightHeaders(origin.origin, req.headers['access-control-request-headers']) : {};
      res.writeHead(204, { ...headers, ...preflight, Allow: 'GET, POST, OPTIONS' }).end();
      return;
    }
    if (path === null) return refuse(400, 'The request target is not a valid path.', null);
    const key = bearerKey(req.headers.authorization);
    if (!secretsEqual(key, o.key())) {
      const message = key
        ? "Wrong API key. Copy the current key from Hearth's settings."
        : "No API key. Send Authorization: Bearer <key>, with the key from Hearth's settings.";
      return refuse(401, message, 'invalid_api_key', { 'WWW-Authenticate': 'Bearer' });
    }
    const route = ROUTES.get(path);
    if (!route)
      return refuse(
        404,
        `There is no ${path} here. Hearth serves /v1/models, /v1/chat/completions, /v1/completions and /v1/embeddings.`,
        'not_found',
      );
    if (req.method !== route.method) {
      return refuse(405, `${path} takes ${route.method}, not ${req.method}.`, 'method_not_allowed', { Allow: route.method });
    }

    const client = `api:${++nextClient}`;
    const controller = new AbortController();
    res.once('close', () => {
      if (res.writableFinished) return;
      controller.abort(new Error(GONE));
      o.cancelClient(client);
    });
    let body: unknown;
    if (route.method === 'POST') {
      const read = await readJsonBody(req, o.maxBodyBytes ?? MAX_BODY_BYTES);
      if (!read.ok) {
        if (read.status === null) return;
        // Past the cap the connection is closed after the answer: the rest of the body is not worth reading.
        return refuse(read.status, read.message, null, read.status === 413 ? { Connection: 'close' } : {});
      }
      body = read.body;
    }
    if (controller.signal.aborted) return;
    const call: ApiCall = {
      body,
      signal: controller.signal,
      client,
      reply: createApiReply(res, headers, (message) => {
        note.error = message;
      }),
      note: (fields) => {
        Object.assign(note, fields);
      },
    };
    await o.endpoints[route.name](call);
    // An endpoint that returned without finishing its answer: end it rather than leave the client waiting.
    if (res.writableEnded || res.destroyed) return;
    if (res.headersSent) res.end();
    else refuse(500, 'Hearth returned no answer to this request.', 'internal_error');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: o.port, host: '127.0.0.1', exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  // After listening, a server error (rare: the socket itself failed) must not become an uncaught exception.
  server.on('error', (error) => logError('API server error', error));

  let closing: Promise<void> | null = null;
  return {
    port,
    close: () =>
      (closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await Promise.all([stopped, ...inFlight]);
      })()),
  };
}
