import { copyFileSync, mkdirSync, readFileSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Backend } from '../../electron/api/backend';
import { estimateFit } from '../../electron/models/fit/estimate';
import type { LibraryModel, MachineReport } from '../../shared/models';
import { callHandler, type Seen, startBackend } from '../helpers/backend';
import { tempDir, tinyLora, tinyModel } from '../helpers/fixtures';

/** The library's scan and its metadata, read by the real inference process's inspect job. */
let dir: string;
let models: string;
let cleanup: () => void;
let backend: Backend;
let seen: Seen;

const list = (): Promise<LibraryModel[]> => callHandler<LibraryModel[]>(backend, 'models:list');
const byName = async (): Promise<Record<string, LibraryModel>> => Object.fromEntries((await list()).map((m) => [m.fileName, m]));
/** Counts the inspect jobs the host is asked for, without changing what they do. */
const countInspects = (): (() => number) => {
  const job = vi.spyOn(backend.host, 'job');
  return () => job.mock.calls.filter(([name]) => name === 'inspect').length;
};

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  models = join(dir, 'models');
  mkdirSync(models, { recursive: true });
  seen = [];
  backend = startBackend(dir, seen);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await backend.dispose(2000);
  cleanup();
});

describe('the library scan', () => {
  it('refuses a truncated file and a file that is not GGUF with the reason, before any load', async () => {
    const cut = tinyModel(models, 'cut.gguf');
    truncateSync(cut, Math.floor(readFileSync(cut).length / 2));
    writeFileSync(join(models, 'junk.gguf'), 'this is not a model at all');
    const found = await byName();
    expect(found['cut.gguf']).toMatchObject({
      meta: null,
      problem: expect.stringMatching(/cut\.gguf cannot be loaded: the file is truncated/),
    });
    expect(found['junk.gguf']).toMatchObject({ meta: null, problem: expect.stringMatching(/junk\.gguf cannot be loaded/) });
    await expect(callHandler(backend, 'models:load', { path: cut })).rejects.toMatchObject({
      code: 'MODEL_LOAD_FAILED',
      message: expect.stringMatching(/truncated/),
    });
    // Refused in main: the engine never started a load.
    expect(seen.filter((s) => s.event === 'engine:state')).toEqual([]);
    expect(backend.host.getState()).toEqual({ status: 'none', lastError: null });
  });

  it('leaves out partial downloads, hidden folders and files more than four folders deep', async () => {
    const src = tinyModel(dir, 'src.gguf');
    const put = (...parts: string[]): void => {
      mkdirSync(join(models, ...parts.slice(0, -1)), { recursive: true });
      copyFileSync(src, join(models, ...parts));
    };
    put('top.gguf');
    put('owner', 'repo', 'downloaded.gguf');
    put('owner', 'repo', 'Q4', 'deepest.gguf');
    put('owner', 'repo', 'Q4', 'more', 'too-deep.gguf');
    put('owner', 'repo', 'coming.gguf.part');
    put('.cache', 'hidden.gguf');
    put('.hidden.gguf');
    put('notes.txt');
    expect((await list()).map((m) => m.path)).toEqual([
      join(models, 'owner', 'repo', 'Q4', 'deepest.gguf'),
      join(models, 'owner', 'repo', 'downloaded.gguf'),
      join(models, 'top.gguf'),
    ]);
  });

  it('marks a LoRA adapter as one, refuses to load it as a chat model, and never picks it to answer', async () => {
    tinyLora(models, 'adapter.gguf');
    expect(await list()).toEqual([
      expect.objectContaining({ fileName: 'adapter.gguf', problem: null, meta: expect.objectContaining({ kind: 'adapter' }) }),
    ]);
    await expect(callHandler(backend, 'models:load', { path: join(models, 'adapter.gguf') })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/LoRA adapter/),
    });
    await expect(backend.models.resolveForChat()).rejects.toMatchObject({ code: 'NO_MODEL' });
  });
});

