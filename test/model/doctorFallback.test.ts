import { readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLlama, InsufficientMemoryError, type Llama, type LlamaModelOptions } from 'node-llama-cpp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Engine, probeBackend } from '../../electron/inference/engine';
import { forkSpawner } from '../../electron/inference/forkSpawner';
import { InferenceHost } from '../../electron/inference/host';
import { jobs } from '../../electron/inference/protocol';
import { WORKER_PATH, tempDir, tinyModel } from '../helpers/fixtures';

/**
 * The fallback chain with the real inference process. A GPU backend that aborts the process while it starts
 * (node-llama-cpp's CUDA prebuilt on an H100) cannot be had here, so a wrapper plays that one step: asked to start
 * with Vulkan not yet excluded, it says it starts Vulkan and aborts, as llama.cpp would; otherwise it runs the
 * real worker unchanged.
 */
let dir: string;
let cleanup: () => void;
let wrapper: string;
const hosts: InferenceHost[] = [];

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  wrapper = join(dir, 'abortsOnVulkan.cjs');
  writeFileSync(
    wrapper,
    `const init = JSON.parse(process.argv[2]);
const excluded = (init.exclude || []).some((f) => f.backend === 'vulkan');
if (init.gpu === 'vulkan' && !excluded) process.send({ type: 'starting', backend: 'vulkan' }, () => process.abort());
else require(${JSON.stringify(WORKER_PATH)});
`,
  );
});
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.dispose(2000)));
});
afterAll(() => cleanup());

describe('the fallback chain', () => {
  it('starts the process again without a backend that aborted it while starting, and answers the jobs that waited', async () => {
    const host = new InferenceHost(forkSpawner(wrapper), { gpu: 'vulkan' });
    hosts.push(host);
    const job = host.job('status', {});
    const firstPid = host.pid;
    const status = await job;
    expect(host.pid).not.toBe(firstPid);
    expect(status.backend).toBe('cpu');
    expect(status.fallbacks).toEqual([
      { backend: 'vulkan', reason: expect.stringMatching(/^the inference process aborted while starting it/) },
    ]);
    expect(host.fallbacks).toEqual(status.fallbacks);
    // The process it fell back to runs models.
    const model = await host.load({
      slot: 'chat',
      path: tinyModel(dir, 'says-the.gguf', { favor: 'the' }),
      options: { contextSize: 1024, threads: 1 },
    });
    expect(model.gpu).toBe('cpu');
  });

  it('keeps the exclusion for later processes, after the one it fell back to dies', async () => {
    const host = new InferenceHost(forkSpawner(wrapper), { gpu: 'vulkan' });
    hosts.push(host);
    await host.job('status', {});
    process.kill(host.pid!, 'SIGKILL');
    await expect.poll(() => host.pid).toBeUndefined();
    const again = await host.job('status', {});
    expect(again.backend).toBe('cpu');
    expect(again.fallbacks.map((f) => f.backend)).toEqual(['vulkan']);
  });
});

describe('probeBackend', () => {
  it('runs one decode of a tiny model and leaves no file behind', async () => {
    const llama = await getLlama({ gpu: false, build: 'never' });
    const probes = (): string[] => readdirSync(tmpdir()).filter((n) => n.startsWith('hearth-probe-'));
    const before = probes();
    try {
      await expect(probeBackend(llama)).resolves.toBeUndefined();
      expect(probes()).toEqual(before);
    } finally {
      await llama.dispose();
    }
  });
});

/**
 * A Llama whose free VRAM is taken (a game is running): node-llama-cpp refuses a fixed GPU layer count that does
 * not fit with InsufficientMemoryError, and offloads what fits with 'auto'. There is no GPU here, so the refusal
 * is played by wrapping the real CPU Llama; everything else, the retry's load included, is real.
 */
function vramTaken(llama: Llama, asked: LlamaModelOptions['gpuLayers'][]): Llama {
  return new Proxy(llama, {
    get(target, prop) {
      if (prop === 'loadModel')
        return (options: LlamaModelOptions) => {
          asked.push(options.gpuLayers);
          if (options.gpuLayers !== 'auto')
            return Promise.reject(new InsufficientMemoryError('Not enough VRAM to fit the model with the specified settings'));
          return target.loadModel(options);
        };
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
    set: (target, prop, value) => Reflect.set(target, prop, value, target),
  });
}

describe('a load with too little free VRAM', () => {
  it("loads with node-llama-cpp's 'auto' layers instead of failing when a fixed count no longer fits, and says so", async () => {
    const llama = await getLlama({ gpu: false, build: 'never' });
    const asked: LlamaModelOptions['gpuLayers'][] = [];
    const warnings: string[] = [];
    const engine = new Engine(
      vramTaken(llama, asked),
      () => [],
      { backend: 'cpu', devices: [], fallbacks: [] },
      (m) => warnings.push(m),
    );
    try {
      const path = tinyModel(dir, 'vram.gguf');
      const model = await engine.load(
        jobs.load.input.parse({ slot: 'chat', path, options: { contextSize: 512, gpuLayers: 12, threads: 1 } }),
      );
      expect(asked).toEqual([12, 'auto']);
      expect(model).toMatchObject({ path, gpuLayers: 0 });
      expect(warnings).toEqual([
        `vram.gguf: 12 GPU layers no longer fit the free VRAM (Not enough VRAM to fit the model with the specified settings), so 0 of ${model.totalLayers} layers went to the GPU instead.`,
      ]);
      await engine.unload('chat');
    } finally {
      await llama.dispose();
    }
  });

  it("does not retry a load that asked for 'auto' already", async () => {
    const llama = await getLlama({ gpu: false, build: 'never' });
    const asked: LlamaModelOptions['gpuLayers'][] = [];
    const refusing = new Proxy(vramTaken(llama, asked), {
      get: (target, prop) =>
        prop === 'loadModel'
          ? (options: LlamaModelOptions) => {
              asked.push(options.gpuLayers);
              return Promise.reject(new InsufficientMemoryError('Not enough VRAM'));
            }
          : Reflect.get(target, prop),
    });
    const engine = new Engine(refusing, () => []);
    try {
      const path = tinyModel(dir, 'vram-auto.gguf');
      await expect(engine.load(jobs.load.input.parse({ slot: 'chat', path, options: { contextSize: 512, threads: 1 } }))).rejects.toThrow(
        /vram-auto\.gguf cannot be loaded: Not enough VRAM/,
      );
      expect(asked).toEqual(['auto']);
    } finally {
      await llama.dispose();
    }
  });
});
