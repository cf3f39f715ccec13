import { z } from 'zod';
import { MessageRole, MessageStats, type ConversationSummary, type Message } from '../../../shared/types';
import { LIMITS } from './limits';

/** What the file says it is. A reader of version N reads every version up to N. */
export const HEARTH_FORMAT = 'hearth.conversations';
export const HEARTH_VERSION = 1;

const time = z.number().int().min(0).max(LIMITS.maxTime);
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable();

/** One message of a Hearth export. Ids are not written: an import always makes new ones. */
export const HearthMessage = z.object({
  role: MessageRole,
  content: z.string().max(LIMITS.messageChars),
  /** `streaming` (an answer exported while it was being written) is read as `stopped`. */
  status: z.enum(['complete', 'stopped', 'failed', 'streaming']).default('complete'),
  error: z.string().max(10_000).nullable().default(null),
  model: z.string().max(1000).nullable().default(null),
  createdAt: time,
  /** Tokens, timings and where it ran: each field may be missing (a file from an older Hearth has fewer). */
  stats: MessageStats.partial().default({}),
  thoughts: z.string().max(LIMITS.messageChars).default(''),
  thoughtMs: count.default(null),
});
export type HearthMessage = z.output<typeof HearthMessage>;

export const HearthConversation = z.object({
  title: z.string().max(10_000),
  createdAt: time,
  updatedAt: time,
  pinned: z.boolean().default(false),
  messages: z.array(HearthMessage).max(LIMITS.messages),
});
export type HearthConversation = z.output<typeof HearthConversation>;

/** A Hearth export: one conversation or all of them, versioned. */
export const HearthExport = z.object({
  format: z.literal(HEARTH_FORMAT),
  version: z.literal(HEARTH_VERSION),
  exportedAt: time,
  conversations: z.array(HearthConversation).max(LIMITS.messages),
});
export type HearthExport = z.output<typeof HearthExport>;

/** Drops the fields that hold nothing (null, ''), which the schema reads back as their defaults. */
function present<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== '')) as Partial<T>;
}

/**
 * The file for `conversations`, in the order given, with their messages in order. Fields that hold nothing are
 * left out (a message's tokens and timings only where it has them), so an export of every chat stays well under
 * the import limit; reading it back fills them in again, so export, import, export gives the same file.
 */
export function toHearthExport(
  conversations: { conversation: ConversationSummary; messages: Message[] }[],
  now: number,
): z.input<typeof HearthExport> {
  return {
    format: HEARTH_FORMAT,
    version: HEARTH_VERSION,
    exportedAt: now,
    conversations: conversations.map(({ conversation: c, messages }) => ({
      title: c.title,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      pinned: c.pinned,
      messages: messages.map((m) => {
        const stats = present(m.stats);
        return {
          role: m.role,
          content: m.content,
          status: m.status === 'streaming' ? 'stopped' : m.status,
          createdAt: m.createdAt,
          ...present({ error: m.error, model: m.model, thoughts: m.thoughts, thoughtMs: m.thoughtMs }),
          ...(Object.keys(stats).length ? { stats } : {}),
        };
      }),
    })),
  };
}
