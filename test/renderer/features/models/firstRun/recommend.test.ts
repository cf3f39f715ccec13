import { describe, expect, it } from 'vitest';
import type { CatalogEntry, Download, LibraryModel, MachineReport } from '../../../../../shared/models';
import { DEFAULT_MODEL_SETTINGS } from '../../../../../shared/models';
import { DEFAULT_SETTINGS } from '../../../../../shared/types';
import { judge, memoryNeeded, recommendForMachine, showFirstRun } from '../../../../../renderer/features/models/firstRun/recommend';

const GB = 1e9;
const licence = { id: 'apache-2.0', name: 'Apache 2.0', category: 'permissive' as const, commercialUse: true, conditions: [], url: null };
const entry = (id: string, family: string, sizeGb: number, kind: 'chat' | 'embedding' = 'chat'): CatalogEntry => ({
  id,
  title: id,
  repo: `org/${id}-GGUF`,
  quant: 'Q4_K_M',
  kind,
  family,
  parameters: '?',
  approxSizeBytes: sizeGb * GB,
  description: '',
  license: licence,
});
const catalog = [
  entry('qwen-0.5b', 'Qwen', 0.4),
  entry('qwen-7b', 'Qwen', 4.7),
  entry('llama-3b', 'Llama', 2.0),
  entry('llama-8b', 'Llama', 4.9),
  entry('gemma-27b', 'Gemma', 16.5),
  entry('phi-4', 'Phi', 9.1),
  entry('nomic-embed', 'Nomic', 0.1, 'embedding'),
];
const machine = (over: Partial<MachineReport>): MachineReport => ({
  backend: 'cpu',
  devices: [],
  vram: { total: 0, free: 0 },
  ram: { total: 16 * GB, free: 6 * GB },
  cpuCores: 8,
  fallbacks: [],
  bandwidth: { gpu: null, cpu: null },
  diskFreeBytes: 100 * GB,
  modelsDir: '/models',
  ...over,
});
const ids = (m: MachineReport): string[] => recommendForMachine(catalog, m).map((r) => r.entry.id);

describe('the models first run recommends', () => {
  it('picks chat models that fit in memory, the largest first, one per family', () => {
    // 16 GB: half of it (8 GB) is what a model may count on; phi-4 and gemma need more.
    expect(ids(machine({}))).toEqual(['llama-8b', 'qwen-7b']);
    expect(ids(machine({ ram: { total: 64 * GB, free: 40 * GB } }))).toEqual(['gemma-27b', 'phi-4', 'llama-8b']);
  });

  it('prefers what runs all on the GPU, and says so', () => {
    const gpu = machine({ backend: 'cuda', devices: ['NVIDIA GeForce RTX 3060'], vram: { total: 12 * GB, free: 12 * GB } });
    const picks = recommendForMachine(catalog, gpu);
    expect(picks.map((r) => [r.entry.id, r.runsOn])).toEqual([
      ['phi-4', 'gpu'],
      ['llama-8b', 'gpu'],
      ['qwen-7b', 'gpu'],
    ]);
    // The CPU backend never offloads, whatever VRAM a report lists.
    expect(judge(entry('x', 'X', 1), machine({ vram: { total: 24 * GB, free: 24 * GB } }))?.runsOn).toBe('cpu');
  });

  it('leaves out a model that fits but would crawl, when the bandwidth is known', () => {
    // 20 GB/s at 60%: 12 GB/s over 4.9 GB is about 2.4 tokens/s (left out); over 2 GB 6, over 0.4 GB 30.
    const slow = machine({
      ram: { total: 64 * GB, free: 40 * GB },
      bandwidth: { gpu: null, cpu: { gbPerSecond: 20, source: 'measured' } },
    });
    expect(ids(slow)).toEqual(['llama-3b', 'qwen-0.5b']);
    expect(recommendForMachine(catalog, slow).map((r) => r.tokensPerSecond)).toEqual([6, 30]);
  });

  it('still offers the two fastest that fit on a machine too slow for any at reading pace, each with its speed', () => {
    // 2 GB/s at 60%: 1.2 GB/s; 0.4 GB gives 3 tokens/s, 2 GB 0.6.
    const crawl = machine({
      ram: { total: 64 * GB, free: 40 * GB },
      bandwidth: { gpu: null, cpu: { gbPerSecond: 2, source: 'measured' } },
    });
    const picks = recommendForMachine(catalog, crawl);
    expect(picks.map((r) => r.entry.id)).toEqual(['qwen-0.5b', 'llama-3b']);
    expect(picks.map((r) => r.tokensPerSecond)).toEqual([3, 0.6]);
  });

  it('recommends nothing on a machine too small for any, rather than a model that will not load', () => {
    expect(ids(machine({ ram: { total: 1 * GB, free: 0.2 * GB } }))).toEqual([]);
    expect(memoryNeeded({ approxSizeBytes: 1 * GB })).toBeGreaterThan(1.2 * GB);
  });
});

const lib = (path: string, kind: 'chat' | 'adapter' = 'chat'): LibraryModel => ({
  path,
  fileName: path.split('/').pop()!,
  sizeBytes: 1,
  source: 'downloaded',
  parts: 1,
  meta: {
    name: null,
    architecture: 'llama',
    parameters: 1,
    quantization: null,
    trainContextSize: 512,
    layers: 2,
    hasChatTemplate: true,
    license: null,
    kind,
  },
  problem: null,
  hub: null,
  sha256: null,
  license: null,
  settings: DEFAULT_MODEL_SETTINGS,
});
const done = (destPath: string): Download => ({
  id: destPath,
  repo: 'o/r',
  revision: 'r',
  file: 'f.gguf',
  destPath,
  status: 'done',
  totalBytes: 1,
  receivedBytes: 1,
  bytesPerSecond: 0,
  etaSeconds: null,
  attempt: 1,
  error: null,
  license: licence,
  createdAt: 1,
});
const base = {
  downloads: [] as Download[],
  engine: { status: 'none' as const, lastError: null },
  settings: DEFAULT_SETTINGS,
  hasMessages: false,
};

describe('first run shows', () => {
  it('with no model to chat with (an adapter is not one), and not before the library is known', () => {
    expect(showFirstRun({ ...base, models: [] })).toBe(true);
    expect(showFirstRun({ ...base, models: [lib('/m/a.gguf', 'adapter')] })).toBe(true);
    expect(showFirstRun({ ...base, models: undefined })).toBe(false);
  });

  it('still while the only models are the ones just downloaded, so their Use button stays in view', () => {
    expect(showFirstRun({ ...base, models: [lib('/m/new.gguf')], downloads: [done('/m/new.gguf')] })).toBe(true);
    expect(showFirstRun({ ...base, models: [lib('/m/new.gguf'), lib('/m/old.gguf')], downloads: [done('/m/new.gguf')] })).toBe(false);
  });

  it('no longer once a model is chosen or loaded, or the chat has messages', () => {
    expect(showFirstRun({ ...base, models: [], hasMessages: true })).toBe(false);
    expect(
      showFirstRun({
        ...base,
        models: [lib('/m/new.gguf')],
        downloads: [done('/m/new.gguf')],
        settings: { ...DEFAULT_SETTINGS, selectedModelPath: '/m/new.gguf' },
      }),
    ).toBe(false);
    expect(showFirstRun({ ...base, models: [], engine: { status: 'loading', path: '/m/new.gguf' } })).toBe(false);
  });
});
