import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Backend } from '../../electron/api/backend';
import { createEndpoints } from '../../electron/openai/endpoints';
import type { ApiCall, ApiErrorBody, ApiNote, ApiReply, Endpoints } from '../../electron/openai/types';
import { callHandler, startBackend } from '../helpers/backend';
import { tempDir, tinyModel } from '../helpers/fixtures';

/**
 * The OpenAI endpoints on the real engine and the tiny models, called directly with a recording reply (the HTTP
 * server and the official client are tested in openaiClient.test.ts).
 */
let dir: string;
let cleanup: () => void;
let backend: Backend;
let endpoints: Endpoints;
let says: string;
let varied: string;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  // The backend makes its models folder.
  backend = startBackend(dir, []);
  says = tinyModel(join(dir, 'models'), 'says-the.gguf', { favor: 'the' });
  varied = tinyModel(join(dir, 'models'), 'varied.gguf');
  await callHandler(backend, 'settings:update', { contextSize: 2048 });
  endpoints = createEndpoints({
    scheduler: backend.scheduler,
    host: backend.host,
    models: backend.models,
    settings: backend.settings,
    flushMs: 20,
  });
});
afterAll(async () => {
  await backend?.dispose(2000);
  cleanup();
});

interface Recorded {
  status: number | null;
  body: unknown;
  events: unknown[];
  done: boolean;
  notes: ApiNote;
  controller: AbortController;
  /** Resolves with the nth SSE event once it has been sent. */
  event(n: number): Promise<unknown>;
}

/** Calls an endpoint as the server would, recording the reply. */
async function call(route: keyof Endpoints, body?: unknown, client = 'test'): Promise<Recorded> {
  const r = start(route, body, client);
  await r.finished;
  return r.recorded;
}

function start(route: keyof Endpoints, body: unknown, client = 'test'): { recorded: Recorded; finished: Promise<void> } {
  const waiters: { n: number; resolve: (v: unknown) => void }[] = [];
  const recorded: Recorded = {
    status: null,
    body: undefined,
    events: [],
    done: false,
    notes: {},
    controller: new AbortController(),
    event: (n) =>
      n < recorded.events.length ? Promise.resolve(recorded.events[n]) : new Promise((resolve) => waiters.push({ n, resolve })),
  };
  let started = false;
  const reply: ApiReply = {
    json: (status, b) => {
      started = true;
      recorded.status = status;
      recorded.body = b;
    },
    error: (status, e) => {
      started = true;
      recorded.status ??= status;
      recorded.body = { error: e };
    },
    sse: () => {
      started = true;
      recorded.status = 200;
      return {
        send: async (data) => {
          recorded.events.push(data);
          for (const w of waiters.filter((x) => x.n < recorded.events.length)) w.resolve(recorded.events[w.n]);
        },
        done: () => {
          recorded.done = true;
        },
      };
    },
    get started() {
      return started;
    },
  };
  const apiCall: ApiCall = {
    body,
    signal: recorded.controller.signal,
    client,
    reply,
    note: (fields) => Object.assign(recorded.notes, fields),
  };
  return { recorded, finished: endpoints[route](apiCall) };
}

const errorOf = (r: Recorded): ApiErrorBody => (r.body as { error: ApiErrorBody }).error;
type Chunk = { choices: { delta: Record<string, unknown>; finish_reason: string | null }[]; usage?: unknown };
const user = (content: string) => [{ role: 'user', content }];

describe('GET /v1/models', () => {
  it('lists the installed models by the names people type', async () => {
    const r = await call('GET /v1/models');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      object: 'list',
      data: [
        { id: 'says-the', object: 'model', owned_by: 'hearth' },
        { id: 'varied', object: 'model', owned_by: 'hearth' },
      ],
    });
  });
});

