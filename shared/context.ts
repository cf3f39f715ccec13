import type { Message } from './types';

/**
 * Whether a stored message is part of the history the model reads: the system prompt comes from the settings,
 * and an answer with no text (one that failed before writing) is left out. The prompt builder sends exactly
 * these, and the chat's "left the model's view" marker counts them the same way.
 */
export function inModelHistory(m: Pick<Message, 'role' | 'content'>): boolean {
  return m.role !== 'system' && !(m.role === 'assistant' && !m.content);
}

/**
 * The id of the first message the model still saw when it wrote `answer`, if earlier ones had left its view
 * (`stats.droppedMessages`); null when nothing was dropped or it was not recorded.
 */
export function firstInView(messages: readonly Message[], answer: Message): string | null {
  const dropped = answer.stats.droppedMessages ?? 0;
  if (dropped <= 0) return null;
  const before = messages.slice(0, Math.max(0, messages.indexOf(answer))).filter(inModelHistory);
  return before[dropped]?.id ?? null;
}
