import type { MessageRoute } from '../../shared/api';
import { AppError } from '../../shared/errors';
import type { LibraryModel } from '../../shared/models';
import type { Message } from '../../shared/types';
import { type AnswerOutcome, type AnswerRequest, type AnswerRouting, type LocalAnswers, type RoutedAnswer } from '../chat/answerRouting';
import { type ChatBackend, LocalChatBackend } from '../chat/chatBackend';
import { chatSettingsFor, resolveChatSettings } from '../chat/chatSettings';
import type { MessagesRepo } from '../chat/messagesRepo';
import type { ProvidersService } from '../providers/providersService';
import type { Scheduler } from '../scheduler/scheduler';
import type { SettingsService } from '../settings/settingsService';
import { ASSUMED_ANSWER_TOKENS, costUsd, estimateTokens, tokensOfChars } from './cost';
import type { Decision } from './decide';
import type { RouterService } from './routerService';

export interface RoutedAnswersDeps {
  router: Pick<RouterService, 'decide' | 'decideTarget' | 'record' | 'release'>;
  /** A chat backend for a remote model (the provider must be enabled). */
  remote: (providerId: string, model: string) => ChatBackend;
  /** A chat backend on one local model, and that model's name; NOT_FOUND when the library does not have it. */
  localModel: (path: string) => Promise<{ name: string; backend: ChatBackend }>;
  /** The library's chat model with this file name, as `localModel` gives it; null when there is none. */
  localByName: (fileName: string) => Promise<{ name: string; backend: ChatBackend } | null>;
  /** The messages an answer after `id` would be sent with, and the system prompt and answer length its chat uses. */
  pathTo: (id: string) => readonly Pick<Message, 'content'>[];
  chatSettings: (conversationId: string | null) => { systemPrompt: string; maxTokens: number };
}

/** The router behind the answer runner: each answer's place, its backend, its route, and at its end its cost. */
export class RoutedAnswers implements AnswerRouting {
  constructor(private readonly d: RoutedAnswersDeps) {}

  async pick(request: AnswerRequest, local: LocalAnswers): Promise<RoutedAnswer> {
    const { conversationId, target } = request;
    const decision: Decision & { hold?: string } =
      target && conversationId
        ? this.d.router.decideTarget(conversationId, target)
        : this.d.router.decide(conversationId, this.sizeOf(request));
    const hold = decision.hold;
    try {
      const placed = await this.placed(decision, local);
      return hold ? { ...placed, hold } : placed;
    } catch (error) {
      this.d.router.release(hold);
      throw error;
    }
  }

  async resume(answer: Message, local: LocalAnswers): Promise<RoutedAnswer> {
    const route = answer.route;
    if (route?.target !== 'remote' || !route.providerId) {
      // A local answer goes on with the model that wrote it (the route names its file), or the picked one when that
      // model is gone from the library.
      const named = route ? await this.d.localByName(route.model) : null;
      const { name, backend } = named ?? (await this.local(null, local));
      return { backend, model: name, route: route ?? null, prices: null };
    }
    // Checked again: the chat may have been marked private (or the provider disabled) since.
    const decision = this.d.router.decideTarget(answer.conversationId, {
      kind: 'remote',
      providerId: route.providerId,
      model: route.model,
    });
    const placed = await this.placed(decision, local);
    return { ...placed, route };
  }

  settle(o: AnswerOutcome): MessageRoute | null {
    const { route, prices } = o.routed;
    this.d.router.release(o.routed.hold);
    if (!route) return null;
    // A remote answer that broke half-way, or that the user stopped (even before its first word: a reasoning model
    // may think for long), was still billed for what it was sent and what it wrote, and one from a provider that
    // sends no usage was billed all the same: estimated then, so the cap still counts them. One that failed before
    // writing anything (a refused key, a refused connection) cost nothing.
    const counted = o.result && (route.target === 'local' || o.result.promptTokens + o.result.completionTokens > 0) ? o.result : null;
    const tokens =
      counted ??
      (route.target === 'remote' && (o.answerText || o.stopped)
        ? { promptTokens: estimateTokens(o.promptText), completionTokens: estimateTokens(o.answerText) }
        : null);
    const cost = prices && tokens ? costUsd(prices, tokens.promptTokens, tokens.completionTokens) : 0;
    this.d.router.record({
      conversationId: o.conversationId,
      messageId: o.messageId,
      target: route.target,
      providerId: route.providerId,
      providerName: route.providerName,
      model: route.model,
      rule: route.rule,
      reason: route.reason,
      promptTokens: tokens?.promptTokens ?? null,
      completionTokens: tokens?.completionTokens ?? null,
      costUsd: cost,
    });
    // A continued answer adds what it cost this time to what it had cost.
    return { ...route, costUsd: (route.costUsd ?? 0) + cost };
  }

