import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getLlama, InsufficientMemoryError, type Llama, type LlamaModelOptions } from 'node-llama-cpp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { Engine } from '../../electron/inference/engine';
import { forkSpawner } from '../../electron/inference/forkSpawner';
import { InferenceHost } from '../../electron/inference/host';
import { jobs } from '../../electron/inference/protocol';
import { buildTinyModel } from '../../electron/lib/tinyModel';
import { WORKER_PATH, tempDir, tinyModel } from '../helpers/fixtures';

const LOAD = { contextSize: 2048, threads: 1 };
const turns = [
  { role: 'system' as const, content: 'Be brief.' },
  { role: 'user' as const, content: 'Hello' },
];
let dir: string;
let cleanup: () => void;
let says: string;
let varied: string;
const hosts: InferenceHost[] = [];

function newHost(): InferenceHost {
  const h = new InferenceHost(forkSpawner(WORKER_PATH), { gpu: 'off' });
  hosts.push(h);
  return h;
}

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  says = tinyModel(dir, 'says-the.gguf', { favor: 'the' });
  varied = tinyModel(dir, 'varied.gguf');
});
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.dispose(2000)));
});
afterAll(() => cleanup());

/** A chat answer through the typed protocol, with its streamed text. */
function generate(
  host: InferenceHost,
  options: { maxTokens: number; temperature: number },
  onText: (t: string) => void = () => undefined,
  signal?: AbortSignal,
) {
  return host.job(
    'generate',
    { turns, options },
    {
      onEvent: (e) => {
        if (e.kind === 'text') onText(e.text);
      },
      ...(signal ? { signal } : {}),
    },
  );
}

