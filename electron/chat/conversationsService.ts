import { AppError } from '../../shared/errors';
import type { Conversation, ConversationWithMessages } from '../../shared/types';
import type { EventBus } from '../lib/events';
import { newId } from '../lib/ids';
import type { ConversationsRepo } from './conversationsRepo';
import type { MessagesRepo } from './messagesRepo';

export interface ConversationsDeps {
  conversations: ConversationsRepo;
  messages: MessagesRepo;
  events: EventBus;
  /** Stops the conversation's answer, if one is being written, before it is deleted. */
  stopAnswersIn: (conversationId: string) => Promise<void>;
  now?: () => number;
}

/** Conversation CRUD and search. Answers are the runner's. */
export class ConversationsService {
  private readonly now: () => number;

  constructor(private readonly deps: ConversationsDeps) {
    this.now = deps.now ?? Date.now;
  }

  list(): Conversation[] {
    return this.deps.conversations.list();
  }

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
    const renamed = this.deps.conversations.get(id);
    if (!renamed) throw new AppError('NOT_FOUND', 'That conversation does not exist.');
    return renamed;
  }

  async remove(id: string): Promise<void> {
    await this.deps.stopAnswersIn(id);
    if (!this.deps.conversations.remove(id)) throw new AppError('NOT_FOUND', 'That conversation does not exist.');
    this.deps.events.emit('conversations:changed', { conversationId: id });
  }

  search(query: string): Conversation[] {
    return this.deps.conversations.search(query);
  }
}
