/** A file in a Hub repository's tree, as the Hub client parsed it. */
export interface TreeFile {
  path: string;
  sizeBytes: number;
  /** The LFS SHA-256 (lower-case hex), or null for a file kept in git itself. */
  sha256: string | null;
}

/** One quantization: a whole GGUF, or every part of a split one in order. */
export interface GgufGroup {
  /** The first part's path. */
  path: string;
  parts: TreeFile[];
  sizeBytes: number;
}

/** llama.cpp's `gguf-split` naming: `name-00001-of-00003.gguf`. */
const SPLIT = /^(.*)-(\d{5})-of-(\d{5})\.gguf$/i;

/** A vision projector (mmproj) is loaded beside a model, never on its own, so it is not a quantization to offer. */
export function isProjector(path: string): boolean {
  return /(^|[/_.-])mmproj/i.test(path);
}

export function isGguf(path: string): boolean {
  return path.toLowerCase().endsWith('.gguf');
}

/**
 * The repository's quantizations: GGUF files other than projectors, the parts of each split file grouped in order.
 * A split file with a part missing (or numbered inconsistently) is left out: it could never be loaded.
 */
export function groupGgufFiles(files: readonly TreeFile[]): GgufGroup[] {
  const whole: GgufGroup[] = [];
  const splits = new Map<string, { total: number; parts: Map<number, TreeFile>; broken: boolean }>();
  for (const f of files) {
    if (!isGguf(f.path) || isProjector(f.path)) continue;
    const m = SPLIT.exec(f.path);
    if (!m) {
      whole.push({ path: f.path, parts: [f], sizeBytes: f.sizeBytes });
      continue;
    }
    const [, stem = '', index = '', total = ''] = m;
    const group = splits.get(stem) ?? { total: Number(total), parts: new Map(), broken: false };
    if (group.total !== Number(total) || Number(index) < 1 || Number(index) > group.total) group.broken = true;
    group.parts.set(Number(index), f);
    splits.set(stem, group);
  }
  for (const g of splits.values()) {
    if (g.broken || g.parts.size !== g.total) continue;
    const parts = [...g.parts.entries()].sort((a, b) => a[0] - b[0]).map(([, f]) => f);
    const first = parts[0];
    if (!first) continue;
    whole.push({ path: first.path, parts, sizeBytes: parts.reduce((n, p) => n + p.sizeBytes, 0) });
  }
  return whole.sort((a, b) => a.sizeBytes - b.sizeBytes || a.path.localeCompare(b.path));
}

/** Why `path` is not a quantization in `files`, or null when it is one (its first part, for a split file). */
export function whyNotQuantization(path: string, files: readonly TreeFile[], groups: readonly GgufGroup[]): string | null {
  if (!isGguf(path)) return `${path} is not a GGUF file.`;
  if (isProjector(path)) return `${path} is a vision projector, which is loaded beside a model, not on its own.`;
  if (!files.some((f) => f.path === path)) return `${path} is not in the repository at this revision.`;
  if (groups.some((g) => g.path === path)) return null;
  const m = SPLIT.exec(path);
  if (m && Number(m[2]) !== 1) return `${path} is one part of a split file: ask for its first part.`;
  return `${path} is a split file with a part missing from the repository.`;
}