const waitFor = async (check: () => boolean, ms = 20_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('the inference process on the tiny model', () => {
  it('loads a model and reports what it loaded', async () => {
    const host = newHost();
    const states: string[] = [];
    host.onState((s) => states.push(s.status));
    const model = await host.load({ slot: 'chat', path: says, options: LOAD });
    expect(model).toMatchObject({
      path: says,
      contextSize: 2048,
      gpu: 'cpu',
      isTestModel: true,
      trainContextSize: 4096,
      chatTemplate: 'ChatML',
      lora: [],
      notice: null,
    });
    expect(model.name).toMatch(/Hearth tiny test model/);
    expect(states).toEqual(['loading', 'ready']);
    expect(host.pid).toBeGreaterThan(0);
    expect(host.pid).not.toBe(process.pid);
  });

  it('streams a chat answer in coalesced chunks through the ChatML template from the GGUF', async () => {
    const host = newHost();
    await host.load({ slot: 'chat', path: says, options: LOAD });
    const chunks: string[] = [];
    const r = await generate(host, { maxTokens: 400, temperature: 0 }, (t) => chunks.push(t));
    expect(r.stopReason).toBe('maxTokens');
    expect(r.completionTokens).toBe(400);
    expect(r.promptTokens).toBeGreaterThan(5);
    // Streamed while generating (several chunks), but not one message per token.
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    expect(chunks.length).toBeLessThan(200);
    expect(chunks.join('')).toBe(r.text);
    expect(r.text.trim().split(/\s+/)).toEqual(Array(400).fill('the'));
    expect(r.timeToFirstTokenMs).not.toBeNull();
  });

  it('gives varied text from the unbiased model and stops at its end-of-generation token or the limit', async () => {
    const host = newHost();
    await host.load({ slot: 'chat', path: varied, options: LOAD });
    const r = await generate(host, { maxTokens: 30, temperature: 0 });
    expect(['eog', 'maxTokens']).toContain(r.stopReason);
    expect(new Set(r.text.split('')).size).toBeGreaterThan(1);
  });

  it('stops when asked and keeps the partial answer', async () => {
    const host = newHost();
    await host.load({ slot: 'chat', path: says, options: LOAD });
    const controller = new AbortController();
    let text = '';
    const pending = generate(
      host,
      { maxTokens: 100_000, temperature: 0 },
      (t) => {
        text += t;
        if (text.length > 40) controller.abort();
      },
      controller.signal,
    );
    const r = await pending;
    expect(r.stopReason).toBe('abort');
    expect(r.text.length).toBeGreaterThan(40);
    expect(r.text).toMatch(/^(\s?the)+$/);
    expect(r.completionTokens).toBeLessThan(2000);
  });

  it('survives kill -9 of the inference process mid-answer: the request fails clearly and the next one works', async () => {
    const host = newHost();
    await host.load({ slot: 'chat', path: says, options: LOAD });
    let streamed = '';
    const pending = generate(host, { maxTokens: 100_000, temperature: 0 }, (t) => {
      streamed += t;
    });
    await waitFor(() => streamed.length > 20);
    const pid = host.pid!;
    process.kill(pid, 'SIGKILL');
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('ENGINE_CRASHED');
    expect((error as AppError).message).toMatch(/stopped unexpectedly \(killed by SIGKILL\)/);
    expect(host.getState()).toMatchObject({ status: 'none', lastError: expect.stringMatching(/SIGKILL/) });

    await host.load({ slot: 'chat', path: says, options: LOAD });
    expect(host.pid).not.toBe(pid);
    const r = await generate(host, { maxTokens: 5, temperature: 0 });
    expect(r.completionTokens).toBe(5);
  });

  it('says a truncated GGUF is truncated, naming the tensor, and stays usable', async () => {
    const file = join(dir, 'truncated.gguf');
    const full = buildTinyModel({ favor: 'the' });
    writeFileSync(file, full);
    truncateSync(file, Math.floor(full.length * 0.6));
    const host = newHost();
    const error = await host.load({ slot: 'chat', path: file, options: LOAD }).catch((e: unknown) => e as AppError);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('MODEL_LOAD_FAILED');
    expect((error as AppError).message).toMatch(
      /truncated\.gguf cannot be loaded: the file is truncated: tensor "[\w.]+" ends at byte \d+ but the file has only \d+ bytes/,
    );
    expect(host.getState()).toMatchObject({ status: 'failed', error: expect.stringMatching(/truncated/) });
    await host.load({ slot: 'chat', path: says, options: LOAD });
    expect(host.getState().status).toBe('ready');
  });

  it("passes on llama.cpp's own reason when it refuses a file the preflight let through", async () => {
    const file = join(dir, 'unknown-arch.gguf');
    const bytes = buildTinyModel({ favor: 'the' });
    // general.architecture = "llama" (string type 8, length 5) becomes "zzzzz": well-formed, but unknown to llama.cpp.
    const value = Buffer.concat([
      Buffer.from('general.architecture'),
      Buffer.from([8, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0]),
      Buffer.from('llama'),
    ]);
    const at = bytes.indexOf(value);
    expect(at).toBeGreaterThan(0);
    bytes.write('zzzzz', at + value.length - 5, 'ascii');
    writeFileSync(file, bytes);
    const host = newHost();
    const error = await host.load({ slot: 'chat', path: file, options: LOAD }).catch((e: unknown) => e as AppError);
    expect((error as AppError).code).toBe('MODEL_LOAD_FAILED');
    expect((error as AppError).message).toMatch(
      /unknown-arch\.gguf cannot be loaded: .*\(llama\.cpp: .*unknown model architecture: 'zzzzz'/,
    );
  });

  it('explains a file that is not a GGUF model at all', async () => {
    const file = join(dir, 'notes.gguf');
    writeFileSync(file, 'these are my shopping notes, not a model');
    const host = newHost();
    await expect(host.load({ slot: 'chat', path: file, options: LOAD })).rejects.toThrow(
      /notes\.gguf cannot be loaded: it is not a readable GGUF model/,
    );
  });

  // Where a CUDA device exists this machine is not the one CI runs on; the case below is about machines without one.
  it('refuses a model missing a key that would abort llama.cpp, before llama.cpp sees it', async () => {
    const file = join(dir, 'no-heads.gguf');
    const bytes = buildTinyModel({ favor: 'the' });
    // Rename the key in place (same length), so the file stays well-formed but lacks attention.head_count.
    const key = Buffer.from('llama.attention.head_count\u0000'.slice(0, -1));
    const at = bytes.indexOf(Buffer.concat([key, Buffer.from([4, 0, 0, 0])]));
    expect(at).toBeGreaterThan(0);
    bytes.write('llama.attention.head_coun_', at, 'ascii');
    writeFileSync(file, bytes);
    const host = newHost();
    await expect(host.load({ slot: 'chat', path: file, options: LOAD })).rejects.toThrow(
      /no-heads\.gguf cannot be loaded: the metadata key llama\.attention\.head_count is missing/,
    );
    expect(host.pid).toBeGreaterThan(0);
  });
});

describe('every job of the protocol on real node-llama-cpp, each result checked against its schema by the host', () => {
  it('loads chat and embedding slots side by side, generates, completes, embeds, tokenizes, inspects and reports status', async () => {
    const host = newHost();
    const chat = await host.load({ slot: 'chat', path: says, options: { ...LOAD, sequences: 2 } });
    expect(chat).toMatchObject({ slot: 'chat', sequences: 2, threads: 1, embeddingSize: 128 });
    const embedding = await host.load({ slot: 'embedding', path: varied, options: LOAD });
    expect(embedding).toMatchObject({ slot: 'embedding', path: varied, sequences: 1 });

    const r = await host.job('generate', {
      turns,
      options: { maxTokens: 8, temperature: 0, seed: 1, topK: 40, topP: 0.9, minP: 0.05, repeatPenalty: 1.1 },
    });
    expect(r).toMatchObject({ stopReason: 'maxTokens', completionTokens: 8, thoughts: '', functionCalls: [] });

    const schema = { type: 'object', properties: { mood: { enum: ['warm', 'cold'] }, lit: { type: 'boolean' } } };
    const json = await host.job('generate', { turns, options: { maxTokens: 40, temperature: 0, jsonSchema: schema } });
    expect(JSON.parse(json.text)).toEqual({ mood: expect.stringMatching(/^(warm|cold)$/), lit: expect.any(Boolean) });

    let streamed = '';
    const c = await host.job(
      'complete',
      { prompt: 'The hearth', options: { maxTokens: 6, temperature: 0 } },
      {
        onEvent: (e) => {
          streamed += e.text;
        },
      },
    );
    expect(c).toMatchObject({ completionTokens: 6 });
    expect(streamed).toBe(c.text);

    const e = await host.job('embed', { texts: ['local fire', 'the hearth'] });
    expect(e.vectors).toHaveLength(2);
    expect(e.vectors[0]).toHaveLength(128);
    expect(e.tokens).toBeGreaterThan(2);

    expect((await host.job('tokenize', { text: 'the the the' })).count).toBe(3);
    expect((await host.job('tokenize', { slot: 'embedding', text: 'hello world' })).count).toBeGreaterThan(0);

    const status = await host.job('status', {});
    expect(status.slots.map((s) => s.slot).sort()).toEqual(['chat', 'embedding']);
    expect(status.gpu).toBe('cpu');
    expect(status.ram.total).toBeGreaterThan(0);

    await host.unload('embedding');
    await expect(host.job('embed', { texts: ['x'] })).rejects.toMatchObject({ code: 'NO_MODEL' });
  });

  it('inspects a local file and a remote one over HTTP Range, without loading it', async () => {
    const { createServer } = await import('node:http');
    const { readFileSync } = await import('node:fs');
    const bytes = readFileSync(says);
    let ranges = 0;
    const server = createServer((req, res) => {
      const m = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? '');
      if (!m) return void res.writeHead(200, { 'Content-Length': bytes.length }).end(bytes);
      ranges++;
      const start = Number(m[1]);
      const end = m[2] ? Math.min(Number(m[2]), bytes.length - 1) : bytes.length - 1;
      res
        .writeHead(206, {
          'Content-Range': `bytes ${start}-${end}/${bytes.length}`,
          'Content-Length': end - start + 1,
          'Accept-Ranges': 'bytes',
        })
        .end(bytes.subarray(start, end + 1));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const host = newHost();
      const local = await host.job('inspect', { source: says, contextSize: 1024, sequences: 2 });
      expect(local).toMatchObject({
        architecture: 'llama',
        trainContextSize: 4096,
        embeddingSize: 128,
        layers: 5,
        hasChatTemplate: true,
        supportsRanking: false,
      });
      // node-llama-cpp counts the output layer with the 4 blocks.
      expect(local.name).toMatch(/Hearth tiny test model/);
      expect(local.fit).toMatchObject({ sequences: 2, gpuLayers: 0 });
      expect(local.fit.contextRamBytes).toBeGreaterThan(0);
      const port = (server.address() as { port: number }).port;
      const remote = await host.job('inspect', { source: `http://127.0.0.1:${port}/says-the.gguf`, contextSize: 1024 });
      expect(remote).toMatchObject({ architecture: 'llama', layers: 5, trainContextSize: 4096 });
      expect(ranges).toBeGreaterThan(0);
      expect(host.getState().status).toBe('none');
    } finally {
      server.close();
    }
  });

  it('picks one thread for a tiny model when none is set, since more only add synchronisation (measured: 4 threads crawl here)', async () => {
    const host = newHost();
    expect(await host.load({ slot: 'chat', path: says, options: { contextSize: 1024, threads: 0 } })).toMatchObject({ threads: 1 });
    expect(await host.load({ slot: 'embedding', path: varied, options: { contextSize: 0, threads: 2 } })).toMatchObject({ threads: 2 });
  });

  it('says a model that cannot rank cannot, and refuses input that breaks the protocol', async () => {
    const host = newHost();
    await expect(host.load({ slot: 'ranking', path: says, options: LOAD })).rejects.toMatchObject({ code: 'MODEL_LOAD_FAILED' });
    await expect(host.job('rank', { query: 'q', documents: ['d'] })).rejects.toMatchObject({ code: 'NO_MODEL' });
    // A host bug, a caller's cast: the worker checks every input against the job's schema.
    await expect(host.job('generate', { turns: [], options: {} } as never)).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });
});

describe('cancellation is part of the protocol (6h)', () => {
  it('cancels a job whose abort reaches the process in the same tick as the job, every time', async () => {
    const host = newHost();
    await host.load({ slot: 'chat', path: says, options: LOAD });
    for (let i = 0; i < 8; i++) {
      const controller = new AbortController();
      const p = generate(host, { maxTokens: 100_000, temperature: 0 }, undefined, controller.signal);
      controller.abort();
      await expect(p).resolves.toMatchObject({ stopReason: 'abort', text: '', completionTokens: 0 });
    }
  });

  it('stops an answer whose send and stop both arrive while the process is held off the CPU', async () => {
    const host = newHost();
    await host.load({ slot: 'chat', path: says, options: LOAD });
    for (let i = 0; i < 5; i++) {
      const controller = new AbortController();
      process.kill(host.pid!, 'SIGSTOP');
      const p = generate(host, { maxTokens: 100_000, temperature: 0 }, undefined, controller.signal);
      await new Promise((r) => setTimeout(r, 15));
      controller.abort();
      await new Promise((r) => setTimeout(r, 15));
      process.kill(host.pid!, 'SIGCONT');
      await expect(p).resolves.toMatchObject({ stopReason: 'abort', text: '' });
    }
  });
});

describe('the loaded model says what the engine changed on its own', () => {
  /**
   * No GPU here: the real CPU Llama, wrapped so that a fixed GPU layer count is refused as node-llama-cpp refuses one
   * that no longer fits the free VRAM (a game took it); the retry with 'auto' is the real load.
   */
  function vramTaken(llama: Llama): Llama {
    return new Proxy(llama, {
      get(target, prop) {
        if (prop === 'loadModel')
          return (options: LlamaModelOptions) =>
            options.gpuLayers === 'auto'
              ? target.loadModel(options)
              : Promise.reject(new InsufficientMemoryError('Not enough VRAM to fit the model with the specified settings'));
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
      set: (target, prop, value) => Reflect.set(target, prop, value, target),
    });
  }

  it('carries the notice that fewer GPU layers than asked were loaded, and none when the load went as asked', async () => {
    const llama = await getLlama({ gpu: false, build: 'never' });
    const engine = new Engine(vramTaken(llama), () => [], { backend: 'cpu', devices: [], fallbacks: [] });
    const load = (gpuLayers: number | 'max' | 'auto') =>
      engine.load(jobs.load.input.parse({ slot: 'chat', path: says, options: { contextSize: 512, gpuLayers, threads: 1 } }));
    try {
      const fewer = await load(12);
      expect(fewer).toMatchObject({ gpuLayers: 0, lora: [] });
      expect(fewer.notice).toBe(`12 GPU layers no longer fit the free VRAM, so 0 of ${fewer.totalLayers} went to the GPU.`);
      expect((await load('max')).notice).toBe(
        `All ${fewer.totalLayers} GPU layers no longer fit the free VRAM, so 0 of ${fewer.totalLayers} went to the GPU.`,
      );
      expect((await load('auto')).notice).toBeNull();
      await engine.unload('chat');
    } finally {
      await llama.dispose();
    }
  });
});
