import type { ChatHistoryItem, ChatWrapper, Tokenizer } from 'node-llama-cpp';

/**
 * What happens when a chat outgrows the model's context. node-llama-cpp's default strategy
 * (`eraseFirstResponseAndKeepFirstSystem`) cuts text out of the middle of the first answer, so the model reads a
 * history that no message ever said. Hearth's policies keep messages whole:
 * - `dropOldest`: whole turns leave the model's view from the oldest on; the system prompt always stays. Only a
 *   single message longer than the whole context is cut, from its start, and that is reported.
 * - `stop`: nothing is dropped; a history that does not fit is refused before anything runs, and an answer stops
 *   at the context's edge.
 */
export type OverflowPolicy = 'dropOldest' | 'stop';

export interface ShiftInput {
  chatHistory: readonly ChatHistoryItem[];
  maxTokensCount: number;
  tokenizer: Tokenizer;
  chatWrapper: ChatWrapper;
}

/** Tokens of a history as the chat wrapper lays it out for the model. */
export function countHistory(history: readonly ChatHistoryItem[], chatWrapper: ChatWrapper, tokenizer: Tokenizer): number {
  return chatWrapper.generateContextState({ chatHistory: [...history] }).contextText.tokenize(tokenizer).length;
}

/** The `dropOldest` context-shift strategy: whole turns out from the oldest, the system prompt kept. */
export function dropOldestTurns({ chatHistory, maxTokensCount, tokenizer, chatWrapper }: ShiftInput): {
  chatHistory: ChatHistoryItem[];
  metadata: { cut: boolean };
} {
  const count = (h: readonly ChatHistoryItem[]): number => countHistory(h, chatWrapper, tokenizer);
  const system = chatHistory[0]?.type === 'system' ? [chatHistory[0]] : [];
  let rest = chatHistory.slice(system.length);
  // The last item is the answer being written and the one before it the message it answers: both stay.
  while (rest.length > 2 && count([...system, ...rest]) > maxTokensCount) {
    let cut = 1;
    while (cut < rest.length - 2 && rest[cut]?.type === 'model') cut++;
    rest = rest.slice(cut);
  }
  let cut = false;
  // A single message longer than the context: keep its end, which is what the model answers.
  for (let guard = 0; guard < 64 && count([...system, ...rest]) > maxTokensCount; guard++) {
    const i = rest.findIndex((item) => item.type === 'user' && item.text.length > 1);
    const item = rest[i];
    if (!item || item.type !== 'user') break;
    rest = rest.map((r, j) => (j === i ? { type: 'user', text: item.text.slice(Math.ceil(item.text.length / 4)) } : r));
    cut = true;
  }
  return { chatHistory: [...system, ...rest], metadata: { cut } };
}

/** How many of the conversation's messages (after the system prompt) the model no longer saw. */
export function droppedMessages(sent: readonly ChatHistoryItem[], seen: readonly ChatHistoryItem[]): number {
  const messages = (h: readonly ChatHistoryItem[]): number => h.filter((item) => item.type !== 'system').length;
  return Math.max(0, messages(sent) - messages(seen));
}