describe('POST /v1/chat/completions', () => {
  it('answers in one response with usage and a length finish at max_tokens', async () => {
    const r = await call('POST /v1/chat/completions', { model: 'says-the', messages: user('Hello'), max_tokens: 5, temperature: 0 });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      object: 'chat.completion',
      model: 'says-the',
      choices: [{ index: 0, message: { role: 'assistant', content: expect.stringMatching(/^(\s?the){5}$/) }, finish_reason: 'length' }],
      usage: { completion_tokens: 5 },
    });
    expect(r.notes).toMatchObject({ model: 'says-the', stream: false, completionTokens: 5 });
    expect(r.notes.promptTokens).toBeGreaterThan(3);
  });

  it('streams a role chunk, coalesced content chunks, the finish, the usage, then the end', async () => {
    const r = await call('POST /v1/chat/completions', {
      model: 'says-the.gguf',
      messages: [{ role: 'system', content: 'Be brief.' }, ...user('Hello')],
      max_tokens: 200,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(r.done).toBe(true);
    const chunks = r.events as Chunk[];
    expect(chunks[0]).toMatchObject({
      object: 'chat.completion.chunk',
      model: 'says-the',
      choices: [{ delta: { role: 'assistant' } }],
      usage: null,
    });
    const content = chunks.flatMap((c) => c.choices.map((x) => x.delta.content ?? '')).join('');
    expect(content.trim().split(/\s+/)).toEqual(Array(200).fill('the'));
    // Coalesced: more than one chunk of text, far fewer than one per token.
    const textChunks = chunks.filter((c) => typeof c.choices[0]?.delta.content === 'string' && c.choices[0].delta.content !== '');
    expect(textChunks.length).toBeGreaterThan(1);
    expect(textChunks.length).toBeLessThan(100);
    expect(chunks.at(-2)).toMatchObject({ choices: [{ delta: {}, finish_reason: 'length' }] });
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 200, total_tokens: expect.any(Number) } });
  });

  it('writes JSON that parses and keeps to a schema of enums, booleans and bounded strings', async () => {
    const schema = {
      type: 'object',
      properties: {
        mood: { enum: ['calm', 'busy', 'tired'] },
        ok: { type: 'boolean' },
        word: { type: 'string', maxLength: 6 },
        count: { enum: [1, 2, 3] },
      },
      required: ['mood', 'ok', 'word', 'count'],
      additionalProperties: false,
    };
    const r = await call('POST /v1/chat/completions', {
      model: 'varied',
      messages: user('Describe your day as JSON.'),
      temperature: 0,
      max_tokens: 200,
      response_format: { type: 'json_schema', json_schema: { name: 'day', schema, strict: true } },
    });
    expect(r.status).toBe(200);
    const content = (r.body as { choices: { message: { content: string } }[] }).choices[0]!.message.content;
    const value = JSON.parse(content) as Record<string, unknown>;
    expect(Object.keys(value).sort()).toEqual(['count', 'mood', 'ok', 'word']);
    expect(['calm', 'busy', 'tired']).toContain(value.mood);
    expect(typeof value.ok).toBe('boolean');
    expect(typeof value.word === 'string' && [...value.word].length <= 6).toBe(true);
    expect([1, 2, 3]).toContain(value.count);
  });

  it('refuses a schema outside the grammar subset with a 400 naming the part, before anything runs', async () => {
    const r = await call('POST /v1/chat/completions', {
      model: 'says-the',
      messages: user('Hi'),
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'p',
          schema: { type: 'object', properties: { age: { anyOf: [{ type: 'integer' }, { type: 'null' }] } }, required: ['age'] },
        },
      },
    });
    expect(r.status).toBe(400);
    expect(errorOf(r)).toMatchObject({ param: 'response_format', code: 'unsupported_schema' });
    expect(errorOf(r).message).toMatch(/^response_format\.json_schema\.schema: properties\.age\.anyOf is not supported\./);
    expect(r.notes.error).toBe(errorOf(r).message);
  });

  const weather = {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'The weather in a city.',
      parameters: {
        type: 'object',
        properties: { city: { enum: ['Paris', 'Oslo'] }, metric: { type: 'boolean' } },
        required: ['city', 'metric'],
        additionalProperties: false,
      },
    },
  };
  const clock = {
    type: 'function',
    function: { name: 'get_time', parameters: { type: 'object', properties: {}, additionalProperties: false } },
  };

  it('returns a tool call forced by naming the function', async () => {
    const r = await call('POST /v1/chat/completions', {
      model: 'varied',
      messages: user('Weather?'),
      temperature: 0,
      max_tokens: 100,
      tools: [weather, clock],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    expect(r.status).toBe(200);
    const choice = (
      r.body as {
        choices: {
          message: { content: unknown; tool_calls: { id: string; function: { name: string; arguments: string } }[] };
          finish_reason: string;
        }[];
      }
    ).choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toHaveLength(1);
    const c = choice.message.tool_calls[0]!;
    expect(c.id).toMatch(/^call_/);
    expect(c.function.name).toBe('get_weather');
    const args = JSON.parse(c.function.arguments) as { city: string; metric: boolean };
    expect(['Paris', 'Oslo']).toContain(args.city);
    expect(typeof args.metric).toBe('boolean');
  });

  it('streams a required tool call as tool_calls deltas and a tool_calls finish', async () => {
    const r = await call('POST /v1/chat/completions', {
      model: 'varied',
      messages: user('Weather?'),
      temperature: 0,
      max_tokens: 100,
      stream: true,
      tools: [weather, clock],
      tool_choice: 'required',
    });
    const chunks = r.events as Chunk[];
    const deltas = chunks.flatMap(
      (c) => (c.choices[0]?.delta.tool_calls as { index: number; id?: string; function: { name?: string; arguments: string } }[]) ?? [],
    );
    expect(deltas[0]).toMatchObject({ index: 0, id: expect.stringMatching(/^call_/), type: 'function', function: { arguments: '' } });
    const name = deltas[0]!.function.name!;
    expect(['get_weather', 'get_time']).toContain(name);
    const args = JSON.parse(deltas.map((d) => d.function.arguments).join('')) as Record<string, unknown>;
    expect(Object.keys(args).sort()).toEqual(name === 'get_weather' ? ['city', 'metric'] : []);
    // No content: the call's JSON is not text for the user.
    expect(chunks.some((c) => typeof c.choices[0]?.delta.content === 'string' && c.choices[0].delta.content !== '')).toBe(false);
    expect(chunks.at(-1)).toMatchObject({ choices: [{ finish_reason: 'tool_calls' }] });
  });

  it('lets the model answer in text when tool_choice is auto and it calls nothing', async () => {
    const r = await call('POST /v1/chat/completions', {
      model: 'says-the',
      messages: user('Hi'),
      temperature: 0,
      max_tokens: 4,
      tools: [weather],
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ choices: [{ message: { content: expect.stringContaining('the') }, finish_reason: 'length' }] });
    expect((r.body as { choices: { message: object }[] }).choices[0]!.message).not.toHaveProperty('tool_calls');
  });

  it('answers 404 model_not_found for a model that is not installed, listing what is', async () => {
    const r = await call('POST /v1/chat/completions', { model: 'gpt-4o', messages: user('Hi') });
    expect(r.status).toBe(404);
    expect(errorOf(r)).toEqual({
      message: 'The model "gpt-4o" is not installed. Installed: says-the, varied.',
      type: 'invalid_request_error',
      param: 'model',
      code: 'model_not_found',
    });
  });

  it('refuses n above 1, a body that fails its schema, and image parts, each naming the field', async () => {
    const n = await call('POST /v1/chat/completions', { model: 'says-the', messages: user('Hi'), n: 2 });
    expect([n.status, errorOf(n).param]).toEqual([400, 'n']);
    const bad = await call('POST /v1/chat/completions', { model: 'says-the', messages: [{ role: 'user' }] });
    expect([bad.status, errorOf(bad).param]).toEqual([400, 'messages[0].content']);
    const image = await call('POST /v1/chat/completions', {
      model: 'says-the',
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:,' } }] }],
    });
    expect([image.status, errorOf(image).param]).toEqual([400, 'messages[0].content[0].type']);
  });

  it('answers a chat too long for the context with a 400 context_length_exceeded, streamed or not', async () => {
    const long = user('the '.repeat(3000));
    for (const stream of [false, true]) {
      const r = await call('POST /v1/chat/completions', { model: 'says-the', messages: long, max_tokens: 5, stream });
      expect(r.status).toBe(400);
      expect(errorOf(r)).toMatchObject({ code: 'context_length_exceeded', param: 'messages' });
      expect(errorOf(r).message).toMatch(/the model's context holds 2,048/);
      expect(r.events).toEqual([]);
    }
  });

  it('loads a second installed model when a request names it, through the scheduler', async () => {
    await call('POST /v1/chat/completions', { model: 'says-the', messages: user('Hi'), max_tokens: 1 });
    expect(backend.host.loaded('chat')?.path).toBe(says);
    const r = await call('POST /v1/chat/completions', { model: 'varied', messages: user('Hi'), max_tokens: 1 });
    expect(r.status).toBe(200);
    expect(backend.host.loaded('chat')?.path).toBe(varied);
  });

  it('uses the loaded model when none is named', async () => {
    await call('POST /v1/chat/completions', { model: 'varied', messages: user('Hi'), max_tokens: 1 });
    const r = await call('POST /v1/chat/completions', { messages: user('Hi'), max_tokens: 1 });
    expect(r.body).toMatchObject({ model: 'varied' });
    expect(backend.host.loaded('chat')?.path).toBe(varied);
  });

  it('stops the generation when the client goes away mid-stream', async () => {
    const { recorded, finished } = start(
      'POST /v1/chat/completions',
      { model: 'says-the', messages: user('Hi'), max_tokens: 100_000, temperature: 0, stream: true },
      'leaving',
    );
    await recorded.event(1);
    expect(backend.scheduler.snapshot().running.chat).toBe(1);
    const sent = recorded.events.length;
    recorded.controller.abort();
    await finished;
    await vi.waitFor(() => expect(backend.scheduler.snapshot().running.chat).toBe(0));
    expect(recorded.done).toBe(false);
    // Nothing more goes to a client that left.
    expect(recorded.events.length).toBe(sent);
    expect(recorded.notes.completionTokens).toBeLessThan(100_000);
  });
});

describe('POST /v1/completions', () => {
  it("continues a prompt with OpenAI's 16-token default", async () => {
    const r = await call('POST /v1/completions', { model: 'says-the', prompt: 'Once upon a time', temperature: 0 });
    expect(r.body).toMatchObject({
      object: 'text_completion',
      model: 'says-the',
      choices: [{ index: 0, text: expect.stringContaining('the'), finish_reason: 'length', logprobs: null }],
      usage: { completion_tokens: 16 },
    });
  });

  it('streams text chunks, the finish, then the end; an array of one prompt is the same prompt', async () => {
    const r = await call('POST /v1/completions', { model: 'says-the', prompt: ['Once'], max_tokens: 30, temperature: 0, stream: true });
    const chunks = r.events as { choices: { text: string; finish_reason: string | null }[] }[];
    expect(
      chunks
        .map((c) => c.choices[0]!.text)
        .join('')
        .trim()
        .split(/\s+/),
    ).toEqual(Array(30).fill('the'));
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('length');
    expect(r.done).toBe(true);
  });

  it('refuses token ids and several prompts', async () => {
    const tokens = await call('POST /v1/completions', { model: 'says-the', prompt: [1, 2, 3] });
    expect([tokens.status, errorOf(tokens).message]).toEqual([400, 'prompt as token ids is not supported: send the text.']);
    const two = await call('POST /v1/completions', { model: 'says-the', prompt: ['a', 'b'] });
    expect(errorOf(two).message).toMatch(/one prompt per request/);
  });
});

describe('POST /v1/embeddings', () => {
  it('embeds each input as floats, and as base64 of the same float32 values', async () => {
    const input = ['the hearth', 'a fire'];
    const float = await call('POST /v1/embeddings', { model: 'says-the', input });
    const b64 = await call('POST /v1/embeddings', { model: 'says-the', input, encoding_format: 'base64' });
    type Out = { data: { index: number; embedding: number[] | string }[]; usage: { prompt_tokens: number } };
    const f = float.body as Out;
    const b = b64.body as Out;
    expect(f.data.map((d) => d.index)).toEqual([0, 1]);
    const vector = f.data[0]!.embedding as number[];
    expect(vector.length).toBeGreaterThan(8);
    const bytes = Buffer.from(b.data[0]!.embedding as string, 'base64');
    const decoded = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4));
    expect(decoded).toEqual(vector.map((x) => Math.fround(x)));
    expect(f.usage.prompt_tokens).toBeGreaterThan(0);
    expect(float.notes).toMatchObject({ model: 'says-the', promptTokens: f.usage.prompt_tokens });
  });

  it('refuses token ids and empty input', async () => {
    const tokens = await call('POST /v1/embeddings', { model: 'says-the', input: [[1, 2]] });
    expect(tokens.status).toBe(400);
    const empty = await call('POST /v1/embeddings', { model: 'says-the', input: ['x', ''] });
    expect([empty.status, errorOf(empty).param]).toEqual([400, 'input[1]']);
  });
});
