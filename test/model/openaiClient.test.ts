import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Backend } from '../../electron/api/backend';
import type { GenerateResult } from '../../electron/inference/protocol';
import { AppError } from '../../shared/errors';
import { callHandler, startBackend } from '../helpers/backend';
import { tempDir, tinyModel } from '../helpers/fixtures';

/**
 * The official openai client (6.49.0) against Hearth's real API server, on a real backend with the tiny models
 * in its models folder: the acceptance list of issue 10, section 1.
 */
let cleanup: () => void;
let backend: Backend;
let client: OpenAI;
let says: string;
let varied: string;

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  backend = startBackend(t.dir, []);
  says = tinyModel(join(t.dir, 'models'), 'says-the.gguf', { favor: 'the' });
  varied = tinyModel(join(t.dir, 'models'), 'varied.gguf');
  await callHandler(backend, 'settings:update', { contextSize: 2048 });
  const status = await backend.api.configure({ enabled: true, port: 0 });
  if (!status.baseUrl || !status.key) throw new Error(`The API server did not start: ${status.error ?? 'no address'}`);
  client = new OpenAI({ baseURL: status.baseUrl, apiKey: status.key, maxRetries: 0 });
});
afterAll(async () => {
  await backend?.dispose(2000);
  cleanup();
});

const weather: OpenAI.Chat.ChatCompletionTool = {
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
const clock: OpenAI.Chat.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_time', parameters: { type: 'object', properties: {}, additionalProperties: false } },
};

