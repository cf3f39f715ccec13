import type { InferenceHost } from '../inference/host';
import type { ModelsService } from '../models/modelsService';
import type { Scheduler } from '../scheduler/scheduler';
import type { SettingsService } from '../settings/settingsService';

/**
 * The seam between the API server (HTTP, key, Host and Origin checks, the request log: `server.ts`) and the
 * OpenAI endpoints (what each route does with the engine: `endpoints/`). The server has checked the caller and
 * parsed the JSON body before an endpoint runs; the endpoint validates the body itself (it is untrusted) and
 * answers through `ApiReply` alone.
 */

/** An OpenAI-style error body: `{ error: { message, type, param, code } }`. */
export interface ApiErrorBody {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

/** A Server-Sent Events stream: `data: <json>\n\n` per chunk, then `data: [DONE]\n\n`. */
export interface SseWriter {
  /** Writes one event; resolves when the socket can take more (backpressure). */
  send(data: unknown): Promise<void>;
  /** Writes `[DONE]` and ends the response. */
  done(): void;
}

export interface ApiReply {
  json(status: number, body: unknown): void;
  error(status: number, error: Partial<ApiErrorBody> & { message: string }): void;
  /** Starts a 200 `text/event-stream` response. */
  sse(): SseWriter;
  /** A response has been started (headers sent). */
  readonly started: boolean;
}

/** What the log keeps about a request besides method, path, status and time (never the prompt or the key). */
export interface ApiNote {
  model?: string | null;
  stream?: boolean;
  promptTokens?: number | null;
  completionTokens?: number | null;
  error?: string | null;
}

export interface ApiCall {
  /** The parsed JSON body (untrusted); undefined for a GET. */
  body: unknown;
  /** Aborts when the client goes away: its generation stops and its queued jobs leave the scheduler. */
  signal: AbortSignal;
  /** The scheduler's client id for this connection. */
  client: string;
  reply: ApiReply;
  note(fields: ApiNote): void;
}

export type Endpoint = (call: ApiCall) => Promise<void>;

/** The routes, by `METHOD /path`. */
export interface Endpoints {
  'GET /v1/models': Endpoint;
  'POST /v1/chat/completions': Endpoint;
  'POST /v1/completions': Endpoint;
  'POST /v1/embeddings': Endpoint;
}

export interface EndpointDeps {
  scheduler: Scheduler;
  host: InferenceHost;
  models: Pick<ModelsService, 'list'>;
  settings: SettingsService;
  /** How often streamed text goes out as an SSE chunk (ms): the UI's delta cadence. */
  flushMs?: number;
  now?: () => number;
}
