import type { ActiveStream, ChatEnd } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { Conversation, LoadedModel, Message, MessageStats } from '../../shared/types';
import type { GenerateResult } from '../inference/protocol';
import { DeltaBatcher } from '../lib/deltaBatcher';
import type { EventBus } from '../lib/events';
import { newId } from '../lib/ids';
import type { SettingsService } from '../settings/settingsService';
import type { ChatBackend } from './chatBackend';
import type { ConversationsRepo } from './conversationsRepo';
import { EMPTY_STATS, type MessageEnd, type MessagesRepo } from './messagesRepo';
import { buildTurns, titleFrom } from './promptBuilder';

export interface RunnerDeps {
  conversations: ConversationsRepo;
  messages: MessagesRepo;
  settings: SettingsService;
  events: EventBus;
  backend: ChatBackend;
  /** The model that will answer (picking the only one there is, when none is picked), or NO_MODEL with why. */
  resolveModel: () => Promise<{ name: string }>;
  /**
   * Refuses a message that would not fit (the `stop` overflow policy) before anything is saved, so the user keeps
   * the text and hears why at once; resolves when it fits or nothing can tell yet.
   */
  checkFits?: (conversationId: string | null, text: string) => Promise<void>;
  /** The chat model loaded now, read when an answer starts writing: where it ran goes into its stats. */
  loadedModel?: () => LoadedModel | null;
  /** Runs its function in one write transaction. */
  transaction: <T>(fn: () => T) => T;
  /**
   * How often streamed text goes out to clients (ms). 50 ms (20 updates a second, the cadence the AI SDK and
   * Cloudflare's agents use for chat UIs) reads as smooth and halves the browser's painting against 30 ms;
   * the first text after a quiet spell still goes out at once (bench/ANALYSIS.md).
   */
  flushMs?: number;
  /** How often the partial answer is written to the database (ms). */
  saveMs?: number;
  now?: () => number;
}

interface Stream {
  id: string;
  conversationId: string;
  controller: AbortController;
  done: Promise<void>;
  /** What clients have been sent, so a resync from `active()` never repeats or skips text. */
  content: string;
  /** The thought text clients have been sent, when the first thought came, and how long thinking took. */
  thoughts: string;
  thoughtStartedAt: number | null;
  thoughtMs: number | null;
  seq: number;
  ahead: number;
}

/** Said under an answer that reached the context's edge (the `stop` overflow policy). */
const CONTEXT_FULL_STOP =
  "The model's context is full, so the answer stopped here. Start a new chat, or let Hearth drop the oldest messages (Settings).";

const INTERRUPTED = 'Hearth closed while this answer was being written.';

/**
 * Writes answers: one at a time per conversation, several conversations at once (the scheduler decides what
 * runs). Persists first, streams deltas, persists the end state; exactly one `chat:end` per answer.
 */
export class AnswerRunner {
  private readonly streams = new Map<string, Stream>();
  private readonly now: () => number;

  constructor(private readonly deps: RunnerDeps) {
    this.now = deps.now ?? Date.now;
    // Answers left half-written by a killed process are kept, marked failed. The data folder is locked, so no
    // other live Hearth can own them.
    deps.messages.failInterrupted(INTERRUPTED);
  }

  /** Persists the user's message and an empty answer, starts the answer, and returns without waiting for it. */
  async send(input: { conversationId: string | null; text: string }) {
    const { messages, conversations, events } = this.deps;
    if (input.conversationId && [...this.streams.values()].some((s) => s.conversationId === input.conversationId)) {
      throw new AppError('BUSY', 'This chat is still writing an answer. Stop it or wait for it to finish.');
    }
    const { name: modelName } = await this.deps.resolveModel();
    await this.deps.checkFits?.(input.conversationId, input.text);
    const t = this.now();
    const { conversation, userMessage, assistantMessage } = this.deps.transaction(() => {
      let conversation: Conversation | null;
      if (input.conversationId) {
        conversation = conversations.get(input.conversationId);
        if (!conversation) throw new AppError('NOT_FOUND', 'That conversation does not exist.');
      } else {
        conversation = { id: newId(), title: titleFrom(input.text), createdAt: t, updatedAt: t };
        conversations.insert(conversation);
      }
      const userMessage: Message = {
        id: newId(),
        conversationId: conversation.id,
        role: 'user',
        content: input.text,
        status: 'complete',
        error: null,
        model: null,
        stats: EMPTY_STATS,
        thoughts: '',
        thoughtMs: null,
        createdAt: t,
      };
      const assistantMessage: Message = {
        ...userMessage,
        id: newId(),
        role: 'assistant',
        content: '',
        status: 'streaming',
        model: modelName,
        createdAt: t,
      };
      messages.insert(userMessage);
      messages.insert(assistantMessage);
      conversations.touch(conversation.id, t);
      return { conversation, userMessage, assistantMessage };
    });
    events.emit('conversations:changed', { conversationId: conversation.id });

    const stream: Stream = {
      id: assistantMessage.id,
      conversationId: conversation.id,
      controller: new AbortController(),
      done: Promise.resolve(),
      content: '',
      thoughts: '',
      thoughtStartedAt: null,
      thoughtMs: null,
      seq: -1,
      ahead: 0,
    };
    this.streams.set(stream.id, stream);
    stream.done = this.run(stream).finally(() => this.streams.delete(stream.id));
    return { conversationId: conversation.id, userMessage, assistantMessage, streamId: stream.id };
  }

  /** Stops an answer; what was written so far is kept with status `stopped`. */
  async stop(streamId: string): Promise<{ stopped: boolean }> {
    const s = this.streams.get(streamId);
    if (!s) return { stopped: false };
    s.controller.abort();
    await s.done;
    return { stopped: true };
  }

