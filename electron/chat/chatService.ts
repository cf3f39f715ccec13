import { basename } from 'node:path';
import type { ActiveStream, ChatEnd } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { Conversation, ConversationWithMessages, Message, MessageStats } from '../../shared/types';
import type { InferenceHost } from '../inference/host';
import type { ChatTurn, GenerateResult } from '../inference/protocol';
import type { EventBus } from '../lib/events';
import { newId } from '../lib/ids';
import type { ModelsService } from '../models/modelsService';
import type { SettingsService } from '../settings/settingsService';
import type { ConversationsRepo } from './conversationsRepo';
import { DeltaBatcher } from '../lib/deltaBatcher';
import { EMPTY_STATS, type MessagesRepo } from './messagesRepo';

export interface ChatDeps {
  conversations: ConversationsRepo;
  messages: MessagesRepo;
  settings: SettingsService;
  models: ModelsService;
  host: InferenceHost;
  events: EventBus;
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

const DEFAULT_FLUSH_MS = 50;

interface Stream { id: string; conversationId: string; controller: AbortController; done: Promise<void>; content: string; seq: number }

const INTERRUPTED = 'Hearth closed while this answer was being written.';

/** Conversations and the streaming of answers: persists first, streams deltas, persists the end state. */
export class ChatService {
  private readonly streams = new Map<string, Stream>();
  private readonly now: () => number;

  constructor(private readonly deps: ChatDeps) {
    this.now = deps.now ?? Date.now;
    // Answers left half-written by a killed process are kept, marked failed.
    deps.messages.failInterrupted(INTERRUPTED);
  }

  list(): Conversation[] { return this.deps.conversations.list(); }

  get(id: string): ConversationWithMessages {
    const c = this.deps.conversations.get(id);
    if (!c) throw new AppError('NOT_FOUND', 'That conversation does not exist.');
    return { ...c, messages: this.deps.messages.list(id) };
  }

  create(title = 'New chat'): Conversation {
    const t = this.now();
    const c: Conversation = { id: newId(), title, createdAt: t, updatedAt: t };
    this.deps.conversations.insert(c);
    this.deps.events.emit('conversations:changed', { conversationId: c.id });
    return c;
  }

  rename(id: string, title: string): Conversation {
    if (!this.deps.conversations.get(id)) throw new AppError('NOT_FOUND', 'That conversation does not exist.');
    this.deps.conversations.rename(id, title, this.now());
    this.deps.events.emit('conversations:changed', { conversationId: id });
    return this.deps.conversations.get(id)!;
  }

  async remove(id: string): Promise<void> {
    for (const s of this.streams.values()) {
      const m = this.deps.messages.get(s.id);
      if (m?.conversationId === id) { s.controller.abort(); await s.done; }
    }
    if (!this.deps.conversations.remove(id)) throw new AppError('NOT_FOUND', 'That conversation does not exist.');
    this.deps.events.emit('conversations:changed', { conversationId: id });
  }

  search(query: string): Conversation[] { return this.deps.conversations.search(query); }

