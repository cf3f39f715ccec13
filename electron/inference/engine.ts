import { mkdtemp, rm } from 'node:fs/promises';
import { freemem, tmpdir, totalmem } from 'node:os';
import { basename, join } from 'node:path';
import type { Llama, LlamaEmbeddingContext, LlamaModel, LlamaModelOptions, LlamaRankingContext } from 'node-llama-cpp';
import { AppError } from '../../shared/errors';
import { writeTinyModel } from '../lib/tinyModel';
import { ChatSlot } from './chatSlot';
import { preflightGguf } from './ggufPreflight';
import { inspectGguf } from './inspect';
import { Mutex } from './mutex';
import { nodeLlamaCpp } from './nodeLlamaCpp';
import type { Backend, BackendFailure, GenerateEvent, JobResult, ParsedJobInput, Slot, SlotModel } from './protocol';

/** How llama.cpp started in this process: the backend in use, its devices, and the backends that failed first. */
export interface Startup {
  backend: Backend;
  devices: string[];
  fallbacks: BackendFailure[];
}

const TEST_MODEL_PREFIX = 'Hearth tiny test model';
/**
 * What llama.cpp's adapter loader (llama-adapter.cpp) says when it refuses one, and what that means for the user:
 * an adapter for another architecture, one for another base of the same architecture (its tensors' shapes or
 * names do not match), or a file that is not an adapter at all.
 */
const LORA_REASONS: [RegExp, string][] = [
  [/arch mismatch/, 'it was made for another kind of model'],
  [/incorrect shape|does not exist in base model/, 'it was made for a different base model'],
  [/expect general\.type|adapter\.type/, 'the file is not a LoRA adapter'],
];
/** Below this many parameters, threads cost more in synchronisation than they add (measured: bench/RESULTS.md). */
const SMALL_MODEL_PARAMS = 100_000_000;

interface VectorSlot<C> {
  model: LlamaModel;
  context: C;
  info: SlotModel;
}

/**
 * One Llama and at most one model in each slot: chat (a context with several sequences), embedding and ranking.
 * Loading into a slot first stops what runs there and disposes the old model; other slots keep running.
 */
export class Engine {
  private chat: ChatSlot | null = null;
  private embedding: VectorSlot<LlamaEmbeddingContext> | null = null;
  private ranking: VectorSlot<LlamaRankingContext> | null = null;
  private readonly locks: Record<Slot, Mutex> = { chat: new Mutex(), embedding: new Mutex(), ranking: new Mutex() };
  /** Embedding and ranking run one batch at a time on their single sequence. */
  private readonly vectorLock = { embedding: new Mutex(), ranking: new Mutex() };

  constructor(
    private readonly llama: Llama,
    private readonly nativeLog: () => string[],
    private readonly startup: Startup = { backend: llama.gpu === false ? 'cpu' : llama.gpu, devices: [], fallbacks: [] },
    /** Says what the engine changed on its own (fewer GPU layers than asked), for the app's log. */
    private readonly warn: (message: string) => void = () => undefined,
  ) {
    // node-llama-cpp's default is max(cpuMathCores, 4), which oversubscribes small machines.
    llama.maxThreads = llama.cpuMathCores;
  }

  /** The thread count for a model: the user's choice, else 1 for tiny models and the math cores for real ones. */
  threadsFor(model: LlamaModel, requested: number): number {
    if (requested > 0) return Math.min(requested, Math.max(1, this.llama.cpuMathCores * 2));
    return model.fileInsights.totalParameters < SMALL_MODEL_PARAMS ? 1 : this.llama.cpuMathCores;
  }

