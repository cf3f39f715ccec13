import { z } from 'zod';

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
  createdAt: z.number().int(),
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
  /** The chat template node-llama-cpp chose from the GGUF (for example "ChatML", "Llama3_1", "Jinja"). */
  chatTemplate: z.string(),
  /** The GGUF says it is the generated random-weights test model. */
  isTestModel: z.boolean(),
  /** How many answers it writes at once (the context's sequences). */
  sequences: z.number().int().positive(),
  /** CPU threads it generates with. */
  threads: z.number().int().nonnegative(),
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
  /** 0 means: as large as fits, up to the model's training context. */
  contextSize: z.number().int().min(0).max(1_048_576),
  /**
   * How many answers may be written at once (sequences in one context, batched together by llama.cpp).
   * Fixed when a model loads: changing it reloads the model. Lowered at load time when memory is short.
   */
  parallelAnswers: z.number().int().min(1).max(8),
  /** CPU threads for generation; 0: chosen from the model's size and this machine's cores. */
  threads: z.number().int().min(0).max(256),
  selectedModelPath: z.string().nullable(),
  addedModelPaths: z.array(z.string()),
});
export type Settings = z.infer<typeof Settings>;

export const DEFAULT_SETTINGS: Settings = {
  systemPrompt: 'You are a helpful assistant.',
  temperature: 0.7,
  maxTokens: 0,
  contextSize: 0,
  parallelAnswers: 2,
  threads: 0,
  selectedModelPath: null,
  addedModelPaths: [],
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