  /** Stops the answer being written in a conversation, if any (before it is deleted). */
  async stopIn(conversationId: string): Promise<void> {
    await Promise.all([...this.streams.values()].filter((s) => s.conversationId === conversationId).map((s) => this.stop(s.id)));
  }

  /** Stops every answer in flight (shutdown). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.streams.keys()].map((id) => this.stop(id)));
  }

  /** Answers being written or waiting, with their text so far (a reconnecting client resyncs from this). */
  active(): ActiveStream[] {
    return [...this.streams.values()].map((s) => ({
      streamId: s.id,
      conversationId: s.conversationId,
      messageId: s.id,
      content: s.content,
      thoughts: s.thoughts,
      thoughtStartedAt: s.thoughtStartedAt,
      thoughtMs: s.thoughtMs,
      seq: s.seq,
      ahead: s.ahead,
    }));
  }

  private async run(stream: Stream): Promise<void> {
    const { messages, events, settings } = this.deps;
    const { conversationId, id: messageId } = stream;
    const signal = stream.controller.signal;
    const ids = { streamId: messageId, conversationId, messageId };
    let content = '';
    let thoughts = '';
    let lastSave = this.now();
    let ranOn: LoadedModel | null = null;
    // Thoughts and text share one seq; each kind has its batcher, and a switch of kind flushes the other first,
    // so deltas go out in the order they were written.
    const batcher = (kind: 'text' | 'thought') =>
      new DeltaBatcher(this.deps.flushMs ?? DEFAULT_FLUSH_MS, (text) => {
        if (kind === 'text') stream.content += text;
        else stream.thoughts += text;
        stream.seq += 1;
        events.emit('chat:delta', { ...ids, kind, text, seq: stream.seq });
      });
    const textBatcher = batcher('text');
    const thoughtBatcher = batcher('thought');
    const started = (): void => {
      ranOn ??= this.deps.loadedModel?.() ?? null;
    };
    const save = (): void => {
      if (this.now() - lastSave >= (this.deps.saveMs ?? 1000)) {
        lastSave = this.now();
        messages.saveContent(messageId, content, thoughts);
      }
    };
    const thinkingMs = (): number | null => (stream.thoughtStartedAt === null ? null : this.now() - stream.thoughtStartedAt);
    let end: Omit<ChatEnd, 'streamId' | 'conversationId' | 'messageId'>;
    try {
      const s = settings.get();
      const turns = buildTurns(
        s.systemPrompt,
        messages.list(conversationId).filter((m) => m.id !== messageId),
      );
      const result = await this.deps.backend.generate(
        turns,
        {
          maxTokens: s.maxTokens,
          temperature: s.temperature,
          overflow: s.contextOverflow,
          ...(s.thoughtTokens !== null ? { thoughtTokens: s.thoughtTokens } : {}),
        },
        {
          conversationId,
          signal,
          onQueue: (ahead) => {
            stream.ahead = ahead;
            events.emit('chat:queue', { ...ids, ahead });
          },
          onThought: (text) => {
            started();
            stream.thoughtStartedAt ??= this.now();
            thoughts += text;
            textBatcher.flush();
            thoughtBatcher.push(text);
            save();
          },
          onText: (text) => {
            started();
            if (stream.thoughtStartedAt !== null && stream.thoughtMs === null) stream.thoughtMs = thinkingMs();
            content += text;
            thoughtBatcher.flush();
            textBatcher.push(text);
            save();
          },
        },
      );
      started();
      const full = result.stopReason === 'contextFull';
      const stopped = result.stopReason === 'abort' || signal.aborted || full;
      end = {
        status: stopped ? 'stopped' : 'complete',
        error: full ? CONTEXT_FULL_STOP : stopReason(signal),
        content: result.text,
        thoughts: result.thoughts || thoughts,
        thoughtMs: result.thoughts || thoughts ? (result.thoughtMs ?? stream.thoughtMs ?? thinkingMs()) : null,
        stats: statsOf(result, ranOn),
      };
    } catch (error) {
      const cancelled = error instanceof AppError && error.code === 'CANCELLED';
      const partial = { content, thoughts, thoughtMs: thoughts ? (stream.thoughtMs ?? thinkingMs()) : null, stats: EMPTY_STATS };
      end =
        (signal.aborted && !(error instanceof AppError && error.code === 'ENGINE_CRASHED')) || cancelled
          ? { status: 'stopped', error: stopReason(signal) ?? (cancelled ? error.message : null), ...partial }
          : { status: 'failed', error: error instanceof Error ? error.message : String(error), ...partial };
    }
    thoughtBatcher.flush();
    textBatcher.flush();
    const { status, ...saved } = end;
    messages.finish(messageId, status, saved satisfies MessageEnd);
    this.deps.conversations.touch(conversationId, this.now());
    events.emit('chat:end', { ...ids, ...end });
  }
}

const DEFAULT_FLUSH_MS = 50;

/** A stop by the user says nothing; a stop by the app (a model switch) says why. */
function stopReason(signal: AbortSignal): string | null {
  return signal.aborted && signal.reason instanceof AppError ? signal.reason.message : null;
}

function statsOf(r: GenerateResult, ranOn: LoadedModel | null): MessageStats {
  return {
    promptTokens: r.promptTokens,
    completionTokens: r.completionTokens,
    timeToFirstTokenMs: r.timeToFirstTokenMs,
    durationMs: r.durationMs,
    gpu: ranOn?.gpu ?? null,
    gpuLayers: ranOn ? ranOn.gpuLayers : null,
    totalLayers: ranOn?.totalLayers ?? null,
    droppedMessages: r.droppedMessages,
  };
}
