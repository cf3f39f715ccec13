import { z } from 'zod';
import type { CallChannel, EventChannel } from './channels';
import {
  AppInfo,
  Conversation,
  ConversationSummary,
  ConversationParams,
  ConversationWithMessages,
  EngineState,
  ExportFile,
  ImportResult,
  Message,
  MessageStats,
  MessageStatus,
  Preset,
  SamplingParams,
  SearchHit,
  Settings,
} from './types';
import {
  AnswerTarget,
  ApiLogEntry,
  ApiServerStatus,
  ConversationRouting,
  Origin,
  Provider,
  ProviderCheck,
  ProviderInput,
  RemoteModelRef,
  RouteLog,
  RoutePolicy,
  SecretStoreInfo,
} from './api';
import { Collection, CollectionDocument, DocumentView, IngestState, Passage } from './rag';
import { CatalogEntry, Download, FitEstimate, HubModel, HubRepoFiles, LibraryModel, MachineReport, ModelLoadSettings } from './models';

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
  /** The thought text written so far (reasoning models; '' if none). */
  thoughts: z.string(),
  /** When the first thought arrived (epoch ms, main's clock), and how long the thinking took once the answer began. */
  thoughtStartedAt: z.number().nullable(),
  thoughtMs: z.number().int().nullable(),
  /** The seq of the last delta sent; the next delta has seq + 1. -1: none sent yet. */
  seq: z.number().int(),
  ahead: z.number().int().nonnegative(),
});
export type ActiveStream = z.infer<typeof ActiveStream>;

/**
 * An import travels in parts of at most this many characters, so each frame stays under the socket's cap (which
 * is sized for chat:send's 200,000 characters); the whole file may be up to IMPORT_MAX_BYTES.
 */
export const IMPORT_PART_CHARS = 200_000;
export const IMPORT_MAX_BYTES = 50 * 1024 * 1024;

// A lone UTF-16 surrogate cannot be stored (SQLite's UTF-8 makes it U+FFFD), so it becomes U+FFFD here,
// once, and the reply and the stored message agree. This is String.prototype.toWellFormed, which ES2023 lacks.
const MessageText = z
  .string()
  .trim()
  .overwrite((s) => s.replace(/\p{Cs}/gu, '\uFFFD'))
  .min(1)
  .max(200_000);
const SentMessage = z.object({ conversationId: id, userMessage: Message, assistantMessage: Message, streamId: id });
const StartedAnswer = z.object({ conversationId: id, assistantMessage: Message, streamId: id });

