import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../electron/api/backend';
import { resolveLoadOptions } from '../../electron/models/library/loadOptions';
import { DEFAULT_MODEL_SETTINGS } from '../../shared/models';
import { DEFAULT_SETTINGS } from '../../shared/types';
import { forkSpawner } from '../../electron/inference/forkSpawner';
import { WORKER_PATH, tempDir, tinyModel } from '../helpers/fixtures';

/** How many answers a model writes at once: the setting, lowered where node-llama-cpp's estimate does not fit. */
let dir: string;
let cleanup: () => void;
let backend: Backend;
let long: string;

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  // A 28M model that claims a million-token context: eight sequences of that would need far more than this machine has.
  long = tinyModel(dir, 'long.gguf', { size: '28m', favor: 'the', contextLength: 1_048_576 });
  backend = createBackend({
    dataDir: join(dir, 'data'),
    modelsDir: join(dir, 'models'),
    spawner: forkSpawner(WORKER_PATH),
    gpu: 'off',
    threads: 0,
    shell: 'headless',
    version: 'test',
  });
});
afterAll(async () => {
  await backend.dispose(2000);
  cleanup();
});

describe('answers at once', () => {
  it('keeps the setting where the contexts fit in free memory', async () => {
    backend.settings.update({ parallelAnswers: 8, contextSize: 1024 });
    expect(await backend.models.loadOptions('chat', long)).toMatchObject({ sequences: 8, contextSize: 1024 });
  });

  it("lowers it where eight long contexts would not fit, using node-llama-cpp's estimate", async () => {
    backend.settings.update({ parallelAnswers: 8, contextSize: 1_048_576 });
    const status = await backend.scheduler.run('status', {});
    const { sequences } = await backend.models.loadOptions('chat', long);
    expect(sequences).toBeLessThan(8);
    expect(sequences).toBeGreaterThanOrEqual(1);
    const fit = await backend.scheduler.run('inspect', { source: long, contextSize: 1_048_576, sequences: 8 });
    expect(fit.fit.contextRamBytes).toBeGreaterThan(status.ram.free);
  });

  it("lets a user-set thread count through, and otherwise leaves it to the model's size", async () => {
    backend.settings.update({ threads: 0 });
    expect(await backend.models.loadOptions('embedding', long)).toMatchObject({ threads: 0 });
    backend.settings.update({ threads: 3 });
    expect(await backend.models.loadOptions('embedding', long)).toMatchObject({ threads: 3 });
  });

  it("takes a model's own context size and threads over the global ones, and keeps its own when sequences are lowered", async () => {
    backend.settings.update({ parallelAnswers: 8, contextSize: 1_048_576, threads: 1 });
    await backend.models.add(long);
    await backend.models.setSettings(long, { contextSize: 1024, threads: 3, batchSize: 128 });
    expect(await backend.models.loadOptions('chat', long)).toMatchObject({ contextSize: 1024, sequences: 8, threads: 3, batchSize: 128 });
    await backend.models.setSettings(long, { contextSize: null, threads: null });
    expect(await backend.models.loadOptions('chat', long)).toMatchObject({ contextSize: 1_048_576, threads: 1 });
    expect((await backend.models.loadOptions('chat', long)).sequences).toBeLessThan(8);
  });
});

describe('load options', () => {
  it("let a thread count from the command line win over the model's own and the global one", () => {
    const model = { ...DEFAULT_MODEL_SETTINGS, threads: 3 };
    expect(resolveLoadOptions('chat', { ...DEFAULT_SETTINGS, threads: 1 }, model, 0).threads).toBe(3);
    expect(resolveLoadOptions('chat', { ...DEFAULT_SETTINGS, threads: 1 }, model, 2).threads).toBe(2);
    expect(resolveLoadOptions('embedding', { ...DEFAULT_SETTINGS, threads: 1 }, DEFAULT_MODEL_SETTINGS, 0)).toEqual({
      contextSize: 0,
      threads: 1,
      gpuLayers: 'auto',
      batchSize: 0,
    });
  });
});
