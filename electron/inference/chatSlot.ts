import type {
  ChatHistoryItem,
  ChatModelFunctions,
  Llama,
  LlamaChat,
  LlamaChatResponseChunk,
  LlamaContext,
  LlamaContextSequence,
  LlamaGrammar,
  LlamaModel,
  Token,
} from 'node-llama-cpp';
import { AppError } from '../../shared/errors';
import { chatWrapperFor } from './chatWrapperCache';
import { countHistory, droppedMessages, dropOldestTurns } from './contextPolicy';
import { nodeLlamaCpp } from './nodeLlamaCpp';
import type { ChatTurn, GenerateEvent, GenerateResult, JobInput, JobResult, ParsedJobInput, SlotModel, StopReason } from './protocol';

interface Seq {
  index: number;
  sequence: LlamaContextSequence;
  chat: LlamaChat;
  /** The conversation whose history this sequence holds, so its next turn reuses the evaluated tokens. */
  key: string | undefined;
  busy: boolean;
  lastUsed: number;
}

type Sampling = ParsedJobInput<'generate'>['options'];

/** Under the `stop` policy, an answer needs at least this much room, or the send is refused up front. */
const MIN_ANSWER_ROOM = 16;

/**
 * The chat model in the engine: one context with several sequences, which llama.cpp batches together, and
 * the pool that hands them out. A conversation goes back to the sequence that holds its history while it can.
 */
export class ChatSlot {
  private readonly seqs: Seq[];
  private readonly running = new Set<Promise<unknown>>();
  private tick = 0;

  constructor(
    private readonly llama: Llama,
    readonly model: LlamaModel,
    readonly context: LlamaContext,
    chats: { sequence: LlamaContextSequence; chat: LlamaChat }[],
    readonly info: SlotModel,
  ) {
    this.seqs = chats.map((c, index) => ({ index, ...c, key: undefined, busy: false, lastUsed: 0 }));
  }

  static async create(llama: Llama, model: LlamaModel, context: LlamaContext, info: Omit<SlotModel, 'chatTemplate'>): Promise<ChatSlot> {
    const { LlamaChat } = await nodeLlamaCpp();
    const chatWrapper = await chatWrapperFor(model, info.path);
    const chats = [];
    for (let i = 0; i < context.totalSequences; i++) {
      const sequence = context.getSequence();
      chats.push({ sequence, chat: new LlamaChat({ contextSequence: sequence, chatWrapper }) });
    }
    return new ChatSlot(llama, model, context, chats, { ...info, chatTemplate: chats[0]!.chat.chatWrapper.wrapperName });
  }

  generate(input: ParsedJobInput<'generate'>, signal: AbortSignal, emit: (e: GenerateEvent) => void): Promise<GenerateResult> {
    return this.track(this.withSequence(input.sequenceKey, (seq) => this.runChat(seq, input, signal, emit)));
  }

  complete(input: ParsedJobInput<'complete'>, signal: AbortSignal, emit: (e: GenerateEvent) => void): Promise<GenerateResult> {
    return this.track(
      this.withSequence(input.sequenceKey, async (seq) => {
        const { LlamaCompletion } = await nodeLlamaCpp();
        signal = AbortSignal.any([signal, this.disposing.signal]);
        const completion = new LlamaCompletion({ contextSequence: seq.sequence });
        const m = meter(seq, signal);
        try {
          const r = await completion.generateCompletionWithMeta(input.prompt, {
            ...sampling(input.options),
            signal,
            stopOnAbortSignal: true,
            onToken: (t) => m.tokens(t.length),
            onTextChunk: (text) => {
              m.first();
              m.text(text);
              emit({ kind: 'text', text });
            },
          });
          return m.result(r.response, '', null, [], toStopReason(r.metadata.stopReason));
        } catch (error) {
          return m.abortedOrThrow(error);
        } finally {
          completion.dispose({ disposeSequence: false });
          // A completion leaves raw text in the sequence, not a chat history: the next chat must not reuse it.
          seq.key = undefined;
        }
      }),
    );
  }

  async countTokens(text: string): Promise<number> {
    return this.model.tokenize(text, false).length;
  }

  /** Aborts everything running on this slot and waits for it to settle, before the model is disposed. */
  async dispose(): Promise<void> {
    this.disposing.abort();
    await Promise.allSettled(this.running);
    await this.context.dispose();
    await this.model.dispose();
  }

  private readonly disposing = new AbortController();

  private track<T>(p: Promise<T>): Promise<T> {
    this.running.add(p);
    void p.finally(() => this.running.delete(p)).catch(() => undefined);
    return p;
  }