export const calls = {
  'app:getInfo': { input: z.void(), output: AppInfo },
  'conversations:list': { input: z.void(), output: z.array(ConversationSummary) },
  /**
   * A conversation with its current branch's messages, oldest first: all of them, or a page. `before` keeps the
   * messages older than that one; then `since` keeps those from that message on, else `limit` the newest so many.
   * `hasMore`: older messages were left out.
   */
  'conversations:get': {
    input: z.object({ id, limit: z.number().int().min(1).max(100_000).optional(), before: id.optional(), since: id.optional() }),
    output: ConversationWithMessages.extend({ hasMore: z.boolean() }),
  },
  'conversations:create': { input: z.void(), output: Conversation },
  'conversations:rename': { input: z.object({ id, title: z.string().trim().min(1).max(200) }), output: Conversation },
  'conversations:delete': { input: z.object({ id }), output: z.void() },
  /** Matching titles, then matching messages: the most relevant first for selective terms, the newest for common ones. */
  'conversations:search': { input: z.object({ query: z.string().max(500) }), output: z.array(SearchHit) },
  'conversations:pin': { input: z.object({ id, pinned: z.boolean() }), output: ConversationSummary },
  /** One conversation (`id`) or all of them (`id: null`), as Markdown or Hearth's versioned JSON. */
  'conversations:export': { input: z.object({ id: id.nullable(), format: z.enum(['markdown', 'json']) }), output: ExportFile },
  /** Appends the next part of a file to import; parts arrive in order, starting at 0. */
  'conversations:importPart': {
    input: z.object({ uploadId: id, index: z.number().int().min(0).max(10_000), text: z.string().max(IMPORT_PART_CHARS) }),
    output: z.object({ receivedBytes: z.number().int() }),
  },
  /** Imports the parts sent under `uploadId`: a Hearth export or a ChatGPT `conversations.json`. All or nothing. */
  'conversations:import': { input: z.object({ uploadId: id }), output: ImportResult },
  'chat:send': {
    input: z.object({ conversationId: id.nullable(), text: MessageText }),
    output: SentMessage,
  },
  'chat:stop': { input: z.object({ streamId: id }), output: z.object({ stopped: z.boolean() }) },
  /** Every answer being written or waiting, with its text so far: a client that reconnects resyncs from this. */
  'chat:active': { input: z.void(), output: z.array(ActiveStream) },
  /**
   * The context meter: tokens of the system prompt, the conversation and a draft against the loaded model's
   * context, counted by its own template. Null while no model is loaded (the meter never loads one).
   */
  'chat:measure': {
    input: z.object({ conversationId: id.nullable(), draft: z.string().max(200_000) }),
    output: z
      .object({
        system: z.number().int(),
        history: z.number().int(),
        draft: z.number().int(),
        total: z.number().int(),
        contextSize: z.number().int(),
      })
      .nullable(),
  },
  /** Sends an edited user message as a new branch beside the old one (same parent), and writes its answer. */
  'chat:edit': { input: z.object({ messageId: id, text: MessageText }), output: SentMessage },
  /**
   * A new answer as a branch beside this answer (or, given a user message, one more answer under it); the old
   * answers stay, one step away with `messages:switchBranch`.
   */
  /**
   * A new answer beside an answer. `target` runs it in a chosen place ("run it elsewhere": this machine, or a
   * remote model) instead of where the conversation's routing would send it.
   */
  'chat:regenerate': { input: z.object({ messageId: id, target: AnswerTarget.optional() }), output: StartedAnswer },
  /**
   * Compare: the same message answered twice, side by side, as two sibling answers under it (two local models run
   * one after the other through the switch policy). The user keeps one with `chat:keep`.
   */
  'chat:compare': {
    input: z.object({ messageId: id, targets: z.tuple([AnswerTarget, AnswerTarget]) }),
    output: z.object({
      conversationId: id,
      answers: z.tuple([StartedAnswer.omit({ conversationId: true }), StartedAnswer.omit({ conversationId: true })]),
    }),
  },
  /** Keeps one answer of a comparison in the conversation: it becomes current and its other siblings go. */
  'chat:keep': { input: z.object({ messageId: id }), output: z.void() },
  /** Writes more of a stopped (or failed) answer, appended to the same message. */
  'chat:continue': { input: z.object({ messageId: id }), output: StartedAnswer },
  /** Deletes a message and everything that follows it on any branch; a sibling, if any, becomes current. */
  'messages:delete': { input: z.object({ messageId: id }), output: z.void() },
  /** Makes the previous or next sibling of a message current; the chat shows its branch from there on. */
  'messages:switchBranch': {
    input: z.object({ messageId: id, direction: z.enum(['previous', 'next']) }),
    output: z.object({ messageId: id }),
  },
  /** The library: the models folder (split GGUFs as one model) and files the user opened, with cached metadata. */
  'models:list': { input: z.void(), output: z.array(LibraryModel) },
  /** Remembers a GGUF file outside the models folder (a file dialog, or a file dropped on the window). */
  'models:add': { input: z.object({ path }), output: LibraryModel },
  'models:pickFile': { input: z.void(), output: z.object({ path: z.string().nullable() }) },
  /** Deletes a model's file (every part) from the models folder, or forgets an opened file; unloads it first. */
  'models:delete': { input: z.object({ path, whileAnswering: SwitchPolicy.optional() }), output: z.void() },
  /** Changes a model's load settings (a partial update); a loaded model reloads with them at its next answer. */
  'models:settings': {
    input: z.object({ path, settings: ModelLoadSettings.partial().strict() }).strict(),
    output: LibraryModel,
  },
  /** Where models are kept; null: the default folder. */
  'models:setFolder': { input: z.object({ path: path.nullable() }), output: z.object({ modelsDir: z.string() }) },
  /** How a library model fits this machine at a context size (its own setting, else the global one). */
  'models:fit': { input: z.object({ path, contextSize: z.number().int().min(0).max(1_048_576).optional() }), output: FitEstimate },
  /** Answers being written finish first ('wait', the default) or are stopped, each saying why ('stop'). */
  'models:load': { input: z.object({ path, whileAnswering: SwitchPolicy.optional() }), output: EngineState },
  'models:unload': { input: z.object({ whileAnswering: SwitchPolicy.optional() }).optional(), output: EngineState },
  /** The curated catalog, optionally only models whose licence allows commercial use. */
  'catalog:list': { input: z.object({ commercialOnly: z.boolean().optional() }).optional(), output: z.array(CatalogEntry) },
  /** GGUF repositories on the Hub matching a query. */
  'hub:search': {
    input: z.object({
      query: z.string().trim().max(200),
      commercialOnly: z.boolean().optional(),
      kind: z.enum(['chat', 'embedding']).optional(),
    }),
    output: z.array(HubModel),
  },
  /** A repository's GGUF files with quantization, hash, quality note and fit at a context size; one is recommended. */
  'hub:files': {
    input: z.object({ repo: z.string().min(3).max(200), contextSize: z.number().int().min(0).max(1_048_576).optional() }),
    output: HubRepoFiles,
  },
  /** Stores (or, with null, forgets) a Hugging Face token for gated repositories. It is never sent back. */
  'hub:setToken': { input: z.object({ token: z.string().trim().min(1).max(500).nullable() }), output: z.object({ hasToken: z.boolean() }) },
  'hub:tokenStatus': { input: z.void(), output: z.object({ hasToken: z.boolean() }) },
  /**
   * Queues a download of one quantization (every part of a split file). Main lists the repository again at the
   * revision for sizes and hashes: nothing but the names comes from the caller.
   */
  'downloads:start': {
    input: z.object({ repo: z.string().min(3).max(200), revision: z.string().min(1).max(100), file: z.string().min(1).max(1000) }),
    output: Download,
  },
  'downloads:list': { input: z.void(), output: z.array(Download) },
  'downloads:pause': { input: z.object({ id }), output: Download },
  'downloads:resume': { input: z.object({ id }), output: Download },
  /** Stops a download and deletes its partial file. */
  'downloads:cancel': { input: z.object({ id }), output: Download },
  /** Forgets a finished, failed or cancelled download in the list (the model stays). */
  'downloads:dismiss': { input: z.object({ id }), output: z.void() },
  'collections:list': { input: z.void(), output: z.array(Collection) },
  'collections:create': { input: z.object({ name: z.string().trim().min(1).max(100) }), output: Collection },
  'collections:rename': { input: z.object({ id, name: z.string().trim().min(1).max(100) }), output: Collection },
  /** Deletes the collection and its index; the user's files are never touched. */
  'collections:delete': { input: z.object({ id }), output: z.void() },
  /** Adds a file or a folder (watched by default) and starts indexing it in the background. */
  'collections:addSource': { input: z.object({ id, path, watch: z.boolean().optional() }), output: Collection },
  'collections:removeSource': { input: z.object({ id, sourceId: id }), output: Collection },
  /** A native folder or file dialog, where the shell has one (desktop). */
  'collections:pickPath': { input: z.object({ kind: z.enum(['file', 'folder']) }), output: z.object({ path: z.string().nullable() }) },
  'collections:documents': { input: z.object({ id }), output: z.array(CollectionDocument) },
  /** Indexes again what changed (by content hash), or everything with `full`. */
  'collections:reindex': { input: z.object({ id, full: z.boolean().optional() }), output: IngestState },
  /** Stops the running ingestion; what was indexed stays, the rest stays pending. */
  'collections:cancel': { input: z.object({ id }), output: IngestState },
  /** Hybrid search (keywords and vectors, fused by reciprocal rank; reranked when a reranker is installed). */
  'collections:search': {
    input: z.object({
      ids: z.array(id).min(1).max(50),
      query: z.string().trim().min(1).max(2000),
      limit: z.number().int().min(1).max(50).optional(),
    }),
    output: z.array(Passage),
  },
  /** The embedding model for collections (a library model's path); null: keyword search only. Changing it re-embeds. */
  'collections:setEmbeddingModel': { input: z.object({ path: path.nullable() }), output: z.object({ path: z.string().nullable() }) },
  /** The collections a conversation answers from. */
  'conversations:collections': { input: z.object({ id }), output: z.object({ collectionIds: z.array(z.string()) }) },
  'conversations:setCollections': {
    input: z.object({ id, collectionIds: z.array(id).max(50) }),
    output: z.object({ collectionIds: z.array(z.string()) }),
  },
  /** A cited passage in its document: the page (PDF) or the text around it, with the passage marked. */
  'documents:view': {
    input: z.object({ documentId: id, charStart: z.number().int().min(0), charEnd: z.number().int().min(0) }),
    output: DocumentView,
  },
  /** Opens the document in the system's app for it (desktop only). */
  'documents:openExternal': { input: z.object({ documentId: id }), output: z.void() },
  /** The GPU doctor: backend, devices, VRAM, RAM, bandwidth, disk, and which backends failed and why. */
  'system:report': { input: z.void(), output: MachineReport },
  'engine:get': { input: z.void(), output: EngineState },
  'settings:get': { input: z.void(), output: Settings },
  // Which model is selected, and which files were opened, change only through models:* (which check the path).
  'settings:update': {
    input: Settings.omit({
      addedModelPaths: true,
      selectedModelPath: true,
      modelsFolder: true,
      embeddingModelPath: true,
      apiServerEnabled: true,
      apiServerPort: true,
      apiAllowedOrigins: true,
    })
      .partial()
      .strict(),
    output: Settings,
  },
  'presets:list': { input: z.void(), output: z.array(Preset) },
  'presets:create': { input: Preset.pick({ name: true, systemPrompt: true }).strict(), output: Preset },
  'presets:update': { input: Preset.pick({ name: true, systemPrompt: true }).partial().extend({ id }).strict(), output: Preset },
  /** Conversations that had picked it fall back to the global system prompt. */
  'presets:delete': { input: z.object({ id }), output: z.void() },
  'conversations:params': { input: z.object({ id }), output: ConversationParams },
  /** The API server: its state, with the key to copy. */
  'api:status': { input: z.void(), output: ApiServerStatus },
  /** Switches it on or off, moves it to another port, or changes the allowed origins; resolves once it listens (or failed to). */
  'api:configure': {
    input: z
      .object({ enabled: z.boolean(), port: z.number().int().min(1).max(65535), allowedOrigins: z.array(Origin).max(20) })
      .partial()
      .strict(),
    output: ApiServerStatus,
  },
  /** A new key; the old one stops working at once. */
  'api:regenerateKey': { input: z.void(), output: ApiServerStatus },
  /** The newest requests first. */
  'api:log': { input: z.object({ limit: z.number().int().min(1).max(1000).optional() }).optional(), output: z.array(ApiLogEntry) },
  'providers:list': { input: z.void(), output: z.array(Provider) },
  /** Adds a provider (no id) or changes one; the key is stored in the secret store, never returned. */
  'providers:save': { input: ProviderInput, output: Provider },
  'providers:delete': { input: z.object({ id }), output: z.void() },
  /** Asks the provider for its models with its key: says what is wrong in words when it cannot. */
  'providers:check': { input: z.object({ id }), output: ProviderCheck },
  'providers:secretStore': { input: z.void(), output: SecretStoreInfo },
  'router:get': { input: z.object({ conversationId: id }), output: ConversationRouting },
  'router:set': {
    input: z.object({
      conversationId: id,
      policy: RoutePolicy.optional(),
      private: z.boolean().optional(),
      remote: RemoteModelRef.nullable().optional(),
    }),
    output: ConversationRouting,
  },
  /** Routed answers, newest first, with this month's remote spending against the cap. */
  'router:log': { input: z.object({ limit: z.number().int().min(1).max(1000).optional() }).optional(), output: RouteLog },
  /** A partial update: absent keys stay; null resets a key to inherit. */
  'conversations:setParams': {
    input: z
      .object({
        id,
        presetId: id.nullable().optional(),
        systemPrompt: z.string().max(20_000).nullable().optional(),
        sampling: SamplingParams.partial().strict().optional(),
      })
      .strict(),
    output: ConversationParams,
  },
} satisfies Record<CallChannel, { input: z.ZodType; output: z.ZodType }>;

