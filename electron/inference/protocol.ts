import { z } from 'zod';
import { ERROR_CODES } from '../../shared/errors';
import { LoadedModel } from '../../shared/types';

/**
 * The one method map between the host (main or the headless server) and the inference process. For each job:
 * its input, its result and its events. The worker parses every input and the host parses every result and
 * event against these schemas, so nothing that crosses the process boundary is trusted or cast.
 */

export const GpuChoice = z.enum(['auto', 'off', 'cuda', 'vulkan', 'metal']);
export type GpuChoice = z.infer<typeof GpuChoice>;

/** What llama.cpp computes on. */
export const Backend = z.enum(['cuda', 'vulkan', 'metal', 'cpu']);
export type Backend = z.infer<typeof Backend>;

/** A backend that could not be used, and why, in words a person can act on. */
export const BackendFailure = z.object({ backend: Backend, reason: z.string() });
export type BackendFailure = z.infer<typeof BackendFailure>;

export const WorkerInit = z.object({
  gpu: GpuChoice,
  /**
   * Backends the host already saw fail (the process aborted or hung while starting one, or crashed in one): the
   * worker skips them and reports them among its fallbacks.
   */
  exclude: z.array(BackendFailure).max(8).optional(),
});
export type WorkerInit = z.infer<typeof WorkerInit>;

/**
 * The backends to try, in order, for a GPU choice: the fallback chain, CUDA, then Vulkan, then the CPU (Metal,
 * then the CPU, on macOS). A named backend starts the chain where it stands in it ('vulkan': Vulkan, then the
 * CPU); 'auto' tries only the GPU backends node-llama-cpp detects here (`detected`); 'off' is the CPU alone. A
 * backend the platform does not have (Metal off macOS, CUDA on macOS) leaves the platform's 'auto' chain.
 */
export function backendChain(gpu: GpuChoice, platform: NodeJS.Platform, detected: readonly Backend[] = []): Backend[] {
  const chain: Backend[] = platform === 'darwin' ? ['metal', 'cpu'] : ['cuda', 'vulkan', 'cpu'];
  switch (gpu) {
    case 'off':
      return ['cpu'];
    case 'auto':
      return chain.filter((b) => b === 'cpu' || detected.includes(b));
    case 'cuda':
    case 'vulkan':
    case 'metal':
      return chain.includes(gpu) ? chain.slice(chain.indexOf(gpu)) : backendChain('auto', platform, detected);
    default:
      return gpu satisfies never;
  }
}

/** A backend's name for people. */
export const BACKEND_NAMES: Record<Backend, string> = { cuda: 'CUDA', vulkan: 'Vulkan', metal: 'Metal', cpu: 'the CPU' };

/** The engine holds at most one model in each slot. */
export const Slot = z.enum(['chat', 'embedding', 'ranking']);
export type Slot = z.infer<typeof Slot>;

export const ChatTurn = z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() });
export type ChatTurn = z.infer<typeof ChatTurn>;

export const LoadOptions = z.object({
  /** Tokens per sequence; 0: as large as fits, up to the model's training context. */
  contextSize: z.number().int().nonnegative(),
  /** Answers that can be written at once (chat slot only): the context's sequences. */
  sequences: z.number().int().min(1).max(16).default(1),
  /** 'auto': as many as fit in free VRAM; 'max'; or a count. */
  gpuLayers: z.union([z.literal('auto'), z.literal('max'), z.number().int().nonnegative()]).default('auto'),
  flashAttention: z.union([z.literal('auto'), z.boolean()]).default('auto'),
  /** 0: node-llama-cpp's default. */
  batchSize: z.number().int().nonnegative().default(0),
  /** 0: chosen from the model's size and the machine's cores (see engine `threadsFor`). */
  threads: z.number().int().nonnegative().default(0),
  lora: z.array(z.object({ path: z.string().min(1), scale: z.number().min(-4).max(4).default(1) })).default([]),
});
export type LoadOptions = z.input<typeof LoadOptions>;

export const SlotModel = LoadedModel.extend({
  slot: Slot,
  embeddingSize: z.number().int().nonnegative(),
});
export type SlotModel = z.infer<typeof SlotModel>;

export const SamplingOptions = z.object({
  /** 0: until the model stops or the context is full. */
  maxTokens: z.number().int().nonnegative().default(0),
  temperature: z.number().min(0).max(2).default(0.7),
  topP: z.number().min(0).max(1).optional(),
  topK: z.number().int().nonnegative().optional(),
  minP: z.number().min(0).max(1).optional(),
  repeatPenalty: z.number().min(0).max(10).optional(),
  seed: z.number().int().nonnegative().optional(),
  stop: z.array(z.string().min(1)).max(16).default([]),
});

