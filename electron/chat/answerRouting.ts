import type { AnswerTarget, MessageRoute } from '../../shared/api';
import type { LoadedModel, Message, MessageStats } from '../../shared/types';
import type { GenerateResult } from '../inference/protocol';
import { newId } from '../lib/ids';
import type { ChatBackend } from './chatBackend';
import { EMPTY_STATS } from './messagesRepo';

/** Where one answer runs: the backend that writes it, the name it shows as its model, and its route. */
export interface RoutedAnswer {
  backend: ChatBackend;
  /** Stored as the message's `model`: the local file's name or the provider's model id. */
  model: string;
  /** Kept with the message; null when nothing routes (a runner built without routing). */
  route: MessageRoute | null;
  /** The model's prices (US dollars per million tokens), to cost the answer when it ends; null locally. */
  prices: { inputPerMTok: number; outputPerMTok: number } | null;
  /** The router's hold on the month's spending for this answer, released when it is settled. */
  hold?: string;
}

/** One answer to place. */
export interface AnswerRequest {
  /** Null: a new chat, not saved yet. */
  conversationId: string | null;
  /** The message being answered: the router's complexity estimate reads it. */
  text: string;
  /** The message `text` follows (null: it is the first), for the size of what the model would be sent. */
  after: string | null;
  /** Run elsewhere or compare: the user named the place. */
  target?: AnswerTarget | undefined;
}

/** A new answer to `question` (regenerate, run elsewhere, compare), where `target` says or where the router picks. */
export function answering(question: Message, target?: AnswerTarget): AnswerRequest {
  return { conversationId: question.conversationId, text: question.content, after: question.parentId ?? null, target };
}

/** The runner's own way to answer, used for what runs on the picked local model. */
export interface LocalAnswers {
  backend: ChatBackend;
  /** The picked model (the only one there is, when none is picked), or NO_MODEL with why. */
  resolveModel: () => Promise<{ name: string }>;
}

/** What an answer ended with, for its cost and the routing log. */
export interface AnswerOutcome {
  conversationId: string;
  messageId: string;
  routed: RoutedAnswer;
  /** The engine's or the provider's counts; null when the answer failed before it could report them. */
  result: Pick<GenerateResult, 'promptTokens' | 'completionTokens'> | null;
  /** What was sent and what came back, to estimate the tokens of an answer that failed half-way. */
  promptText: string;
  /** The answer's text and thoughts written this time. */
  answerText: string;
  /** The user (or the app) stopped it: the request reached the provider, which bills the prompt at least. */
  stopped: boolean;
}

/**
 * Picks where each answer runs (the router: local, a remote provider, or the place the user named) and settles
 * what it cost. The answer runner works without one: every answer then runs on its local backend, unrouted.
 */
export interface AnswerRouting {
  pick(request: AnswerRequest, local: LocalAnswers): Promise<RoutedAnswer>;
  /** Where a stopped or failed answer is written further: where it ran. */
  resume(answer: Message, local: LocalAnswers): Promise<RoutedAnswer>;
  /** The answer ended: its route with the cost filled in, after a row in the routing log. */
  settle(outcome: AnswerOutcome): MessageRoute | null;
}

/** A new message: a user's (complete), or an empty answer (streaming) carrying the model and route of its place. */
export function newMessage(
  conversationId: string,
  parentId: string | null,
  role: 'user' | 'assistant',
  content: string,
  t: number,
  routed: RoutedAnswer | null,
): Message {
  return {
    id: newId(),
    conversationId,
    parentId,
    role,
    content,
    status: role === 'user' ? 'complete' : 'streaming',
    error: null,
    model: routed?.model ?? null,
    stats: EMPTY_STATS,
    thoughts: '',
    thoughtMs: null,
    createdAt: t,
    ...(routed?.route ? { route: routed.route } : {}),
  };
}

/** Without routing: the picked local model, no route. */
export async function unrouted(local: LocalAnswers): Promise<RoutedAnswer> {
  return { backend: local.backend, model: (await local.resolveModel()).name, route: null, prices: null };
}

/** An answer's stats: the counts and timings its engine or provider reported, and the GPU of this machine it ran on (none remotely). */
export function statsOf(r: GenerateResult, ranOn: LoadedModel | null): MessageStats {
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
