import { rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LlamaContext } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { forkSpawner } from '../../electron/inference/forkSpawner';
import { InferenceHost } from '../../electron/inference/host';
import type { LoadOptions } from '../../electron/inference/protocol';
import { buildTinyLora, writeTinyLora } from '../../electron/lib/tinyModel';
import { WORKER_PATH, tempDir, tinyLora, tinyModel } from '../helpers/fixtures';

/**
 * LoRA adapters on the real engine: the `load` job's `options.lora`, applied by node-llama-cpp's `lora.adapters`
 * context option. The base favors "the"; the adapter `hearth` pushes greedy decoding to "hearth" at a scale above
 * one half (tinyModel.ts, buildTinyLora).
 */
const LOAD = { contextSize: 1024, threads: 1 };
const turns = [
  { role: 'system' as const, content: 'Be brief.' },
  { role: 'user' as const, content: 'Hello' },
];
let dir: string;
let cleanup: () => void;
let host: InferenceHost;
let says: string;
let varied: string;
let hearth: string;

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  says = tinyModel(dir, 'says-the.gguf', { favor: 'the' });
  varied = tinyModel(dir, 'varied.gguf');
  hearth = tinyLora(dir, 'hearth.lora.gguf', { base: { favor: 'the' }, favor: 'hearth' });
  host = new InferenceHost(forkSpawner(WORKER_PATH), { gpu: 'off' });
});
afterAll(async () => {
  await host.dispose(2000);
  cleanup();
});

async function answer(path: string, lora: LoadOptions['lora'] = []): Promise<string> {
  await host.load({ slot: 'chat', path, options: { ...LOAD, lora } });
  const r = await host.job('generate', { turns, options: { maxTokens: 6, temperature: 0 } });
  return r.text.trim();
}

