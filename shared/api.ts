import { z } from 'zod';

/**
 * The local OpenAI-compatible API server, remote OpenAI-compatible providers, and the router that picks where an
 * answer runs. Types shared by main and renderer; schemas are the source.
 */

// ---------------------------------------------------------------------------------------------------------------
// The API server

/** What the settings page shows about the API server. */
export const ApiServerStatus = z.object({
  /** The user switched it on (a setting, kept across starts). */
  enabled: z.boolean(),
  /** It is listening now. */
  running: z.boolean(),
  /** The port it listens on (or will, once switched on). */
  port: z.number().int().min(0).max(65535),
  /** `http://127.0.0.1:<port>/v1` while running; null otherwise. */
  baseUrl: z.string().nullable(),
  /**
   * The bearer key clients send (shown so the user can copy it into their tool; never logged). Null until the
   * server first starts and makes one.
   */
  key: z.string().nullable(),
  /** The file the key is kept in (readable by the user alone). */
  keyFile: z.string(),
  /** Browser origins allowed to call it (`https://app.example`); none by default, so no web page can. */
  allowedOrigins: z.array(z.string()),
  /** Why it is not running although enabled: the port is taken, ... */
  error: z.string().nullable(),
});
export type ApiServerStatus = z.infer<typeof ApiServerStatus>;

/** One request the API server answered: the request log in the UI. Never holds the key or the prompt. */
export const ApiLogEntry = z.object({
  id: z.string(),
  at: z.number().int(),
  method: z.string(),
  path: z.string(),
  status: z.number().int(),
  durationMs: z.number().int(),
  /** The model it ran on, when it ran on one. */
  model: z.string().nullable(),
  stream: z.boolean(),
  promptTokens: z.number().int().nullable(),
  completionTokens: z.number().int().nullable(),
  /** The client's User-Agent, cut short. */
  client: z.string().nullable(),
  /** Why it failed, in words (401, 400 with the unsupported schema part, a client that went away...). */
  error: z.string().nullable(),
});
export type ApiLogEntry = z.infer<typeof ApiLogEntry>;

/** An origin as a browser sends it: scheme, host and port, nothing else. */
export const Origin = z
  .string()
  .trim()
  .max(200)
  .regex(/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i, 'An origin is scheme, host and optional port, like https://app.example:8443.');

/**
 * The id the API gives a model file (`/v1/models`, and what a client names): its file name without `.gguf` and
 * without a split file's `-00001-of-00003`. `qwen2.5-0.5b-instruct-q4_k_m.gguf` -> `qwen2.5-0.5b-instruct-q4_k_m`.
 */
export function apiModelId(pathOrFileName: string): string {
  const fileName = pathOrFileName.split(/[\\/]/).pop() ?? pathOrFileName;
  return fileName.replace(/\.gguf$/i, '').replace(/-\d{5}-of-\d{5}$/, '');
}

// ---------------------------------------------------------------------------------------------------------------
// Remote providers

/** A model a provider serves, with its price in US dollars per million tokens (0: free, or the user's own server). */
export const ProviderModel = z.object({
  id: z.string().trim().min(1).max(200),
  inputPerMTok: z.number().min(0).max(10_000),
  outputPerMTok: z.number().min(0).max(10_000),
});
export type ProviderModel = z.infer<typeof ProviderModel>;

/** Any OpenAI-compatible endpoint: a frontier API, or the user's own vLLM or llama.cpp server. */
export const Provider = z.object({
  id: z.string(),
  name: z.string(),
  /** Up to and including `/v1` (`https://api.openai.com/v1`, `http://10.0.0.5:8000/v1`). */
  baseUrl: z.string(),
  /** Nothing goes to a provider until the user enables it. */
  enabled: z.boolean(),
  /** A key is stored (its value never leaves main). */
  hasKey: z.boolean(),
  models: z.array(ProviderModel),
  createdAt: z.number().int(),
});
export type Provider = z.infer<typeof Provider>;

export const ProviderInput = z.object({
  /** Absent: a new provider. */
  id: z.string().min(1).max(100).optional(),
  name: z.string().trim().min(1).max(100),
  baseUrl: z
    .string()
    .trim()
    .max(500)
    .regex(/^https?:\/\/[^\s]+$/i, 'The base URL starts with http:// or https://.'),
  /** A new key; null removes the stored one; absent keeps it. */
  key: z.string().trim().max(4096).nullable().optional(),
  enabled: z.boolean(),
  models: z.array(ProviderModel).max(100),
});
export type ProviderInput = z.infer<typeof ProviderInput>;

