import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GgufInsights, getLlama, readGgufFileInfo, type Llama } from 'node-llama-cpp';
import { forkSpawner } from '../../electron/inference/forkSpawner';
import { InferenceHost } from '../../electron/inference/host';
import { DoctorService } from '../../electron/models/doctor/doctorService';
import { estimateFit } from '../../electron/models/fit/estimate';
import { Scheduler } from '../../electron/scheduler/scheduler';
import type { MachineReport } from '../../shared/models';
import { WORKER_PATH, tempDir, tinyModel } from '../helpers/fixtures';

/**
 * The fit estimate against node-llama-cpp's own scoring: the inspect job runs in the real inference process, and
 * the test computes GgufInsights' resolveAndScoreConfig itself, in its own process, on the same file.
 */
let dir: string;
let cleanup: () => void;
let host: InferenceHost;
let machine: MachineReport;
let llama: Llama;
const models: Record<string, string> = {};

beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  models['1m'] = tinyModel(dir, 'tiny-1m.gguf', { size: '1m' });
  models['28m'] = tinyModel(dir, 'tiny-28m.gguf', { size: '28m' });
  host = new InferenceHost(forkSpawner(WORKER_PATH), { gpu: 'auto' });
  const scheduler = new Scheduler(host, { loadOptions: () => ({ contextSize: 0 }) });
  machine = await new DoctorService({ scheduler, modelsDir: () => dir }).report();
  llama = await getLlama({ gpu: false, build: 'never' });
});
afterAll(async () => {
  await host.dispose(2000);
  await llama.dispose();
  cleanup();
});

async function ownScore(path: string, contextSize: number) {
  const insights = await GgufInsights.from(await readGgufFileInfo(path, { readTensorInfo: true }), llama);
  return { insights, score: await insights.configurationResolver.resolveAndScoreConfig({ targetContextSize: contextSize }) };
}

describe('the fit estimate for the tiny models', () => {
  it.each(['1m', '28m'])("matches node-llama-cpp's own scoring for the %s model and says 'CPU only' here", async (size) => {
    const path = models[size]!;
    const inspect = await host.job('inspect', { source: path, contextSize: 2048 });
    const { insights, score } = await ownScore(path, 2048);
    expect(inspect.layers).toBe(insights.totalLayers);
    expect(inspect.fit).toMatchObject({
      contextSize: score.resolvedValues.contextSize,
      gpuLayers: score.resolvedValues.gpuLayers,
      ramBytes: score.resolvedValues.totalRamUsage,
      vramBytes: score.resolvedValues.totalVramUsage,
      compatibilityScore: score.compatibilityScore,
    });
    expect(score.compatibilityScore).toBeGreaterThan(0);

    const fit = estimateFit(inspect, machine);
    expect(fit).toMatchObject({
      verdict: 'cpu-only',
      label: 'CPU only',
      contextSize: 2048,
      gpuLayers: 0,
      layers: insights.totalLayers,
      ramBytes: score.resolvedValues.totalRamUsage,
      score: score.compatibilityScore,
    });
    expect(fit.tokensPerSecond?.source).toMatch(/CPU [\d.]+ GB\/s, measured on this machine/);
    expect(fit.tokensPerSecond!.low).toBeLessThan(fit.tokensPerSecond!.high);
  });

  it("says 'won't fit', with what it needs, for a context larger than this machine's memory, as node-llama-cpp scores it", async () => {
    const path = models['28m']!;
    const { insights } = await ownScore(path, 2048);
    // A context whose cache alone needs twice this machine's memory.
    const perToken = insights.estimateContextResourceRequirements({ contextSize: 1024, modelGpuLayers: 0 }).cpuRam / 1024;
    const contextSize = 2 ** Math.ceil(Math.log2((2 * machine.ram.total) / perToken));
    const inspect = await host.job('inspect', { source: path, contextSize });
    const { score } = await ownScore(path, contextSize);
    expect(score.compatibilityScore).toBe(0);
    expect(inspect.fit.compatibilityScore).toBe(0);
    const fit = estimateFit(inspect, machine);
    expect(fit.verdict).toBe('wont-fit');
    expect(fit.label).toMatch(/^Won't fit: needs \d+\.\d GB, \d+\.\d GB free$/);
    expect(fit.tokensPerSecond).toBeNull();
  });
});
