import { z } from 'zod';

/**
 * The model manager's types: the library of GGUF files, the Hub and the catalog, licence cards, fit estimates,
 * downloads and the GPU doctor. Shared by main (which owns the truth) and the renderer.
 */

/**
 * What a licence lets people do, in four kinds (and unknown):
 * - `open-source`: open weights with open data and training code (OLMo);
 * - `permissive`: open weights under a permissive licence (Apache-2.0, MIT);
 * - `restricted`: open weights with use restrictions (the Llama community licence, Gemma's terms);
 * - `non-commercial`: research or personal use only.
 */
export const LicenceCategory = z.enum(['open-source', 'permissive', 'restricted', 'non-commercial', 'unknown']);
export type LicenceCategory = z.infer<typeof LicenceCategory>;

/** A licence in plain words, shown before a download and kept beside the downloaded file. */
export const LicenceCard = z.object({
  /** The Hub's licence id ("apache-2.0", "llama3.1", "other"), lower case; "unknown" when none is given. */
  id: z.string(),
  /** Its name for people ("Llama 3.1 Community License"). */
  name: z.string(),
  category: LicenceCategory,
  /** true: commercial use is allowed (perhaps with conditions); false: not; null: unknown, read the licence. */
  commercialUse: z.boolean().nullable(),
  /** The key conditions, each a short sentence in plain words. */
  conditions: z.array(z.string()),
  /** Where the full text is, when known. */
  url: z.string().nullable(),
});
export type LicenceCard = z.infer<typeof LicenceCard>;

/** What a quantization costs against full precision, from llama.cpp's published perplexity and KL-divergence. */
export const QuantInfo = z.object({
  /** "Q4_K_M", "Q8_0", "F16", "IQ3_XXS", ... */
  name: z.string(),
  bitsPerWeight: z.number().nullable(),
  quality: z.enum(['lossless', 'near-lossless', 'very-small-loss', 'small-loss', 'noticeable-loss', 'large-loss', 'unknown']),
  /** One sentence: the measured loss and what it means in use. */
  note: z.string(),
});
export type QuantInfo = z.infer<typeof QuantInfo>;

/** How a model would run on this machine at a context size. */
export const FitEstimate = z.object({
  verdict: z.enum(['all-gpu', 'partial-gpu', 'cpu-only', 'wont-fit']),
  /** "All on GPU", "20 of 33 layers on GPU", "CPU only", "Won't fit: needs 9.1 GB, 6.2 GB free". */
  label: z.string(),
  contextSize: z.number().int(),
  gpuLayers: z.number().int(),
  layers: z.number().int(),
  /** Memory it would take: the weights and the context together. */
  ramBytes: z.number(),
  vramBytes: z.number(),
  /** node-llama-cpp's compatibility score, 0 to 1. */
  score: z.number(),
  /** Expected generation speed, from memory bandwidth; null when nothing is known to estimate it from. */
  tokensPerSecond: z.object({ low: z.number(), high: z.number(), source: z.string() }).nullable(),
});
export type FitEstimate = z.infer<typeof FitEstimate>;

/** Per-model load settings; null or 'auto' fields follow the global settings or the engine's choice. */
export const ModelLoadSettings = z.object({
  /** Tokens; null: the global setting. */
  contextSize: z.number().int().min(0).max(1_048_576).nullable(),
  gpuLayers: z.union([z.literal('auto'), z.number().int().min(0).max(1000)]),
  flashAttention: z.union([z.literal('auto'), z.boolean()]),
  /** null: node-llama-cpp's default. */
  batchSize: z.number().int().min(1).max(65_536).nullable(),
  /** null: the global setting. */
  threads: z.number().int().min(1).max(256).nullable(),
  /** LoRA adapters (GGUF) applied on top of this model when it loads. */
  lora: z.array(z.object({ path: z.string().min(1).max(4096), scale: z.number().min(-4).max(4) })).max(8),
});
export type ModelLoadSettings = z.infer<typeof ModelLoadSettings>;

export const DEFAULT_MODEL_SETTINGS: ModelLoadSettings = {
  contextSize: null,
  gpuLayers: 'auto',
  flashAttention: 'auto',
  batchSize: null,
  threads: null,
  lora: [],
};

/** What the GGUF header says, read by the engine's inspect job and cached by path, size and modification time. */
export const ModelMeta = z.object({
  name: z.string().nullable(),
  architecture: z.string().nullable(),
  parameters: z.number().nullable(),
  quantization: z.string().nullable(),
  trainContextSize: z.number().int().nullable(),
  layers: z.number().int(),
  hasChatTemplate: z.boolean(),
  /** The licence the file itself names (general.license), if any. */
  license: z.string().nullable(),
  /** An embedding model is an encoder architecture or a reranker (a base model without a template still chats); an adapter is general.type "adapter". */
  kind: z.enum(['chat', 'embedding', 'adapter']),
});
export type ModelMeta = z.infer<typeof ModelMeta>;