  private async withSequence<T>(key: string | undefined, run: (seq: Seq) => Promise<T>): Promise<T> {
    const free = this.seqs.filter((s) => !s.busy);
    const seq = (key !== undefined ? free.find((s) => s.key === key) : undefined) ?? free.sort((a, b) => a.lastUsed - b.lastUsed)[0];
    if (!seq) throw new AppError('BUSY', `All ${this.seqs.length} answer slots of this model are in use.`);
    seq.busy = true;
    seq.lastUsed = ++this.tick;
    if (seq.key !== key) seq.key = undefined;
    try {
      const result = await run(seq);
      seq.key ??= key;
      return result;
    } catch (error) {
      seq.key = undefined;
      throw error;
    } finally {
      seq.busy = false;
    }
  }

  private async runChat(
    seq: Seq,
    input: ParsedJobInput<'generate'>,
    outer: AbortSignal,
    emit: (e: GenerateEvent) => void,
  ): Promise<GenerateResult> {
    const signal = AbortSignal.any([outer, this.disposing.signal]);
    const m = meter(seq, signal);
    const o = input.options;
    let thoughts = '';
    let thoughtStart: Date | undefined;
    let thoughtEnd: Date | undefined;
    const structured = await this.structured(o);
    const history = toHistory(input.turns, o.continueLast === true);
    const limit = this.overflowLimit(seq, history, o);
    try {
      const base = {
        ...sampling(o),
        ...(limit.maxTokens !== undefined ? { maxTokens: limit.maxTokens } : {}),
        ...(o.overflow === 'dropOldest' ? { contextShift: { strategy: dropOldestTurns } } : {}),
        signal,
        stopOnAbortSignal: true,
        ...(o.thoughtTokens !== undefined ? { budgets: { thoughtTokens: o.thoughtTokens } } : {}),
        onToken: (t: Token[]) => m.tokens(t.length),
        onResponseChunk: (chunk: LlamaChatResponseChunk) => {
          m.first();
          if (chunk.type === 'segment') {
            // onToken sees only the answer's tokens: a segment's count here, so completionTokens holds every token.
            m.tokens(chunk.tokens.length);
            if (chunk.segmentType !== 'thought') return;
            thoughtStart ??= chunk.segmentStartTime;
            if (chunk.segmentEndTime) thoughtEnd = chunk.segmentEndTime;
            thoughts += chunk.text;
            if (chunk.text) emit({ kind: 'thought', text: chunk.text });
          } else if (chunk.text) {
            m.text(chunk.text);
            emit({ kind: 'text', text: chunk.text });
          }
        },
      };
      // node-llama-cpp takes a grammar or functions in a call, never both (the protocol refuses both).
      const r = structured.grammar
        ? await seq.chat.generateResponse(history, { ...base, grammar: structured.grammar })
        : structured.functions
          ? await seq.chat.generateResponse(history, { ...base, functions: structured.functions })
          : await seq.chat.generateResponse(history, base);
      const thoughtMs = thoughtStart ? (thoughtEnd ?? new Date()).getTime() - thoughtStart.getTime() : null;
      const calls = (r.functionCalls ?? []).map((c) => ({ name: String(c.functionName), params: c.params as unknown }));
      const stop = toStopReason(r.metadata.stopReason);
      const result = m.result(r.response, thoughts, thoughtMs, calls, stop === 'maxTokens' && limit.byContext ? 'contextFull' : stop);
      return { ...result, droppedMessages: droppedMessages(history, r.lastEvaluation.contextWindow) };
    } catch (error) {
      return m.abortedOrThrow(error, thoughts);
    }
  }

  /**
   * Under the `stop` policy a history that does not fit is refused before anything runs, and the answer may use
   * only the room that is left, so nothing is ever dropped without the user seeing it.
   */
  private overflowLimit(seq: Seq, history: ChatHistoryItem[], o: Sampling): { maxTokens?: number; byContext: boolean } {
    if (o.overflow !== 'stop') return { byContext: false };
    const used = countHistory(history, seq.chat.chatWrapper, this.model.tokenizer);
    const room = this.context.contextSize - used;
    if (room < MIN_ANSWER_ROOM) {
      throw new AppError(
        'CONTEXT_FULL',
        `This chat needs ${used.toLocaleString('en')} tokens, and the model's context holds ${this.context.contextSize.toLocaleString('en')}. ` +
          'Start a new chat, load the model with a larger context, or let Hearth drop the oldest messages (Settings).',
      );
    }
    return o.maxTokens > 0 && o.maxTokens <= room ? { maxTokens: o.maxTokens, byContext: false } : { maxTokens: room, byContext: true };
  }