describe('the metadata cache', () => {
  it('reads each file once: a second list runs no inspect job, and neither does a restart', async () => {
    tinyModel(models, 'a.gguf', { name: 'Model A' });
    tinyModel(models, 'b.gguf', { name: 'Model B', size: '28m' });
    const cut = tinyModel(models, 'cut.gguf');
    truncateSync(cut, 4096);
    let inspects = countInspects();
    const first = await list();
    expect(inspects()).toBe(3);
    expect(first.map((m) => m.meta?.name ?? m.problem)).toEqual(['Model A', 'Model B', expect.stringMatching(/truncated/)]);
    expect(await list()).toEqual(first);
    expect(inspects()).toBe(3);

    vi.restoreAllMocks();
    await backend.dispose(2000);
    backend = startBackend(dir, seen);
    inspects = countInspects();
    expect(await list()).toEqual(first);
    expect(inspects()).toBe(0);
  });

  it('reads a file again when its size or modification time changes', async () => {
    const a = tinyModel(models, 'a.gguf', { name: 'Before' });
    const inspects = countInspects();
    expect((await list())[0]?.meta?.name).toBe('Before');
    tinyModel(models, 'a.gguf', { name: 'After, with a longer name' });
    expect((await list())[0]?.meta?.name).toBe('After, with a longer name');
    expect(inspects()).toBe(2);
    // Same size, a new time: a file replaced by one of the same length is read again too.
    utimesSync(a, new Date(), new Date(Date.now() + 60_000));
    await list();
    expect(inspects()).toBe(3);
  });

  it('shares one inspect job between lists that ask at the same time', async () => {
    tinyModel(models, 'a.gguf');
    const inspects = countInspects();
    const [x, y] = await Promise.all([list(), list()]);
    expect(x).toEqual(y);
    expect(inspects()).toBe(1);
  });
});

describe('the fit estimate', () => {
  /** The doctor's report changes between calls (free memory), so one is pinned to compare the estimate against. */
  const machine: MachineReport = {
    backend: 'cpu',
    devices: [],
    vram: { total: 0, free: 0 },
    ram: { total: 16 * 2 ** 30, free: 8 * 2 ** 30 },
    cpuCores: 2,
    fallbacks: [],
    bandwidth: { gpu: null, cpu: { gbPerSecond: 10, source: 'measured' } },
    diskFreeBytes: 2 ** 40,
    modelsDir: '/models',
  };

  it("estimates at the asked context size, else the model's own, else the global one, else its training context", async () => {
    const model = tinyModel(models, 'model.gguf', { contextLength: 8192 });
    vi.spyOn(backend.doctor, 'report').mockResolvedValue(machine);
    const expected = async (contextSize: number) =>
      estimateFit(await backend.scheduler.run('inspect', { source: model, contextSize }), machine);
    const fit = (contextSize?: number): Promise<unknown> =>
      callHandler(backend, 'models:fit', { path: model, ...(contextSize ? { contextSize } : {}) });

    expect(await fit()).toEqual(await expected(8192));
    await callHandler(backend, 'settings:update', { contextSize: 2048 });
    expect(await fit()).toEqual(await expected(2048));
    await callHandler(backend, 'models:settings', { path: model, settings: { contextSize: 1024 } });
    expect(await fit()).toEqual(await expected(1024));
    expect(await fit(512)).toEqual(await expected(512));
    expect(await fit(512)).toMatchObject({ contextSize: 512 });
  });

  it('refuses a file the preflight refused, with its reason', async () => {
    const cut = tinyModel(models, 'cut.gguf');
    truncateSync(cut, 4096);
    vi.spyOn(backend.doctor, 'report').mockResolvedValue(machine);
    await expect(callHandler(backend, 'models:fit', { path: cut })).rejects.toMatchObject({
      code: 'MODEL_LOAD_FAILED',
      message: expect.stringMatching(/truncated/),
    });
  });
});