/** Where provider keys are kept, and what the user should know about it. */
export const SecretStoreInfo = z.object({
  /**
   * `keychain`: Electron's safeStorage with the system's keyring; `basic_text`: safeStorage on Linux without a
   * keyring (obfuscated, not encrypted); `file`: a file only the user can read (headless).
   */
  kind: z.enum(['keychain', 'basic_text', 'file']),
  /** Said to the user where the keys are less safe than they might think; null when there is nothing to say. */
  warning: z.string().nullable(),
});
export type SecretStoreInfo = z.infer<typeof SecretStoreInfo>;

/** What a provider check found: it answered with these models, or why not (a wrong key, a timeout...). */
export const ProviderCheck = z.object({ ok: z.boolean(), message: z.string(), models: z.array(z.string()) });
export type ProviderCheck = z.infer<typeof ProviderCheck>;

// ---------------------------------------------------------------------------------------------------------------
// Routing

/** Where a conversation's answers may run. */
export const RoutePolicy = z.enum(['local', 'remote', 'auto']);
export type RoutePolicy = z.infer<typeof RoutePolicy>;

/** A remote model: a provider and one of its models. */
export const RemoteModelRef = z.object({ providerId: z.string().min(1).max(100), model: z.string().min(1).max(200) });
export type RemoteModelRef = z.infer<typeof RemoteModelRef>;

/** One conversation's routing. */
export const ConversationRouting = z.object({
  conversationId: z.string(),
  policy: RoutePolicy,
  /** Marked private by the user: never leaves the machine, whatever the policy. */
  private: z.boolean(),
  /** The remote model for `remote` and `auto`; null: the default one in settings. */
  remote: RemoteModelRef.nullable(),
});
export type ConversationRouting = z.infer<typeof ConversationRouting>;

/** Which rule decided. */
export const RouteRule = z.enum([
  /** The conversation's policy is local only or remote only. */
  'policy',
  /** Marked private. */
  'private',
  /** Document collections are attached. */
  'documents',
  /** No provider is enabled (or none has the model). */
  'no-provider',
  /** The month's remote spending would pass the cap. */
  'cost-cap',
  /** Auto: the complexity estimate. */
  'complexity',
  /** The user asked for this place (run elsewhere, compare). */
  'user',
]);
export type RouteRule = z.infer<typeof RouteRule>;

/** Where an answer ran and why: shown under the answer, kept with it. */
export const MessageRoute = z.object({
  target: z.enum(['local', 'remote']),
  providerId: z.string().nullable(),
  providerName: z.string().nullable(),
  /** The model's name: a local file's, or the provider's model id. */
  model: z.string(),
  rule: RouteRule,
  /** In words: "Documents are attached, so it stays on this machine." */
  reason: z.string(),
  /** Auto's complexity estimate, 0..1, when it was made. */
  complexity: z.number().min(0).max(1).nullable(),
  /** What the answer cost in US dollars (0 locally), once known. */
  costUsd: z.number().nullable(),
});
export type MessageRoute = z.infer<typeof MessageRoute>;

/** One routed answer in the routing log: where it ran, why, its tokens and its cost. */
export const RouteLogEntry = z.object({
  id: z.string(),
  at: z.number().int(),
  conversationId: z.string(),
  messageId: z.string(),
  target: z.enum(['local', 'remote']),
  providerName: z.string().nullable(),
  model: z.string(),
  rule: RouteRule,
  reason: z.string(),
  promptTokens: z.number().int().nullable(),
  completionTokens: z.number().int().nullable(),
  costUsd: z.number(),
});
export type RouteLogEntry = z.infer<typeof RouteLogEntry>;

export const RouteLog = z.object({
  entries: z.array(RouteLogEntry),
  /** Spent on remote answers this calendar month (UTC), US dollars. */
  monthCostUsd: z.number(),
  /** The cap from settings. */
  monthlyCapUsd: z.number(),
});
export type RouteLog = z.infer<typeof RouteLog>;

/** Where one side of a comparison runs. */
export const AnswerTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local'), modelPath: z.string().min(1).max(4096) }),
  z.object({ kind: z.literal('remote'), providerId: z.string().min(1).max(100), model: z.string().min(1).max(200) }),
]);
export type AnswerTarget = z.infer<typeof AnswerTarget>;
