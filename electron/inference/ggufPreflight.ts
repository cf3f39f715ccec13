import { stat } from 'node:fs/promises';
import { nodeLlamaCpp } from './nodeLlamaCpp';
import { AppError } from '../../shared/errors';

/** [elements per block, bytes per block] of the ggml types GGUF files use, by type id. */
const TYPE_SIZES: Record<number, [number, number]> = {
  0: [1, 4],
  1: [1, 2],
  2: [32, 18],
  3: [32, 20],
  6: [32, 22],
  7: [32, 24],
  8: [32, 34],
  9: [32, 36],
  10: [256, 84],
  11: [256, 110],
  12: [256, 144],
  13: [256, 176],
  14: [256, 210],
  15: [256, 292],
  16: [256, 66],
  17: [256, 74],
  18: [256, 98],
  19: [256, 50],
  20: [32, 18],
  21: [256, 110],
  22: [256, 82],
  23: [256, 136],
  24: [1, 1],
  25: [1, 2],
  26: [1, 4],
  27: [1, 8],
  28: [1, 8],
  29: [256, 56],
  30: [1, 2],
  34: [256, 54],
  35: [256, 66],
  39: [32, 17],
};

const fail = (file: string, why: string): AppError => new AppError('MODEL_LOAD_FAILED', `${file} cannot be loaded: ${why}`);

/**
 * Checks a GGUF file before llama.cpp sees it: the header parses, the keys whose absence makes llama.cpp
 * abort the process are there, and every tensor lies inside the file (readGgufFileInfo reads past the end
 * of a truncated file as zeros). It cannot rule out every native assert: loading still happens in the
 * inference process, whose crash the host survives.
 */
export async function preflightGguf(path: string): Promise<void> {
  const name = path.split(/[\\/]/).pop() ?? path;
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new Error('not a file');
    size = s.size;
  } catch {
    throw fail(name, 'the file does not exist or cannot be read.');
  }
  const { readGgufFileInfo } = await nodeLlamaCpp();
  let info: Awaited<ReturnType<typeof readGgufFileInfo>>;
  try {
    info = await readGgufFileInfo(path, { logWarnings: false, spliceSplitFiles: false });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw fail(name, `it is not a readable GGUF model (${detail}).`);
  }
  const arch = info.metadata?.general?.architecture;
  if (!arch) throw fail(name, 'the GGUF metadata has no general.architecture.');
  const archMeta = info.architectureMetadata as Record<string, unknown> & { attention?: Record<string, unknown> };
  // Transformer families abort inside llama.cpp without these; other families (mamba, rwkv) lack them legitimately.
  if (archMeta.attention != null || archMeta.feed_forward_length != null) {
    const heads = archMeta.attention?.head_count;
    if (heads == null || heads === 0 || (Array.isArray(heads) && heads.length === 0)) {
      throw fail(name, `the metadata key ${arch}.attention.head_count is missing or zero.`);
    }
    if (archMeta.feed_forward_length == null) throw fail(name, `the metadata key ${arch}.feed_forward_length is missing.`);
  }
  const dataStart = info.infoEndOffset ?? 0;
  if (dataStart > size) throw fail(name, `the file is truncated: its header alone needs ${dataStart} bytes but the file has ${size}.`);
  for (const t of info.tensorInfo ?? []) {
    const start = Number(t.fileOffset);
    const typeSize = TYPE_SIZES[t.ggmlType];
    const elements = t.dimensions.reduce<number>((n, d) => n * Number(d), 1);
    const bytes = typeSize ? Math.ceil(elements / typeSize[0]) * typeSize[1] : 0;
    if (start + bytes > size) {
      throw fail(
        name,
        `the file is truncated: tensor "${t.name}" ends at byte ${start + bytes} but the file has only ${size} bytes. ` +
          'Download it again.',
      );
    }
  }
}
