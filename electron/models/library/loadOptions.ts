import { stat } from 'node:fs/promises';
import { freemem } from 'node:os';
import type { ModelLoadSettings } from '../../../shared/models';
import type { Settings } from '../../../shared/types';
import type { LoadOptions, Slot } from '../../inference/protocol';
import type { Scheduler } from '../../scheduler/scheduler';

export interface LoadOptionsDeps {
  scheduler: Scheduler;
  settings: () => Settings;
  /** The model's own settings (the defaults where it has none). */
  modelSettings: (path: string) => ModelLoadSettings;
  /** Threads from the command line; 0: the model's setting, then the global one, decide. */
  cliThreads: number;
}

/**
 * The options a model loads with: its own settings over the global ones (context size, threads), and its GPU
 * layers, flash attention, batch size and LoRA adapters. The chat slot's answers at once come from the
 * `parallelAnswers` setting, lowered where node-llama-cpp's estimate of the contexts does not fit in free memory.
 */
export function resolveLoadOptions(slot: Slot, global: Settings, model: ModelLoadSettings, cliThreads: number): LoadOptions {
  const threads = cliThreads > 0 ? cliThreads : (model.threads ?? global.threads);
  const common = {
    threads,
    gpuLayers: model.gpuLayers,
    batchSize: model.batchSize ?? 0,
  };
  if (slot !== 'chat') return { contextSize: 0, ...common };
  return {
    ...common,
    contextSize: model.contextSize ?? global.contextSize,
    sequences: global.parallelAnswers,
    flashAttention: model.flashAttention,
    lora: model.lora.map((a) => ({ path: a.path, scale: a.scale })),
  };
}

/** What a model's contexts would take, by file (size and time) and shape: node-llama-cpp's estimate does not change. */
type EstimateKey = string;

export class LoadOptionsResolver {
  private readonly estimates = new Map<EstimateKey, number>();

  constructor(private readonly d: LoadOptionsDeps) {}

  async resolve(slot: Slot, path: string): Promise<LoadOptions> {
    const options = resolveLoadOptions(slot, this.d.settings(), this.d.modelSettings(path), this.d.cliThreads);
    if (slot !== 'chat') return options;
    return { ...options, sequences: await this.fittingSequences(path, options.contextSize, options.sequences ?? 1) };
  }

  /**
   * Each sequence holds its own context, so a long context times many answers can outgrow the machine: lowered
   * one at a time until node-llama-cpp's estimate fits in 90% of free memory. The estimate is asked once per
   * file and shape (a switch back to a model asks nothing); free memory is read at every load.
   */
  private async fittingSequences(path: string, contextSize: number, wanted: number): Promise<number> {
    let sequences = wanted;
    try {
      if (sequences <= 1) return sequences;
      const file = await stat(path);
      const context = contextSize || 4096;
      // The inference process runs on this machine: free RAM alone is read here, and only where it is not enough
      // is the process asked for free VRAM too (a round trip a switch need not pay).
      if ((await this.estimate(path, file, context, sequences)) <= freemem() * 0.9) return sequences;
      const status = await this.d.scheduler.run('status', {});
      const free = status.ram.free + status.vram.free;
      while (sequences > 1) {
        if ((await this.estimate(path, file, context, sequences)) <= free * 0.9) break;
        sequences -= 1;
      }
    } catch {
      // a file the preflight refuses fails its load with the reason; here, keep the wish
    }
    return sequences;
  }

  private async estimate(path: string, file: { size: number; mtimeMs: number }, contextSize: number, sequences: number): Promise<number> {
    const key = `${path}\0${file.size}\0${file.mtimeMs}\0${contextSize}\0${sequences}`;
    const known = this.estimates.get(key);
    if (known !== undefined) return known;
    const r = await this.d.scheduler.run('inspect', { source: path, contextSize, sequences });
    const bytes = r.fit.ramBytes + r.fit.vramBytes + r.fit.contextRamBytes + r.fit.contextVramBytes;
    if (this.estimates.size >= 256) this.estimates.clear();
    this.estimates.set(key, bytes);
    return bytes;
  }
}
