import { z } from 'zod';
import { MessageRoute, Origin, RemoteModelRef, RoutePolicy } from './api';
import { Citation } from './rag';

/** Domain shapes shared by main and renderer. Schemas are the source; types are inferred from them. */

export const MessageRole = z.enum(['system', 'user', 'assistant']);
export type MessageRole = z.infer<typeof MessageRole>;

/** `streaming` exists only while an answer is being written; on restart it becomes `failed`. */
export const MessageStatus = z.enum(['streaming', 'complete', 'stopped', 'failed']);
export type MessageStatus = z.infer<typeof MessageStatus>;

export const MessageStats = z.object({
  promptTokens: z.number().int().nullable(),
  completionTokens: z.number().int().nullable(),
  timeToFirstTokenMs: z.number().int().nullable(),
  durationMs: z.number().int().nullable(),
  /** Where it ran: 'cpu', or the GPU backend of the loaded model ('cuda', 'vulkan', 'metal'). */
  gpu: z.string().nullable(),
  /** Layers offloaded to that GPU (0 on the CPU), and the model's layers, when known. */
  gpuLayers: z.number().int().nullable(),
  totalLayers: z.number().int().nullable(),
  /** Messages (after the system prompt, oldest first) that had left the model's view for this answer. */
  droppedMessages: z.number().int().nullable(),
});
export type MessageStats = z.infer<typeof MessageStats>;

export const Message = z.object({
  id: z.string(),
  conversationId: z.string(),
  role: MessageRole,
  content: z.string(),
  status: MessageStatus,
  error: z.string().nullable(),
  model: z.string().nullable(),
  stats: MessageStats,
  /** A reasoning model's thought segments, kept apart from the answer and never sent back as history ('' if none). */
  thoughts: z.string(),
  /** How long it thought (ms), until the answer began or the stop; null when it did not think. */
  thoughtMs: z.number().int().nullable(),
  createdAt: z.number().int(),
  /**
   * Messages form a tree: the message this one follows (null for a conversation's first). Edits and regenerations
   * are siblings under one parent. Absent on messages not read from the database (imports, exports).
   */
  parentId: z.string().nullable().optional(),
  /** Where this message stands among its siblings (0-based) and how many there are: the chat's `< 2/3 >`. */
  branch: z.object({ index: z.number().int().nonnegative(), count: z.number().int().positive() }).optional(),
  /** The passages an answer drew on from the conversation's collections, numbered as it cites them ([1], [2]). */
  citations: z.array(Citation).optional(),
  /** Where the answer ran (this machine or a remote provider) and why; absent on user messages and older answers. */
  route: MessageRoute.optional(),
});
export type Message = z.infer<typeof Message>;

