import type { CallOutput } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { InferenceHost } from '../inference/host';
import type { Scheduler } from '../scheduler/scheduler';
import type { SettingsService } from '../settings/settingsService';
import type { ConversationsRepo } from './conversationsRepo';
import type { MessagesRepo } from './messagesRepo';
import { chatSettingsFor } from './chatSettings';
import { buildTurns } from './promptBuilder';

export interface MeterDeps {
  conversations: ConversationsRepo;
  messages: MessagesRepo;
  settings: SettingsService;
  host: InferenceHost;
  scheduler: Scheduler;
}

/**
 * The context meter: what the next message would cost, counted by the loaded model's own template, against its
 * real context size. It never loads a model: with none loaded it answers null and the meter says so.
 */
export class ContextMeter {
  constructor(private readonly deps: MeterDeps) {}

  /** Under the `stop` overflow policy, refuses a message that would not fit, saying by how much. */
  async checkFits(conversationId: string | null, draft: string): Promise<void> {
    if (this.deps.settings.get().contextOverflow !== 'stop') return;
    const m = await this.measure(conversationId, draft);
    if (!m || m.total < m.contextSize) return;
    throw new AppError(
      'CONTEXT_FULL',
      `This message would bring the chat to ${m.total.toLocaleString('en')} tokens, and the model's context holds ${m.contextSize.toLocaleString('en')}. ` +
        'Start a new chat, load the model with a larger context, or let Hearth drop the oldest messages (Settings).',
    );
  }

  async measure(conversationId: string | null, draft: string): Promise<CallOutput<'chat:measure'>> {
    if (!this.deps.host.loaded('chat')) return null;
    if (conversationId && !this.deps.conversations.get(conversationId))
      throw new AppError('NOT_FOUND', 'That conversation does not exist.');
    const history = conversationId ? this.deps.messages.list(conversationId) : [];
    // The prompt this chat's answers use: its own, its preset's, or the global one.
    const systemPrompt = conversationId
      ? chatSettingsFor(this.deps.settings, conversationId).systemPrompt
      : this.deps.settings.get().systemPrompt;
    const turns = buildTurns(systemPrompt, history);
    try {
      return await this.deps.scheduler.run('measure', { turns, draft });
    } catch (error) {
      // The model went away between the check and the count: the meter waits for the next one.
      if (error instanceof AppError && (error.code === 'NO_MODEL' || error.code === 'ENGINE_CRASHED')) return null;
      throw error;
    }
  }
}
