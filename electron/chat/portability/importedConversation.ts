import type { MessageRole, MessageStats, MessageStatus } from '../../../shared/types';

/** A message read from an import file, checked and ready to write. */
export interface ImportedMessage {
  role: MessageRole;
  content: string;
  status: Exclude<MessageStatus, 'streaming'>;
  error: string | null;
  model: string | null;
  createdAt: number;
  /** Null when the file says nothing about tokens and timings. */
  stats: MessageStats | null;
  /** A reasoning model's thoughts ('' if none), and how long it thought. */
  thoughts: string;
  thoughtMs: number | null;
}

/** A conversation read from an import file: written as a new conversation with new ids, or not at all. */
export interface ImportedConversation {
  title: string;
  createdAt: number;
  updatedAt: number;
  pinned: boolean;
  messages: ImportedMessage[];
  /** One of a ChatGPT conversation's other branches. */
  isBranch: boolean;
}
