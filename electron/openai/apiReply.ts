import type { ServerResponse } from 'node:http';
import type { ApiErrorBody, ApiReply, SseWriter } from './types';

/** OpenAI's error types by status, for replies that name none. */
export function errorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  return status >= 500 ? 'server_error' : 'invalid_request_error';
}

export function errorBody(status: number, e: Partial<ApiErrorBody> & { message: string }): { error: ApiErrorBody } {
  return { error: { message: e.message, type: e.type ?? errorType(status), param: e.param ?? null, code: e.code ?? null } };
}

/**
 * The one way an endpoint answers. `headers` go on every response (CORS for an allowed origin, no-store);
 * `onError` hears each error's message, so the request log says why a request failed.
 */
export function createApiReply(res: ServerResponse, headers: Record<string, string>, onError: (message: string) => void): ApiReply {
  let stream: SseWriter | null = null;

  // A client that went away has aborted the call's signal; an endpoint that answers anyway writes to nothing.
  const gone = (): boolean => res.destroyed || res.writableEnded;

  const json = (status: number, body: unknown): void => {
    if (res.headersSent) throw new Error('The reply was already started.');
    if (gone()) return;
    const text = JSON.stringify(body);
    res
      .writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) })
      .end(text);
  };

  const sse = (): SseWriter => {
    if (res.headersSent) throw new Error('The reply was already started.');
    if (!gone()) {
      // A reverse proxy in front must not hold chunks back.
      res.writeHead(200, { ...headers, 'Content-Type': 'text/event-stream; charset=utf-8', 'X-Accel-Buffering': 'no' });
      res.flushHeaders();
    }
    const writer: SseWriter = {
      send: (data) => {
        // The endpoint stops on the aborted signal, not on a write that would wait for a 'drain' that never comes.
        if (gone()) return Promise.resolve();
        if (res.write(`data: ${JSON.stringify(data)}\n\n`)) return Promise.resolve();
        return new Promise<void>((resolve) => {
          const go = (): void => {
            res.off('drain', go);
            res.off('close', go);
            resolve();
          };
          res.once('drain', go);
          res.once('close', go);
        });
      },
      done: () => {
        if (gone()) return;
        res.end('data: [DONE]\n\n');
      },
    };
    stream = writer;
    return writer;
  };

  return {
    json,
    error: (status, e) => {
      onError(e.message);
      // Once a stream has begun its status is sent: the error goes as the stream's last event, as OpenAI's does.
      if (stream) {
        if (!gone()) res.end(`data: ${JSON.stringify(errorBody(status, e))}\n\n`);
        return;
      }
      json(status, errorBody(status, e));
    },
    sse,
    get started() {
      return res.headersSent;
    },
  };
}