  private async placed(decision: Decision, local: LocalAnswers): Promise<RoutedAnswer> {
    const route = (model: string, provider: { id: string; name: string } | null): MessageRoute => ({
      target: decision.target,
      providerId: provider?.id ?? null,
      providerName: provider?.name ?? null,
      model,
      rule: decision.rule,
      reason: decision.reason,
      complexity: decision.complexity,
      costUsd: null,
    });
    if (decision.target === 'remote') {
      const { provider, model } = decision;
      const target = { kind: 'remote' as const, providerId: provider.id, model: model.id };
      // Privacy is checked again at the moment of sending: between the decision and the request the chat may have
      // been marked private or had collections attached (another window, a compare's other side loading a model).
      const backend = checkedBeforeSending(this.d.remote(provider.id, model.id), (conversationId) =>
        this.d.router.decideTarget(conversationId, target),
      );
      return { backend, model: model.id, route: route(model.id, provider), prices: model };
    }
    const { name, backend } = await this.local(decision.modelPath, local);
    return { backend, model: name, route: route(name, null), prices: null };
  }

  /** The named local model, or the picked one. */
  private async local(modelPath: string | null, local: LocalAnswers): Promise<{ name: string; backend: ChatBackend }> {
    if (modelPath) return this.d.localModel(modelPath);
    return { name: (await local.resolveModel()).name, backend: local.backend };
  }

  /** The exchange's estimated size: what the model would be sent, and the longest answer the chat allows. */
  private sizeOf(request: AnswerRequest): { text: string; promptTokens: number; answerTokens: number } {
    const s = this.d.chatSettings(request.conversationId);
    const history = request.after ? this.d.pathTo(request.after) : [];
    const sent = s.systemPrompt.length + history.reduce((n, m) => n + m.content.length, 0) + request.text.length;
    return {
      text: request.text,
      promptTokens: tokensOfChars(sent),
      answerTokens: s.maxTokens > 0 ? s.maxTokens : ASSUMED_ANSWER_TOKENS,
    };
  }
}

/** A remote backend that asks `check` (which throws in words) before each request leaves the machine. */
function checkedBeforeSending(inner: ChatBackend, check: (conversationId: string) => unknown): ChatBackend {
  return {
    kind: inner.kind,
    generate: async (turns, options, call) => {
      check(call.conversationId);
      return inner.generate(turns, options, call);
    },
  };
}

export interface RoutingWiring {
  router: RouterService;
  providers: Pick<ProvidersService, 'backendFor'>;
  scheduler: Pick<Scheduler, 'generate'>;
  library: { list(): Promise<Pick<LibraryModel, 'path' | 'fileName' | 'problem' | 'meta'>[]> };
  messages: Pick<MessagesRepo, 'pathTo'>;
  settings: SettingsService;
}

/** The router as backend.ts wires it: remote models from the providers, named local models from the library. */
export function routedAnswers(w: RoutingWiring): RoutedAnswers {
  return new RoutedAnswers({
    router: w.router,
    remote: (providerId, model) => w.providers.backendFor(providerId, model),
    localModel: async (path) => {
      const m = (await w.library.list()).find((l) => l.path === path);
      if (!m) throw new AppError('NOT_FOUND', 'That model is not in the library any more: add it again, or pick another.');
      if (m.problem) throw new AppError('BAD_INPUT', `${m.fileName} cannot be loaded: ${m.problem}`);
      if (m.meta && m.meta.kind !== 'chat')
        throw new AppError('BAD_INPUT', `${m.fileName} is not a chat model: pick one that writes answers.`);
      return { name: m.fileName, backend: new LocalChatBackend(w.scheduler, 'ui', path) };
    },
    localByName: async (fileName) => {
      const m = (await w.library.list()).find((l) => l.fileName === fileName && !l.problem && (!l.meta || l.meta.kind === 'chat'));
      return m ? { name: m.fileName, backend: new LocalChatBackend(w.scheduler, 'ui', m.path) } : null;
    },
    pathTo: (id) => w.messages.pathTo(id),
    chatSettings: (conversationId) => {
      const s = conversationId ? chatSettingsFor(w.settings, conversationId) : resolveChatSettings(w.settings.get(), null, null);
      return { systemPrompt: s.systemPrompt, maxTokens: s.sampling.maxTokens ?? 0 };
    },
  });
}
