import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { forkSpawner } from '../../electron/inference/forkSpawner';
import { InferenceHost } from '../../electron/inference/host';
import type { GenerateEvent } from '../../electron/inference/protocol';
import { WORKER_PATH, tempDir, tinyModel } from '../helpers/fixtures';

const LOAD = { contextSize: 2048, threads: 1 };
const turns = [
  { role: 'system' as const, content: 'Be brief.' },
  { role: 'user' as const, content: 'Why is the sky blue?' },
];
let cleanup: () => void;
let reasons: string;
let plain: string;
const hosts: InferenceHost[] = [];

function newHost(): InferenceHost {
  const h = new InferenceHost(forkSpawner(WORKER_PATH), { gpu: 'off' });
  hosts.push(h);
  return h;
}

beforeAll(() => {
  const t = tempDir();
  cleanup = t.cleanup;
  reasons = tinyModel(t.dir, 'reasons.gguf', { favor: 'the', reasoning: true });
  plain = tinyModel(t.dir, 'plain.gguf', { favor: 'the' });
});
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.dispose(2000)));
});
afterAll(() => cleanup());

/** A generate job with its events split by kind, in the order they came. */
async function generate(host: InferenceHost, options: { maxTokens: number; thoughtTokens?: number }) {
  const events: GenerateEvent[] = [];
  const result = await host.job('generate', { turns, options: { temperature: 0, ...options } }, { onEvent: (e) => events.push(e) });
  const of = (kind: GenerateEvent['kind']) =>
    events
      .filter((e) => e.kind === kind)
      .map((e) => e.text)
      .join('');
  return { result, events, thoughts: of('thought'), text: of('text') };
}

const words = (s: string): string[] => s.trim().split(/\s+/).filter(Boolean);

describe('a reasoning model on the tiny model writer', () => {
  it("resolves to node-llama-cpp's Jinja wrapper, whose template opens a <think> segment", async () => {
    const host = newHost();
    const model = await host.load({ slot: 'chat', path: reasons, options: LOAD });
    expect(model.chatTemplate).toBe('JinjaTemplate');
    expect(model.name).toMatch(/reasons/);
    // The plain model keeps ChatML: the reasoning option changes nothing unless asked for.
    expect((await newHost().load({ slot: 'chat', path: plain, options: LOAD })).chatTemplate).toBe('ChatML');
  });

  it('streams the thought budget as thought events, then the answer as text, and times the thinking', async () => {
    const host = newHost();
    await host.load({ slot: 'chat', path: reasons, options: LOAD });
    const { result, events, thoughts, text } = await generate(host, { maxTokens: 120, thoughtTokens: 40 });
    // All thoughts come before any text: one segment, then the answer.
    const firstText = events.findIndex((e) => e.kind === 'text');
    expect(firstText).toBeGreaterThan(0);
    expect(events.slice(firstText).every((e) => e.kind === 'text')).toBe(true);
    expect(result.thoughts).toBe(thoughts);
    expect(result.text).toBe(text);
    expect(words(thoughts).every((w) => w === 'the')).toBe(true);
    expect(words(thoughts).length).toBeGreaterThan(30);
    expect(words(thoughts).length).toBeLessThanOrEqual(40);
    expect(words(text).length).toBeGreaterThan(50);
    expect(words(text).every((w) => w === 'the')).toBe(true);
    // The segment's markers are the wrapper's, never text of either part.
    expect(`${thoughts}${text}`).not.toMatch(/<\/?think>/);
    // Every token counts, thoughts included (one " the" is one token), so the stats' speed is true.
    expect(result.completionTokens).toBeGreaterThanOrEqual(words(thoughts).length + words(text).length);
    expect(result.completionTokens).toBeLessThanOrEqual(130);
    expect(result.thoughtMs).not.toBeNull();
    expect(result.thoughtMs!).toBeGreaterThanOrEqual(0);
    expect(result.thoughtMs!).toBeLessThanOrEqual(result.durationMs);
  });

  it('thinks until the limit without a budget: a model that favours one word never closes its thought', async () => {
    const host = newHost();
    await host.load({ slot: 'chat', path: reasons, options: LOAD });
    const { result, text } = await generate(host, { maxTokens: 60 });
    expect(result.stopReason).toBe('maxTokens');
    expect(words(result.thoughts).length).toBeGreaterThan(50);
    expect(text).toBe('');
    expect(result.text).toBe('');
  });

  it('gives no thoughts and no thinking time for a model that does not reason', async () => {
    const host = newHost();
    await host.load({ slot: 'chat', path: plain, options: LOAD });
    const { result, events } = await generate(host, { maxTokens: 20, thoughtTokens: 10 });
    expect(events.every((e) => e.kind === 'text')).toBe(true);
    expect(result.thoughts).toBe('');
    expect(result.thoughtMs).toBeNull();
    expect(words(result.text)).toEqual(Array(20).fill('the'));
  });

  it('reports the layers of the loaded model, so an answer can say where it ran', async () => {
    const host = newHost();
    const model = await host.load({ slot: 'chat', path: reasons, options: LOAD });
    expect(model).toMatchObject({ gpu: 'cpu', gpuLayers: 0, totalLayers: 5 });
    expect(host.loaded('chat')).toMatchObject({ gpu: 'cpu', totalLayers: 5 });
  });
});
