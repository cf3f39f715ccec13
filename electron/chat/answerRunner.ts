import type { AnswerTarget } from '../../shared/api';
import type { ActiveStream, ChatEnd } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { Conversation, LoadedModel, Message } from '../../shared/types';
import type { ChatTurn, GenerateResult } from '../inference/protocol';
import { DeltaBatcher } from '../lib/deltaBatcher';
import type { EventBus } from '../lib/events';
import { newId } from '../lib/ids';
import type { AnswerSources } from '../rag/ask/answerSources';
import type { SettingsService } from '../settings/settingsService';
import {
  type AnswerRequest,
  type AnswerRouting,
  answering,
  type LocalAnswers,
  newMessage,
  statsOf,
  type RoutedAnswer,
  unrouted,
} from './answerRouting';
import type { ChatBackend } from './chatBackend';
import { chatSettingsFor } from './chatSettings';
import { keepAnswer, placeComparison } from './compare';
import type { ConversationsRepo } from './conversationsRepo';
import { EMPTY_STATS, type MessageEnd, type MessagesRepo } from './messagesRepo';
import { buildTurns, titleFrom } from './promptBuilder';

export interface RunnerDeps {
  conversations: ConversationsRepo;
  messages: MessagesRepo;
  settings: SettingsService;
  events: EventBus;
  backend: ChatBackend;
  /**
   * Where each answer runs (the router: this machine or a remote provider, and why) and what it cost. Without it
   * every answer runs on `backend` with the picked model, unrouted (unit tests and benches).
   */
  routing?: AnswerRouting;
  /** The model that will answer (picking the only one there is, when none is picked), or NO_MODEL with why. */
  resolveModel: () => Promise<{ name: string }>;
  /**
   * Refuses a message that would not fit (the `stop` overflow policy) before anything is saved, so the user keeps
   * the text and hears why at once; resolves when it fits or nothing can tell yet.
   */
  checkFits?: (conversationId: string | null, text: string) => Promise<void>;
  /** The chat model loaded now, read when an answer starts writing: where it ran goes into its stats. */
  loadedModel?: () => LoadedModel | null;
  /**
   * Document Q&A: the passages an answer draws on from its conversation's collections, put in its prompt, and the
   * citations that numbering makes. Without it (or for a chat with no collections) answers are plain chat.
   */
  sources?: Pick<AnswerSources, 'prepare'>;
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

type Started = { assistantMessage: Message; streamId: string };

interface Stream {
  id: string;
  conversationId: string;
  /** Where it runs and how it is written there. */
  routed: RoutedAnswer;
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
    const { conversations } = this.deps;
    if (input.conversationId) this.refuseBusy(input.conversationId);
    const after = input.conversationId ? this.deps.messages.leafId(input.conversationId) : null;
    const routed = await this.place({ conversationId: input.conversationId, text: input.text, after });
    // The local context's limit says nothing about a remote model's.
    if (routed.backend.kind === 'local') await this.deps.checkFits?.(input.conversationId, input.text);
    const t = this.now();
    const sent = this.deps.transaction(() => {
      let conversation: Conversation | null;
      if (input.conversationId) {
        conversation = conversations.get(input.conversationId);
        if (!conversation) throw new AppError('NOT_FOUND', 'That conversation does not exist.');
      } else {
        conversation = { id: newId(), title: titleFrom(input.text), createdAt: t, updatedAt: t };
        conversations.insert(conversation);
      }
      // The new message follows the last one of the branch the user is looking at.
      return this.insertExchange(conversation.id, this.deps.messages.leafId(conversation.id), input.text, routed, t);
    });
    return { ...sent, streamId: this.start(sent.assistantMessage, routed) };
  }

  /** Sends an edited user message as a new branch beside the old one, and writes its answer. */
  async edit(input: { messageId: string; text: string }) {
    const old = this.found(input.messageId);
    if (old.role !== 'user') throw new AppError('BAD_INPUT', 'Only your own messages can be edited.');
    this.refuseBusy(old.conversationId);
    const routed = await this.place({ conversationId: old.conversationId, text: input.text, after: old.parentId ?? null });
    if (routed.backend.kind === 'local') await this.deps.checkFits?.(old.conversationId, input.text);
    const t = this.now();
    const sent = this.deps.transaction(() => this.insertExchange(old.conversationId, old.parentId ?? null, input.text, routed, t));
    return { ...sent, streamId: this.start(sent.assistantMessage, routed) };
  }

