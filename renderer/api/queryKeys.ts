export const queryKeys = {
  appInfo: ['appInfo'] as const,
  conversations: ['conversations'] as const,
  search: (q: string) => ['conversations', 'search', q] as const,
  conversation: (id: string) => ['conversation', id] as const,
  /** Prefix of every `conversation(id)` key. */
  anyConversation: ['conversation'] as const,
  models: ['models'] as const,
  engine: ['engine'] as const,
  settings: ['settings'] as const,
};