describe('the openai client against Hearth', () => {
  it('lists the installed models', async () => {
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toEqual(['says-the', 'varied']);
  });

  it('chats without streaming', async () => {
    const r = await client.chat.completions.create({
      model: 'says-the',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello' },
      ],
      max_tokens: 8,
      temperature: 0,
    });
    expect(r.choices[0]!.message.role).toBe('assistant');
    expect(r.choices[0]!.message.content!.trim().split(/\s+/)).toEqual(Array(8).fill('the'));
    expect(r.choices[0]!.finish_reason).toBe('length');
    expect(r.usage).toMatchObject({ completion_tokens: 8 });
  });

  it('chats streamed, with the usage at the end when asked', async () => {
    const stream = await client.chat.completions.create({
      model: 'says-the',
      messages: [{ role: 'user', content: 'Hello' }],
      max_tokens: 64,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    let chunks = 0;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(text.trim().split(/\s+/)).toEqual(Array(64).fill('the'));
    expect(chunks).toBeGreaterThan(3);
    expect(finish).toBe('length');
    expect(usage?.completion_tokens).toBe(64);
  });

  it("embeds as floats, and as base64 by the client's default, to the same vectors", async () => {
    const input = ['the hearth keeps warm', 'a kettle'];
    const float = await client.embeddings.create({ model: 'says-the', input, encoding_format: 'float' });
    const byDefault = await client.embeddings.create({ model: 'says-the', input });
    expect(float.data).toHaveLength(2);
    const a = float.data[0]!.embedding;
    expect(a.length).toBeGreaterThan(8);
    expect(Array.from(byDefault.data[0]!.embedding)).toEqual(a.map((x) => Math.fround(x)));
    expect(Array.from(byDefault.data[1]!.embedding)).toEqual(float.data[1]!.embedding.map((x) => Math.fround(x)));
    expect(float.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('answers with JSON that parses against a schema of enums, booleans and bounded strings', async () => {
    const r = await client.chat.completions.create({
      model: 'varied',
      messages: [{ role: 'user', content: 'Describe your day as JSON.' }],
      temperature: 0,
      max_tokens: 200,
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'day',
          strict: true,
          schema: {
            type: 'object',
            properties: {
              mood: { enum: ['calm', 'busy', 'tired'] },
              sunny: { type: 'boolean' },
              word: { type: 'string', maxLength: 8 },
            },
            required: ['mood', 'sunny', 'word'],
            additionalProperties: false,
          },
        },
      },
    });
    const value = JSON.parse(r.choices[0]!.message.content!) as { mood: string; sunny: boolean; word: string };
    expect(['calm', 'busy', 'tired']).toContain(value.mood);
    expect(typeof value.sunny).toBe('boolean');
    // JSON Schema counts characters (code points), as the grammar does; a JS length counts UTF-16 units.
    expect([...value.word].length).toBeLessThanOrEqual(8);
  });

  it('refuses a schema outside the grammar subset with a 400 that names the part', async () => {
    const request = client.chat.completions.create({
      model: 'says-the',
      messages: [{ role: 'user', content: 'Hi' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'code',
          schema: { type: 'object', properties: { code: { type: 'string', pattern: '^[A-Z]+$' } }, required: ['code'] },
        },
      },
    });
    const error = await request.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const e = error as InstanceType<typeof OpenAI.BadRequestError>;
    expect(e.status).toBe(400);
    expect(e.code).toBe('unsupported_schema');
    expect(e.message).toContain('properties.code.pattern is not supported');
  });

  it('returns a tool call forced by naming the function', async () => {
    const r = await client.chat.completions.create({
      model: 'varied',
      messages: [{ role: 'user', content: 'What is the weather?' }],
      temperature: 0,
      max_tokens: 100,
      tools: [weather, clock],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    const choice = r.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    const call = choice.message.tool_calls?.[0];
    expect(call?.type).toBe('function');
    if (call?.type !== 'function') return;
    expect(call.function.name).toBe('get_weather');
    const args = JSON.parse(call.function.arguments) as { city: string; metric: boolean };
    expect(['Paris', 'Oslo']).toContain(args.city);
    expect(typeof args.metric).toBe('boolean');
  });

  it("returns a tool call forced with 'required', streamed, which the client's stream helper assembles", async () => {
    const stream = client.chat.completions.stream({
      model: 'varied',
      messages: [{ role: 'user', content: 'What is the weather?' }],
      temperature: 0,
      max_tokens: 100,
      tools: [weather],
      tool_choice: 'required',
    });
    const done = await stream.finalChatCompletion();
    const call = done.choices[0]!.message.tool_calls?.[0];
    expect(done.choices[0]!.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    if (call?.type !== 'function') return;
    expect(Object.keys(JSON.parse(call.function.arguments) as object).sort()).toEqual(['city', 'metric']);
  });

  it('completes a prompt', async () => {
    const r = await client.completions.create({ model: 'says-the', prompt: 'Once upon a time', max_tokens: 6, temperature: 0 });
    expect(r.choices[0]!.text.trim().split(/\s+/)).toEqual(Array(6).fill('the'));
    expect(r.choices[0]!.finish_reason).toBe('length');
    expect(r.usage?.completion_tokens).toBe(6);
  });

  it('loads a second installed model when a request names it', async () => {
    await client.chat.completions.create({ model: 'says-the', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 1 });
    expect(backend.host.loaded('chat')?.path).toBe(says);
    const r = await client.chat.completions.create({ model: 'varied.gguf', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 1 });
    expect(r.model).toBe('varied');
    expect(backend.host.loaded('chat')?.path).toBe(varied);
  });

  it('answers 404 for a model that is not installed', async () => {
    const error = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
  });

  it('cancels the generation when the client aborts its stream', async () => {
    // The engine's own result for this request, to tell a cancelled generation from one that ran to its limit.
    const results: Promise<GenerateResult>[] = [];
    const generate = backend.scheduler.generate.bind(backend.scheduler);
    const spy = vi.spyOn(backend.scheduler, 'generate').mockImplementation((req) => {
      const p = generate(req);
      results.push(p);
      return p;
    });
    try {
      const controller = new AbortController();
      const stream = await client.chat.completions.create(
        { model: 'says-the', messages: [{ role: 'user', content: 'Hello' }], max_tokens: 100_000, temperature: 0, stream: true },
        { signal: controller.signal },
      );
      let chunks = 0;
      // The client ends its iteration quietly when its own signal aborts it.
      for await (const _ of stream) {
        if (++chunks === 2) controller.abort();
      }
      expect(chunks).toBe(2);
      await vi.waitFor(() => expect(backend.scheduler.snapshot()).toMatchObject({ running: { chat: 0 }, queued: { chat: 0 } }));
      expect(results).toHaveLength(1);
      // Stopped by the request's signal ('abort'), or by the server cancelling the client's jobs (CANCELLED): cut
      // short either way, where a generation left alone would end at the context's edge.
      const outcome = await results[0]!.then(
        (r) => r.stopReason,
        (e: unknown) => (e instanceof AppError ? e.code : e),
      );
      expect(['abort', 'CANCELLED']).toContain(outcome);
    } finally {
      spy.mockRestore();
    }
  });

  it("leaves the model it loaded as the app's chat model: a chat with none picked answers with it", async () => {
    expect((await callHandler<{ selectedModelPath: string | null }>(backend, 'settings:get')).selectedModelPath).toBeNull();
    const loaded = backend.host.loaded('chat');
    expect(loaded?.path).toBe(says);
    const sent = await callHandler<{ conversationId: string; assistantMessage: { id: string; model: string } }>(backend, 'chat:send', {
      conversationId: null,
      text: 'Hello from the app',
    });
    expect(sent.assistantMessage.model).toBe('says-the.gguf');
    expect((await callHandler<{ selectedModelPath: string | null }>(backend, 'settings:get')).selectedModelPath).toBe(says);
    await backend.answers.stop(sent.assistantMessage.id);
  });
});