  load(input: ParsedJobInput<'load'>): Promise<SlotModel> {
    const { slot, path, options } = input;
    return this.locks[slot].run(async () => {
      await this.disposeSlot(slot);
      await preflightGguf(path);
      for (const adapter of options.lora) await preflightGguf(adapter.path);
      const logStart = this.nativeLog().length;
      let model: LlamaModel;
      let notice: string | null;
      try {
        ({ model, notice } = await this.loadFitting({
          modelPath: path,
          gpuLayers: options.gpuLayers,
          defaultContextFlashAttention: options.flashAttention,
        }));
      } catch (error) {
        throw new AppError('MODEL_LOAD_FAILED', this.explain(path, error, logStart));
      }
      try {
        const threads = this.threadsFor(model, options.threads);
        const contextSize = options.contextSize > 0 ? Math.min(options.contextSize, model.trainContextSize) : ('auto' as const);
        const base = {
          slot,
          path,
          name: String(model.fileInfo.metadata?.general?.name ?? basename(path)),
          trainContextSize: model.trainContextSize,
          gpu: this.llama.gpu === false ? 'cpu' : this.llama.gpu,
          gpuLayers: model.gpuLayers,
          totalLayers: model.fileInsights.totalLayers,
          threads,
          embeddingSize: model.embeddingVectorSize ?? 0,
          isTestModel: false,
          // Only the chat context takes adapters (node-llama-cpp's embedding and ranking contexts have no lora option).
          lora: slot === 'chat' ? options.lora.map((a) => ({ path: a.path, scale: a.scale })) : [],
          notice,
        };
        base.isTestModel = base.name.startsWith(TEST_MODEL_PREFIX);
        const common = { contextSize, threads, ...(options.batchSize > 0 ? { batchSize: options.batchSize } : {}) };
        switch (slot) {
          case 'chat': {
            const context = await model.createContext({
              ...common,
              sequences: options.sequences,
              flashAttention: options.flashAttention,
              ...(options.lora.length ? { lora: { adapters: options.lora.map((a) => ({ filePath: a.path, scale: a.scale })) } } : {}),
            });
            this.chat = await ChatSlot.create(this.llama, model, context, {
              ...base,
              contextSize: context.contextSize,
              sequences: context.totalSequences,
            });
            return this.chat.info;
          }
          case 'embedding': {
            const context = await model.createEmbeddingContext(common);
            this.embedding = { model, context, info: { ...base, contextSize: model.trainContextSize, sequences: 1, chatTemplate: '' } };
            return this.embedding.info;
          }
          case 'ranking': {
            const context = await model.createRankingContext(common);
            this.ranking = { model, context, info: { ...base, contextSize: model.trainContextSize, sequences: 1, chatTemplate: '' } };
            return this.ranking.info;
          }
          default:
            return slot satisfies never;
        }
      } catch (error) {
        await model.dispose();
        throw new AppError(
          'MODEL_LOAD_FAILED',
          this.explainLora(path, error, logStart, options.lora) ?? this.explain(path, error, logStart),
        );
      }
    });
  }

  unload(slot: Slot): Promise<void> {
    return this.locks[slot].run(() => this.disposeSlot(slot));
  }

  generate(input: ParsedJobInput<'generate'>, signal: AbortSignal, emit: (e: GenerateEvent) => void): Promise<JobResult<'generate'>> {
    return this.chatSlot().generate(input, signal, emit);
  }

  complete(input: ParsedJobInput<'complete'>, signal: AbortSignal, emit: (e: GenerateEvent) => void): Promise<JobResult<'complete'>> {
    return this.chatSlot().complete(input, signal, emit);
  }

  embed(input: ParsedJobInput<'embed'>, signal: AbortSignal, progress: (done: number) => void): Promise<JobResult<'embed'>> {
    const slot = this.embedding;
    if (!slot) throw new AppError('NO_MODEL', 'No embedding model is loaded.');
    return this.vectorLock.embedding.run(async () => {
      const vectors: number[][] = [];
      let tokens = 0;
      for (const text of input.texts) {
        if (signal.aborted) throw new AppError('CANCELLED', 'Embedding was cancelled.');
        tokens += slot.model.tokenize(text).length;
        const embedding = await slot.context.getEmbeddingFor(text);
        vectors.push([...embedding.vector]);
        if (vectors.length % 16 === 0) progress(vectors.length);
      }
      return { vectors, tokens };
    });
  }

  rank(input: ParsedJobInput<'rank'>, signal: AbortSignal): Promise<JobResult<'rank'>> {
    const slot = this.ranking;
    if (!slot) throw new AppError('NO_MODEL', 'No ranking model is loaded.');
    return this.vectorLock.ranking.run(async () => {
      if (signal.aborted) throw new AppError('CANCELLED', 'Ranking was cancelled.');
      // A passage longer than the ranking context is ranked in overlapping pieces and keeps its best score, rather
      // than failing the whole batch.
      return { scores: await slot.context.rankAll(input.query, input.documents, { onOverflow: 'maxChunk' }) };
    });
  }

  measure(input: ParsedJobInput<'measure'>): JobResult<'measure'> {
    return this.chatSlot().measure(input.turns, input.draft);
  }

  tokenize(input: ParsedJobInput<'tokenize'>): JobResult<'tokenize'> {
    const model = input.slot === 'chat' ? this.chat?.model : input.slot === 'embedding' ? this.embedding?.model : this.ranking?.model;
    if (!model) throw new AppError('NO_MODEL', `No ${input.slot} model is loaded.`);
    return { count: model.tokenize(input.text, false).length };
  }

  inspect(input: ParsedJobInput<'inspect'>, signal: AbortSignal): Promise<JobResult<'inspect'>> {
    return inspectGguf(this.llama, input, signal);
  }

  async status(): Promise<JobResult<'status'>> {
    const vram = await this.llama.getVramState();
    return {
      gpu: this.llama.gpu === false ? 'cpu' : this.llama.gpu,
      backend: this.startup.backend,
      devices: this.startup.devices,
      fallbacks: this.startup.fallbacks,
      cpuMathCores: this.llama.cpuMathCores,
      vram: { total: vram.total, free: vram.free },
      ram: { total: totalmem(), free: freemem() },
      rssBytes: process.memoryUsage().rss,
      slots: [this.chat?.info, this.embedding?.info, this.ranking?.info].filter((s): s is SlotModel => !!s),
    };
  }