  /**
   * Compare: two answers to one user message, side by side (sibling answers), each run where its target says.
   * Two local models run one after the other through the scheduler's switch policy.
   */
  async compare(input: { messageId: string; targets: [AnswerTarget, AnswerTarget] }) {
    const question = this.found(input.messageId);
    this.refuseBusy(question.conversationId);
    const [a, b] = await placeComparison(question, input.targets, (r) => this.place(r));
    const [ma, mb] = this.deps.transaction(() => [this.insertAnswer(question, a), this.insertAnswer(question, b)] as const);
    return { conversationId: question.conversationId, answers: [this.started(ma, a), this.started(mb, b)] satisfies [Started, Started] };
  }

  /** Keeps one answer of a comparison: it becomes current, and its sibling answers go (not while one is written). */
  keep(messageId: string): void {
    const m = this.found(messageId);
    this.refuseBusy(m.conversationId);
    keepAnswer(this.deps, m, this.now());
  }

  /** A new answer beside an answer (or one more under a user message); the old ones stay as branches. */
  async regenerate(input: { messageId: string; target?: AnswerTarget }) {
    const m = this.found(input.messageId);
    const parentId = m.role === 'user' ? m.id : m.parentId;
    if (m.role === 'system' || !parentId) throw new AppError('BAD_INPUT', 'Only an answer to a message can be written again.');
    this.refuseBusy(m.conversationId);
    const question = m.role === 'user' ? m : this.found(parentId);
    const routed = await this.place(answering(question, input.target));
    const assistantMessage = this.deps.transaction(() => this.insertAnswer(question, routed));
    return { conversationId: m.conversationId, ...this.started(assistantMessage, routed) };
  }

  /** Writes more of a stopped or failed answer, appended to the same message. */
  async continue(input: { messageId: string }) {
    const m = this.found(input.messageId);
    if (m.role !== 'assistant' || (m.status !== 'stopped' && m.status !== 'failed')) {
      throw new AppError('BAD_INPUT', 'Only an answer that stopped or failed can be continued.');
    }
    if (this.deps.messages.hasChildren(m.id)) {
      throw new AppError('BAD_INPUT', 'This answer already has a reply; regenerate it or edit the message after it instead.');
    }
    this.refuseBusy(m.conversationId);
    const routed = await (this.deps.routing?.resume(m, this.local()) ?? unrouted(this.local()));
    this.deps.transaction(() => {
      this.deps.messages.reopen(m.id);
      this.deps.conversations.touch(m.conversationId, this.now());
    });
    const assistantMessage = this.deps.messages.get(m.id) ?? m;
    return { conversationId: m.conversationId, assistantMessage, streamId: this.start(assistantMessage, routed, m) };
  }

  /** Deletes a message and everything after it on every branch (not while the chat writes an answer). */
  deleteMessage(messageId: string): void {
    const m = this.found(messageId);
    this.refuseBusy(m.conversationId);
    this.deps.transaction(() => {
      this.deps.messages.delete(m.id);
      this.deps.conversations.touch(m.conversationId, this.now());
    });
    this.deps.events.emit('conversations:changed', { conversationId: m.conversationId });
  }

  /** Makes the previous or next sibling of a message current. */
  switchBranch(messageId: string, direction: 'previous' | 'next'): { messageId: string } {
    const m = this.found(messageId);
    this.refuseBusy(m.conversationId);
    const target = this.deps.transaction(() => this.deps.messages.switchBranch(m.id, direction));
    this.deps.events.emit('conversations:changed', { conversationId: m.conversationId });
    return { messageId: target };
  }

  /** Where an answer runs: the router's choice, or the picked local model when nothing routes. */
  private place(request: AnswerRequest): Promise<RoutedAnswer> {
    return this.deps.routing?.pick(request, this.local()) ?? unrouted(this.local());
  }

  private local(): LocalAnswers {
    return { backend: this.deps.backend, resolveModel: this.deps.resolveModel };
  }

  /** An empty answer under `question`, current among its siblings; call inside a transaction. */
  private insertAnswer(question: Message, routed: RoutedAnswer): Message {
    const t = this.now();
    const a = newMessage(question.conversationId, question.id, 'assistant', '', t, routed);
    this.deps.messages.insert(a);
    this.deps.conversations.touch(question.conversationId, t);
    return this.deps.messages.get(a.id) ?? a;
  }

  private started(assistantMessage: Message, routed: RoutedAnswer): Started {
    return { assistantMessage, streamId: this.start(assistantMessage, routed) };
  }

  private found(messageId: string): Message {
    const m = this.deps.messages.get(messageId);
    if (!m) throw new AppError('NOT_FOUND', 'That message does not exist.');
    return m;
  }

  private refuseBusy(conversationId: string): void {
    if ([...this.streams.values()].some((s) => s.conversationId === conversationId)) {
      throw new AppError('BUSY', 'This chat is still writing an answer. Stop it or wait for it to finish.');
    }
  }

