import type { FitEstimate, MachineReport } from '../../../shared/models';
import type { InspectResult } from '../../inference/protocol';

/**
 * How much of the memory bandwidth llama.cpp turns into generated tokens at batch 1. GPUs: from 45% to 85%, the
 * range of published llama-bench results for Llama 3.1 8B Q4_K_M and Llama 2 7B Q4_0 (e.g. Apple M1 Max 46 t/s of
 * 400 GB/s is 57%, Apple M4 21 t/s of 120 GB/s is 86%, M2 Ultra 94 t/s of 800 GB/s at Q4_0 is 45%). CPUs: from 50%
 * to 90% of the bandwidth measured here with a memory copy (doctor/cpuBandwidth.ts).
 */
export const EFFICIENCY = {
  gpu: { low: 0.45, high: 0.85 },
  cpu: { low: 0.5, high: 0.9 },
} as const;

/**
 * A GPU also spends a fixed time per layer on every token (launching its kernels), which bandwidth alone misses
 * and which dominates on fast cards and small models: the 310M tiny model ran at about 400 tok/s with Vulkan on
 * an H100 and an H200 (bench/GPU.md), 2.5 ms a token for 25 layers, of which reading its 0.33 GB took 0.1 ms. So
 * the slow end of the range adds 0.1 ms per layer on the GPU, and the fast end none.
 */
export const GPU_LAYER_OVERHEAD_MS = { low: 0, high: 0.1 } as const;

const GB = 1e9;
/** Sizes in words: GB with one decimal, MB below a tenth of a GB (a small model's weights are not "0.0 GB"). */
const gb = (bytes: number): string => (bytes >= GB / 10 ? `${(bytes / GB).toFixed(1)} GB` : `${Math.max(1, Math.round(bytes / 1e6))} MB`);

/** Two significant digits: 7.3, 14, 230. */
const round = (n: number): number => Number(n.toPrecision(2));

/**
 * Expected generation speed from memory bandwidth: each token reads every weight once, so the time per token is
 * the weights on the GPU over its bandwidth plus the weights in RAM over the CPU's, each times an efficiency
 * range, plus the GPU's per-layer overhead at the slow end. The file size stands for the weights. Null when the
 * bandwidth of a device that holds weights is unknown.
 */
export function expectedSpeed(
  weightsBytes: number,
  layers: { gpu: number; total: number },
  bandwidth: MachineReport['bandwidth'],
): NonNullable<FitEstimate['tokensPerSecond']> | null {
  const gpuShare = layers.total > 0 ? Math.min(1, Math.max(0, layers.gpu / layers.total)) : 0;
  const gpuBytes = weightsBytes * gpuShare;
  const cpuBytes = weightsBytes - gpuBytes;
  const { gpu, cpu } = bandwidth;
  if ((gpuBytes > 0 && !gpu) || (cpuBytes > 0 && !cpu) || weightsBytes <= 0) return null;
  // The slow end pairs the low efficiency with the overhead, the fast end the high efficiency with none.
  const seconds = (level: 'low' | 'high'): number =>
    (gpu && gpuBytes > 0
      ? gpuBytes / (gpu.gbPerSecond * GB * EFFICIENCY.gpu[level]) +
        (layers.gpu * GPU_LAYER_OVERHEAD_MS[level === 'low' ? 'high' : 'low']) / 1000
      : 0) + (cpu && cpuBytes > 0 ? cpuBytes / (cpu.gbPerSecond * GB * EFFICIENCY.cpu[level]) : 0);
  const parts: string[] = [];
  if (gpu && gpuBytes > 0)
    parts.push(
      `GPU ${gpu.source}, ${pctRange(EFFICIENCY.gpu)} of it reached as in llama.cpp's published results, ` +
        `plus up to ${GPU_LAYER_OVERHEAD_MS.high} ms per layer as measured on an H100 (bench/GPU.md)`,
    );
  if (cpu && cpuBytes > 0) parts.push(`CPU ${cpu.source}, ${pctRange(EFFICIENCY.cpu)} of it reached`);
  return {
    low: round(1 / seconds('low')),
    high: round(1 / seconds('high')),
    source: `Memory bandwidth over the ${gb(weightsBytes)} of weights read per token: ${parts.join('; ')}.`,
  };
}

const pctRange = (e: { low: number; high: number }): string => `${Math.round(e.low * 100)}-${Math.round(e.high * 100)}%`;

/**
 * The verdict and expected speed for a model at the context size its inspect result was made for. The layers
 * and memory come from node-llama-cpp's own fit (the inspect job's resolveAndScoreConfig: as many layers on the GPU
 * as its free VRAM holds, with the context); the machine's live free memory then decides whether it fits at all.
 * "Won't fit" when node-llama-cpp scores it 0 (it cannot place the model and the context in memory) or when the
 * weights and context need more than the RAM and VRAM free now. On Apple's unified memory VRAM is RAM, so only the
 * RAM counts as free there.
 */
export function estimateFit(inspect: InspectResult, machine: MachineReport): FitEstimate {
  const { fit } = inspect;
  const layers = inspect.layers;
  const gpuLayers = Math.max(0, Math.min(fit.gpuLayers, layers));
  const needs = fit.ramBytes + fit.vramBytes;
  const free = machine.backend === 'metal' ? machine.ram.free : machine.ram.free + machine.vram.free;
  const base = {
    contextSize: fit.contextSize,
    gpuLayers,
    layers,
    ramBytes: fit.ramBytes,
    vramBytes: fit.vramBytes,
    score: fit.compatibilityScore,
  };
  if (fit.compatibilityScore <= 0 || needs > free)
    return { ...base, verdict: 'wont-fit', label: `Won't fit: needs ${gb(needs)}, ${gb(free)} free`, tokensPerSecond: null };
  const tokensPerSecond = expectedSpeed(inspect.sizeBytes, { gpu: gpuLayers, total: layers }, machine.bandwidth);
  if (gpuLayers === 0) return { ...base, verdict: 'cpu-only', label: 'CPU only', tokensPerSecond };
  if (gpuLayers >= layers) return { ...base, verdict: 'all-gpu', label: 'All on GPU', tokensPerSecond };
  return { ...base, verdict: 'partial-gpu', label: `${gpuLayers} of ${layers} layers on GPU`, tokensPerSecond };
}