  /**
   * Loads a model with the GPU layers asked for; when a fixed count (or 'max') no longer fits the free VRAM (a
   * game took it since the setting was made), loads it again with node-llama-cpp's 'auto', which offloads only
   * what fits, rather than failing, and says so in the log.
   */
  private async loadFitting(options: LlamaModelOptions & { modelPath: string }): Promise<{ model: LlamaModel; notice: string | null }> {
    const { InsufficientMemoryError } = await nodeLlamaCpp();
    try {
      return { model: await this.llama.loadModel(options), notice: null };
    } catch (error) {
      if (!(error instanceof InsufficientMemoryError) || options.gpuLayers === 'auto' || options.gpuLayers === undefined) throw error;
      const model = await this.llama.loadModel({ ...options, gpuLayers: 'auto' });
      const asked = options.gpuLayers === 'max' ? 'all' : String(options.gpuLayers);
      const total = model.fileInsights.totalLayers;
      this.warn(
        `${basename(options.modelPath)}: ${asked} GPU layers no longer fit the free VRAM (${error.message}), so ` +
          `${model.gpuLayers} of ${total} layers went to the GPU instead.`,
      );
      const who = options.gpuLayers === 'max' ? `All ${total}` : asked;
      return { model, notice: `${who} GPU layers no longer fit the free VRAM, so ${model.gpuLayers} of ${total} went to the GPU.` };
    }
  }

  private chatSlot(): ChatSlot {
    if (!this.chat) throw new AppError('NO_MODEL', 'No model is loaded.');
    return this.chat;
  }

  private async disposeSlot(slot: Slot): Promise<void> {
    switch (slot) {
      case 'chat': {
        const old = this.chat;
        this.chat = null;
        await old?.dispose();
        return;
      }
      case 'embedding':
      case 'ranking': {
        const old = this[slot];
        this[slot] = null;
        if (old) {
          await this.vectorLock[slot].run(async () => undefined);
          await old.context.dispose();
          await old.model.dispose();
        }
        return;
      }
      default:
        return slot satisfies never;
    }
  }

  /** node-llama-cpp says only "Failed to load model"; the reason is in llama.cpp's log. */
  private explain(path: string, error: unknown, logStart: number): string {
    const base = error instanceof Error ? error.message : String(error);
    const native = this.nativeSince(logStart);
    return `${basename(path)} cannot be loaded: ${base}${native ? ` (llama.cpp: ${native})` : ''}`;
  }

  /**
   * node-llama-cpp names the adapter it could not apply and no more; llama.cpp's log says why, in its terms. This
   * says which of the two files is the wrong one, or null when the error is not about an adapter.
   */
  private explainLora(path: string, error: unknown, logStart: number, adapters: readonly { path: string }[]): string | null {
    const message = error instanceof Error ? error.message : String(error);
    const m = /^Failed to initialize LoRA adapter(?: "([^"]*)")?/.exec(message);
    if (!m) return null;
    const adapter = m[1] ?? (adapters.length === 1 ? adapters[0]!.path : null);
    const native = this.nativeSince(logStart);
    const reason = LORA_REASONS.find(([said]) => said.test(native))?.[1] ?? 'llama.cpp refused it';
    return (
      `The LoRA adapter ${adapter === null ? '' : `${basename(adapter)} `}cannot be applied to ${basename(path)}: ${reason}` +
      (native ? ` (llama.cpp: ${native})` : '')
    );
  }

  /** llama.cpp's last errors and warnings since a point in its log, without their level. */
  private nativeSince(logStart: number): string {
    return this.nativeLog()
      .slice(logStart)
      .filter((l) => /^(error|warn)/.test(l))
      .slice(-4)
      .map((l) => l.replace(/^\w+: /, '').trim())
      .join(' | ');
  }
}

/**
 * Runs one decode of a tiny generated model with every layer on the GPU. A GPU backend can load and still fail at
 * its first kernel: node-llama-cpp 3.21.1's CUDA prebuilt loads on an H100 with driver 580 and aborts in the first
 * decode, its PTX needing a newer driver (bench/GPU.md). Run while the process starts, such an abort happens
 * before any model of the user's is touched, and the host falls back to the next backend.
 */
export async function probeBackend(llama: Llama): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-probe-'));
  try {
    const model = await llama.loadModel({ modelPath: writeTinyModel(join(dir, 'probe.gguf'), { size: '1m' }), gpuLayers: 'max' });
    try {
      const context = await model.createContext({ contextSize: 64, sequences: 1 });
      try {
        for await (const token of context.getSequence().evaluate(model.tokenize('probe'))) {
          void token;
          break;
        }
      } finally {
        await context.dispose();
      }
    } finally {
      await model.dispose();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export { nodeLlamaCpp };