  /** The context meter's numbers, counted the way the chat template lays the turns out. */
  measure(turns: ChatTurn[], draft: string): JobResult<'measure'> {
    const wrapper = this.seqs[0]!.chat.chatWrapper;
    const count = (t: ChatTurn[]): number => countHistory(toHistory(t), wrapper, this.model.tokenizer);
    const systemOnly = turns.filter((t) => t.role === 'system');
    const system = systemOnly.length > 0 ? count(systemOnly) : 0;
    const all = count(turns);
    const total = draft ? count([...turns, { role: 'user', content: draft }]) : all;
    return { system, history: all - system, draft: total - all, total, contextSize: this.context.contextSize };
  }

  private async structured(o: Sampling): Promise<{ grammar?: LlamaGrammar; functions?: ChatModelFunctions }> {
    if (o.jsonSchema) {
      try {
        // The schema is checked against node-llama-cpp's subset by the caller (the API layer); here it is data.
        return { grammar: await this.llama.createGrammarForJsonSchema(o.jsonSchema as never) };
      } catch (error) {
        throw new AppError(
          'BAD_INPUT',
          `The JSON schema cannot be turned into a grammar: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    if (o.functions) return { functions: o.functions as ChatModelFunctions };
    return {};
  }
}

function sampling(o: JobInput<'complete'>['options']) {
  return {
    temperature: o.temperature ?? 0.7,
    ...(o.maxTokens ? { maxTokens: o.maxTokens } : {}),
    ...(o.topP !== undefined ? { topP: o.topP } : {}),
    ...(o.topK !== undefined ? { topK: o.topK } : {}),
    ...(o.minP !== undefined ? { minP: o.minP } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.repeatPenalty !== undefined ? { repeatPenalty: { penalty: o.repeatPenalty } } : {}),
    ...(o.stop?.length ? { customStopTriggers: o.stop } : {}),
  };
}

/** Counts tokens and times for one job on one sequence. */
function meter(seq: Seq, signal: AbortSignal) {
  const before = seq.sequence.tokenMeter.getState();
  const started = performance.now();
  let firstAt: number | null = null;
  let completion = 0;
  let text = '';
  const build = (
    out: string,
    thoughts: string,
    thoughtMs: number | null,
    calls: GenerateResult['functionCalls'],
    stopReason: StopReason,
  ): GenerateResult => {
    const used = seq.sequence.tokenMeter.diff(before);
    // Each generated token but the last is fed back as input, so the prompt's evaluated part is the rest.
    const evaluatedPrompt = Math.max(0, used.usedInputTokens - Math.max(0, completion - 1));
    const promptTokens = Math.max(evaluatedPrompt, seq.sequence.contextTokens.length - completion);
    return {
      text: out,
      thoughts,
      thoughtMs,
      functionCalls: calls,
      stopReason,
      droppedMessages: 0,
      promptTokens,
      reusedTokens: Math.max(0, promptTokens - evaluatedPrompt),
      completionTokens: completion,
      timeToFirstTokenMs: firstAt === null ? null : Math.round(firstAt - started),
      durationMs: Math.round(performance.now() - started),
      sequence: seq.index,
    };
  };
  return {
    tokens: (n: number) => {
      completion += n;
    },
    first: () => {
      firstAt ??= performance.now();
    },
    text: (t: string) => {
      text += t;
    },
    result: build,
    /**
     * node-llama-cpp throws the signal's reason when it is aborted before the first token, even with
     * stopOnAbortSignal: an abort is a stop, never an error, whenever it came.
     */
    abortedOrThrow: (error: unknown, thoughts = ''): GenerateResult => {
      if (signal.aborted) return build(text, thoughts, null, [], 'abort');
      throw error;
    },
  };
}

/** node-llama-cpp writes on from a trailing model response that has text (`continueLast`), else starts a new one. */
function toHistory(turns: ChatTurn[], continueLast = false): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = turns.map((t) => {
    switch (t.role) {
      case 'system':
        return { type: 'system', text: t.content };
      case 'user':
        return { type: 'user', text: t.content };
      case 'assistant':
        return { type: 'model', response: [t.content] };
      default:
        return t.role satisfies never;
    }
  });
  if (!(continueLast && turns.at(-1)?.role === 'assistant')) history.push({ type: 'model', response: [] });
  return history;
}

function toStopReason(reason: string): StopReason {
  switch (reason) {
    case 'eogToken':
    case 'stopGenerationTrigger':
      return 'eog';
    case 'customStopTrigger':
      return 'stopString';
    case 'functionCalls':
      return 'functionCalls';
    case 'maxTokens':
      return 'maxTokens';
    case 'abort':
      return 'abort';
    default:
      return 'other';
  }
}
