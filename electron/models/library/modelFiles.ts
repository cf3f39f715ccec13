import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, relative, sep } from 'node:path';

/** A model on disk: one GGUF file, or the parts of a split one (`name-00001-of-00003.gguf`, llama.cpp's gguf-split). */
export interface ModelFiles {
  /** The model's path: the file, or the first part of a split GGUF (listed even when that part is missing). */
  path: string;
  /** Every part's path, in order; one entry for a whole file. */
  parts: string[];
}

/** What is on disk of a model's files now. */
export interface PartsOnDisk {
  /** All present parts together. */
  size: number;
  /** The newest modification time among the parts: a part replaced later changes the model. */
  mtimeMs: number;
  /** Parts that are not there (or not files). */
  missing: string[];
}

const SPLIT = /^(.*)-(\d{5})-of-(\d{5})\.gguf$/i;
/** Downloads land in `<modelsDir>/<owner>/<repo>/<file>`, and a Hub file may sit in a folder of its repository. */
export const SCAN_DEPTH = 4;

export const isGguf = (name: string): boolean => extname(name).toLowerCase() === '.gguf';

const pad = (n: number): string => String(n).padStart(5, '0');

/** The parts of the model a path belongs to: itself, or every part of the split file it is a part of. */
export function modelFilesOf(path: string): ModelFiles {
  const m = SPLIT.exec(basename(path));
  const count = m ? Number(m[3]) : 0;
  if (!m || count < 1) return { path, parts: [path] };
  const parts = Array.from({ length: count }, (_, i) => join(dirname(path), `${m[1]}-${pad(i + 1)}-of-${m[3]}.gguf`));
  return { path: parts[0]!, parts };
}

/**
 * The models in a folder, `depth` folders deep (the folder itself is 1). Split files are one model; hidden files
 * and folders, and anything not ending in `.gguf` (a download's `.part` file), are left out. Symbolic links to
 * files count; links to folders are not followed, so a link loop cannot hold the scan.
 */
export async function scanModelsFolder(dir: string, depth = SCAN_DEPTH): Promise<ModelFiles[]> {
  const found = new Map<string, ModelFiles>();
  const walk = async (folder: string, left: number): Promise<void> => {
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const full = join(folder, e.name);
      if (e.isDirectory()) {
        if (left > 1) await walk(full, left - 1);
        continue;
      }
      if (!isGguf(e.name)) continue;
      if (e.isSymbolicLink() && !(await isFile(full))) continue;
      if (!e.isFile() && !e.isSymbolicLink()) continue;
      const files = modelFilesOf(full);
      if (!found.has(files.path)) found.set(files.path, files);
    }
  };
  await walk(dir, depth);
  return [...found.values()];
}

/**
 * Whether the scan of `dir` would list `path` as a model, found without scanning (a switch should not cost a walk
 * of the whole folder): at most SCAN_DEPTH folders deep, no hidden file or folder on the way, a `.gguf` that is a
 * model's path (a split file's first part), reached through real folders (the scan follows no folder links, so
 * neither does this: a link must not let a delete reach outside the folder), with at least one part present.
 */
export async function folderLists(dir: string, path: string): Promise<boolean> {
  const rel = relative(dir, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return false;
  const segments = rel.split(sep);
  if (segments.length > SCAN_DEPTH || segments.some((s) => s.startsWith('.')) || !isGguf(path)) return false;
  const files = modelFilesOf(path);
  if (files.path !== path) return false;
  try {
    const [realDir, realParent] = await Promise.all([realpath(dir), realpath(dirname(path))]);
    if (realParent !== join(realDir, ...segments.slice(0, -1))) return false;
  } catch {
    return false;
  }
  return (await partsOnDisk(files)).missing.length < files.parts.length;
}

/** Sizes, times and missing parts, read now. */
export async function partsOnDisk(files: ModelFiles): Promise<PartsOnDisk> {
  let size = 0;
  let mtimeMs = 0;
  const missing: string[] = [];
  for (const part of files.parts) {
    try {
      const s = await stat(part);
      if (!s.isFile()) throw new Error('not a file');
      size += s.size;
      mtimeMs = Math.max(mtimeMs, s.mtimeMs);
    } catch {
      missing.push(part);
    }
  }
  return { size, mtimeMs, missing };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