/** A model in the library: a GGUF in the models folder, or one the user opened. */
export const LibraryModel = z.object({
  path: z.string(),
  fileName: z.string(),
  /** All parts together, for a split GGUF. */
  sizeBytes: z.number().int(),
  source: z.enum(['folder', 'added', 'downloaded']),
  /** Files in a split GGUF (`-00001-of-00003.gguf`); 1 otherwise. `path` is the first. */
  parts: z.number().int().positive(),
  /** null until read, or when the preflight refused the file (then `problem` says why). */
  meta: ModelMeta.nullable(),
  /** Why this file cannot be loaded (truncated, malformed, a part missing), or null. */
  problem: z.string().nullable(),
  /** Where it came from on the Hub, when Hearth downloaded it. */
  hub: z.object({ repo: z.string(), revision: z.string(), file: z.string() }).nullable(),
  /** Checked against the Hub's hash when downloaded; null for files Hearth did not download. */
  sha256: z.string().nullable(),
  license: LicenceCard.nullable(),
  settings: ModelLoadSettings,
});
export type LibraryModel = z.infer<typeof LibraryModel>;

/** One quantization of a Hub repository: a GGUF file, or the parts of a split one. */
export const HubFile = z.object({
  /** The path in the repository (the first part, for a split file). */
  path: z.string(),
  /** Every part's path, in order (one entry for a whole file). */
  parts: z.array(z.string()),
  sizeBytes: z.number(),
  /** The LFS SHA-256 of each part, in order (null where the Hub gave none). */
  sha256: z.array(z.string().nullable()),
  quant: QuantInfo.nullable(),
  /** null: not estimated (the header could not be read; `fitError` says why). */
  fit: FitEstimate.nullable(),
  fitError: z.string().nullable(),
  recommended: z.boolean(),
  /** Already in the library. */
  downloaded: z.boolean(),
});
export type HubFile = z.infer<typeof HubFile>;

export const HubModel = z.object({
  /** "owner/name". */
  repo: z.string(),
  author: z.string(),
  downloads: z.number().int(),
  likes: z.number().int(),
  updatedAt: z.string().nullable(),
  license: LicenceCard,
  gated: z.boolean(),
  kind: z.enum(['chat', 'embedding']),
});
export type HubModel = z.infer<typeof HubModel>;

export const HubRepoFiles = HubModel.extend({
  /** The commit the files were listed at; downloads pin it. */
  revision: z.string(),
  files: z.array(HubFile),
});
export type HubRepoFiles = z.infer<typeof HubRepoFiles>;

/** A curated model: kept as data (electron/models/catalog/catalog.json), not code. */
export const CatalogEntry = z.object({
  id: z.string(),
  title: z.string(),
  repo: z.string(),
  /** The quantization to suggest when nothing better is known ("Q4_K_M"). */
  quant: z.string(),
  kind: z.enum(['chat', 'embedding']),
  family: z.string(),
  /** "0.5B", "8B". */
  parameters: z.string(),
  approxSizeBytes: z.number(),
  description: z.string(),
  license: LicenceCard,
  /**
   * An embedding model's prefixes, put before each text it embeds: a search's query ("search_query: ") and each
   * passage it searches ("search_document: "). Trained with them, it retrieves worse without them. An empty string
   * is no prefix; a chat model has none at all.
   */
  prefixes: z.object({ query: z.string().max(500), document: z.string().max(500) }).optional(),
});
export type CatalogEntry = z.infer<typeof CatalogEntry>;

export const DownloadStatus = z.enum(['queued', 'downloading', 'paused', 'verifying', 'done', 'failed', 'cancelled']);
export type DownloadStatus = z.infer<typeof DownloadStatus>;

export const Download = z.object({
  id: z.string(),
  repo: z.string(),
  revision: z.string(),
  /** The file's path in the repository (the first part, for a split file). */
  file: z.string(),
  /** Where the finished file goes (the first part). */
  destPath: z.string(),
  status: DownloadStatus,
  totalBytes: z.number(),
  receivedBytes: z.number(),
  /** Over the last few seconds; 0 when not receiving. */
  bytesPerSecond: z.number(),
  /** null when unknown (not receiving). */
  etaSeconds: z.number().nullable(),
  /** The try this is (1 first); retries back off. */
  attempt: z.number().int(),
  error: z.string().nullable(),
  license: LicenceCard,
  createdAt: z.number(),
});
export type Download = z.infer<typeof Download>;

/** What the GPU doctor knows about this machine. */
export const MachineReport = z.object({
  /** The backend llama.cpp runs on. */
  backend: z.enum(['cuda', 'metal', 'vulkan', 'cpu']),
  devices: z.array(z.string()),
  vram: z.object({ total: z.number(), free: z.number() }),
  ram: z.object({ total: z.number(), free: z.number() }),
  cpuCores: z.number().int(),
  /** Backends tried before the one in use, each with why it failed. */
  fallbacks: z.array(z.object({ backend: z.string(), reason: z.string() })),
  /** Memory bandwidth used for speed estimates, with where each number came from. */
  bandwidth: z.object({
    gpu: z.object({ gbPerSecond: z.number(), source: z.string() }).nullable(),
    cpu: z.object({ gbPerSecond: z.number(), source: z.string() }).nullable(),
  }),
  /** Free disk space in the models folder. */
  diskFreeBytes: z.number(),
  modelsDir: z.string(),
});
export type MachineReport = z.infer<typeof MachineReport>;