/** A JSON schema (node-llama-cpp's GBNF subset) or functions; node-llama-cpp takes one or the other per call. */
const FunctionDef = z.object({ description: z.string().optional(), params: z.record(z.string(), z.unknown()).optional() });
export const GenerateInput = z.object({
  /** Keeps a conversation on the sequence that already holds its history, so the next turn reuses it. */
  sequenceKey: z.string().max(200).optional(),
  turns: z.array(ChatTurn).min(1),
  options: SamplingOptions.extend({
    thoughtTokens: z.number().int().nonnegative().optional(),
    /** The last turn is a partial answer to write further (an answer the user stopped), not one to answer after. */
    continueLast: z.boolean().optional(),
    /** What happens when the chat outgrows the context (see contextPolicy.ts). */
    overflow: z.enum(['dropOldest', 'stop']).default('dropOldest'),
    jsonSchema: z.record(z.string(), z.unknown()).optional(),
    functions: z.record(z.string(), FunctionDef).optional(),
  }).refine((o) => !(o.jsonSchema && o.functions), 'Give either a JSON schema or functions, not both.'),
});
export type GenerateInput = z.input<typeof GenerateInput>;
export type GenerateOptions = z.input<typeof GenerateInput>['options'];

/** `contextFull`: the answer reached the context's edge under the `stop` overflow policy. */
export const StopReason = z.enum(['eog', 'maxTokens', 'abort', 'functionCalls', 'stopString', 'contextFull', 'other']);
export type StopReason = z.infer<typeof StopReason>;

export const GenerateResult = z.object({
  text: z.string(),
  /** Thought segments (reasoning models), kept apart from the answer. */
  thoughts: z.string(),
  thoughtMs: z.number().int().nullable(),
  functionCalls: z.array(z.object({ name: z.string(), params: z.unknown() })),
  stopReason: StopReason,
  promptTokens: z.number().int(),
  /** Prompt tokens that were already in the sequence and were not evaluated again. */
  reusedTokens: z.number().int(),
  completionTokens: z.number().int(),
  timeToFirstTokenMs: z.number().int().nullable(),
  durationMs: z.number().int(),
  /** Messages (after the system prompt) that had left the model's view by the end, oldest first. */
  droppedMessages: z.number().int().nonnegative(),
  /** Which of the context's sequences ran it. */
  sequence: z.number().int(),
});
export type GenerateResult = z.infer<typeof GenerateResult>;

export const GenerateEvent = z.object({ kind: z.enum(['text', 'thought']), text: z.string() });
export type GenerateEvent = z.infer<typeof GenerateEvent>;

export const InspectResult = z.object({
  source: z.string(),
  name: z.string().nullable(),
  /**
   * general.type: "model", or "adapter" for a LoRA adapter (llama.cpp's converters write one or the other; a newer
   * one may write another kind, such as "mmproj"); null where the file does not say.
   */
  type: z.string().nullable(),
  /** adapter.type of an adapter ("lora"); null for a model. */
  adapterType: z.string().nullable(),
  architecture: z.string().nullable(),
  /** For an adapter: the elements of its own low-rank tensors, not its base model's. */
  parameters: z.number().nullable(),
  fileType: z.string().nullable(),
  /** The whole model's bytes: every part of a split GGUF together. */
  sizeBytes: z.number(),
  /** A mixture of experts: its experts (`<arch>.expert_count`) and how many run per token (`expert_used_count`). */
  experts: z.number().int().nullable(),
  expertsUsed: z.number().int().nullable(),
  trainContextSize: z.number().int().nullable(),
  embeddingSize: z.number().int().nullable(),
  /** node-llama-cpp's count, the output layer included; for an adapter, the base's blocks it adapts. */
  layers: z.number().int(),
  license: z.string().nullable(),
  hasChatTemplate: z.boolean(),
  supportsRanking: z.boolean(),
  /**
   * node-llama-cpp's fit of the model at the asked context size. An adapter has no context of its own: its fit is
   * only its tensors, held in RAM beside its model, with nothing on the GPU.
   */
  fit: z.object({
    contextSize: z.number().int(),
    sequences: z.number().int(),
    gpuLayers: z.number().int(),
    compatibilityScore: z.number(),
    ramBytes: z.number(),
    vramBytes: z.number(),
    /** node-llama-cpp's estimate for the context alone, at the asked context size and sequences. */
    contextRamBytes: z.number(),
    contextVramBytes: z.number(),
  }),
});
export type InspectResult = z.infer<typeof InspectResult>;