  /** A user message under `parentId` and an empty answer under it, both current; call inside a transaction. */
  private insertExchange(conversationId: string, parentId: string | null, text: string, routed: RoutedAnswer, t: number) {
    const { messages } = this.deps;
    const u = newMessage(conversationId, parentId, 'user', text, t, null);
    const a = newMessage(conversationId, u.id, 'assistant', '', t, routed);
    messages.insert(u);
    messages.insert(a);
    this.deps.conversations.touch(conversationId, t);
    return {
      conversationId,
      userMessage: messages.get(u.id) ?? u,
      assistantMessage: messages.get(a.id) ?? a,
    };
  }

  /** Starts writing an answer (on from `partial`'s text when continuing) in the background; returns its stream id. */
  private start(answer: Message, routed: RoutedAnswer, partial?: Message): string {
    this.deps.events.emit('conversations:changed', { conversationId: answer.conversationId });
    const stream: Stream = {
      id: answer.id,
      conversationId: answer.conversationId,
      routed,
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
    stream.done = this.run(stream, partial).finally(() => this.streams.delete(stream.id));
    return stream.id;
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

  private async run(stream: Stream, partial?: Message): Promise<void> {
    const { messages, events, settings } = this.deps;
    const { conversationId, id: messageId } = stream;
    const signal = stream.controller.signal;
    const ids = { streamId: messageId, conversationId, messageId };
    // A continued answer starts from its saved text: the stream's first delta carries it, so a client's stream
    // store (and a resync from `active()`) holds the whole message, as for any answer.
    const prefix = partial?.content ?? '';
    let content = prefix;
    let thoughts = partial?.thoughts ?? '';
    if (prefix) {
      stream.content = prefix;
      stream.seq = 0;
      events.emit('chat:delta', { ...ids, kind: 'text', text: prefix, seq: 0 });
    }
    let lastSave = this.now();
    let ranOn: LoadedModel | null = null;
    let turns: ChatTurn[] = [];
    let result: GenerateResult | null = null;
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
      // A remote answer ran on no GPU of this machine.
      if (stream.routed.backend.kind === 'local') ranOn ??= this.deps.loadedModel?.() ?? null;
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
      const s = chatSettingsFor(settings, conversationId);
      // The path to this answer, not the branch on screen: the user may step to another branch meanwhile. The
      // answer itself is in the history only when it has text to continue.
      const history = messages.pathTo(messageId);
      // Document Q&A: the passages go in the prompt, and the citations are stored before the answer is written, so
      // clients show its sources while it streams. A continued answer keeps the citations its text already uses.
      const sourcing =
        (await this.deps.sources?.prepare({
          conversationId,
          history,
          continuing: partial ?? null,
          maxTokens: s.sampling.maxTokens ?? 0,
          overflow: s.contextOverflow,
          turnsWith: (sources) => buildTurns(s.systemPrompt, history, sources),
          signal,
        })) ?? null;
      if (sourcing && !partial?.citations) {
        messages.setCitations(messageId, sourcing.citations);
        events.emit('conversations:changed', { conversationId });
      }
      turns = buildTurns(s.systemPrompt, history, sourcing?.sources ?? null);
      result = await stream.routed.backend.generate(
        turns,
        {
          ...s.sampling,
          overflow: s.contextOverflow,
          ...(s.thoughtTokens !== null ? { thoughtTokens: s.thoughtTokens } : {}),
          ...(prefix ? { continueLast: true } : {}),
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
        content: prefix + result.text,
        thoughts: result.thoughts ? (partial?.thoughts ?? '') + result.thoughts : thoughts,
        thoughtMs:
          result.thoughts || thoughts ? (result.thoughtMs ?? stream.thoughtMs ?? thinkingMs() ?? partial?.thoughtMs ?? null) : null,
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
    const route = this.deps.routing?.settle({
      conversationId,
      messageId,
      routed: stream.routed,
      result,
      promptText: turns.map((t) => t.content).join('\n'),
      // Thought tokens are billed as output too (a reasoning model may think for long before any answer text).
      answerText: end.content.slice(prefix.length) + end.thoughts.slice((partial?.thoughts ?? '').length),
      stopped: end.status === 'stopped',
    });
    if (route) messages.setRoute(messageId, route);
    this.deps.conversations.touch(conversationId, this.now());
    events.emit('chat:end', { ...ids, ...end });
  }
}

const DEFAULT_FLUSH_MS = 50;

/** A stop by the user says nothing; a stop by the app (a model switch) says why. */
function stopReason(signal: AbortSignal): string | null {
  return signal.aborted && signal.reason instanceof AppError ? signal.reason.message : null;
}
