import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake remote provider: a real HTTP server on 127.0.0.1 that speaks the OpenAI chat protocol well enough for
 * RemoteChatBackend, the router tests and the UI tests. Keep this API stable: other tests build on it.
 *
 * ```ts
 * const fake = await startFakeProvider({ key: 'sk-test', models: ['fake-large'], reply: 'Hello from far away.' });
 * await providers.save({ name: 'Fake', baseUrl: fake.baseUrl, key: 'sk-test', enabled: true, models: [...] });
 * ...                                  // talk to it
 * expect(fake.chatRequests()).toHaveLength(0);   // "zero requests" (fake.requests counts every request)
 * fake.setMode('break');               // the next answers break after `breakAfterChunks` chunks
 * await fake.close();
 * ```
 *
 * Routes (under `baseUrl`, which ends in `/v1`): `GET /v1/models` and `POST /v1/chat/completions`, streamed
 * (`stream: true`: SSE with a leading `: keep-alive` comment, a role chunk, the reply in several content chunks
 * (one per word), a finish chunk, a usage chunk when `stream_options.include_usage`, then `data: [DONE]`) and not
 * (one `chat.completion` with usage). `max_tokens` below the reply's chunk count cuts it there with finish_reason
 * `length`. Usage: prompt_tokens is the number of words in the messages, completion_tokens the chunks sent.
 *
 * Always checked, whatever the mode: the Bearer key (401 `invalid_api_key`, whose message repeats the key it was
 * given, as OpenAI's does, so tests can prove Hearth never passes it on) when `key` is not null, and the model
 * (404 `model_not_found` when the body names one not in `models`).
 *
 * Modes (setMode, or `mode` at start; they apply to every route unless said):
 * - `ok`: answers.
 * - `wrong-key`: 401 to everything, as if the key were wrong.
 * - `unknown-model`: chat gets 404 with code `model_not_found`, whatever the model.
 * - `rate-limit`: 429 with `Retry-After: <retryAfterSeconds>` (default 20).
 * - `server-error`: 500 with an OpenAI-style error body.
 * - `hang`: reads the request and never answers (no headers).
 * - `break`: a streamed chat sends `breakAfterChunks` (default 2) content chunks, then the socket is destroyed; a
 *   chat that is not streamed has its socket destroyed at once.
 * - `stall`: a streamed chat sends `breakAfterChunks` content chunks, then nothing, with the connection left open.
 *
 * `refuseParams` plays a reasoning model (OpenAI's o-series, gpt-5): a chat whose body carries one of these
 * parameters gets OpenAI's 400 for it (`param` named, code `unsupported_parameter`; for max_tokens the message says
 * to use max_completion_tokens), before the mode applies.
 *
 * Every request is recorded in `requests` (method, path, Authorization header, parsed JSON body) once its body has
 * been read, before the mode is applied.
 */

export type FakeProviderMode = 'ok' | 'wrong-key' | 'unknown-model' | 'rate-limit' | 'server-error' | 'hang' | 'break' | 'stall';

export interface FakeProviderOptions {
  /** The Bearer key it accepts; null accepts any request (a local server without a key). Default 'sk-fake-key'. */
  key?: string | null;
  /** Model ids it serves. Default ['fake-model']. */
  models?: string[];
  /** The answer's text. Default 'Hello from the fake provider.' */
  reply?: string;
  /** Thoughts sent as `reasoning_content` deltas before the reply (a reasoning model); none by default. */
  reasoning?: string;
  mode?: FakeProviderMode;
  /** `break` and `stall`: content chunks sent first. Default 2. */
  breakAfterChunks?: number;
  /** `rate-limit`: the Retry-After header, seconds. Default 20. */
  retryAfterSeconds?: number;
  /** Streamed usage when asked for (include_usage). Default true; false plays a server that never sends it. */
  usage?: boolean;
  /** Parameters a chat may not carry (see the header): e.g. ['temperature', 'max_tokens']. */
  refuseParams?: string[];
  /** SSE line endings. Default '\n'. */
  lineEnding?: '\n' | '\r\n';
  /** Writes the stream this many bytes at a time (a chunk then splits anywhere, even inside a UTF-8 character). */
  writeSize?: number;
}

export interface FakeProviderRequest {
  method: string;
  /** The path without the query. */
  path: string;
  authorization: string | null;
  /** The parsed JSON body; undefined for a GET or a body that is not JSON. */
  body: unknown;
}

export interface FakeProvider {
  /** `http://127.0.0.1:<port>/v1`: a provider's base URL. */
  baseUrl: string;
  /** Every request, in order of arrival (live array). */
  requests: FakeProviderRequest[];
  /** The chat requests among them (POST /v1/chat/completions). */
  chatRequests(): FakeProviderRequest[];
  setMode(mode: FakeProviderMode): void;
  setReply(reply: string): void;
  close(): Promise<void>;
}

interface ChatBody {
  model?: unknown;
  messages?: unknown;
  stream?: unknown;
  stream_options?: { include_usage?: unknown };
  max_tokens?: unknown;
  max_completion_tokens?: unknown;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const oaiError = (message: string, type: string, code: string | null) => ({ error: { message, type, param: null, code } });

const words = (text: string): string[] => text.match(/\S+\s*|\s+/g) ?? [];

function promptWords(messages: unknown): number {
  if (!Array.isArray(messages)) return 0;
  let n = 0;
  for (const m of messages) if (isRecord(m) && typeof m.content === 'string') n += m.content.split(/\s+/).filter(Boolean).length;
  return n;
}

export async function startFakeProvider(options: FakeProviderOptions = {}): Promise<FakeProvider> {
  const key = options.key === undefined ? 'sk-fake-key' : options.key;
  const models = options.models ?? ['fake-model'];
  let reply = options.reply ?? 'Hello from the fake provider.';
  let mode: FakeProviderMode = options.mode ?? 'ok';
  const breakAfter = options.breakAfterChunks ?? 2;
  const eol = options.lineEnding ?? '\n';
  const requests: FakeProviderRequest[] = [];
  let counter = 0;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      const path = (req.url ?? '/').split('?')[0]!;
      requests.push({ method: req.method ?? '', path, authorization: req.headers.authorization ?? null, body });
      handle(req, res, path, body, text);
    });
  });

  function handle(req: IncomingMessage, res: ServerResponse, path: string, body: unknown, raw: string): void {
    const route = `${req.method} ${path}`;
    if (route !== 'GET /v1/models' && route !== 'POST /v1/chat/completions') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not found');
      return;
    }
    if (mode === 'hang') return;
    const auth = req.headers.authorization ?? '';
    if (mode === 'wrong-key' || (key !== null && auth !== `Bearer ${key}`)) {
      const given = auth.replace(/^Bearer\s+/i, '');
      sendJson(res, 401, oaiError(`Incorrect API key provided: ${given}.`, 'invalid_request_error', 'invalid_api_key'));
      return;
    }
    if (mode === 'rate-limit') {
      sendJson(res, 429, oaiError('Rate limit reached for requests.', 'requests', 'rate_limit_exceeded'), {
        'retry-after': String(options.retryAfterSeconds ?? 20),
      });
      return;
    }
    if (mode === 'server-error') {
      sendJson(res, 500, oaiError('The server had an error while processing your request.', 'server_error', null));
      return;
    }
    if (route === 'GET /v1/models') {
      sendJson(res, 200, { object: 'list', data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake' })) });
      return;
    }
    if (!isRecord(body)) {
      sendJson(res, 400, oaiError(`We could not parse the JSON body of your request: ${raw.slice(0, 40)}`, 'invalid_request_error', null));
      return;
    }
    chat(req, res, body as ChatBody);
  }

  function chat(req: IncomingMessage, res: ServerResponse, body: ChatBody): void {
    const refused = (options.refuseParams ?? []).find((p) => p in body);
    if (refused) {
      const message =
        refused === 'max_tokens'
          ? "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead."
          : `Unsupported value: '${refused}' does not support ${JSON.stringify((body as Record<string, unknown>)[refused])} with this model. Only the default value is supported.`;
      sendJson(res, 400, { error: { message, type: 'invalid_request_error', param: refused, code: 'unsupported_parameter' } });
      return;
    }
    const model = typeof body.model === 'string' ? body.model : '';
    if (mode === 'unknown-model' || !models.includes(model)) {
      sendJson(
        res,
        404,
        oaiError(`The model \`${model}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found'),
      );
      return;
    }
    const id = `chatcmpl-fake-${++counter}`;
    const created = Math.floor(Date.now() / 1000);
    let pieces = words(reply);
    let finish = 'stop';
    const limit = typeof body.max_tokens === 'number' ? body.max_tokens : body.max_completion_tokens;
    if (typeof limit === 'number' && limit < pieces.length) {
      pieces = pieces.slice(0, limit);
      finish = 'length';
    }
    const usage = {
      prompt_tokens: promptWords(body.messages),
      completion_tokens: pieces.length,
      total_tokens: promptWords(body.messages) + pieces.length,
    };
    if (body.stream !== true) {
      if (mode === 'break') {
        req.socket.destroy();
        return;
      }
      sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: pieces.join(''),
              ...(options.reasoning ? { reasoning_content: options.reasoning } : {}),
            },
            finish_reason: finish,
          },
        ],
        usage,
      });
      return;
    }
    void stream(req, res, {
      id,
      created,
      model,
      pieces,
      finish,
      usage,
      includeUsage: isRecord(body.stream_options) && body.stream_options.include_usage === true,
    });
  }

  /** Each write resolves once handed to the socket, so a `break` destroys it only after its chunks went out. */
  async function stream(
    req: IncomingMessage,
    res: ServerResponse,
    a: { id: string; created: number; model: string; pieces: string[]; finish: string; usage: object; includeUsage: boolean },
  ): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const put = (bytes: Buffer | string): Promise<void> =>
      new Promise((resolve) => {
        res.write(bytes, () => resolve());
      });
    const write = async (text: string): Promise<void> => {
      const size = options.writeSize;
      if (!size) return put(text);
      const bytes = Buffer.from(text, 'utf8');
      for (let i = 0; i < bytes.length; i += size) await put(bytes.subarray(i, i + size));
    };
    const event = (data: unknown): Promise<void> => write(`data: ${JSON.stringify(data)}${eol}${eol}`);
    const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
      event({
        id: a.id,
        object: 'chat.completion.chunk',
        created: a.created,
        model: a.model,
        choices: [{ index: 0, delta, finish_reason: finishReason }],
      });
    await write(`: keep-alive${eol}${eol}`);
    await chunk({ role: 'assistant', content: '' });
    for (const r of options.reasoning ? words(options.reasoning) : []) await chunk({ reasoning_content: r });
    const cut = mode === 'break' || mode === 'stall';
    for (const [i, piece] of a.pieces.entries()) {
      if (cut && i === breakAfter) {
        if (mode === 'break') req.socket.destroy();
        return;
      }
      await chunk({ content: piece });
    }
    await chunk({}, a.finish);
    if (options.usage !== false && a.includeUsage) {
      await event({ id: a.id, object: 'chat.completion.chunk', created: a.created, model: a.model, choices: [], usage: a.usage });
    }
    await write(`data: [DONE]${eol}${eol}`);
    res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    chatRequests: () => requests.filter((r) => r.method === 'POST' && r.path === '/v1/chat/completions'),
    setMode: (m) => {
      mode = m;
    },
    setReply: (r) => {
      reply = r;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The same as startFakeProvider, by the short name the plan gave it. */
export const start = startFakeProvider;