async function loadError(path: string, lora: LoadOptions['lora']): Promise<AppError> {
  const error = await host.load({ slot: 'chat', path, options: { ...LOAD, lora } }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('MODEL_LOAD_FAILED');
  expect(host.getState().status).toBe('failed');
  return error as AppError;
}

const words = (word: string): string => Array(6).fill(word).join(' ');

describe('LoRA adapters on the engine', () => {
  it("writes the adapter's word at scale 1 and exactly what the base writes at scale 0 or without it", async () => {
    const base = await answer(says);
    expect(base).toBe(words('the'));
    expect(await answer(says, [{ path: hearth, scale: 1 }])).toBe(words('hearth'));
    expect(await answer(says, [{ path: hearth, scale: 0 }])).toBe(base);
    // Below one half the base's own push (50 against the adapter's 100 times the scale) still wins.
    expect(await answer(says, [{ path: hearth, scale: 0.25 }])).toBe(base);
    expect(await answer(says)).toBe(base);
  });

  it('applies an F16 adapter as it does an F32 one', async () => {
    const half = tinyLora(dir, 'hearth-f16.lora.gguf', { base: { favor: 'the' }, favor: 'hearth', type: 'f16' });
    expect(await answer(says, [{ path: half, scale: 1 }])).toBe(words('hearth'));
  });

  it('changes what an unbiased model writes with low-rank changes to its attention and FFN weights alone', async () => {
    const adapter = tinyLora(dir, 'all.lora.gguf', {
      targets: ['attn_q', 'attn_k', 'attn_v', 'attn_output', 'ffn_gate', 'ffn_up', 'ffn_down'],
    });
    const base = await answer(varied);
    expect(await answer(varied, [{ path: adapter, scale: 1 }])).not.toBe(base);
    expect(await answer(varied, [{ path: adapter, scale: 0 }])).toBe(base);
  });

  it('applies several adapters at once, each at its own scale', async () => {
    const fire = tinyLora(dir, 'fire.lora.gguf', { base: { favor: 'the' }, favor: 'fire', seed: 7 });
    expect(
      await answer(says, [
        { path: hearth, scale: 1 },
        { path: fire, scale: 0 },
      ]),
    ).toBe(words('hearth'));
    expect(
      await answer(says, [
        { path: hearth, scale: 0 },
        { path: fire, scale: 1 },
      ]),
    ).toBe(words('fire'));
  });

  it('refuses a malformed adapter with a clear error, in the same process, which then loads the next model', async () => {
    await host.job('status', {});
    const pid = host.pid;
    const notes = join(dir, 'notes.lora.gguf');
    writeFileSync(notes, 'not an adapter, just notes');
    expect((await loadError(says, [{ path: notes, scale: 1 }])).message).toMatch(
      /notes\.lora\.gguf cannot be loaded: it is not a readable GGUF model/,
    );

    const cut = join(dir, 'cut.lora.gguf');
    const bytes = buildTinyLora({ base: { favor: 'the' }, favor: 'hearth' });
    writeFileSync(cut, bytes);
    truncateSync(cut, Math.floor(bytes.length * 0.7));
    expect((await loadError(says, [{ path: cut, scale: 1 }])).message).toMatch(/cut\.lora\.gguf cannot be loaded: the file is truncated/);

    // A model where an adapter belongs: well-formed GGUF, which only llama.cpp's adapter loader refuses.
    const model = tinyModel(dir, 'a-model.gguf', { favor: 'the' });
    const error = await loadError(says, [{ path: model, scale: 1 }]);
    expect(error.message).toContain('a-model.gguf');
    expect(error.message).toMatch(/llama\.cpp: .*expect general\.type to be 'adapter'/);
    expect(error.message).toMatch(
      /^The LoRA adapter a-model\.gguf cannot be applied to says-the\.gguf: the file is not a LoRA adapter \(llama\.cpp: /,
    );

    expect(await answer(says, [{ path: hearth, scale: 1 }])).toBe(words('hearth'));
    expect(host.getState().status).toBe('ready');
    expect(host.pid).toBe(pid);
  });

  it('refuses an adapter made for another base, saying why, and keeps working', async () => {
    const qwen = tinyLora(dir, 'qwen.lora.gguf', { base: { favor: 'the' }, architecture: 'qwen2' });
    const arch = await loadError(says, [{ path: qwen, scale: 1 }]);
    expect(arch.message).toContain('qwen.lora.gguf');
    expect(arch.message).toMatch(/llama\.cpp: .*model arch and LoRA arch mismatch/);
    expect(arch.message).toMatch(
      /^The LoRA adapter qwen\.lora\.gguf cannot be applied to says-the\.gguf: it was made for another kind of model \(llama\.cpp: /,
    );

    const wide = tinyLora(dir, 'for-28m.lora.gguf', { base: { size: '28m' } });
    const shape = await loadError(says, [{ path: wide, scale: 1 }]);
    expect(shape.message).toContain('for-28m.lora.gguf');
    expect(shape.message).toMatch(/llama\.cpp: .*tensor 'blk\.0\.attn_q\.weight' has incorrect shape \(hint: maybe wrong base model\?\)/);
    expect(shape.message).toMatch(
      /^The LoRA adapter for-28m\.lora\.gguf cannot be applied to says-the\.gguf: it was made for a different base model \(llama\.cpp: /,
    );

    // The other way round: an adapter for the 1M model on a 28M one.
    const big = tinyModel(dir, 'big.gguf', { size: '28m', favor: 'the' });
    expect((await loadError(big, [{ path: hearth, scale: 1 }])).message).toMatch(
      /^The LoRA adapter hearth\.lora\.gguf cannot be applied to big\.gguf: it was made for a different base model \(llama\.cpp: .*incorrect shape/,
    );

    // Same shapes, but a weight the base does not have: its block 0 renamed to a block 9 the 4-block base lacks.
    const bytes = buildTinyLora({ base: { favor: 'the' }, favor: 'hearth' });
    const header = bytes.subarray(0, 2048);
    for (let at = header.indexOf('blk.0.attn_q'); at >= 0; at = header.indexOf('blk.0.attn_q', at)) header.write('blk.9', at);
    const stray = join(dir, 'stray.lora.gguf');
    writeFileSync(stray, bytes);
    const missing = await loadError(says, [
      { path: hearth, scale: 1 },
      { path: stray, scale: 1 },
    ]);
    expect(missing.message).toMatch(
      /^The LoRA adapter stray\.lora\.gguf cannot be applied to says-the\.gguf: it was made for a different base model \(llama\.cpp: .*'blk\.9\.attn_q\.weight' does not exist in base model/,
    );

    expect(await answer(says, [{ path: hearth, scale: 1 }])).toBe(words('hearth'));
  });

  it('lists the adapters it applied, each with its scale, in the loaded model, the engine state and the status', async () => {
    const fire = tinyLora(dir, 'fire-listed.lora.gguf', { base: { favor: 'the' }, favor: 'fire', seed: 7 });
    const lora = [
      { path: hearth, scale: 1 },
      { path: fire, scale: 0 },
    ];
    const loaded = await host.load({ slot: 'chat', path: says, options: { ...LOAD, lora } });
    expect(loaded).toMatchObject({ lora, notice: null });
    expect(host.getState()).toMatchObject({ status: 'ready', model: { path: says, lora } });
    expect((await host.job('status', {})).slots).toEqual([expect.objectContaining({ slot: 'chat', lora })]);

    expect(await host.load({ slot: 'chat', path: says, options: LOAD })).toMatchObject({ lora: [] });
    expect(host.getState()).toMatchObject({ status: 'ready', model: { lora: [] } });
  });

  it('loads, unloads and loads again with its adapter, which goes with its model and is read afresh at the next load', async () => {
    const path = join(dir, 'changing.lora.gguf');
    writeTinyLora(path, { base: { favor: 'the' }, favor: 'hearth' });
    for (let round = 0; round < 3; round++) {
      expect(await answer(says, [{ path, scale: 1 }])).toBe(words('hearth'));
      await host.unload('chat');
      expect(host.getState().status).toBe('none');
    }
    // Had the unloaded model kept its adapter under this path, the next load could have reused it unchanged.
    writeTinyLora(path, { base: { favor: 'the' }, favor: 'fire' });
    expect(await answer(says, [{ path, scale: 1 }])).toBe(words('fire'));
    // And a switch to the same model without adapters leaves none behind.
    expect(await answer(says)).toBe(words('the'));
  });
});

/**
 * The engine opens one context per model, so what the adapter's lifetime is tied to shows only through
 * node-llama-cpp itself: it loads an adapter into the model (LlamaModel._getOrLoadLora, by path) and frees it
 * when the model is disposed, never with a context. This pins that behaviour, which the engine relies on.
 */
describe("node-llama-cpp's adapter lifetime", () => {
  it('keeps an adapter with its model: a second context reuses it after the file is gone, a reloaded model cannot', async () => {
    const { getLlama, LlamaCompletion } = await import('node-llama-cpp');
    const llama = await getLlama({ gpu: false, build: 'never', logger: () => undefined });
    const path = tinyLora(dir, 'gone.lora.gguf', { base: { favor: 'the' }, favor: 'hearth' });
    const lora = { adapters: [{ filePath: path, scale: 1 }] };
    const complete = async (context: LlamaContext): Promise<string> => {
      const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
      const text = await completion.generateCompletion('Hello', { maxTokens: 4, temperature: 0 });
      await context.dispose();
      return text.trim();
    };
    const model = await llama.loadModel({ modelPath: says });
    try {
      expect(await complete(await model.createContext({ contextSize: 256, threads: 1, lora }))).toBe('hearth hearth hearth hearth');
      rmSync(path);
      expect(await complete(await model.createContext({ contextSize: 256, threads: 1, lora }))).toBe('hearth hearth hearth hearth');
      // Loaded into the model, applied per context: a context without it writes the base's word.
      expect(await complete(await model.createContext({ contextSize: 256, threads: 1 }))).toBe('the the the the');
    } finally {
      await model.dispose();
    }
    const again = await llama.loadModel({ modelPath: says });
    try {
      await expect(again.createContext({ contextSize: 256, threads: 1, lora })).rejects.toThrow(/Failed to initialize LoRA adapter/);
    } finally {
      await again.dispose();
      await llama.dispose();
    }
  });
});
