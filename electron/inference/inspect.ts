import { stat } from 'node:fs/promises';
import type { GgufFileInfo, Llama } from 'node-llama-cpp';
import { AppError } from '../../shared/errors';
import { preflightGguf } from './ggufPreflight';
import { nodeLlamaCpp } from './nodeLlamaCpp';
import type { JobResult, ParsedJobInput } from './protocol';

const isUrl = (s: string): boolean => /^https?:\/\//i.test(s);
/** node-llama-cpp's own pattern for the parts of a split GGUF (resolveSplitGgufParts), so both see the same parts. */
const SPLIT_PART = /-(\d{5})-of-(\d{5})\.gguf$/;
const BLOCK = /^blk\.(\d+)\./;

type Result = JobResult<'inspect'>;

/**
 * A GGUF file's metadata and node-llama-cpp's own view of how it fits this machine at a context size, from a
 * local path or from a URL (only the header is read, with Range requests). Nothing is loaded. A LoRA adapter is
 * described too, with a fit that is only its own tensors: node-llama-cpp's insights are about models.
 */
export async function inspectGguf(llama: Llama, input: ParsedJobInput<'inspect'>, signal: AbortSignal): Promise<Result> {
  const remote = isUrl(input.source);
  if (!remote) await preflightGguf(input.source);
  const info = await readInfo(input, remote, signal);
  const general = info.metadata?.general;
  const type = text(field(general, 'type'));
  const header = {
    source: input.source,
    name: general?.name ?? null,
    type,
    adapterType: text(field(info.metadata, 'adapter', 'type')),
    architecture: general?.architecture ?? null,
    license: general?.license ?? general?.['license.name'] ?? null,
    fileType: await fileTypeName(general?.file_type),
    experts: count(field(info.architectureMetadata, 'expert_count')),
    expertsUsed: count(field(info.architectureMetadata, 'expert_used_count')),
  };
  if (type === 'adapter') {
    const sizeBytes = remote ? await adapterTensorBytes(info, llama) : await localSize(input.source, info);
    return { ...header, ...adapterFigures(info), sizeBytes, fit: adapterFit(input, sizeBytes) };
  }

  const { GgufInsights } = await nodeLlamaCpp();
  const insights = await GgufInsights.from(info, llama);
  const fit = await insights.configurationResolver.resolveAndScoreConfig({ targetContextSize: input.contextSize });
  const context = insights.estimateContextResourceRequirements({
    contextSize: input.contextSize,
    modelGpuLayers: fit.resolvedValues.gpuLayers,
    sequences: input.sequences,
  });
  return {
    ...header,
    parameters: insights.totalParameters || null,
    // A remote split file's parts are not fetched whole, so there the size is what its tensors take.
    sizeBytes: remote ? insights.modelSize : await localSize(input.source, info),
    trainContextSize: insights.trainContextSize ?? null,
    embeddingSize: insights.embeddingVectorSize ?? null,
    layers: insights.totalLayers,
    hasChatTemplate: typeof info.metadata?.tokenizer?.chat_template === 'string',
    supportsRanking: insights.supportsRanking,
    fit: {
      contextSize: fit.resolvedValues.contextSize,
      sequences: input.sequences,
      gpuLayers: fit.resolvedValues.gpuLayers,
      compatibilityScore: fit.compatibilityScore,
      ramBytes: fit.resolvedValues.totalRamUsage,
      vramBytes: fit.resolvedValues.totalVramUsage,
      contextRamBytes: context.cpuRam,
      contextVramBytes: context.gpuVram,
    },
  };
}

async function readInfo(input: ParsedJobInput<'inspect'>, remote: boolean, signal: AbortSignal): Promise<GgufFileInfo> {
  const { readGgufFileInfo } = await nodeLlamaCpp();
  try {
    return await readGgufFileInfo(input.source, {
      sourceType: remote ? 'network' : 'filesystem',
      signal,
      readTensorInfo: true,
      logWarnings: false,
      ...(remote
        ? {
            fetchHeaders: input.headers ?? {},
            // With no token given, node-llama-cpp would retry a refused Hub request with HF_TOKEN or the token file
            // of the huggingface CLI; its own docs say null turns that off. Only the caller decides what is sent.
            tokens: { huggingFace: null as unknown as string },
          }
        : {}),
    });
  } catch (error) {
    // The message is node-llama-cpp's (a status line, a parse error): never the headers that were sent.
    throw new AppError('BAD_INPUT', `${input.source} cannot be read as GGUF: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * The bytes on disk: every part of a split GGUF together (readGgufFileInfo spliced `splicedParts` of them), so
 * speed estimates that divide by bandwidth see the whole model rather than its first part.
 */
async function localSize(path: string, info: GgufFileInfo): Promise<number> {
  const parts = info.splicedParts ?? 1;
  const m = SPLIT_PART.exec(path);
  if (parts <= 1 || !m) return (await stat(path)).size;
  const stem = path.slice(0, path.length - m[0].length);
  const sizes = await Promise.all(
    Array.from({ length: parts }, (_, i) => stat(`${stem}-${String(i + 1).padStart(5, '0')}-of-${m[2]}.gguf`).then((s) => s.size)),
  );
  return sizes.reduce((a, b) => a + b, 0);
}

/**
 * A remote adapter's size (a header read gives no file size): what its tensors take, as node-llama-cpp counts a
 * remote model's. Its insights are made for models; should they refuse an adapter, the last tensor's offset is a
 * lower bound that still says how large it is.
 */
async function adapterTensorBytes(info: GgufFileInfo, llama: Llama): Promise<number> {
  try {
    const { GgufInsights } = await nodeLlamaCpp();
    return (await GgufInsights.from(info, llama)).modelSize;
  } catch {
    const tensors = info.fullTensorInfo ?? info.tensorInfo ?? [];
    return tensors.reduce((end, t) => Math.max(end, Number(t.fileOffset)), info.infoEndOffset ?? 0);
  }
}

function adapterFigures(
  info: GgufFileInfo,
): Pick<Result, 'parameters' | 'trainContextSize' | 'embeddingSize' | 'layers' | 'hasChatTemplate' | 'supportsRanking'> {
  const tensors = info.fullTensorInfo ?? info.tensorInfo ?? [];
  const blocks = new Set<number>();
  let parameters = 0;
  for (const t of tensors) {
    parameters += t.dimensions.reduce<number>((n, d) => n * Number(d), 1);
    const m = BLOCK.exec(t.name);
    if (m) blocks.add(Number(m[1]));
  }
  return {
    parameters: parameters || null,
    trainContextSize: null,
    embeddingSize: null,
    layers: blocks.size,
    hasChatTemplate: false,
    supportsRanking: false,
  };
}

/** An adapter is applied inside its model's context: it adds its tensors to RAM and asks nothing of its own. */
function adapterFit(input: ParsedJobInput<'inspect'>, sizeBytes: number): Result['fit'] {
  return {
    contextSize: input.contextSize,
    sequences: input.sequences,
    gpuLayers: 0,
    compatibilityScore: 1,
    ramBytes: sizeBytes,
    vramBytes: 0,
    contextRamBytes: 0,
    contextVramBytes: 0,
  };
}

async function fileTypeName(fileType: number | undefined): Promise<string | null> {
  if (fileType === undefined) return null;
  const { GgufFileType } = await nodeLlamaCpp();
  return GgufFileType[fileType] ?? String(fileType);
}

/** A value inside parsed GGUF metadata, which is the file's say and typed only as far as node-llama-cpp knows it. */
function field(value: unknown, ...path: string[]): unknown {
  let at = value;
  for (const key of path) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const count = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null);
