import { describe, expect, it } from 'vitest';
import { EFFICIENCY, estimateFit, expectedSpeed, GPU_LAYER_OVERHEAD_MS } from '../../../../electron/models/fit/estimate';
import type { InspectResult } from '../../../../electron/inference/protocol';
import type { MachineReport } from '../../../../shared/models';

const GB = 1e9;

/** An inspect result as the engine returns it for an 8B model at Q4_K_M with 33 layers. */
function inspected(fit: Partial<InspectResult['fit']> = {}): InspectResult {
  return {
    source: '/models/llama-8b-Q4_K_M.gguf',
    name: 'Llama 8B',
    architecture: 'llama',
    parameters: 8e9,
    fileType: 'MOSTLY_Q4_K_M',
    sizeBytes: 4.9 * GB,
    trainContextSize: 131072,
    embeddingSize: 4096,
    layers: 33,
    type: 'model',
    adapterType: null,
    experts: null,
    expertsUsed: null,
    license: null,
    hasChatTemplate: true,
    supportsRanking: false,
    fit: {
      contextSize: 8192,
      sequences: 1,
      gpuLayers: 33,
      compatibilityScore: 0.9,
      ramBytes: 0.6 * GB,
      vramBytes: 5.8 * GB,
      contextRamBytes: 0,
      contextVramBytes: 1 * GB,
      ...fit,
    },
  };
}

function machine(o: Partial<MachineReport> = {}): MachineReport {
  return {
    backend: 'cuda',
    devices: ['NVIDIA GeForce RTX 4090'],
    vram: { total: 24 * GB, free: 22 * GB },
    ram: { total: 32 * GB, free: 20 * GB },
    cpuCores: 16,
    fallbacks: [],
    bandwidth: {
      gpu: { gbPerSecond: 1008, source: "NVIDIA GeForce RTX 4090: 1008 GB/s (NVIDIA's published specification)" },
      cpu: { gbPerSecond: 50, source: '50 GB/s, measured on this machine (4 threads copying memory for 100 ms)' },
    },
    diskFreeBytes: 100 * GB,
    modelsDir: '/models',
    ...o,
  };
}

describe('estimateFit', () => {
  it("says 'All on GPU' when node-llama-cpp puts every layer on the GPU", () => {
    expect(estimateFit(inspected(), machine())).toMatchObject({
      verdict: 'all-gpu',
      label: 'All on GPU',
      gpuLayers: 33,
      layers: 33,
      contextSize: 8192,
      ramBytes: 0.6 * GB,
      vramBytes: 5.8 * GB,
      score: 0.9,
    });
  });

  it('says how many layers go to the GPU when only some fit', () => {
    expect(estimateFit(inspected({ gpuLayers: 20 }), machine())).toMatchObject({ verdict: 'partial-gpu', label: '20 of 33 layers on GPU' });
  });

  it("says 'CPU only' with no layer on a GPU", () => {
    const cpu = machine({
      backend: 'cpu',
      devices: [],
      vram: { total: 0, free: 0 },
      bandwidth: { gpu: null, cpu: machine().bandwidth.cpu },
    });
    const fit = estimateFit(inspected({ gpuLayers: 0, ramBytes: 6 * GB, vramBytes: 0 }), cpu);
    expect(fit).toMatchObject({ verdict: 'cpu-only', label: 'CPU only' });
    expect(fit.tokensPerSecond).not.toBeNull();
  });

  it('says what it needs and what is free when node-llama-cpp scores it 0, with no speed', () => {
    const fit = estimateFit(inspected({ compatibilityScore: 0, gpuLayers: 33, ramBytes: 30 * GB, vramBytes: 23 * GB }), machine());
    expect(fit).toMatchObject({ verdict: 'wont-fit', label: "Won't fit: needs 53.0 GB, 42.0 GB free", tokensPerSecond: null });
  });

  it('judges by the memory free now, which may be less than when the header was read', () => {
    const busy = machine({ ram: { total: 32 * GB, free: 0.2 * GB }, vram: { total: 24 * GB, free: 3 * GB } });
    expect(estimateFit(inspected(), busy)).toMatchObject({ verdict: 'wont-fit', label: "Won't fit: needs 6.4 GB, 3.2 GB free" });
  });

  it("counts only RAM as free on Apple's unified memory, where the VRAM is the same memory", () => {
    const mac = machine({ backend: 'metal', ram: { total: 16 * GB, free: 5 * GB }, vram: { total: 11 * GB, free: 5 * GB } });
    expect(estimateFit(inspected({ ramBytes: 0.5 * GB, vramBytes: 5.8 * GB }), mac)).toMatchObject({
      verdict: 'wont-fit',
      label: "Won't fit: needs 6.3 GB, 5.0 GB free",
    });
  });
});

describe('expectedSpeed', () => {
  const all = { gpu: 33, total: 33 };

  it('divides the bandwidth by the weights read per token, times the efficiency range, naming its sources', () => {
    const speed = expectedSpeed(4.9 * GB, all, machine().bandwidth)!;
    // 1008 GB/s over 4.9 GB is 206 tokens/s at full bandwidth; the slow end adds the per-layer overhead.
    expect(speed.high).toBe(Number(((1008 / 4.9) * EFFICIENCY.gpu.high).toPrecision(2)));
    const slow = 4.9 / (1008 * EFFICIENCY.gpu.low) + (33 * GPU_LAYER_OVERHEAD_MS.high) / 1000;
    expect(speed.low).toBe(Number((1 / slow).toPrecision(2)));
    expect(speed.source).toMatch(
      /4\.9 GB of weights read per token: GPU NVIDIA GeForce RTX 4090: 1008 GB\/s \(NVIDIA's published specification\), 45-85%/,
    );
    expect(speed.source).not.toMatch(/CPU/);
  });

  it("puts the H100's measured speed for the 310M tiny model (about 400 tok/s with Vulkan) inside the range", () => {
    const h100 = { gpu: { gbPerSecond: 3350, source: 'H100' }, cpu: null };
    const speed = expectedSpeed(0.33 * GB, { gpu: 25, total: 25 }, h100)!;
    expect(speed.low).toBeLessThan(400);
    expect(speed.high).toBeGreaterThan(400);
  });

  it('adds the time of the layers in RAM at the CPU bandwidth when only some are on the GPU', () => {
    const half = expectedSpeed(4.9 * GB, { gpu: 16, total: 32 }, machine().bandwidth)!;
    const seconds = 2.45 / (1008 * EFFICIENCY.gpu.high) + 2.45 / (50 * EFFICIENCY.cpu.high);
    expect(half.high).toBe(Number((1 / seconds).toPrecision(2)));
    expect(half.source).toMatch(/GPU .*; CPU 50 GB\/s, measured on this machine/);
    expect(half.high).toBeLessThan(expectedSpeed(4.9 * GB, all, machine().bandwidth)!.low);
  });

  it('gives no speed when the bandwidth of a device holding weights is unknown', () => {
    const unknownGpu = { gpu: null, cpu: machine().bandwidth.cpu };
    expect(expectedSpeed(4.9 * GB, { gpu: 16, total: 32 }, unknownGpu)).toBeNull();
    expect(expectedSpeed(4.9 * GB, { gpu: 0, total: 32 }, unknownGpu)).not.toBeNull();
    expect(expectedSpeed(4.9 * GB, all, { gpu: machine().bandwidth.gpu, cpu: null })).not.toBeNull();
  });
});
