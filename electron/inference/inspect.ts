import { stat } from 'node:fs/promises';
import type { Llama } from 'node-llama-cpp';
import { AppError } from '../../shared/errors';
import { preflightGguf } from './ggufPreflight';
import { nodeLlamaCpp } from './nodeLlamaCpp';
import type { JobResult, ParsedJobInput } from './protocol';

const isUrl = (s: string): boolean => /^https?:\/\//i.test(s);

/**
 * A GGUF file's metadata and node-llama-cpp's own view of how it fits this machine at a context size, from a
 * local path or from a URL (only the header is read, with Range requests). Nothing is loaded.
 */
export async function inspectGguf(llama: Llama, input: ParsedJobInput<'inspect'>, signal: AbortSignal): Promise<JobResult<'inspect'>> {
  const { readGgufFileInfo, GgufInsights, GgufFileType } = await nodeLlamaCpp();
  const remote = isUrl(input.source);
  if (!remote) await preflightGguf(input.source);
  let info;
  try {
    info = await readGgufFileInfo(input.source, {
      sourceType: remote ? 'network' : 'filesystem',
      signal,
      readTensorInfo: true,
      logWarnings: false,
    });
  } catch (error) {
    throw new AppError('BAD_INPUT', `${input.source} cannot be read as GGUF: ${error instanceof Error ? error.message : String(error)}`);
  }
  const insights = await GgufInsights.from(info, llama);
  const general = info.metadata?.general;
  const fileType = general?.file_type;
  const fit = await insights.configurationResolver.resolveAndScoreConfig({ targetContextSize: input.contextSize });
  const context = insights.estimateContextResourceRequirements({
    contextSize: input.contextSize,
    modelGpuLayers: fit.resolvedValues.gpuLayers,
    sequences: input.sequences,
  });
  const sizeBytes = remote ? insights.modelSize : (await stat(input.source)).size;
  return {
    source: input.source,
    name: general?.name ?? null,
    architecture: general?.architecture ?? null,
    parameters: insights.totalParameters || null,
    fileType: fileType === undefined ? null : (GgufFileType[fileType] ?? String(fileType)),
    sizeBytes,
    trainContextSize: insights.trainContextSize ?? null,
    embeddingSize: insights.embeddingVectorSize ?? null,
    layers: insights.totalLayers,
    license: general?.license ?? general?.['license.name'] ?? null,
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
