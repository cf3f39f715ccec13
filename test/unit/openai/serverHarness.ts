import { request } from 'node:http';
import type { ApiLogEntry } from '../../../shared/api';
import { type ApiServer, type ApiServerOptions, startApiServer } from '../../../electron/openai/server';
import type { ApiCall, Endpoint, Endpoints } from '../../../electron/openai/types';

export const KEY = 'hearth-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export type Logged = Omit<ApiLogEntry, 'id'>;

/** The API server alone, on a free port, with endpoints the test sets and every record and cancel kept. */
export interface Harness {
  server: ApiServer;
  port: number;
  /** Replace a route's endpoint for this test. */
  endpoints: Endpoints;
  records: Logged[];
  cancelled: string[];
  origins: string[];
  key: { value: string };
  /** The next record not yet taken (records come after the response, on the socket's close). */
  nextRecord(): Promise<Logged>;
  close(): Promise<void>;
}

const ok: Endpoint = async (call) => call.reply.json(200, { ok: true, body: call.body ?? null });

export async function startHarness(extra: Partial<ApiServerOptions> = {}): Promise<Harness> {
  const records: Logged[] = [];
  const cancelled: string[] = [];
  const origins: string[] = [];
  const key = { value: KEY };
  let taken = 0;
  let wake: (() => void) | null = null;
  const endpoints: Endpoints = {
    'GET /v1/models': ok,
    'POST /v1/chat/completions': ok,
    'POST /v1/completions': ok,
    'POST /v1/embeddings': ok,
  };
  const server = await startApiServer({
    port: 0,
    // Looked up per request, so a test can swap one route.
    endpoints: {
      'GET /v1/models': (c) => endpoints['GET /v1/models'](c),
      'POST /v1/chat/completions': (c) => endpoints['POST /v1/chat/completions'](c),
      'POST /v1/completions': (c) => endpoints['POST /v1/completions'](c),
      'POST /v1/embeddings': (c) => endpoints['POST /v1/embeddings'](c),
    },
    key: () => key.value,
    allowedOrigins: () => origins,
    cancelClient: (client) => cancelled.push(client),
    record: (entry) => {
      records.push(entry);
      wake?.();
    },
    ...extra,
  });
  return {
    server,
    port: server.port,
    endpoints,
    records,
    cancelled,
    origins,
    key,
    nextRecord: async () => {
      while (records.length <= taken) await new Promise<void>((resolve) => (wake = resolve));
      return records[taken++]!;
    },
    close: () => server.close(),
  };
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with exactly these headers (Host included when given). */
export function send(
  port: number,
  o: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer; host?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: o.host ?? '127.0.0.1', port, method: o.method ?? 'GET', path: o.path ?? '/v1/models', headers: o.headers ?? {} },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
        // A connection the server cut mid-answer.
        res.on('error', reject);
        res.on('close', () => {
          if (!res.complete) reject(new Error(`the answer was cut off after: ${body}`));
        });
      },
    );
    req.on('error', reject);
    req.end(o.body);
  });
}

export const auth = (key = KEY): Record<string, string> => ({ Authorization: `Bearer ${key}` });

/** An endpoint that hands its call to the test and waits for the test to let it go. */
export function heldEndpoint(): { endpoint: Endpoint; call: Promise<ApiCall>; release: () => void } {
  let gotCall!: (c: ApiCall) => void;
  let release!: () => void;
  const call = new Promise<ApiCall>((resolve) => (gotCall = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  return {
    call,
    release,
    endpoint: async (c) => {
      gotCall(c);
      await released;
    },
  };
}
