import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChatEnd } from '../../shared/contract';
import type { Conversation, ConversationParams, Preset } from '../../shared/types';
import { createBackend, type Backend } from '../../electron/api/backend';
import { dispatch } from '../../electron/api/dispatch';
import { forkSpawner } from '../../electron/inference/forkSpawner';
import type { GenerateInput } from '../../electron/inference/protocol';
import { WORKER_PATH, tempDir, tinyModel } from '../helpers/fixtures';

let cleanup: () => void;
let backend: Backend;
const ends: ChatEnd[] = [];
const jobs: GenerateInput[] = [];

async function call<T = unknown>(channel: string, input?: unknown): Promise<T> {
  const r = await dispatch(backend.handlers, channel, input);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value as T;
}

/** Sends one message in a fresh chat with these choices and waits for the answer's end. */
async function answer(params: Record<string, unknown>, text = 'Tell me something.'): Promise<ChatEnd> {
  const c = await call<Conversation>('conversations:create');
  await call('conversations:setParams', { id: c.id, ...params });
  const { streamId } = await call<{ streamId: string }>('chat:send', { conversationId: c.id, text });
  await vi.waitFor(() => expect(ends.some((e) => e.streamId === streamId)).toBe(true), { timeout: 60_000, interval: 10 });
  return ends.find((e) => e.streamId === streamId)!;
}

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  backend = createBackend({
    dataDir: join(t.dir, 'data'),
    modelsDir: join(t.dir, 'models'),
    spawner: forkSpawner(WORKER_PATH),
    gpu: 'off',
    threads: 1,
    shell: 'headless',
    version: 'test',
  });
  backend.events.subscribe((event, payload) => {
    if (event === 'chat:end') ends.push(payload as ChatEnd);
  });
  // Watches what reaches the engine, and lets it through to the real inference process.
  const generate = backend.scheduler.generate.bind(backend.scheduler);
  vi.spyOn(backend.scheduler, 'generate').mockImplementation((job) => {
    jobs.push(job.input);
    return generate(job);
  });
  // An unbiased model: varied output, so the seed and the temperature show in the text.
  const model = tinyModel(t.dir, 'varied.gguf');
  await call('models:add', { path: model });
  await call('settings:update', { systemPrompt: 'The global prompt.', temperature: 0, maxTokens: 24, contextSize: 1024 });
  await call('models:load', { path: model });
}, 60_000);
afterAll(async () => {
  await backend?.dispose(2000);
  cleanup?.();
});

describe('presets and per-chat sampling, through the handler table and the real engine', () => {
  it('creates, edits, lists and deletes presets, and refuses bad input', async () => {
    const p = await call<Preset>('presets:create', { name: 'Terse', systemPrompt: 'Be terse.' });
    expect(await call<Preset>('presets:update', { id: p.id, name: 'Very terse' })).toMatchObject({
      name: 'Very terse',
      systemPrompt: 'Be terse.',
    });
    expect((await call<Preset[]>('presets:list')).map((x) => x.name)).toEqual(['Very terse']);
    await expect(call('presets:create', { name: '  ', systemPrompt: 'x' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    const c = await call<Conversation>('conversations:create');
    await expect(call('conversations:setParams', { id: c.id, sampling: { temperature: 5 } })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(call('conversations:setParams', { id: c.id, presetId: 'missing' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await call('conversations:setParams', { id: c.id, presetId: p.id, sampling: { topK: 5 } });
    await call('presets:delete', { id: p.id });
    expect(await call<ConversationParams>('conversations:params', { id: c.id })).toMatchObject({ presetId: null, sampling: { topK: 5 } });
    expect(await call('presets:list')).toEqual([]);
  });

  it("sends a chat's seed and temperature to the engine: the same seed writes the same answer, another seed another", async () => {
    const a = await answer({ sampling: { temperature: 1, seed: 7 } });
    const b = await answer({ sampling: { temperature: 1, seed: 7 } });
    const others = [await answer({ sampling: { temperature: 1, seed: 8 } }), await answer({ sampling: { temperature: 1, seed: 9 } })];
    expect(a.status).toBe('complete');
    expect(a.content.length).toBeGreaterThan(0);
    expect(b.content).toBe(a.content);
    expect(others.some((o) => o.content !== a.content)).toBe(true);
    expect(jobs.at(-1)!.options).toMatchObject({ temperature: 1, seed: 9, maxTokens: 24 });
  }, 120_000);

  it('passes top-p, top-k, min-p, repeat penalty and max tokens, and leaves unset ones to the engine', async () => {
    const end = await answer({ sampling: { topP: 0.9, topK: 40, minP: 0.05, repeatPenalty: 1.1, maxTokens: 3 } });
    expect(end.stats.completionTokens).toBeLessThanOrEqual(3);
    const options = jobs.at(-1)!.options;
    expect(options).toMatchObject({ topP: 0.9, topK: 40, minP: 0.05, repeatPenalty: 1.1, maxTokens: 3, temperature: 0 });
    expect(options).not.toHaveProperty('seed');
  }, 60_000);

  it("gives the model the picked preset's system prompt, and the chat's own prompt over it", async () => {
    const long = 'You are a pirate. Answer every question as a pirate would, with nautical words, and never break character.';
    const p = await call<Preset>('presets:create', { name: 'Pirate', systemPrompt: long });
    const plain = await answer({});
    expect(jobs.at(-1)!.turns[0]).toMatchObject({ role: 'system', content: 'The global prompt.' });
    const pirate = await answer({ presetId: p.id });
    expect(jobs.at(-1)!.turns[0]).toMatchObject({ role: 'system', content: long });
    // The model read the longer prompt: its prompt grew by the preset's extra tokens.
    expect(pirate.stats.promptTokens! - plain.stats.promptTokens!).toBeGreaterThan(10);
    await answer({ presetId: p.id, systemPrompt: 'Own prompt.' });
    expect(jobs.at(-1)!.turns[0]).toMatchObject({ role: 'system', content: 'Own prompt.' });
  }, 120_000);
});