/** A header's name is an HTTP token; its value one line (fetch refuses anything else, with the value in its error). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[^\r\n\0]*$/;
export const MAX_INSPECT_HEADERS = 8;
export const InspectHeaders = z
  .record(
    z.string().regex(HEADER_NAME, 'A header name is not a valid HTTP token.'),
    z.string().max(8192, 'A header value is too long.').regex(HEADER_VALUE, 'A header value spans lines.'),
  )
  .refine((h) => Object.keys(h).length <= MAX_INSPECT_HEADERS, `At most ${MAX_INSPECT_HEADERS} headers can be sent.`);

/** For each job: what goes in, what comes out, and what it may emit while it runs. */
export const jobs = {
  load: { input: z.object({ slot: Slot, path: z.string().min(1), options: LoadOptions }), result: SlotModel, event: z.never() },
  unload: { input: z.object({ slot: Slot }), result: z.null(), event: z.never() },
  generate: { input: GenerateInput, result: GenerateResult, event: GenerateEvent },
  complete: {
    input: z.object({ sequenceKey: z.string().max(200).optional(), prompt: z.string(), options: SamplingOptions }),
    result: GenerateResult,
    event: GenerateEvent,
  },
  embed: {
    input: z.object({ texts: z.array(z.string()).min(1).max(4096) }),
    result: z.object({ vectors: z.array(z.array(z.number())), tokens: z.number().int() }),
    event: z.object({ done: z.number().int() }),
  },
  rank: {
    input: z.object({ query: z.string(), documents: z.array(z.string()).min(1).max(4096) }),
    result: z.object({ scores: z.array(z.number()) }),
    event: z.never(),
  },
  /** The context meter: tokens of the system prompt, the history and a draft, as the chat template lays them out. */
  measure: {
    input: z.object({ turns: z.array(ChatTurn), draft: z.string() }),
    result: z.object({
      system: z.number().int(),
      history: z.number().int(),
      draft: z.number().int(),
      total: z.number().int(),
      contextSize: z.number().int(),
    }),
    event: z.never(),
  },
  tokenize: {
    input: z.object({ slot: Slot.default('chat'), text: z.string() }),
    result: z.object({ count: z.number().int() }),
    event: z.never(),
  },
  inspect: {
    input: z.object({
      /** A local path, or an http(s) URL whose GGUF header is read with Range requests. */
      source: z.string().min(1),
      contextSize: z.number().int().positive().default(4096),
      sequences: z.number().int().positive().default(1),
      /**
       * HTTP headers for every request of a remote read (ignored for a local path): `Authorization: Bearer ...` for a
       * gated Hub repository. The caller decides when to send them; nothing logs them.
       */
      headers: InspectHeaders.optional(),
    }),
    result: InspectResult,
    event: z.never(),
  },
  status: {
    input: z.object({}),
    result: z.object({
      gpu: z.string(),
      /** The backend llama.cpp runs on in this process. */
      backend: Backend,
      /** llama.cpp's names for the GPUs it uses (none on the CPU). */
      devices: z.array(z.string()),
      /** The backends tried before this one, each with why it failed, in the order they were tried. */
      fallbacks: z.array(BackendFailure),
      cpuMathCores: z.number().int(),
      vram: z.object({ total: z.number(), free: z.number() }),
      ram: z.object({ total: z.number(), free: z.number() }),
      /** The inference process's resident memory now (what it holds, models and contexts included). */
      rssBytes: z.number().nonnegative(),
      slots: z.array(SlotModel),
    }),
    event: z.never(),
  },
} as const;

export type JobName = keyof typeof jobs;
export type JobInput<J extends JobName> = z.input<(typeof jobs)[J]['input']>;
export type ParsedJobInput<J extends JobName> = z.output<(typeof jobs)[J]['input']>;
export type JobResult<J extends JobName> = z.output<(typeof jobs)[J]['result']>;
export type JobEvent<J extends JobName> = z.output<(typeof jobs)[J]['event']>;
export const JOB_NAMES = Object.keys(jobs) as JobName[];

const ErrorEnvelope = z.object({ code: z.enum(ERROR_CODES), message: z.string() });

/** Host -> worker. Plain data only. */
export const HostMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('job'), id: z.number().int(), job: z.enum(JOB_NAMES as [JobName, ...JobName[]]), input: z.unknown() }),
  /** Cancels a job whether it is running, waiting in the worker, or not yet arrived. */
  z.object({ type: z.literal('abort'), id: z.number().int() }),
  z.object({ type: z.literal('ping'), n: z.number().int() }),
]);
export type HostMessage = z.infer<typeof HostMessage>;

/** Worker -> host. */
export const WorkerMessage = z.union([
  /** Sent before each backend is tried, so a host that sees the process die before 'ready' knows which one killed it. */
  z.object({ type: z.literal('starting'), backend: Backend }),
  z.object({
    type: z.literal('ready'),
    gpu: z.string(),
    backend: Backend,
    devices: z.array(z.string()),
    fallbacks: z.array(BackendFailure),
  }),
  z.object({ type: z.literal('result'), id: z.number().int(), ok: z.literal(true), value: z.unknown() }),
  z.object({ type: z.literal('result'), id: z.number().int(), ok: z.literal(false), error: ErrorEnvelope }),
  z.object({ type: z.literal('event'), id: z.number().int(), event: z.unknown() }),
  z.object({ type: z.literal('pong'), n: z.number().int() }),
  z.object({ type: z.literal('log'), level: z.string(), message: z.string() }),
]);
export type WorkerMessage = z.infer<typeof WorkerMessage>;
