import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
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
 * Verdicts by path, for the size and modification time they were reached at. Reading the header costs 10-14 ms
 * per load on the tiny models (bench/RESULTS.md), a fifth of a small model's switch: a switch back to a file
 * that has not changed skips it. Module-level because the inference process runs one engine.
 */
const verdicts = new Map<string, { size: string; mtimeMs: number; error: AppError | null }>();
const SPLIT = /^(.*)-(\d{5})-of-(\d{5})\.gguf$/i;
const MAX_VERDICTS = 256;

/** Forgets every cached verdict (the benchmark measures the uncached cost). */
export function clearPreflightCache(): void {
  verdicts.clear();
}

/**
 * Checks a GGUF file before llama.cpp sees it: the header parses, the keys whose absence makes llama.cpp
 * abort the process are there, and every tensor lies inside the file (readGgufFileInfo reads past the end
 * of a truncated file as zeros). It cannot rule out every native assert: loading still happens in the
 * inference process, whose crash the host survives.
 */
export async function preflightGguf(path: string): Promise<void> {
  const name = basename(path);
  const parts = splitParts(path);
  const sizes: number[] = [];
  let mtimeMs = 0;
  for (const [i, part] of parts.entries()) {
    try {
      const s = await stat(part);
      if (!s.isFile()) throw new Error('not a file');
      sizes.push(s.size);
      mtimeMs = Math.max(mtimeMs, s.mtimeMs);
    } catch {
      verdicts.delete(path);
      throw fail(
        name,
        parts.length > 1
          ? `part ${i + 1} of ${parts.length} (${basename(part)}) does not exist or cannot be read.`
          : 'the file does not exist or cannot be read.',
      );
    }
  }
  const size = sizes.join('+');
  const known = verdicts.get(path);
  if (known && known.size === size && known.mtimeMs === mtimeMs) {
    if (known.error) throw known.error;
    return;
  }
  let error: AppError | null = null;
  try {
    await checkGguf(path, name, parts, sizes);
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    error = e;
  }
  if (verdicts.size >= MAX_VERDICTS) verdicts.delete(verdicts.keys().next().value!);
  verdicts.set(path, { size, mtimeMs, error });
  if (error) throw error;
}

/** Every part of a split GGUF (`name-00001-of-00003.gguf`, llama.cpp's gguf-split naming), or the file alone. */
function splitParts(path: string): string[] {
  const m = SPLIT.exec(basename(path));
  if (!m || m[2] !== '00001') return [path];
  return Array.from({ length: Number(m[3]) }, (_, i) => join(dirname(path), `${m[1]}-${String(i + 1).padStart(5, '0')}-of-${m[3]}.gguf`));
}

async function checkGguf(path: string, name: string, parts: string[], sizes: number[]): Promise<void> {
  const { readGgufFileInfo } = await nodeLlamaCpp();
  let info: Awaited<ReturnType<typeof readGgufFileInfo>>;
  try {
    info = await readGgufFileInfo(path, { logWarnings: false, spliceSplitFiles: parts.length > 1 });
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
  if (dataStart > sizes[0]!)
    throw fail(name, `the file is truncated: its header alone needs ${dataStart} bytes but the file has ${sizes[0]}.`);
  // llama.cpp aborts on a tensor name seen twice, which parts of two different splits put together would give.
  const seen = new Set<string>();
  for (const t of info.fullTensorInfo ?? info.tensorInfo ?? []) {
    if (seen.has(t.name)) throw fail(name, `the tensor "${t.name}" appears twice: its parts do not belong together.`);
    seen.add(t.name);
    const part = parts.length > 1 ? t.filePart : 1;
    const size = sizes[part - 1] ?? 0;
    const start = Number(t.fileOffset);
    const typeSize = TYPE_SIZES[t.ggmlType];
    const elements = t.dimensions.reduce<number>((n, d) => n * Number(d), 1);
    const bytes = typeSize ? Math.ceil(elements / typeSize[0]) * typeSize[1] : 0;
    if (start + bytes > size) {
      const [where, it] = parts.length > 1 ? [`part ${part} (${basename(parts[part - 1]!)})`, 'that part'] : ['the file', 'the file'];
      throw fail(
        name,
        `${where} is truncated: tensor "${t.name}" ends at byte ${start + bytes} but ${it} has only ${size} bytes. ` + 'Download it again.',
      );
    }
  }
}
