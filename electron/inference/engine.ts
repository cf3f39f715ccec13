import type { Llama, LlamaChat, LlamaContext, LlamaModel, ChatHistoryItem } from 'node-llama-cpp';
import { AppError } from '../../shared/errors';
import type { LoadedModel } from '../../shared/types';
import { preflightGguf } from './ggufPreflight';
import { Mutex } from './mutex';
import { nodeLlamaCpp } from './nodeLlamaCpp';
import type { ChatTurn, GenerateOptions, GenerateResult, LoadOptions, StopReason } from './protocol';

interface Loaded { model: LlamaModel; context: LlamaContext; chat: LlamaChat; info: LoadedModel }

const TEST_MODEL_PREFIX = 'Hearth tiny test model';

/**
 * One Llama, at most one loaded chat model. Load, unload and generate run under one lock; a load or unload
 * first aborts the answer being generated, and always disposes the old model before the new one loads.
 */
export class Engine {
  private loaded: Loaded | null = null;
  private readonly lock = new Mutex();
  private current: AbortController | null = null;

  constructor(private readonly llama: Llama, private readonly nativeLog: () => string[]) {}

  load(path: string, options: LoadOptions): Promise<LoadedModel> {
    this.current?.abort();
    return this.lock.run(async () => {
      await this.disposeLoaded();
      await preflightGguf(path);
      const { LlamaChat } = await nodeLlamaCpp();
      const logStart = this.nativeLog().length;
      let model: LlamaModel;
      try {
        model = await this.llama.loadModel({ modelPath: path, gpuLayers: 'auto' });
      } catch (error) {
        throw new AppError('MODEL_LOAD_FAILED', this.explain(path, error, logStart));
      }
      try {
        const context = await model.createContext({
          contextSize: options.contextSize > 0 ? Math.min(options.contextSize, model.trainContextSize) : 'auto',
          ...(options.threads > 0 ? { threads: options.threads } : {}),
        });
        const chat = new LlamaChat({ contextSequence: context.getSequence() });
        const name = String(model.fileInfo.metadata?.general?.name ?? path.split(/[\\/]/).pop());
        const info: LoadedModel = {
          path,
          name,
          trainContextSize: model.trainContextSize,
          contextSize: context.contextSize,
          gpu: this.llama.gpu === false ? 'cpu' : this.llama.gpu,
          gpuLayers: model.gpuLayers,
          chatTemplate: chat.chatWrapper.wrapperName,
          isTestModel: name.startsWith(TEST_MODEL_PREFIX),
        };
        this.loaded = { model, context, chat, info };
        return info;
      } catch (error) {
        await model.dispose();
        throw new AppError('MODEL_LOAD_FAILED', this.explain(path, error, logStart));
      }
    });
  }

  unload(): Promise<void> {
    this.current?.abort();
    return this.lock.run(() => this.disposeLoaded());
  }

  generate(turns: ChatTurn[], options: GenerateOptions, signal: AbortSignal, onText: (text: string) => void): Promise<GenerateResult> {
    return this.lock.run(async () => {
      const loaded = this.loaded;
      if (!loaded) throw new AppError('NO_MODEL', 'No model is loaded.');
      const controller = new AbortController();
      const abort = (): void => controller.abort();
      signal.addEventListener('abort', abort);
      if (signal.aborted) controller.abort();
      this.current = controller;
      const sequence = loaded.chat.sequence;
      const meterBefore = sequence.tokenMeter.getState();
      const started = performance.now();
      let firstText: number | null = null;
      let completionTokens = 0;
      try {
        const response = await loaded.chat.generateResponse(toHistory(turns), {
          signal: controller.signal,
          stopOnAbortSignal: true,
          temperature: options.temperature,
          ...(options.maxTokens > 0 ? { maxTokens: options.maxTokens } : {}),
          ...(options.seed !== undefined ? { seed: options.seed } : {}),
          onToken: (tokens) => { completionTokens += tokens.length; },
          onTextChunk: (text) => {
            firstText ??= performance.now();
            onText(text);
          },
        });
        const used = sequence.tokenMeter.diff(meterBefore);
        return {
          text: response.response,
          stopReason: toStopReason(response.metadata.stopReason),
          promptTokens: used.usedInputTokens,
          completionTokens,
          timeToFirstTokenMs: firstText === null ? null : Math.round(firstText - started),
          durationMs: Math.round(performance.now() - started),
        };
      } finally {
        signal.removeEventListener('abort', abort);
        if (this.current === controller) this.current = null;
      }
    });
  }

  private async disposeLoaded(): Promise<void> {
    const old = this.loaded;
    this.loaded = null;
    if (old) {
      await old.context.dispose();
      await old.model.dispose();
    }
  }

  /** node-llama-cpp says only "Failed to load model"; the reason is in llama.cpp's log. */
  private explain(path: string, error: unknown, logStart: number): string {
    const name = path.split(/[\\/]/).pop() ?? path;
    const base = error instanceof Error ? error.message : String(error);
    const native = this.nativeLog().slice(logStart).filter((l) => /^(error|warn)/.test(l)).slice(-4).map((l) => l.replace(/^\w+: /, '').trim());
    return `${name} cannot be loaded: ${base}${native.length ? ` (llama.cpp: ${native.join(' | ')})` : ''}`;
  }
}

function toHistory(turns: ChatTurn[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = turns.map((t) => {
    switch (t.role) {
      case 'system': return { type: 'system', text: t.content };
      case 'user': return { type: 'user', text: t.content };
      case 'assistant': return { type: 'model', response: [t.content] };
    }
  });
  history.push({ type: 'model', response: [] });
  return history;
}

function toStopReason(reason: string): StopReason {
  switch (reason) {
    case 'eogToken':
    case 'stopGenerationTrigger':
      return 'eog';
    case 'maxTokens':
      return 'maxTokens';
    case 'abort':
      return 'abort';
    default:
      return 'other';
  }
}
