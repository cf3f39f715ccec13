import type { AnswerTarget } from '../../shared/api';
import { AppError } from '../../shared/errors';
import type { Message } from '../../shared/types';
import type { EventBus } from '../lib/events';
import { type AnswerRequest, answering, type RoutedAnswer } from './answerRouting';
import type { ConversationsRepo } from './conversationsRepo';
import type { MessagesRepo } from './messagesRepo';

/**
 * Compare's two places, for two sibling answers to `question`. Both are checked (a private chat going out, a
 * provider switched off, a model not in the library) before anything is saved, so a refused comparison leaves no
 * half of itself behind.
 */
export async function placeComparison(
  question: Message,
  targets: readonly [AnswerTarget, AnswerTarget],
  place: (request: AnswerRequest) => Promise<RoutedAnswer>,
): Promise<[RoutedAnswer, RoutedAnswer]> {
  if (question.role !== 'user') throw new AppError('BAD_INPUT', 'Compare answers one of your messages: pick a message you wrote.');
  const [a, b] = targets;
  return Promise.all([place(answering(question, a)), place(answering(question, b))]);
}

export interface KeepDeps {
  messages: MessagesRepo;
  conversations: ConversationsRepo;
  events: EventBus;
  transaction: <T>(fn: () => T) => T;
}

/**
 * Keeps one answer of a comparison (the caller has refused it while any answer there is written): it becomes
 * current, and its sibling answers go with whatever followed them. Their cost stays in the routing log.
 */
export function keepAnswer(d: KeepDeps, answer: Message, now: number): void {
  if (answer.role !== 'assistant') throw new AppError('BAD_INPUT', 'Only an answer can be kept.');
  d.transaction(() => {
    d.messages.keepOnly(answer.id);
    d.conversations.touch(answer.conversationId, now);
  });
  d.events.emit('conversations:changed', { conversationId: answer.conversationId });
}
