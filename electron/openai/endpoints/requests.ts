import { z } from 'zod';

/**
 * The OpenAI request bodies Hearth reads, as zod schemas. A body is untrusted: what fails here is a 400 naming
 * the field. Objects are loose on purpose: clients send fields Hearth has no use for (user, metadata, store,
 * parallel_tool_calls...), and those are ignored; fields that would change the answer and that the engine cannot
 * honour are declared here and refused in words by the endpoint, never dropped silently.
 */

/** A content part: text is read; anything else (images, audio, files) is refused by the endpoint with its path. */
const ContentPart = z.object({ type: z.string(), text: z.string().optional(), refusal: z.string().optional() }).loose();
export type ContentPart = z.infer<typeof ContentPart>;
const Content = z.union([z.string(), z.array(ContentPart).max(1000)]);
export type Content = z.infer<typeof Content>;

const ToolCall = z
  .object({
    id: z.string().max(200),
    type: z.literal('function').optional(),
    function: z.object({ name: z.string().max(200), arguments: z.string() }).loose(),
  })
  .loose();
export type ToolCall = z.infer<typeof ToolCall>;

const Message = z.discriminatedUnion('role', [
  z.object({ role: z.enum(['system', 'developer']), content: Content, name: z.string().optional() }).loose(),
  z.object({ role: z.literal('user'), content: Content, name: z.string().optional() }).loose(),
  z
    .object({
      role: z.literal('assistant'),
      content: Content.nullish(),
      refusal: z.string().nullish(),
      tool_calls: z.array(ToolCall).max(128).nullish(),
      /** The deprecated single call. */
      function_call: z
        .object({ name: z.string().max(200), arguments: z.string() })
        .loose()
        .nullish(),
    })
    .loose(),
  z.object({ role: z.literal('tool'), content: Content, tool_call_id: z.string().max(200) }).loose(),
  z.object({ role: z.literal('function'), name: z.string().max(200), content: z.string().nullable() }).loose(),
]);
export type Message = z.infer<typeof Message>;

/** OpenAI's rule for function names. */
const FunctionName = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'A function name is 1 to 64 letters, digits, _ or -.');

const Tool = z
  .object({
    type: z.literal('function'),
    function: z
      .object({
        name: FunctionName,
        description: z.string().max(10_000).optional(),
        parameters: z.record(z.string(), z.unknown()).optional(),
        strict: z.boolean().nullish(),
      })
      .loose(),
  })
  .loose();
export type Tool = z.infer<typeof Tool>;

const ToolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: z.string() }).loose() }).loose(),
]);
export type ToolChoice = z.infer<typeof ToolChoice>;

const ResponseFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }).loose(),
  z.object({ type: z.literal('json_object') }).loose(),
  z
    .object({
      type: z.literal('json_schema'),
      json_schema: z
        .object({
          name: z.string().max(64),
          description: z.string().optional(),
          /** Left out: any JSON object, as json_object. */
          schema: z.record(z.string(), z.unknown()).optional(),
          strict: z.boolean().nullish(),
        })
        .loose(),
    })
    .loose(),
]);
export type ResponseFormat = z.infer<typeof ResponseFormat>;

/** Stop strings: one, or a list (the engine takes up to 16). */
const Stop = z.union([z.string().min(1), z.array(z.string().min(1)).max(16)]);

/** What both text endpoints share: the model, sampling, and how the answer comes back. */
const Sampling = {
  model: z.string().max(4096).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  /** llama.cpp's seed is 32-bit. */
  seed: z.number().int().min(0).max(0xffff_ffff).nullish(),
  stop: Stop.nullish(),
  n: z.number().int().nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).loose().nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  logit_bias: z.record(z.string(), z.number()).nullish(),
};

export const ChatRequest = z
  .object({
    ...Sampling,
    messages: z.array(Message).min(1).max(100_000),
    max_tokens: z.number().int().positive().nullish(),
    max_completion_tokens: z.number().int().positive().nullish(),
    response_format: ResponseFormat.nullish(),
    tools: z.array(Tool).max(128).nullish(),
    tool_choice: ToolChoice.nullish(),
    logprobs: z.boolean().nullish(),
    top_logprobs: z.number().int().nullish(),
  })
  .loose();
export type ChatRequest = z.infer<typeof ChatRequest>;

/** A prompt as text, or as token ids (which the endpoint refuses in words). */
const Prompt = z.union([z.string(), z.array(z.string()), z.array(z.number()), z.array(z.array(z.number()))]);

export const CompletionRequest = z
  .object({
    ...Sampling,
    prompt: Prompt,
    /** OpenAI's default for this endpoint is 16 tokens. */
    max_tokens: z.number().int().positive().nullish(),
    echo: z.boolean().nullish(),
    best_of: z.number().int().nullish(),
    logprobs: z.number().int().nullish(),
    suffix: z.string().nullish(),
  })
  .loose();
export type CompletionRequest = z.infer<typeof CompletionRequest>;

export const EmbeddingRequest = z
  .object({
    model: z.string().max(4096).nullish(),
    input: Prompt,
    encoding_format: z.enum(['float', 'base64']).nullish(),
    dimensions: z.number().int().nullish(),
  })
  .loose();
export type EmbeddingRequest = z.infer<typeof EmbeddingRequest>;