export const Conversation = z.object({
  id: z.string(),
  title: z.string(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type Conversation = z.infer<typeof Conversation>;

export const ConversationWithMessages = Conversation.extend({ messages: z.array(Message) });
export type ConversationWithMessages = z.infer<typeof ConversationWithMessages>;

/** A conversation as the sidebar lists it: pinned ones first. */
export const ConversationSummary = Conversation.extend({ pinned: z.boolean() });
export type ConversationSummary = z.infer<typeof ConversationSummary>;

/**
 * Marks around each matched term in a search snippet: private-use characters, so the renderer splits on them and
 * renders text, never HTML.
 */
export const SEARCH_MARK_START = '\uE000';
export const SEARCH_MARK_END = '\uE001';

/** One search result: a message (or a title) that matched, with the passage that matched. */
export const SearchHit = z.object({
  conversationId: z.string(),
  title: z.string(),
  /** The message that matched; null when the title did. */
  messageId: z.string().nullable(),
  role: MessageRole.nullable(),
  /** The matching passage (or the title), each matched term between SEARCH_MARK_START and SEARCH_MARK_END. */
  snippet: z.string(),
  createdAt: z.number().int(),
});
export type SearchHit = z.infer<typeof SearchHit>;

/** A file for the user to save: an export. */
export const ExportFile = z.object({ fileName: z.string(), mimeType: z.string(), content: z.string() });
export type ExportFile = z.infer<typeof ExportFile>;

/** What an import added. Nothing is added unless all of it could be. */
export const ImportResult = z.object({
  format: z.enum(['hearth', 'chatgpt']),
  /** Conversations added, branches included. */
  conversations: z.number().int(),
  /** Of those, how many are a ChatGPT conversation's other branches, titled "<title> (branch N)". */
  branches: z.number().int(),
  messages: z.number().int(),
  /** Messages left out: tool output, hidden system messages, empty or non-text parts. */
  skipped: z.number().int(),
});
export type ImportResult = z.infer<typeof ImportResult>;

export const ModelFile = z.object({
  path: z.string(),
  fileName: z.string(),
  sizeBytes: z.number().int(),
  source: z.enum(['folder', 'added']),
});
export type ModelFile = z.infer<typeof ModelFile>;

export const LoadedModel = z.object({
  path: z.string(),
  name: z.string(),
  trainContextSize: z.number().int(),
  contextSize: z.number().int(),
  gpu: z.string(),
  gpuLayers: z.number().int(),
  /** The model's layers (blocks and output), so `gpuLayers` reads as a share: "25/25 layers". */
  totalLayers: z.number().int().nonnegative().optional(),
  /** The chat template node-llama-cpp chose from the GGUF (for example "ChatML", "Llama3_1", "Jinja"). */
  chatTemplate: z.string(),
  /** The GGUF says it is the generated random-weights test model. */
  isTestModel: z.boolean(),
  /** How many answers it writes at once (the context's sequences). */
  sequences: z.number().int().positive(),
  /** CPU threads it generates with. */
  threads: z.number().int().nonnegative(),
  /** The LoRA adapters applied on top of it, each with its scale, in the order given (a scale of 0 included). */
  lora: z.array(z.object({ path: z.string(), scale: z.number() })).default([]),
  /**
   * What the engine changed on its own while loading it, in words for the user; null or absent when nothing was:
   * "12 GPU layers no longer fit the free VRAM, so 8 of 33 went to the GPU."
   */
  notice: z.string().nullable().optional(),
});
export type LoadedModel = z.infer<typeof LoadedModel>;

export const EngineState = z.discriminatedUnion('status', [
  z.object({ status: z.literal('none'), lastError: z.string().nullable() }),
  z.object({ status: z.literal('loading'), path: z.string() }),
  z.object({ status: z.literal('ready'), model: LoadedModel }),
  z.object({ status: z.literal('failed'), path: z.string(), error: z.string() }),
]);
export type EngineState = z.infer<typeof EngineState>;

export const Settings = z.object({
  systemPrompt: z.string().max(20_000),
  temperature: z.number().min(0).max(2),
  /** 0 means: until the model stops or the context is full. */
  maxTokens: z.number().int().min(0).max(1_000_000),
  /**
   * Most tokens a reasoning model may spend thinking before it must answer (0: close the thought at once);
   * null: no limit. Models that do not reason ignore it.
   */
  thoughtTokens: z.number().int().min(0).max(1_000_000).nullable(),
  /** 0 means: as large as fits, up to the model's training context. */
  contextSize: z.number().int().min(0).max(1_048_576),
  /**
   * How many answers may be written at once (sequences in one context, batched together by llama.cpp).
   * Fixed when a model loads: changing it reloads the model. Lowered at load time when memory is short.
   */
  parallelAnswers: z.number().int().min(1).max(8),
  /**
   * When a chat outgrows the context: drop whole messages from the oldest (the system prompt stays, and the chat
   * marks where messages left the model's view), or stop (refuse a chat that does not fit; end an answer at the edge).
   */
  contextOverflow: z.enum(['dropOldest', 'stop']),
  /** The colour theme: the system's, or one the user picked. */
  theme: z.enum(['system', 'light', 'dark']),
  /** CPU threads for generation; 0: chosen from the model's size and this machine's cores. */
  threads: z.number().int().min(0).max(256),
  /** Minutes without an answer after which the chat model is unloaded to give its memory back; 0: never. */
  idleUnloadMinutes: z.number().int().min(0).max(1440),
  selectedModelPath: z.string().nullable(),
  addedModelPaths: z.array(z.string()),
  /** The embedding model collections are indexed with (a path); null: keyword search only. Set through collections:setEmbeddingModel. */
  embeddingModelPath: z.string().nullable(),
  /** Where models are kept; null: the default folder. Changed through models:setFolder. */
  modelsFolder: z.string().nullable(),
  /** The local OpenAI-compatible API server: off until the user switches it on. */
  apiServerEnabled: z.boolean(),
  apiServerPort: z.number().int().min(1).max(65535),
  /** Browser origins allowed to call the API server; none by default. */
  apiAllowedOrigins: z.array(Origin).max(20),
  /** Most to spend on remote answers in a calendar month (US dollars); past it, auto routing stays local. */
  monthlyCostCapUsd: z.number().min(0).max(100_000),
  /** The remote model that `remote` and `auto` conversations use unless they name one. */
  defaultRemote: RemoteModelRef.nullable(),
  /** Auto routing sends a message out when its complexity estimate (0..1) is at least this. */
  autoRemoteThreshold: z.number().min(0).max(1),
  /** Where a chat's answers run until the chat says otherwise: this machine only, unless the user chose more. */
  newChatRoutePolicy: RoutePolicy,
});
export type Settings = z.infer<typeof Settings>;

export const DEFAULT_SETTINGS: Settings = {
  systemPrompt: 'You are a helpful assistant.',
  temperature: 0.7,
  maxTokens: 0,
  thoughtTokens: null,
  contextSize: 0,
  parallelAnswers: 2,
  contextOverflow: 'dropOldest',
  theme: 'system',
  threads: 0,
  idleUnloadMinutes: 30,
  selectedModelPath: null,
  addedModelPaths: [],
  embeddingModelPath: null,
  modelsFolder: null,
  apiServerEnabled: false,
  apiServerPort: 8642,
  apiAllowedOrigins: [],
  monthlyCostCapUsd: 5,
  defaultRemote: null,
  autoRemoteThreshold: 0.5,
  newChatRoutePolicy: 'local',
};

export const AppInfo = z.object({
  version: z.string(),
  shell: z.enum(['desktop', 'headless']),
  modelsDir: z.string(),
  dataDir: z.string(),
  canPickFiles: z.boolean(),
  demo: z.boolean(),
  /** What the user should hear about this start: a damaged database that was set aside and salvaged. */
  notices: z.array(z.object({ kind: z.enum(['database-recovered']), message: z.string() })).optional(),
});
export type AppInfo = z.infer<typeof AppInfo>;

/** A named system prompt, picked per conversation. */
export const Preset = z.object({
  id: z.string(),
  name: z.string().trim().min(1).max(100),
  systemPrompt: z.string().max(20_000),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Preset = z.infer<typeof Preset>;

/**
 * A conversation's sampling overrides; null: inherit the global setting (temperature, max tokens) or the engine's
 * default (the rest). Ranges are node-llama-cpp's.
 */
export const SamplingParams = z.object({
  temperature: z.number().min(0).max(2).nullable(),
  topP: z.number().min(0).max(1).nullable(),
  topK: z.number().int().min(0).max(100_000).nullable(),
  minP: z.number().min(0).max(1).nullable(),
  repeatPenalty: z.number().min(0).max(10).nullable(),
  /** 0: until the model stops or the context is full. */
  maxTokens: z.number().int().min(0).max(1_000_000).nullable(),
  seed: z.number().int().min(0).max(4_294_967_295).nullable(),
});
export type SamplingParams = z.infer<typeof SamplingParams>;

export const NO_SAMPLING_OVERRIDES: SamplingParams = {
  temperature: null,
  topP: null,
  topK: null,
  minP: null,
  repeatPenalty: null,
  maxTokens: null,
  seed: null,
};

/** What a conversation chose: a preset (or none), a system prompt of its own (null: the preset's or the global one), sampling. */
export const ConversationParams = z.object({
  conversationId: z.string(),
  presetId: z.string().nullable(),
  systemPrompt: z.string().max(20_000).nullable(),
  sampling: SamplingParams,
});
export type ConversationParams = z.infer<typeof ConversationParams>;