  /** Persists the user's message and an empty answer, starts streaming, and returns at once. */
  send(input: { conversationId: string | null; text: string }) {
    const { settings, messages, conversations, events } = this.deps;
    if (this.streams.size > 0) throw new AppError('BUSY', 'An answer is still being written. Stop it or wait for it to finish.');
    const selected = settings.get().selectedModelPath;
    const engine = this.deps.host.getState();
    if (!selected && engine.status !== 'ready') throw new AppError('NO_MODEL', 'Pick a model first.');
    const modelName = engine.status === 'ready' ? engine.model.name : basename(selected ?? '');

    const conversation = input.conversationId ? conversations.get(input.conversationId) : this.create(titleFrom(input.text));
    if (!conversation) throw new AppError('NOT_FOUND', 'That conversation does not exist.');
    const t = this.now();
    const userMessage: Message = {
      id: newId(), conversationId: conversation.id, role: 'user', content: input.text, status: 'complete',
      error: null, model: null, stats: EMPTY_STATS, createdAt: t,
    };
    const assistantMessage: Message = {
      ...userMessage, id: newId(), role: 'assistant', content: '', status: 'streaming', model: modelName, createdAt: t,
    };
    messages.insert(userMessage);
    messages.insert(assistantMessage);
    conversations.touch(conversation.id, t);
    events.emit('conversations:changed', { conversationId: conversation.id });

    const controller = new AbortController();
    const stream: Stream = { id: assistantMessage.id, conversationId: conversation.id, controller, done: Promise.resolve(), content: '', seq: -1 };
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

  /** Stops every answer in flight (shutdown). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.streams.keys()].map((id) => this.stop(id)));
  }

  /** Answers being written, with their text so far (a reconnecting client resyncs from this). */
  active(): ActiveStream[] {
    return [...this.streams.values()].map((s) => ({
      streamId: s.id, conversationId: s.conversationId, messageId: s.id, content: s.content, seq: s.seq, ahead: 0,
    }));
  }

  private async run(stream: Stream): Promise<void> {
    const { messages, events, settings } = this.deps;
    const { conversationId, id: messageId } = stream;
    const signal = stream.controller.signal;
    let content = '';
    let lastSave = this.now();
    // What clients have been sent is what `active()` reports, so a resync never repeats or skips text.
    const batcher = new DeltaBatcher(this.deps.flushMs ?? DEFAULT_FLUSH_MS, (text) => {
      stream.content += text;
      stream.seq += 1;
      events.emit('chat:delta', { streamId: messageId, conversationId, messageId, text, seq: stream.seq });
    });
    let end: Omit<ChatEnd, 'streamId' | 'conversationId' | 'messageId'>;
    try {
      await this.deps.models.ensureLoaded();
      if (signal.aborted) throw new DOMException('stopped', 'AbortError');
      const s = settings.get();
      const turns = toTurns(s.systemPrompt, messages.list(conversationId).filter((m) => m.id !== messageId));
      const result = await this.deps.host.generate(turns, { maxTokens: s.maxTokens, temperature: s.temperature }, {
        signal,
        onText: (text) => {
          content += text;
          batcher.push(text);
          if (this.now() - lastSave >= (this.deps.saveMs ?? 1000)) {
            lastSave = this.now();
            messages.saveContent(messageId, content);
          }
        },
      });
      end = { status: result.stopReason === 'abort' || signal.aborted ? 'stopped' : 'complete', error: null, content: result.text, stats: statsOf(result) };
    } catch (error) {
      const aborted = signal.aborted && !(error instanceof AppError && error.code === 'ENGINE_CRASHED');
      end = aborted
        ? { status: 'stopped', error: null, content, stats: EMPTY_STATS }
        : { status: 'failed', error: error instanceof Error ? error.message : String(error), content, stats: EMPTY_STATS };
    }
    batcher.flush();
    messages.finish(messageId, end.status, end.content, end.error, end.stats);
    this.deps.conversations.touch(conversationId, this.now());
    events.emit('chat:end', { streamId: messageId, conversationId, messageId, ...end });
  }
}

function titleFrom(text: string): string {
  const line = text.trim().split('\n')[0]!.replace(/\s+/g, ' ');
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}

/** The history the model sees: the system prompt, then every message with text (failed partials included). */
function toTurns(systemPrompt: string, history: Message[]): ChatTurn[] {
  const turns: ChatTurn[] = systemPrompt.trim() ? [{ role: 'system', content: systemPrompt }] : [];
  for (const m of history) {
    if (m.role === 'system' || (m.role === 'assistant' && !m.content)) continue;
    turns.push({ role: m.role, content: m.content });
  }
  return turns;
}

function statsOf(r: GenerateResult): MessageStats {
  return { promptTokens: r.promptTokens, completionTokens: r.completionTokens, timeToFirstTokenMs: r.timeToFirstTokenMs, durationMs: r.durationMs };
}