export const ChatDelta = z.object({
  streamId: id,
  conversationId: id,
  messageId: id,
  /** Text appended since the previous delta of this stream, to the answer or, for `thought`, to its thoughts. */
  text: z.string(),
  /** Absent: `text`. Thoughts and answer text share one seq per stream. */
  kind: z.enum(['text', 'thought']).optional(),
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
  thoughts: z.string(),
  thoughtMs: z.number().int().nullable(),
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
  /** A download moved on: progress (about twice a second), or a change of status. */
  'downloads:progress': Download,
  /** The library changed: a model was added, downloaded, deleted, or its settings or metadata changed. */
  'models:changed': z.object({}),
  /** A collection's ingestion moved on (about twice a second while it runs, and at each change of state). */
  'collections:progress': IngestState,
  /** A collection, its sources or its documents changed. */
  'collections:changed': z.object({ collectionId: id.nullable() }),
  'api:changed': ApiServerStatus,
  'api:request': ApiLogEntry,
  'providers:changed': z.object({}),
  'router:changed': z.object({ conversationId: id.nullable() }),
} satisfies Record<EventChannel, z.ZodType>;

export type CallInput<C extends CallChannel> = z.input<(typeof calls)[C]['input']>;
export type CallOutput<C extends CallChannel> = z.output<(typeof calls)[C]['output']>;
export type EventPayload<E extends EventChannel> = z.output<(typeof events)[E]>;
