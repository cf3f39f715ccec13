import { z } from 'zod';

/**
 * What OpenAI-compatible servers send back, as far as Hearth reads it. Lenient where servers differ (vLLM,
 * llama.cpp's server, OpenRouter, OpenAI itself): unknown fields pass, absent ones are optional, and nulls are
 * accepted where servers send them.
 */

const Usage = z
  .object({
    prompt_tokens: z.number().int().nonnegative(),
    completion_tokens: z.number().int().nonnegative(),
    prompt_tokens_details: z.object({ cached_tokens: z.number().int().nonnegative().nullish() }).passthrough().nullish(),
  })
  .passthrough();
export type WireUsage = z.infer<typeof Usage>;

/** Reasoning models' thoughts: `reasoning_content` (DeepSeek, vLLM, llama.cpp), `reasoning` (OpenRouter, newer vLLM). */
const Text = z
  .object({ content: z.string().nullish(), reasoning_content: z.string().nullish(), reasoning: z.string().nullish() })
  .passthrough();

/** An error as servers word it: OpenAI nests it under `error`; vLLM puts it at the top; some send a bare string. */
const ErrorFields = z.object({
  message: z.string().nullish(),
  type: z.string().nullish(),
  code: z.union([z.string(), z.number()]).nullish(),
  param: z.unknown().optional(),
});
export const WireErrorBody = z.union([
  z.object({ error: z.union([ErrorFields.passthrough(), z.string()]) }).passthrough(),
  ErrorFields.extend({ message: z.string() }).passthrough(),
]);

/** One streamed `chat.completion.chunk`. The last one (with include_usage) has no choices and the usage. */
export const WireChunk = z
  .object({
    choices: z.array(z.object({ delta: Text.nullish(), finish_reason: z.string().nullish() }).passthrough()).nullish(),
    usage: Usage.nullish(),
    /** Some servers report a failure inside the stream rather than with a status. */
    error: z.unknown().optional(),
  })
  .passthrough();
export type WireChunk = z.infer<typeof WireChunk>;

/** A whole `chat.completion`: what a server that ignores `stream: true` sends instead. */
export const WireCompletion = z
  .object({
    choices: z.array(z.object({ message: Text, finish_reason: z.string().nullish() }).passthrough()).min(1),
    usage: Usage.nullish(),
  })
  .passthrough();

/** GET /models. */
export const WireModelList = z.object({ data: z.array(z.object({ id: z.string() }).passthrough()) }).passthrough();

/** A server's error, reduced to what Hearth explains. */
export interface RemoteErrorDetail {
  message: string | null;
  code: string | null;
  type: string | null;
  /** The request parameter the error is about (OpenAI's `param`), when it names one. */
  param?: string | null;
}

/** Reads an error body (already parsed JSON, or null when it was not JSON). */
export function errorDetail(body: unknown): RemoteErrorDetail {
  const r = WireErrorBody.safeParse(body);
  if (!r.success) return { message: null, code: null, type: null };
  const e = 'error' in r.data ? r.data.error : r.data;
  if (typeof e === 'string') return { message: e, code: null, type: null };
  const parsed = ErrorFields.safeParse(e);
  if (!parsed.success) return { message: null, code: null, type: null };
  const { message, code, type, param } = parsed.data;
  return {
    message: message ?? null,
    code: code === undefined || code === null ? null : String(code),
    type: type ?? null,
    param: typeof param === 'string' ? param : null,
  };
}
