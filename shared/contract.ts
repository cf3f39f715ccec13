import { z } from 'zod';
import type { CallChannel, EventChannel } from './channels';
import {
  AppInfo,
  Conversation,
  ConversationWithMessages,
  EngineState,
  Message,
  MessageStats,
  MessageStatus,
  ModelFile,
  Settings,
} from './types';

/**
 * Every channel, declared once: input and output schemas for calls, payload schemas for events.
 * Main parses every input with these; the renderer gets its types from them.
 */
const id = z.string().min(1).max(100);
const path = z.string().min(1).max(4096);
const SwitchPolicy = z.enum(['wait', 'stop']);

/** Where a queued answer stands: how many answers are ahead of it (0: it is being written). */
export const ChatQueue = z.object({
  streamId: id,
  conversationId: id,
  messageId: id,
  ahead: z.number().int().nonnegative(),
});
export type ChatQueue = z.infer<typeof ChatQueue>;

export const ActiveStream = z.object({
  streamId: id,
  conversationId: id,
  messageId: id,
  /** The text written so far. */
  content: z.string(),
  /** The seq of the last delta sent; the next delta has seq + 1. -1: none sent yet. */
  seq: z.number().int(),
  ahead: z.number().int().nonnegative(),
});
export type ActiveStream = z.infer<typeof ActiveStream>;

export const calls = {
  'app:getInfo': { input: z.void(), output: AppInfo },
  'conversations:list': { input: z.void(), output: z.array(Conversation) },
  'conversations:get': { input: z.object({ id }), output: ConversationWithMessages },
  'conversations:create': { input: z.void(), output: Conversation },
  'conversations:rename': { input: z.object({ id, title: z.string().trim().min(1).max(200) }), output: Conversation },
  'conversations:delete': { input: z.object({ id }), output: z.void() },
  'conversations:search': { input: z.object({ query: z.string().max(500) }), output: z.array(Conversation) },
  'chat:send': {
    input: z.object({
      conversationId: id.nullable(),
      // A lone UTF-16 surrogate cannot be stored (SQLite's UTF-8 makes it U+FFFD), so it becomes U+FFFD here,
      // once, and the reply and the stored message agree. This is String.prototype.toWellFormed, which ES2023 lacks.
      text: z
        .string()
        .trim()
        .overwrite((s) => s.replace(/\p{Cs}/gu, '\uFFFD'))
        .min(1)
        .max(200_000),
    }),
    output: z.object({ conversationId: id, userMessage: Message, assistantMessage: Message, streamId: id }),
  },
  'chat:stop': { input: z.object({ streamId: id }), output: z.object({ stopped: z.boolean() }) },
  /** Every answer being written or waiting, with its text so far: a client that reconnects resyncs from this. */
  'chat:active': { input: z.void(), output: z.array(ActiveStream) },
  'models:list': { input: z.void(), output: z.array(ModelFile) },
  'models:add': { input: z.object({ path }), output: ModelFile },
  'models:pickFile': { input: z.void(), output: z.object({ path: z.string().nullable() }) },
  /** Answers being written finish first ('wait', the default) or are stopped, each saying why ('stop'). */
  'models:load': { input: z.object({ path, whileAnswering: SwitchPolicy.optional() }), output: EngineState },
  'models:unload': { input: z.object({ whileAnswering: SwitchPolicy.optional() }).optional(), output: EngineState },
  'engine:get': { input: z.void(), output: EngineState },
  'settings:get': { input: z.void(), output: Settings },
  // Which model is selected, and which files were opened, change only through models:* (which check the path).
  'settings:update': { input: Settings.omit({ addedModelPaths: true, selectedModelPath: true }).partial().strict(), output: Settings },
} satisfies Record<CallChannel, { input: z.ZodType; output: z.ZodType }>;

export const ChatDelta = z.object({
  streamId: id,
  conversationId: id,
  messageId: id,
  /** Text appended since the previous delta of this stream. */
  text: z.string(),
  /** 0, 1, 2, ... per stream, so a client can tell a gap. */
  seq: z.number().int(),
});
export type ChatDelta = z.infer<typeof ChatDelta>;

export const ChatEnd = z.object({
  streamId: id,
  conversationId: id,
  messageId: id,
  status: MessageStatus.exclude(['streaming']),
  error: z.string().nullable(),
  content: z.string(),
  stats: MessageStats,
});
export type ChatEnd = z.infer<typeof ChatEnd>;

export const events = {
  'chat:delta': ChatDelta,
  'chat:end': ChatEnd,
  'chat:queue': ChatQueue,
  'settings:changed': Settings,
  'engine:state': EngineState,
  'conversations:changed': z.object({ conversationId: id.nullable() }),
} satisfies Record<EventChannel, z.ZodType>;

export type CallInput<C extends CallChannel> = z.input<(typeof calls)[C]['input']>;
export type CallOutput<C extends CallChannel> = z.output<(typeof calls)[C]['output']>;
export type EventPayload<E extends EventChannel> = z.output<(typeof events)[E]>;
